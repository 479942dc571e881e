//! A strict RFC 8259 parser into the lossless [`Value`] tree.
//!
//! Strict where the format needs it: duplicate keys, invalid UTF-8, lone
//! surrogates, trailing data and nesting deeper than [`MAX_NESTING`] are
//! errors with a line and column. A leading UTF-8 byte order mark is skipped
//! (RFC 8259 §8.1 lets a parser ignore it; old Notepad writes one), and
//! spans still count from the first byte, so edits keep it. Recursion is
//! bounded by [`MAX_NESTING`], so hostile input cannot overflow the stack.

use super::{Number, Object, Value};
use std::borrow::Cow;
use std::fmt;

/// The UTF-8 encoding of U+FEFF, which some editors put before a document.
pub(crate) const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Where the document starts: past a leading byte order mark.
pub(crate) fn document_start(bytes: &[u8]) -> usize {
    if bytes.starts_with(BYTE_ORDER_MARK) { BYTE_ORDER_MARK.len() } else { 0 }
}

/// Deepest nesting of arrays and objects accepted (`serde_json`'s default).
pub const MAX_NESTING: usize = 128;

/// Objects with more keys than this check duplicates with a hash set.
pub(super) const LINEAR_DUPLICATE_SCAN: usize = 16;

/// Where and why a document failed to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The parser broke one of its own invariants: a bug, not bad input.
    pub internal: bool,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.line, self.column)
    }
}

impl std::error::Error for SyntaxError {}

/// Line and column (1-based, column in characters) of byte `offset`.
#[allow(clippy::naive_bytecount, reason = "runs only when reporting an error")]
pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let mut tail = before.rsplit(|&b| b == b'\n').next().unwrap_or(before);
    if line == 1 {
        // Editors do not show a byte order mark, so it takes no column.
        tail = tail.strip_prefix(BYTE_ORDER_MARK).unwrap_or(tail);
    }
    // Count characters, not bytes: continuation bytes do not start one.
    let column = 1 + tail.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
    (line, column)
}

/// Parses one JSON document.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, SyntaxError> {
    let mut parser = Parser::new(bytes)?;
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < bytes.len() {
        return Err(parser.error("trailing characters after the JSON document"));
    }
    Ok(value)
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathSegment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// Byte offset of the value at `path` in a document that parses, found
/// through the spans of the one parse (for locating a type error).
pub(crate) fn locate(bytes: &[u8], path: &[PathSegment]) -> Option<usize> {
    let (root, root_span) = parse_spanned(bytes).ok()?;
    let (mut value, mut span) = (&root, &root_span);
    for segment in path {
        let (index, child) = match (segment, value) {
            (PathSegment::Key(key), Value::Object(object)) => {
                object.iter().enumerate().find(|(_, (k, _))| k == key).map(|(i, (_, child))| (i, child))?
            }
            (PathSegment::Index(index), Value::Array(items)) => (*index, items.get(*index)?),
            _ => return None,
        };
        value = child;
        span = &span.items.get(index)?.value;
    }
    Some(span.start)
}

/// Where a value lies in the text it was parsed from, with the spans of
/// its members or elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    /// The value's bytes, from its first to one past its last byte.
    pub start: usize,
    pub end: usize,
    /// Object members (each from the start of its key) or array elements.
    pub items: Vec<Item>,
}

/// One member or element of a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// Where the item begins: its key for a member, its value for an element.
    pub start: usize,
    pub value: Span,
}

/// Parses a document and records where every value lies, in one pass.
pub(crate) fn parse_spanned(bytes: &[u8]) -> Result<(Value, Span), SyntaxError> {
    let mut parser = Parser::new(bytes)?;
    let parsed = parser.spanned(0)?;
    parser.skip_whitespace();
    if parser.pos < bytes.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok(parsed)
}

/// Length of the JSON number at the start of `bytes`, if one is there.
pub(crate) fn number_len(bytes: &[u8]) -> Option<usize> {
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = 0;
    if bytes.first() == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while digit(i) {
                i += 1;
            }
        }
        _ => return None,
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digit(i) {
            return None;
        }
        while digit(i) {
            i += 1;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return None;
        }
        while digit(i) {
            i += 1;
        }
    }
    Some(i)
}

/// Position of the first `"`, `\` or control character. Scripts are long
/// strings, so eight bytes are tested at a time with word arithmetic: a
/// byte equal to `"` or `\` or below 0x20 sets its high bit in `flags`. The
/// lowest flagged byte is always a true match (borrows only run upwards).
fn find_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
    let (chunks, remainder) = bytes.as_chunks::<8>();
    let mut offset = 0;
    for chunk in chunks {
        let word = u64::from_le_bytes(*chunk);
        let flags = zero_byte(word ^ (ONES * u64::from(b'"')))
            | zero_byte(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        if flags != 0 {
            return Some(offset + (flags.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    remainder.iter().position(|&b| special(b)).map(|i| offset + i)
}

pub(super) struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Result<Self, SyntaxError> {
        let at = |offset: usize, message: &str| {
            let (line, column) = line_column(bytes, offset);
            SyntaxError { offset, line, column, message: message.to_owned(), internal: false }
        };
        let start = document_start(bytes);
        // An empty file is a file problem (a failed save, a truncated copy), not a JSON one.
        if bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes).iter().all(u8::is_ascii_whitespace) {
            let what = if bytes.is_empty() {
                "the file is empty (0 bytes)".to_owned()
            } else {
                format!("the file holds only whitespace ({} bytes)", bytes.len())
            };
            return Err(at(0, &format!("{what}: no JSON document; export it again, or remove it")));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| at(e.valid_up_to(), "invalid UTF-8"))?;
        Ok(Self { text, bytes, pos: start })
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        let (line, column) = line_column(self.bytes, offset);
        SyntaxError { offset, line, column, message: message.into(), internal: false }
    }

    /// The bytes from `pos` on. `pos` only advances past bytes it has seen,
    /// so it never passes the end; if it did, that is a bug to report.
    fn rest(&self) -> Result<&'a [u8], SyntaxError> {
        self.bytes.get(self.pos..).ok_or_else(|| self.internal("the parser ran past the end"))
    }

    /// The `len` bytes of text from `pos`. Scans stop only at ASCII bytes, so
    /// both ends are character boundaries; if not, that is a bug to report.
    fn text_run(&self, len: usize) -> Result<&'a str, SyntaxError> {
        self.text.get(self.pos..self.pos + len).ok_or_else(|| self.internal("a scan stopped inside a character"))
    }

    fn internal(&self, what: &str) -> SyntaxError {
        SyntaxError { internal: true, ..self.error(what) }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, literal: &str, value: Value) -> Result<Value, SyntaxError> {
        let end = self.pos + literal.len();
        if self.bytes.get(self.pos..end) == Some(literal.as_bytes()) {
            self.pos = end;
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    pub(super) fn value(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.expect_literal("true", Value::Bool(true)),
            Some(b'f') => self.expect_literal("false", Value::Bool(false)),
            Some(b'n') => self.expect_literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(_) => Err(self.error("expected a JSON value")),
        }
    }

    /// Consumes the `,` at the cursor; a `}` or `]` right after it is an
    /// error at the comma, which is the mistake (JSON has no trailing commas).
    fn comma(&mut self, close: u8) -> Result<(), SyntaxError> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(close) {
            return Err(self.error_at(comma, format!("trailing comma before `{}`: remove it", char::from(close))));
        }
        Ok(())
    }

    pub(super) fn enter(&self, depth: usize) -> Result<(), SyntaxError> {
        if depth > MAX_NESTING { Err(self.error(format!("nesting deeper than {MAX_NESTING} levels"))) } else { Ok(()) }
    }

    pub(super) fn number(&mut self) -> Result<Number, SyntaxError> {
        let rest = self.rest()?;
        let len = number_len(rest).ok_or_else(|| self.error("invalid number"))?;
        if rest.get(len).is_some_and(u8::is_ascii_digit) {
            return Err(self.error("invalid number (leading zeros are not allowed)"));
        }
        let text = self.text_run(len)?;
        self.pos += len;
        Ok(Number::from_text_unchecked(text))
    }

    /// Parses a string starting at the opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.string_cow().map(Cow::into_owned)
    }

    /// Parses a string starting at the opening quote; one without escapes
    /// (keys, names, most values) is borrowed from the text.
    pub(super) fn string_cow(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.pos += 1; // opening quote
        let rest = self.rest()?;
        // Runs up to the next quote, backslash or control character.
        let mut run = find_special(rest);
        if let Some(length) = run
            && rest.get(length) == Some(&b'"')
        {
            let text = self.text_run(length)?;
            self.pos += length + 1;
            return Ok(Cow::Borrowed(text));
        }
        // The next quote bounds the string unless it is escaped: a capacity
        // hint that spares long script contents repeated reallocation. At
        // least 64 bytes: short JSON inside a string (`lineageInfo`) has an
        // escaped quote near its start.
        let mut out = String::with_capacity(memchr::memchr(b'"', rest).unwrap_or(0).max(64));
        loop {
            let Some(length) = run else {
                return Err(self.error_at(self.bytes.len(), "EOF while parsing a string"));
            };
            out.push_str(self.text_run(length)?);
            self.pos += length;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.escape(&mut out)?,
                _ => return Err(self.error("control character in a string (escape it)")),
            }
            run = find_special(self.rest()?);
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let escape_start = self.pos;
        self.pos += 1;
        let Some(code) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let decoded = match code {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape(escape_start)?,
            _ => return Err(self.error_at(escape_start, "invalid escape")),
        };
        out.push(decoded);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let value = digits
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.error("invalid \\u escape (expected 4 hex digits)"))?;
        self.pos += 4;
        Ok(value)
    }

    fn unicode_escape(&mut self, escape_start: usize) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error_at(escape_start, "lone leading surrogate in \\u escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error_at(escape_start, "invalid surrogate pair in \\u escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error_at(escape_start, "lone trailing surrogate in \\u escape")),
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.error_at(escape_start, "invalid \\u escape"))
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b']')?,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.error("EOF while parsing an array")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn key(&mut self) -> Result<String, SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'"') => self.string(),
            None => Err(self.error("EOF while parsing an object")),
            Some(_) => Err(self.error("expected a key in double quotes")),
        }
    }

    fn colon(&mut self) -> Result<(), SyntaxError> {
        self.skip_whitespace();
        if self.peek() == Some(b':') {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error("expected `:`"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut object = Object::with_capacity(8);
        let mut seen: Option<std::collections::HashSet<String>> = None;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(object));
        }
        loop {
            self.skip_whitespace();
            let key_start = self.pos;
            let key = self.key()?;
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => object.contains_key(&key),
            };
            if duplicate {
                return Err(self.error_at(key_start, format!("duplicate key `{key}`")));
            }
            self.colon()?;
            let value = self.value(depth)?;
            object.push_unique(key, value);
            if seen.is_none() && object.len() > LINEAR_DUPLICATE_SCAN {
                seen = Some(object.keys().map(str::to_owned).collect());
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b'}')?,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(object));
                }
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// A value and its span. Containers are walked here, leaves parsed by
    /// [`Parser::value`]; the members are checked as [`Parser::object`] checks them.
    fn spanned(&mut self, depth: usize) -> Result<(Value, Span), SyntaxError> {
        self.skip_whitespace();
        let start = self.pos;
        let open = self.peek();
        if !matches!(open, Some(b'{' | b'[')) {
            let value = self.value(depth)?;
            return Ok((value, Span { start, end: self.pos, items: Vec::new() }));
        }
        self.enter(depth + 1)?;
        self.pos += 1;
        let is_object = open == Some(b'{');
        let close = if is_object { b'}' } else { b']' };
        let (mut object, mut array, mut items) = (Object::new(), Vec::new(), Vec::new());
        self.skip_whitespace();
        if self.peek() == Some(close) {
            self.pos += 1;
        } else {
            loop {
                self.skip_whitespace();
                let item_start = self.pos;
                if is_object {
                    let key = self.key()?;
                    if object.contains_key(&key) {
                        return Err(self.error_at(item_start, format!("duplicate key `{key}`")));
                    }
                    self.colon()?;
                    let (value, span) = self.spanned(depth + 1)?;
                    object.push_unique(key, value);
                    items.push(Item { start: item_start, value: span });
                } else {
                    let (value, span) = self.spanned(depth + 1)?;
                    array.push(value);
                    items.push(Item { start: item_start, value: span });
                }
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.comma(close)?,
                    Some(c) if c == close => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(self.error("EOF while parsing a container")),
                    Some(_) => return Err(self.error("expected `,` or the end of the container")),
                }
            }
        }
        let value = if is_object { Value::Object(object) } else { Value::Array(array) };
        Ok((value, Span { start, end: self.pos, items }))
    }
}

#[cfg(test)]
mod tests {
    use super::find_special;

    #[test]
    fn find_special_matches_a_byte_by_byte_scan() {
        let naive = |bytes: &[u8]| bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        for byte in 0..=u8::MAX {
            for len in 0..20 {
                for at in 0..len {
                    // Fillers around the probe, including bytes that trip the word trick's borrows.
                    for filler in [b'a', 0x80, 0xff, 0x21, b'"' + 1, b'\\' - 1] {
                        let mut bytes = vec![filler; len];
                        bytes[at] = byte;
                        assert_eq!(find_special(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
    }
}

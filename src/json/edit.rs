//! Format-preserving rewrites: the original text with only the changed
//! values replaced, as `toml_edit` edits TOML.
//!
//! The old and new values are compared as trees. Equal subtrees keep their
//! bytes; a changed scalar is replaced where it stands; members and elements
//! that appear or disappear are inserted or removed with their separator and
//! line, in the style of their siblings (indentation unit and width, line
//! endings, one-line containers, `": "` or `":"`, `\uXXXX` for non-ASCII).
//! A container whose kept members change order is rewritten whole, in the
//! same style.

use super::parse::{Span, parse_spanned};
use super::{Object, Value};
use std::fmt::Write as _;
use std::ops::Range;

/// How a file writes its JSON, read off its text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Style {
    /// One level of indentation (`"  "`, `"    "`, `"\t"`).
    unit: String,
    /// `"\n"` or `"\r\n"`.
    newline: &'static str,
    /// `": "` or `":"` after a key.
    colon: &'static str,
    /// What follows a comma in a one-line container (`" "` or nothing).
    inline_gap: &'static str,
    /// Non-ASCII text written as `\uXXXX`.
    ascii: bool,
}

impl Style {
    fn of(text: &str) -> Self {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let unit = text
            .lines()
            .map(|line| &line[..line.len() - line.trim_start_matches([' ', '\t']).len()])
            .find(|indent| !indent.is_empty())
            .unwrap_or("  ")
            .to_owned();
        let colon = if text.contains("\": ") || !text.contains("\":") { ": " } else { ":" };
        // With no comma to go by, a spaced colon suggests a spaced comma.
        let spaced_comma = text.contains(", \"") || text.contains(", {") || text.contains(", [");
        let inline_gap = if spaced_comma || (!text.contains(',') && colon == ": ") { " " } else { "" };
        let ascii = text.is_ascii() && text.contains("\\u") && has_non_ascii_escape(text);
        Self { unit, newline, colon, inline_gap, ascii }
    }
}

/// A `\uXXXX` escape of a character beyond ASCII somewhere in `text`.
fn has_non_ascii_escape(text: &str) -> bool {
    text.match_indices("\\u").any(|(at, _)| {
        let hex = text.get(at + 2..at + 6).and_then(|h| u32::from_str_radix(h, 16).ok());
        // An escaped backslash before `u` is no escape; rare enough to accept either way.
        hex.is_some_and(|code| code >= 0x80)
    })
}

/// One replacement: bytes `range` of the original become `text`.
struct Splice {
    range: Range<usize>,
    text: String,
}

/// What [`rewrite`] made of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rewrite {
    /// The text already holds the new value.
    Unchanged,
    /// The text with only the changed values replaced.
    Edited(Vec<u8>),
}

/// `original` rewritten to hold `new`: only changed values' bytes differ.
/// `None` when the original does not parse, or when the result would not
/// parse to `new` (the caller then writes the canonical form).
pub(crate) fn rewrite(original: &[u8], new: &Value) -> Option<Rewrite> {
    let text = std::str::from_utf8(original).ok()?;
    let (old, span) = parse_spanned(original).ok()?;
    if &old == new {
        return Some(Rewrite::Unchanged);
    }
    let mut editor = Editor { text, style: Style::of(text), splices: Vec::new(), lost_track: false.into() };
    editor.value(&old, new, &span);
    if editor.lost_track.get() {
        return None;
    }
    let mut splices = editor.splices;
    splices.sort_by_key(|splice| (splice.range.start, splice.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for splice in &splices {
        out.push_str(text.get(at..splice.range.start)?);
        out.push_str(&splice.text);
        at = splice.range.end;
    }
    out.push_str(text.get(at..)?);
    // Never a wrong file: what is written must read back as the new value.
    let reparsed = super::parse::parse(out.as_bytes()).ok()?;
    (reparsed == *new).then(|| Rewrite::Edited(out.into_bytes()))
}

/// `original` with the string at each RFC 6901 pointer replaced by a new
/// string, in the file's style (`\uXXXX` for non-ASCII where the file does
/// so): the edit a rename makes, found by scanning rather than parsing.
/// `None` when a pointer does not lead to a string, or two overlap.
///
/// `original` must be a JSON text the parser accepted: the scan skips
/// values without checking them.
pub(crate) fn replace_strings(original: &[u8], replacements: &[(&str, &str)]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(original).ok()?;
    let ascii = text.is_ascii() && text.contains("\\u") && has_non_ascii_escape(text);
    let mut splices = Vec::with_capacity(replacements.len());
    let mut found = Found::default();
    for (pointer, new) in replacements {
        let range = Scanner::new(original).locate_from(pointer, &mut found)?;
        if original.get(range.start) != Some(&b'"') {
            return None;
        }
        let mut quoted = String::with_capacity(new.len() + 2);
        write_string(&mut quoted, new, ascii);
        splices.push(Splice { range, text: quoted });
    }
    splices.sort_by_key(|splice| splice.range.start);
    let mut out = Vec::with_capacity(original.len() + 64);
    let mut at = 0;
    for splice in &splices {
        out.extend_from_slice(original.get(at..splice.range.start)?);
        out.extend_from_slice(splice.text.as_bytes());
        at = splice.range.end;
    }
    out.extend_from_slice(original.get(at..)?);
    Some(out)
}

/// The 1-based line and column of the value at an RFC 6901 `pointer` in
/// `text` (valid JSON), or of the nearest enclosing value that exists (a
/// missing member points at its object).
pub(crate) fn pointer_position(text: &[u8], pointer: &str) -> Option<(usize, usize)> {
    let mut pointer = pointer;
    loop {
        if let Some(range) = Scanner::new(text).locate(pointer) {
            return Some(super::parse::line_column(text, range.start));
        }
        pointer = pointer.rsplit_once('/')?.0;
    }
}

/// Where [`Scanner::locate_from`] found values in one document: each
/// pointer prefix's value, and each array's furthest element reached.
#[derive(Default)]
struct Found {
    values: std::collections::HashMap<String, usize>,
    furthest: std::collections::HashMap<String, (usize, usize)>,
}

/// The members of the object that `text` is, in order: each key (decoded)
/// and its value's bytes, found by scanning, the values not checked. For a
/// comparison of two documents, whose byte-identical members need no
/// parsing. `None` when `text` is not an object the scan can follow to its
/// end, a value is empty, or a key repeats (the parser reports those).
pub(crate) fn members(text: &[u8]) -> Option<Vec<(std::borrow::Cow<'_, str>, &[u8])>> {
    let mut scanner = Scanner::new(text);
    scanner.eat(b'{')?;
    let mut members = Vec::new();
    scanner.whitespace();
    if scanner.peek()? == b'}' {
        scanner.at += 1;
    } else {
        loop {
            scanner.whitespace();
            let key = scanner.key()?;
            scanner.eat(b':')?;
            scanner.whitespace();
            let start = scanner.at;
            scanner.skip_value()?;
            let value = text.get(start..scanner.at).filter(|value| !value.is_empty())?;
            members.push((key, value));
            scanner.whitespace();
            match scanner.peek()? {
                b',' => scanner.at += 1,
                b'}' => {
                    scanner.at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    scanner.whitespace();
    let mut keys: Vec<&str> = members.iter().map(|(key, _)| key.as_ref()).collect();
    keys.sort_unstable();
    let repeats = keys.windows(2).any(|pair| matches!(pair, [a, b] if a == b));
    (scanner.at == text.len() && !repeats).then_some(members)
}

/// Finds a value's bytes in valid JSON, skipping what it passes over.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of the document, past a byte order mark.
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: super::parse::document_start(bytes) }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.whitespace();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// The byte range of the value at `pointer`.
    fn locate(&mut self, pointer: &str) -> Option<Range<usize>> {
        self.locate_from(pointer, &mut Found::default())
    }

    /// [`Scanner::locate`], starting from the deepest value on the way
    /// that an earlier call found (kept in `found`): several pointers into
    /// one document then cost about one pass over it, not one each.
    fn locate_from(&mut self, pointer: &str, found: &mut Found) -> Option<Range<usize>> {
        // The longest prefix of `pointer` (at a `/`) whose value was found before.
        let known = (pointer.rmatch_indices('/').map(|(at, _)| at))
            .find_map(|end| Some((end, *found.values.get(pointer.get(..end)?)?)));
        let mut end = if let Some((end, at)) = known {
            self.at = at;
            end
        } else {
            self.whitespace();
            0
        };
        let rest = pointer.get(end..)?;
        for raw in rest.split('/').skip(1) {
            let parent = pointer.get(..end)?;
            end += 1 + raw.len();
            let segment = raw.replace("~1", "/").replace("~0", "~");
            match self.peek()? {
                b'{' => {
                    self.at += 1;
                    loop {
                        self.whitespace();
                        let key = self.key()?;
                        self.eat(b':')?;
                        self.whitespace();
                        if key == segment {
                            break;
                        }
                        self.skip_value()?;
                        self.eat(b',')?;
                    }
                }
                b'[' => {
                    let index = segment.parse::<usize>().ok()?;
                    // Elements are often asked for in order: go on from the furthest one found.
                    let from = match found.furthest.get(parent) {
                        Some(&(reached, at)) if reached <= index => {
                            self.at = at;
                            reached
                        }
                        _ => {
                            self.at += 1;
                            self.whitespace();
                            0
                        }
                    };
                    for _ in from..index {
                        self.skip_value()?;
                        self.eat(b',')?;
                        self.whitespace();
                    }
                    found.furthest.insert(parent.to_owned(), (index, self.at));
                }
                _ => return None,
            }
            found.values.insert(pointer.get(..end)?.to_owned(), self.at);
        }
        let start = self.at;
        self.skip_value()?;
        Some(start..self.at)
    }

    /// A member's key, decoded.
    fn key(&mut self) -> Option<std::borrow::Cow<'a, str>> {
        let start = self.at;
        self.skip_string()?;
        let bytes: &'a [u8] = self.bytes;
        let raw = bytes.get(start..self.at)?;
        let inner = raw.get(1..raw.len() - 1)?;
        if inner.contains(&b'\\') {
            match super::parse::parse(raw).ok()? {
                Value::String(key) => Some(key.into()),
                _ => None,
            }
        } else {
            std::str::from_utf8(inner).ok().map(Into::into)
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.at += 1;
        let start = self.at;
        // From quote to quote: a script's text has an escape on every line
        // and a quote seldom. A quote ends the string unless an odd run of
        // backslashes escapes it.
        loop {
            let found = memchr::memchr(b'"', self.bytes.get(self.at..)?)?;
            self.at += found;
            let before = self.bytes.get(start..self.at)?;
            let backslashes = before.iter().rev().take_while(|byte| **byte == b'\\').count();
            self.at += 1;
            if backslashes % 2 == 0 {
                return Some(());
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0_usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while !matches!(self.peek(), None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

struct Editor<'a> {
    text: &'a str,
    style: Style,
    splices: Vec<Splice>,
    /// A span did not fit the text (a bug): the caller writes the canonical form.
    lost_track: std::cell::Cell<bool>,
}

impl Editor<'_> {
    /// The text between two offsets of the parsed spans.
    fn between(&self, range: Range<usize>) -> &str {
        self.text.get(range).unwrap_or_else(|| {
            self.lost_track.set(true);
            ""
        })
    }

    fn replace(&mut self, range: Range<usize>, text: String) {
        self.splices.push(Splice { range, text });
    }

    fn value(&mut self, old: &Value, new: &Value, span: &Span) {
        if old == new {
            return;
        }
        match (old, new) {
            (Value::Object(old), Value::Object(new)) if !old.is_empty() => self.object(old, new, span),
            (Value::Array(old), Value::Array(new)) if !old.is_empty() => self.array(old, new, span),
            _ => {
                let text = self.render(new, &self.indent_of(span.start));
                self.replace(span.start..span.end, text);
            }
        }
    }

    /// Members match by key. New keys go before the next kept key (or after
    /// the last); kept keys whose order changed rewrite the whole object.
    fn object(&mut self, old: &Object, new: &Object, span: &Span) {
        let kept_old: Vec<&str> = old.keys().filter(|key| new.contains_key(key)).collect();
        let kept_new: Vec<&str> = new.keys().filter(|key| old.contains_key(key)).collect();
        if kept_old.is_empty() || kept_old != kept_new {
            let text = self.render(&Value::Object(new.clone()), &self.indent_of(span.start));
            self.replace(span.start..span.end, text);
            return;
        }
        let keys: Vec<&str> = old.keys().collect();
        let kept: Vec<bool> = keys.iter().map(|key| new.contains_key(key)).collect();
        for (index, key) in keys.iter().enumerate() {
            if let (Some(old_value), Some(new_value), Some(item)) = (old.get(key), new.get(key), span.items.get(index))
            {
                self.value(old_value, new_value, &item.value);
            }
        }
        self.remove_items(span, &kept);
        // Each added key, before the kept key that follows it in `new`.
        let mut pending: Vec<(Option<&str>, &Value)> = Vec::new();
        for (key, value) in new.iter() {
            match keys.iter().position(|old_key| *old_key == key) {
                None => pending.push((Some(key), value)),
                Some(index) => {
                    if !pending.is_empty() {
                        let added = std::mem::take(&mut pending);
                        self.insert_before(span, index, &added);
                    }
                }
            }
        }
        self.append(span, &kept, &pending);
    }

    /// Elements match by position after a common prefix and suffix, so an
    /// element inserted or removed in the middle is just that.
    fn array(&mut self, old: &[Value], new: &[Value], span: &Span) {
        if new.is_empty() {
            self.replace(span.start..span.end, "[]".to_owned());
            return;
        }
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
        let (old_middle, new_middle) = (prefix..old.len() - suffix, prefix..new.len() - suffix);
        let paired = old_middle.len().min(new_middle.len());
        for offset in 0..paired {
            let (Some(a), Some(b), Some(item)) =
                (old.get(prefix + offset), new.get(prefix + offset), span.items.get(prefix + offset))
            else {
                continue;
            };
            self.value(a, b, &item.value);
        }
        let kept: Vec<bool> = (0..old.len()).map(|i| i < prefix + paired || i >= old.len() - suffix).collect();
        self.remove_items(span, &kept);
        let added: Vec<(Option<&str>, &Value)> =
            new.iter().take(new.len() - suffix).skip(prefix + paired).map(|value| (None, value)).collect();
        if added.is_empty() {
            return;
        }
        let next = prefix + paired + (old_middle.len() - paired);
        if next < old.len() {
            self.insert_before(span, next, &added);
        } else {
            self.append(span, &kept, &added);
        }
    }

    /// Removes the items not `kept`, each with its separator and line. At
    /// least one item is kept.
    fn remove_items(&mut self, span: &Span, kept: &[bool]) {
        let last_kept = kept.iter().rposition(|&k| k);
        for (index, item) in span.items.iter().enumerate() {
            if kept.get(index).copied().unwrap_or(true) {
                continue;
            }
            match (last_kept, span.items.get(index + 1)) {
                // Before a kept item, or before another removed one that is not in the trailing run.
                (Some(last), Some(next)) if index < last => self.replace(item.start..next.start, String::new()),
                // The trailing run: from the end of the last kept item.
                (Some(last), _) => {
                    if index == last + 1
                        && let (Some(kept_item), Some(final_item)) = (span.items.get(last), span.items.last())
                    {
                        self.replace(kept_item.value.end..final_item.value.end, String::new());
                    }
                }
                (None, _) => {}
            }
        }
    }

    /// Inserts `added` items before item `index`, in its line's style.
    fn insert_before(&mut self, span: &Span, index: usize, added: &[(Option<&str>, &Value)]) {
        let Some(item) = span.items.get(index) else { return };
        let separator = self.separator(span);
        let indent = self.indent_of(item.start);
        let mut text = String::new();
        for (key, value) in added {
            text.push_str(&self.item(*key, value, &indent));
            text.push(',');
            text.push_str(&separator);
        }
        self.replace(item.start..item.start, text);
    }

    /// Appends `added` items after the last kept item.
    fn append(&mut self, span: &Span, kept: &[bool], added: &[(Option<&str>, &Value)]) {
        let Some(last) = kept.iter().rposition(|&k| k).and_then(|index| span.items.get(index)) else { return };
        let separator = self.separator(span);
        let indent = self.indent_of(last.start);
        let mut text = String::new();
        for (key, value) in added {
            text.push(',');
            text.push_str(&separator);
            text.push_str(&self.item(*key, value, &indent));
        }
        self.replace(last.value.end..last.value.end, text);
    }

    /// What separates two items of this container after the comma: a line
    /// break and the items' indentation, or the file's one-line gap.
    fn separator(&self, span: &Span) -> String {
        let Some(first) = span.items.first() else { return self.style.inline_gap.to_owned() };
        let before = self.between(span.start..first.start);
        if before.contains('\n') {
            return format!("{}{}", self.style.newline, self.indent_of(first.start));
        }
        // One line: the gap this container leaves after its first comma.
        match span.items.get(1) {
            Some(second) => {
                let between = self.between(first.value.end..second.start);
                between.split_once(',').map_or("", |(_, gap)| gap).to_owned()
            }
            None => self.style.inline_gap.to_owned(),
        }
    }

    /// A member (`"key": value`) or, without a key, an element, at `indent`.
    fn item(&self, key: Option<&str>, value: &Value, indent: &str) -> String {
        let rendered = self.render(value, indent);
        let Some(key) = key else { return rendered };
        let mut out = String::new();
        write_string(&mut out, key, self.style.ascii);
        out.push_str(self.style.colon);
        out.push_str(&rendered);
        out
    }

    /// The whitespace that starts the line holding byte `at`.
    fn indent_of(&self, at: usize) -> String {
        let before = self.between(0..at);
        let line = before.rsplit('\n').next().unwrap_or(before);
        line.chars().take_while(|c| matches!(c, ' ' | '\t')).collect()
    }

    /// `value` in the file's style, its nested lines indented from `indent`.
    fn render(&self, value: &Value, indent: &str) -> String {
        let mut out = String::new();
        self.write(&mut out, value, Some(indent));
        out
    }

    /// `indent` is `None` inside one-line containers.
    fn write(&self, out: &mut String, value: &Value, indent: Option<&str>) {
        let style = &self.style;
        let inner = indent.map(|indent| format!("{indent}{}", style.unit));
        let multi_line = indent.is_some() && !self.one_line_file();
        let open_item = |out: &mut String, first: bool| {
            if !first {
                out.push(',');
            }
            match (&inner, multi_line) {
                (Some(inner), true) => {
                    out.push_str(style.newline);
                    out.push_str(inner);
                }
                _ if !first => out.push_str(style.inline_gap),
                _ => {}
            }
        };
        let close = |out: &mut String| {
            if let (Some(indent), true) = (indent, multi_line) {
                out.push_str(style.newline);
                out.push_str(indent);
            }
        };
        let child = if multi_line { inner.as_deref() } else { None };
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
            Value::Number(number) => out.push_str(number.as_str()),
            Value::String(text) => write_string(out, text, style.ascii),
            Value::Array(items) if items.is_empty() => out.push_str("[]"),
            Value::Object(object) if object.is_empty() => out.push_str("{}"),
            Value::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    open_item(out, index == 0);
                    self.write(out, item, child);
                }
                close(out);
                out.push(']');
            }
            Value::Object(object) => {
                out.push('{');
                for (index, (key, item)) in object.iter().enumerate() {
                    open_item(out, index == 0);
                    write_string(out, key, style.ascii);
                    out.push_str(style.colon);
                    self.write(out, item, child);
                }
                close(out);
                out.push('}');
            }
        }
    }

    /// A file with no line break inside its value stays on one line.
    fn one_line_file(&self) -> bool {
        !self.text.trim_end().contains('\n')
    }
}

/// A JSON string with `serde_json`'s escapes, and non-ASCII as `\uXXXX`
/// (UTF-16 surrogate pairs beyond the BMP) when `ascii`.
fn write_string(out: &mut String, text: &str, ascii: bool) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if ascii && !c.is_ascii() => {
                let mut units = [0; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::{Rewrite, members, rewrite};
    use crate::json::parse;

    /// `(text, members as key = value bytes)`: `None` for what the scan
    /// leaves to the parser.
    #[test]
    fn members_are_each_key_and_its_value_bytes() {
        type Members = Option<&'static [(&'static str, &'static str)]>;
        let table: [(&str, Members); 10] = [
            (r#"{"a": "x\\", "b": 1}"#, Some(&[("a", r#""x\\""#), ("b", "1")])),
            (r#"{"a": "\\\"q", "b": 2}"#, Some(&[("a", r#""\\\"q""#), ("b", "2")])),
            (
                r#"{"a": 1, "b": {"c": [1, "]"]}, "d": "x\"y"}"#,
                Some(&[("a", "1"), ("b", r#"{"c": [1, "]"]}"#), ("d", r#""x\"y""#)]),
            ),
            ("\u{feff}{ \"a\" : true }\n", Some(&[("a", "true")])),
            (r#"{"\u0061": 1}"#, Some(&[("a", "1")])),
            ("{}", Some(&[])),
            (r#"{"a": 1, "a": 2}"#, None),
            (r#"{"a": }"#, None),
            (r#"{"a": 1} x"#, None),
            ("[1]", None),
        ];
        for (text, expected) in table {
            let found = members(text.as_bytes());
            let found: Option<Vec<(String, String)>> = found.map(|members| {
                members
                    .into_iter()
                    .map(|(key, value)| (key.into_owned(), String::from_utf8_lossy(value).into_owned()))
                    .collect()
            });
            let expected: Option<Vec<(String, String)>> = expected
                .map(|members| members.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect());
            assert_eq!(found, expected, "{text}");
        }
    }

    /// `(original, pointer, new string, expected output)`: the scan finds
    /// the value past escaped keys, strings holding brackets and quotes,
    /// and nested containers, and writes in the file's style.
    #[test]
    fn renames_replace_only_the_string_at_the_pointer() {
        let table = [
            (r#"{"a": "x", "b": "y"}"#, "/b", "z", r#"{"a": "x", "b": "z"}"#),
            (
                r#"{"s": "}]\"{[", "b" : [1, {"c": "old"}]}"#,
                "/b/1/c",
                "new",
                r#"{"s": "}]\"{[", "b" : [1, {"c": "new"}]}"#,
            ),
            (r#"{"a\/b": "x", "~k": "y"}"#, "/a~1b", "q\"", r#"{"a\/b": "q\"", "~k": "y"}"#),
            ("{\"~k\":\"y\"}", "/~0k", "z", "{\"~k\":\"z\"}"),
            ("{\"a\": \"\\u00e9\", \"b\": \"x\"}", "/b", "é", "{\"a\": \"\\u00e9\", \"b\": \"\\u00e9\"}"),
            ("[{\"n\": [true, null, -1e3]}, \"v\"]", "/1", "w", "[{\"n\": [true, null, -1e3]}, \"w\"]"),
        ];
        for (original, pointer, new, expected) in table {
            let out = super::replace_strings(original.as_bytes(), &[(pointer, new)]).unwrap();
            assert_eq!(std::str::from_utf8(&out).unwrap(), expected, "{original} {pointer}");
        }
        let refused = [(r#"{"a": 1}"#, "/a"), (r#"{"a": "x"}"#, "/b"), (r#"["x"]"#, "/1"), ("{}", "/a")];
        for (original, pointer) in refused {
            assert!(super::replace_strings(original.as_bytes(), &[(pointer, "v")]).is_none(), "{original} {pointer}");
        }
    }

    /// Several renames in one document, in any order: each is found as if
    /// alone (the scan goes on from values found before, back or forward).
    #[test]
    fn several_renames_in_one_document_are_each_found() {
        let original = r#"{"nodes": [{"p": [{"v": "a0"}, {"v": "a1"}]}, {"p": [{"v": "b0"}, {"v": "b1"}, {"v": "b2"}]}], "x~/y": {"v": "c"}}"#;
        let pointers = ["/nodes/0/p/0/v", "/nodes/0/p/1/v", "/nodes/1/p/0/v", "/nodes/1/p/2/v", "/x~0~1y/v"];
        let orders: [&[usize]; 4] = [&[0, 1, 2, 3, 4], &[4, 3, 2, 1, 0], &[3, 0, 4, 1, 2], &[2, 0]];
        for order in orders {
            let replacements: Vec<(&str, &str)> = order.iter().map(|&index| (pointers[index], "N")).collect();
            let together = super::replace_strings(original.as_bytes(), &replacements).unwrap();
            let mut alone = original.as_bytes().to_vec();
            for (pointer, new) in &replacements {
                alone = super::replace_strings(&alone, &[(pointer, new)]).unwrap();
            }
            assert_eq!(String::from_utf8(together).unwrap(), String::from_utf8(alone).unwrap(), "{order:?}");
        }
    }

    /// `(original, new value as compact JSON, expected output)`.
    #[test]
    fn edits_change_only_what_changed_in_the_files_style() {
        let table: &[(&str, &str, &str)] = &[
            // A changed scalar, four-space style.
            (
                "{\n    \"a\": 1,\n    \"b\": \"x\"\n}\n",
                r#"{"a":2,"b":"x"}"#,
                "{\n    \"a\": 2,\n    \"b\": \"x\"\n}\n",
            ),
            // Compact one-line file stays one line.
            (r#"{"a":1,"b":[1,2]}"#, r#"{"a":1,"b":[1,2],"c":true}"#, r#"{"a":1,"b":[1,2],"c":true}"#),
            // A key added before a kept key.
            ("{\n  \"a\": 1,\n  \"c\": 3\n}", r#"{"a":1,"b":2,"c":3}"#, "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}"),
            // A key removed takes its line with it, first, middle, last.
            ("{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}", r#"{"b":2,"c":3}"#, "{\n  \"b\": 2,\n  \"c\": 3\n}"),
            ("{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}", r#"{"a":1,"c":3}"#, "{\n  \"a\": 1,\n  \"c\": 3\n}"),
            ("{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}", r#"{"a":1}"#, "{\n  \"a\": 1\n}"),
            // CRLF and tabs, a nested object inserted.
            (
                "{\r\n\t\"a\": 1\r\n}\r\n",
                r#"{"a":1,"o":{"k":"v"}}"#,
                "{\r\n\t\"a\": 1,\r\n\t\"o\": {\r\n\t\t\"k\": \"v\"\r\n\t}\r\n}\r\n",
            ),
            // ASCII-escaped files get escapes for new non-ASCII text.
            ("{\"a\": \"\\u6d4b\"}", r#"{"a":"\u6d4b","b":"试"}"#, "{\"a\": \"\\u6d4b\", \"b\": \"\\u8bd5\"}"),
            // An element inserted in the middle of an array, one removed.
            ("[\n  1,\n  3\n]", "[1,2,3]", "[\n  1,\n  2,\n  3\n]"),
            ("[\n  1,\n  2,\n  3\n]", "[1,3]", "[\n  1,\n  3\n]"),
            ("[1, 2, 3]", "[1, 2, 3, 4]", "[1, 2, 3, 4]"),
            // Reordered kept keys: the object is rewritten in the same style.
            ("{\"a\": 1, \"b\": 2}", r#"{"b":2,"a":1}"#, "{\"b\": 2, \"a\": 1}"),
            // `":"` without a space is kept for new keys.
            ("{\n  \"a\":1\n}", r#"{"a":1,"b":2}"#, "{\n  \"a\":1,\n  \"b\":2\n}"),
        ];
        for (original, new, expected) in table {
            let new = parse(new.as_bytes()).unwrap();
            let Some(Rewrite::Edited(out)) = rewrite(original.as_bytes(), &new) else {
                panic!("no rewrite of {original:?}");
            };
            assert_eq!(String::from_utf8(out).unwrap(), *expected, "{original:?}");
        }
    }

    #[test]
    fn an_unchanged_value_gives_the_same_bytes() {
        let original = "{ \"a\" :  [1,2] ,\"b\":{}}  \n";
        let value = parse(original.as_bytes()).unwrap();
        assert_eq!(rewrite(original.as_bytes(), &value), Some(Rewrite::Unchanged));
    }
}

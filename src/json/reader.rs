//! Reading a document straight into typed values, without the [`Value`] tree.
//!
//! The model's fields are read from the parser as it goes: a documented key
//! is matched where it lies in the text, its value parsed into the field, and
//! only the keys the model does not know become [`Value`]s. That spares the
//! tree's allocations (every key, every object) and walking it a second time,
//! which took a third of `validate`'s parsing.
//!
//! The reader accepts exactly what [`super::parse`] accepts, by the same
//! grammar code, and otherwise stops with a [`Detour`]: anything it does not
//! decide itself (an error of any sort, a key with escapes) is left to the
//! tree parser, whose errors carry the line, column and message.

use super::Value;
use super::parse::{LINEAR_DUPLICATE_SCAN, Parser};
use foldhash::HashSet;

/// The reader stopped: the document is to be read through the [`Value`]
/// tree, which either reads it or says exactly what is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Detour;

impl From<super::parse::SyntaxError> for Detour {
    fn from(_: super::parse::SyntaxError) -> Self {
        Self
    }
}

/// A cursor over one document for typed reading.
pub(crate) struct Reader<'a> {
    parser: Parser<'a>,
    /// Containers open around the cursor (the tree parser's `depth`).
    depth: usize,
    /// The keys of the objects open around the cursor, innermost last, for
    /// the duplicate check; one buffer for the whole document.
    keys: Vec<&'a str>,
}

impl<'a> Reader<'a> {
    /// Reads the one document in `bytes` with `read`, which must consume it.
    pub(crate) fn read<T>(bytes: &'a [u8], read: impl FnOnce(&mut Self) -> Result<T, Detour>) -> Result<T, Detour> {
        let mut reader = Self { parser: Parser::new(bytes)?, depth: 0, keys: Vec::new() };
        let value = read(&mut reader)?;
        reader.parser.skip_whitespace();
        if reader.parser.pos < bytes.len() {
            return Err(Detour);
        }
        Ok(value)
    }

    /// The first byte of the next value (past whitespace), to choose its type.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.parser.skip_whitespace();
        self.parser.peek()
    }

    /// The next value as a lossless [`Value`].
    pub(crate) fn value(&mut self) -> Result<Value, Detour> {
        Ok(self.parser.value(self.depth)?)
    }

    /// The next value, which must be a string.
    pub(crate) fn string(&mut self) -> Result<String, Detour> {
        self.with_str(str::to_owned)
    }

    /// `convert` of the next value, which must be a string, borrowed when it
    /// holds no escape.
    pub(crate) fn with_str<T>(&mut self, convert: impl FnOnce(&str) -> T) -> Result<T, Detour> {
        if self.peek() != Some(b'"') {
            return Err(Detour);
        }
        Ok(convert(&self.parser.string_cow()?))
    }

    /// The members of the next value, which must be an object: `member` is
    /// called with each key, with the cursor at its value, and must consume it.
    pub(crate) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &'a str) -> Result<(), Detour>,
    ) -> Result<(), Detour> {
        self.open(b'{')?;
        let first_key = self.keys.len();
        let mut seen: Option<HashSet<&'a str>> = None;
        if self.peek() == Some(b'}') {
            self.close(first_key);
            return Ok(());
        }
        loop {
            let key = self.key()?;
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key),
                None => self.keys.iter().skip(first_key).any(|seen| *seen == key),
            };
            if duplicate {
                return Err(Detour);
            }
            self.keys.push(key);
            if seen.is_none() && self.keys.len() - first_key > LINEAR_DUPLICATE_SCAN {
                seen = Some(self.keys.iter().skip(first_key).copied().collect());
            }
            if self.peek() != Some(b':') {
                return Err(Detour);
            }
            self.parser.pos += 1;
            member(self, key)?;
            match self.peek() {
                Some(b',') => self.parser.pos += 1,
                Some(b'}') => {
                    self.close(first_key);
                    return Ok(());
                }
                _ => return Err(Detour),
            }
        }
    }

    /// The elements of the next value, which must be an array: `item` is
    /// called with the cursor at each and must consume it.
    pub(crate) fn array(&mut self, mut item: impl FnMut(&mut Self) -> Result<(), Detour>) -> Result<(), Detour> {
        self.open(b'[')?;
        let first_key = self.keys.len();
        if self.peek() == Some(b']') {
            self.close(first_key);
            return Ok(());
        }
        loop {
            item(self)?;
            match self.peek() {
                Some(b',') => self.parser.pos += 1,
                Some(b']') => {
                    self.close(first_key);
                    return Ok(());
                }
                _ => return Err(Detour),
            }
        }
    }

    /// Enters the container `open` starts, under the tree parser's depth rule.
    fn open(&mut self, open: u8) -> Result<(), Detour> {
        if self.peek() != Some(open) {
            return Err(Detour);
        }
        self.parser.enter(self.depth + 1)?;
        self.parser.pos += 1;
        self.depth += 1;
        Ok(())
    }

    /// Leaves a container at its closing byte.
    fn close(&mut self, first_key: usize) {
        self.parser.pos += 1;
        self.depth -= 1;
        self.keys.truncate(first_key);
    }

    /// A key without escapes, borrowed from the text (keys with escapes,
    /// which no exporter writes, take the tree parser).
    fn key(&mut self) -> Result<&'a str, Detour> {
        if self.peek() != Some(b'"') {
            return Err(Detour);
        }
        match self.parser.string_cow()? {
            std::borrow::Cow::Borrowed(key) => Ok(key),
            std::borrow::Cow::Owned(_) => Err(Detour),
        }
    }

    /// The next value, which must be a number, as written.
    pub(crate) fn number(&mut self) -> Result<super::Number, Detour> {
        Ok(self.parser.number()?)
    }
}

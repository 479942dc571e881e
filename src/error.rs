//! The crate's one error type.

use std::fmt;

/// What went wrong, for callers who branch on it.
///
/// New kinds may be added in minor releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io,
    /// The input is not a zip archive, or its structure is broken.
    NotAZip,
    /// Entry data does not match its checksum or declared size.
    Corrupt,
    /// An entry name is unsafe or not decodable: absolute, `..`, backslash,
    /// drive letter, control character, empty component, invalid encoding.
    InsecureName,
    /// Two entries have the same name.
    DuplicateEntry,
    /// Entries share bytes in the archive (an overlap zip bomb), a local
    /// header or data descriptor disagrees with the central directory, or a
    /// local header is missing from it (an entry only streaming readers see).
    Overlap,
    /// Data before the first entry (a polyglot file).
    PrependedData,
    /// Data after the end of the archive (a polyglot file).
    TrailingData,
    /// A symlink, an encrypted entry or an unsupported compression method.
    UnsupportedEntry,
    /// A configured [`Limits`](crate::Limits) value was exceeded.
    LimitExceeded,
    /// The entries do not form a batch or single export layout.
    Layout,
    /// A definition is not valid JSON (with line and column).
    Json,
    /// A documented field holds the wrong JSON type.
    WrongType,
    /// The destination already exists and overwriting was not allowed.
    AlreadyExists,
    /// A definition the operation needs is not there.
    NotFound,
    /// The request itself is invalid (names, counts, options).
    InvalidRequest,
    /// A cycle between jobs or nodes.
    Cycle,
}

/// A line and column in a definition file (both 1-based; column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// An error that names the entry or file it concerns.
///
/// `Display` reads `entry `jobs/a/a.job`: nodes[0].properties: expected an
/// array, found an object (line 7, column 21)`. The causing `io` or JSON
/// error, when there is one, is available through
/// [`std::error::Error::source`] only; the zip library's types never appear
/// in this API.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    message: String,
    entry: Option<String>,
    position: Option<Position>,
    api_code: Option<&'static str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            kind,
            message: message.into(),
            entry: None,
            position: None,
            api_code: None,
            source: None,
        }))
    }

    /// Sets the entry (archive path or file path) this error concerns, unless one is set.
    #[must_use]
    pub(crate) fn in_entry(mut self, entry: impl Into<String>) -> Self {
        if self.0.entry.is_none() {
            self.0.entry = Some(entry.into());
        }
        self
    }

    /// An error the DataArts API would answer with `code` (`DLF.3051`, …).
    pub(crate) fn api(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        let mut error = Self::new(kind, message);
        error.0.api_code = Some(code);
        error
    }

    #[must_use]
    pub(crate) fn at(mut self, position: Position) -> Self {
        self.0.position = Some(position);
        self
    }

    #[must_use]
    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// An I/O error on `path`, for callers that read files themselves.
    pub fn from_io(source: std::io::Error, path: &std::path::Path) -> Self {
        Self::io(source, "cannot read").in_entry(path.display().to_string())
    }

    pub(crate) fn io(source: std::io::Error, what: impl Into<String>) -> Self {
        let message = format!("{}: {source}", what.into());
        Self::new(ErrorKind::Io, message).with_source(source)
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The archive entry or file path the error concerns, when it concerns one.
    pub fn entry(&self) -> Option<&str> {
        self.0.entry.as_deref()
    }

    /// Where in a definition file the problem is, for JSON and type errors.
    pub fn position(&self) -> Option<Position> {
        self.0.position
    }

    /// The description without the entry and position.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The DataArts error code the service gives for the same request
    /// (`DLF.3051`, `DLF.0100`, …), for errors of operations that mirror an API.
    pub fn api_code(&self) -> Option<&'static str> {
        self.0.api_code
    }

    /// The error in the API's shape: `{"error_code": "DLF.3051", "error_msg": "…"}`.
    pub fn to_api_json(&self) -> Option<String> {
        let code = self.0.api_code?;
        let body = serde_json::json!({"error_code": code, "error_msg": self.to_string()});
        serde_json::to_string(&body).ok()
    }

    /// `true` when the input was refused by a [`Limits`](crate::Limits) check.
    pub fn is_limit(&self) -> bool {
        self.0.kind == ErrorKind::LimitExceeded
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(entry) = &self.0.entry {
            // Control characters in hostile names must not reach a terminal raw.
            let shown: String = entry
                .chars()
                .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
                .collect();
            write!(f, "entry `{shown}`: ")?;
        }
        f.write_str(&self.0.message)?;
        if let Some(Position { line, column }) = self.0.position {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("entry", &self.0.entry)
            .field("message", &self.0.message)
            .field("position", &self.0.position)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_ref().map(|source| source.as_ref() as &(dyn std::error::Error + 'static))
    }
}

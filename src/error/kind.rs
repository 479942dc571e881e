//! The crate's one error type and its kinds.

use super::{Corruption, EntryRef, HeaderField, Limit, NameProblem, Position, RequestPart, Unsupported, ZipHeader};
use crate::kind::DefinitionKind;
use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, with the data a caller branches on.
///
/// New kinds, and new details within a kind, may be added in minor releases.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed; the I/O error is the
    /// [`source`](std::error::Error::source).
    Io(std::io::ErrorKind),
    /// The input is not a zip archive, or its structure cannot be read.
    NotAZip,
    /// A split (multi-disk) archive: only single-part archives are read.
    SplitArchive,
    /// The archive's bytes are damaged.
    Corrupt(Corruption),
    /// An entry name is unsafe, and is refused rather than repaired.
    InsecureName(NameProblem),
    /// An entry name is neither valid UTF-8 nor GBK, or is flagged UTF-8 and is not.
    UndecodableName {
        /// Whether the entry carries the UTF-8 flag.
        utf8_flag: bool,
    },
    /// Two entries (or two files of a workspace) have the same name.
    DuplicateEntry,
    /// The entry's bytes lie inside another entry's (an overlap zip bomb),
    /// or reach into the central directory.
    Overlap {
        /// The other entry's name; `None` when the bytes reach into the central directory.
        other: Option<String>,
    },
    /// A local header or data descriptor disagrees with the central
    /// directory: streaming readers would read something else.
    HeaderMismatch {
        /// Which of the two disagrees.
        header: ZipHeader,
        /// The field they disagree on.
        field: HeaderField,
    },
    /// A local header the central directory does not list (an entry only
    /// streaming readers would see).
    UnlistedEntry {
        /// Where it starts in the archive.
        offset: u64,
    },
    /// Data before the first entry (a polyglot file).
    PrependedData {
        /// How many bytes.
        bytes: u64,
    },
    /// Data after the end of the archive (a polyglot file).
    TrailingData {
        /// How many bytes.
        bytes: u64,
    },
    /// An entry that is not a plain file this reader can inflate.
    UnsupportedEntry(Unsupported),
    /// A `Limits` value was exceeded.
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The limit's value.
        max: u64,
    },
    /// The entries do not form a batch or single export layout.
    Layout,
    /// A definition is not valid JSON ([`Error::position`] gives line and column).
    Json,
    /// A documented field holds the wrong JSON type.
    WrongType {
        /// The field, as a dotted path (`nodes[0].properties`); empty for the document itself.
        field: String,
        /// The JSON type the format documents.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// The destination already exists and overwriting was not asked for.
    AlreadyExists,
    /// A definition the operation needs is not there.
    NotFound {
        /// Its kind.
        kind: DefinitionKind,
        /// Its name.
        name: String,
    },
    /// The request itself is invalid (names, counts, options, settings, maps).
    InvalidRequest {
        /// Which part of the request.
        part: RequestPart,
        /// The nearest valid name, when the request names one that does not exist.
        nearest: Option<String>,
    },
    /// A broken invariant of this crate: a bug, not a problem of the input.
    /// The message asks for a report.
    Internal,
    /// A cycle between jobs or nodes.
    Cycle {
        /// The members, the first repeated at the end.
        members: Vec<String>,
    },
    /// A value cannot be converted without loss (a number out of range).
    Lossy,
}

/// An error that names the entry or file it concerns.
///
/// `Display` reads ``entry `jobs/a/a.job`: `nodes[0].properties`: expected an
/// array, found an object (line 7, column 21)``, or ``file `ws/jobs/a.job`: …``
/// for a file on disk. The causing I/O error, when there is one, is
/// available through [`std::error::Error::source`]; the types of the zip
/// library never appear in this API.
///
/// ```
/// use dlf_bundle::{Bundle, ErrorKind};
/// let error = Bundle::from_slice(b"not a zip").unwrap_err();
/// assert_eq!(error.kind(), &ErrorKind::NotAZip);
/// assert!(error.to_string().starts_with("not a readable zip archive"));
/// ```
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    message: String,
    entry: Option<EntryRef>,
    file: Option<PathBuf>,
    position: Option<Position>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Inner { kind, message: message.into(), entry: None, file: None, position: None, source: None }))
    }

    /// Sets the archive entry this error concerns, unless one is set.
    #[must_use]
    pub(crate) fn in_entry(mut self, name: impl Into<String>) -> Self {
        if self.0.entry.is_none() {
            self.0.entry = Some(EntryRef { name: name.into(), index: None, raw_name: None });
        }
        self
    }

    /// Sets the archive entry by its central-directory index too.
    #[must_use]
    pub(crate) fn in_record(mut self, index: usize, name: impl Into<String>) -> Self {
        self = self.in_entry(name);
        if let Some(entry) = &mut self.0.entry {
            entry.index.get_or_insert(index);
        }
        self
    }

    /// Sets an undecodable entry name: shown lossily, kept raw.
    #[must_use]
    pub(crate) fn in_raw_entry(mut self, raw: &[u8]) -> Self {
        let name = String::from_utf8_lossy(raw).into_owned();
        self.0.entry = Some(EntryRef { name, index: None, raw_name: Some(raw.to_vec()) });
        self
    }

    /// Sets the file on disk this error concerns, unless one is set.
    #[must_use]
    pub(crate) fn in_file(mut self, path: impl AsRef<Path>) -> Self {
        if self.0.file.is_none() {
            self.0.file = Some(path.as_ref().to_path_buf());
        }
        self
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

    /// An I/O error: `what` says what was being done ("cannot read").
    pub(crate) fn io(source: std::io::Error, what: impl Into<String>) -> Self {
        let message = format!("{}: {source}", what.into());
        Self::new(ErrorKind::Io(source.kind()), message).with_source(source)
    }

    /// An invalid request: `part` says which part of it.
    pub(crate) fn invalid_request(part: RequestPart, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest { part, nearest: None }, message)
    }

    /// Names the nearest valid name of an [`ErrorKind::InvalidRequest`].
    #[must_use]
    pub(crate) fn with_nearest(mut self, nearest: Option<&str>) -> Self {
        if let ErrorKind::InvalidRequest { nearest: slot, .. } = &mut self.0.kind {
            *slot = nearest.map(str::to_owned);
        }
        self
    }

    /// A reader limit exceeded.
    pub(crate) fn limit(limit: Limit, max: u64, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LimitExceeded { limit, max }, message)
    }

    /// What kind of problem this is, with its data.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The archive entry the error concerns, when it concerns one.
    pub fn entry(&self) -> Option<&EntryRef> {
        self.0.entry.as_ref()
    }

    /// The file on disk the error concerns, when it concerns one.
    pub fn file(&self) -> Option<&Path> {
        self.0.file.as_deref()
    }

    /// Where in a definition's text the problem is, for JSON and type errors.
    pub fn position(&self) -> Option<Position> {
        self.0.position
    }

    /// The description without the entry, file and position.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// How to fix it, when the kind of error says: re-zip with Deflate or
    /// without a password, join a split archive, export a damaged one again.
    ///
    /// ```
    /// let error = dlf_bundle::Bundle::from_slice(b"PK\x03\x04 cut off").unwrap_err();
    /// assert!(error.hint().is_some_and(|hint| hint.starts_with("export the bundle again")));
    /// ```
    pub fn hint(&self) -> Option<&'static str> {
        Some(match &self.0.kind {
            ErrorKind::UnsupportedEntry(Unsupported::Method { .. }) => {
                "re-zip the files with Deflate: `zip -r -Z deflate jobs.zip jobs` (7-Zip: `7z a -tzip -mm=Deflate jobs.zip jobs`)"
            }
            ErrorKind::UnsupportedEntry(Unsupported::Encrypted) => {
                "re-zip the files without a password: `zip -r jobs.zip jobs`"
            }
            ErrorKind::UnsupportedEntry(Unsupported::Symlink | Unsupported::SpecialFile { .. }) => {
                "re-zip the files themselves, not links to them: `zip -r jobs.zip jobs` (without `--symlinks`)"
            }
            ErrorKind::SplitArchive => "join the parts into one file first: `zip -s 0 in.zip --out joined.zip`",
            ErrorKind::InsecureName(_) | ErrorKind::UndecodableName { .. } => {
                "re-create the zip from the exported files; names must be relative `/` paths"
            }
            ErrorKind::LimitExceeded { limit: Limit::Entries, .. } => {
                "a whole-workspace export can hold this many: raise the limit (`--max-entries N`, `Limits::max_entries`) if it is real"
            }
            ErrorKind::LimitExceeded { .. } => "a real export is far smaller; check where this file came from",
            ErrorKind::Layout => {
                "use `jobs/<job>/<job>.job` (batch) or `jobs/<job>.job` + `scripts/` + `resources/` (single)"
            }
            ErrorKind::Json => "fix the JSON at the given line and column",
            ErrorKind::Internal => INTERNAL_HINT,
            ErrorKind::WrongType { .. } => "give the field the JSON type the format documents",
            // The rest by what they say of the input (`ErrorKind::class` names every kind).
            kind => match kind.class() {
                Class::Archive => DAMAGED_ARCHIVE_HINT,
                Class::Name
                | Class::Limit
                | Class::Layout
                | Class::Json
                | Class::WrongType
                | Class::Request
                | Class::Missing(_)
                | Class::Other => return None,
            },
        })
    }
}

/// What an error says of the input, coarsely: the classes callers map
/// errors by (validation's codes, the API's error codes, hints).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// The archive is not a safe, intact zip this reader reads.
    Archive,
    /// An entry name is unsafe or undecodable.
    Name,
    /// A limit was exceeded.
    Limit,
    /// The entries form no layout.
    Layout,
    /// A definition is not JSON.
    Json,
    /// A documented field has the wrong JSON type.
    WrongType,
    /// The request is invalid.
    Request,
    /// A definition the request names is not there.
    Missing(DefinitionKind),
    /// Anything else: I/O, an existing output, a cycle, a lossy value, a bug.
    Other,
}

impl ErrorKind {
    /// The class of this kind: the one match that names every kind.
    pub(crate) fn class(&self) -> Class {
        match self {
            Self::NotAZip
            | Self::SplitArchive
            | Self::Corrupt(_)
            | Self::DuplicateEntry
            | Self::Overlap { .. }
            | Self::HeaderMismatch { .. }
            | Self::UnlistedEntry { .. }
            | Self::PrependedData { .. }
            | Self::TrailingData { .. }
            | Self::UnsupportedEntry(_) => Class::Archive,
            Self::InsecureName(_) | Self::UndecodableName { .. } => Class::Name,
            Self::LimitExceeded { .. } => Class::Limit,
            Self::Layout => Class::Layout,
            Self::Json => Class::Json,
            Self::WrongType { .. } => Class::WrongType,
            Self::InvalidRequest { .. } => Class::Request,
            Self::NotFound { kind, .. } => Class::Missing(*kind),
            Self::Io(_) | Self::AlreadyExists | Self::Cycle { .. } | Self::Lossy | Self::Internal => Class::Other,
        }
    }
}

/// The advice for a bug of this crate.
pub(crate) const INTERNAL_HINT: &str =
    "this is a bug of dlf-bundle: please report it with the command and the input that cause it";

impl Error {
    /// An error for a broken invariant of this crate (a bug), saying what broke.
    pub(crate) fn internal(what: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, format!("internal error: {what}"))
    }
}

/// The advice for an archive that is not intact.
pub(crate) const DAMAGED_ARCHIVE_HINT: &str = "export the bundle again; this file is not a safe, intact zip";

/// Control characters in hostile names must not reach a terminal raw.
fn shown(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_control() { c.escape_default().collect() } else { vec![c] }).collect()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A file on disk is named by its path, an archive entry by its name.
        match (&self.0.file, &self.0.entry) {
            (Some(file), _) => write!(f, "file `{}`: ", shown(&file.display().to_string()))?,
            (None, Some(entry)) => write!(f, "entry `{}`: ", shown(&entry.name))?,
            (None, None) => {}
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
            .field("file", &self.0.file)
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

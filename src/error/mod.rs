//! What an [`Error`] carries: the details of its kinds, the
//! entry and the position it concerns.
//!
//! Modelled on the csv crate: [`Error`] is a box around what
//! went wrong ([`ErrorKind`], whose variants carry the data
//! a caller branches on), the entry inside an archive or the file on disk it
//! concerns, and where in a definition's text it lies. The error and its kind
//! are at the crate root; this module holds what they carry.

pub(crate) mod kind;

pub(crate) use kind::{Class, DAMAGED_ARCHIVE_HINT, Error, ErrorKind, Result};
/// The part of a request that [`ErrorKind::InvalidRequest`] refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestPart {
    /// A definition given to be stored has no `name`.
    Name,
    /// A script or resource for the batch layout without the job folder to keep it in.
    JobFolder,
    /// An unknown layout name.
    Layout,
    /// A field path (`set`, `get`) that is malformed or leads nowhere.
    FieldPath,
    /// A field, property or parameter that the definition cannot have.
    Field,
    /// The export's `jobList` or batch size (the API's `DLF.3051`).
    JobList,
    /// A settings file (`dlf-bundle.toml`).
    Settings,
    /// A remap map.
    Map,
    /// An unknown diagnostic code.
    Code,
    /// A `plan` inventory.
    Inventory,
}

/// How an archive's bytes are damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Corruption {
    /// The inflated data does not match its CRC-32.
    Crc32,
    /// The entry inflates to another size than it declares.
    Size {
        /// The declared size.
        declared: u64,
    },
    /// The DEFLATE stream is invalid.
    Deflate,
    /// The end record counts another number of entries than the directory holds.
    EntryCount {
        /// What the end record says.
        declared: u64,
        /// What the directory holds.
        listed: u64,
    },
    /// The central directory, or one of its records, cannot be read where
    /// the end record places it.
    Directory,
    /// The entry's data lies outside the archive.
    DataOutside,
}

/// Why an entry name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameProblem {
    /// The name is empty.
    Empty,
    /// Longer than `name::MAX_NAME_BYTES`.
    TooLong,
    /// Starts with `/`.
    Absolute,
    /// Holds a backslash (zip names use `/`).
    Backslash,
    /// Holds a colon (a drive letter or an alternate data stream).
    Colon,
    /// Holds NUL or another control character.
    ControlCharacter,
    /// An empty component (`//` or a trailing `/`).
    EmptyComponent,
    /// A `.` component.
    CurrentDirectory,
    /// A `..` component (path traversal).
    ParentDirectory,
    /// A component longer than `name::MAX_COMPONENT_BYTES`.
    ComponentTooLong,
    /// More than `name::MAX_COMPONENTS` components.
    TooDeep,
}

/// The structure that disagrees with the central directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ZipHeader {
    /// The entry's local header.
    Local,
    /// The data descriptor after the entry's data.
    DataDescriptor,
}

/// The field a local header or data descriptor disagrees on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderField {
    /// The entry name.
    Name,
    /// The compression method.
    Method,
    /// The general-purpose flags (encryption, data descriptor, UTF-8).
    Flags,
    /// CRC-32 and sizes.
    Sizes,
    /// The header is missing, unreadable or cut off.
    Missing,
}

/// An entry this reader does not inflate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unsupported {
    /// A symbolic link.
    Symlink,
    /// A device, FIFO or other special file, with its Unix mode.
    SpecialFile {
        /// The mode bits.
        mode: u32,
    },
    /// An encrypted entry (`ZipCrypto` or AES).
    Encrypted,
    /// A compression method other than stored (0) and deflate (8).
    Method {
        /// The method number (9 Deflate64, 12 `BZip2`, 14 LZMA, 93 Zstandard, …).
        method: u16,
    },
}

/// A reader limit, as `Limits` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// `Limits::max_archive_bytes`.
    ArchiveBytes,
    /// `Limits::max_entries`.
    Entries,
    /// `Limits::max_entry_bytes`.
    EntryBytes,
    /// `Limits::max_total_bytes`.
    TotalBytes,
    /// `Limits::max_ratio`.
    Ratio,
}

/// A line and column in a definition file (both 1-based; column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// A position from 1-based line and column.
    pub fn new(line: usize, column: usize) -> Self {
        Self { line, column }
    }
}

/// The archive entry an error concerns: its name, its index in the central
/// directory when known, and the raw name bytes when they could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    name: String,
    index: Option<usize>,
    raw_name: Option<Vec<u8>>,
}

impl EntryRef {
    /// The name (decoded lossily when it could not be decoded).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The entry's index in the central directory, when the error arose there.
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// The name as stored, when it is not valid UTF-8 or GBK.
    pub fn raw_name(&self) -> Option<&[u8]> {
        self.raw_name.as_deref()
    }
}

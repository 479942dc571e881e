//! Things worth telling that do not stop a read or an export.

use std::fmt;

/// What a [`Warning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A file that is not a definition of either layout; ignored.
    StrayFile,
    /// Every entry sits in one wrapper folder, read as if it were absent.
    WrapperFolder,
    /// An entry name stored in GBK without the UTF-8 flag.
    GbkName,
    /// Two names that collide on a case-insensitive file system.
    CaseCollision,
    /// A file name that differs from the `name` inside.
    NameMismatch,
    /// A job referenced by an exported job but left out of the export.
    JobLeftOut,
    /// Jobs that reference each other in a cycle.
    JobCycle,
    /// macOS metadata (`__MACOSX/`, `AppleDouble` `._name` files, `.DS_Store`)
    /// that Finder or ditto added when re-zipping; ignored, one warning for all.
    MacMetadata,
    /// Names written with `\\` separators (.NET Framework's `ZipFile`,
    /// `PowerShell` 5's `Compress-Archive`); read with `/`.
    Backslashes,
    /// Names written with a leading `./` (`bsdtar -cf x.zip .`); read without it.
    CurrentDirectoryPrefix,
    /// A definition that starts with a UTF-8 byte order mark (old Notepad);
    /// read as if it were absent, kept when written back unchanged.
    ByteOrderMark,
}

/// Something worth telling that does not stop a read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The entry concerned, when there is one.
    pub entry: Option<String>,
    /// What was noticed.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(kind: WarningKind, entry: Option<&str>, message: impl Into<String>) -> Self {
        Self { kind, entry: entry.map(str::to_owned), message: message.into() }
    }
}

impl Warning {
    /// The warning for `entry`'s definition when its `bytes` start with a
    /// byte order mark.
    pub(crate) fn byte_order_mark(entry: &str, bytes: &[u8]) -> Option<Self> {
        bytes.starts_with(crate::json::BYTE_ORDER_MARK).then(|| {
            let message = "starts with a UTF-8 byte order mark (EF BB BF); read as if it were absent";
            Self::new(WarningKind::ByteOrderMark, Some(entry), message)
        })
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(entry) => write!(f, "entry `{entry}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

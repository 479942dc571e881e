//! Entry names: decoding and the safety rules every name passes, on read,
//! on write, in `pack` and in `unpack`.
//!
//! Names are never sanitised, only accepted or refused: a name that would
//! need fixing is refused with the reason.

use crate::error::{Error, ErrorKind, Result};
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Longest entry name accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 1024;
/// Longest path component accepted, in bytes (common file-system limit).
pub const MAX_COMPONENT_BYTES: usize = 255;
/// Most components in a name: wrapper folder + `jobs/` + job folder + file.
pub const MAX_DEPTH: usize = 4;

/// How an entry name was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameEncoding {
    /// UTF-8 (flagged or not).
    Utf8,
    /// GBK, without the UTF-8 flag: re-zipped on Chinese Windows.
    Gbk,
}

/// Decodes a raw entry name: UTF-8 when valid; otherwise, when the UTF-8
/// flag is clear, GBK.
///
/// # Security
/// Decoding does not make a name safe; pass the result to
/// [`check_entry_name`].
pub fn decode_entry_name(raw: &[u8], utf8_flag: bool) -> Result<(String, NameEncoding)> {
    if let Ok(text) = std::str::from_utf8(raw) {
        return Ok((text.to_owned(), NameEncoding::Utf8));
    }
    let lossy = String::from_utf8_lossy(raw).into_owned();
    if utf8_flag {
        return Err(Error::new(ErrorKind::InsecureName, "name is flagged UTF-8 but is not valid UTF-8").in_entry(lossy));
    }
    match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(raw) {
        Some(text) => Ok((text.into_owned(), NameEncoding::Gbk)),
        None => Err(Error::new(ErrorKind::InsecureName, "name is neither UTF-8 nor GBK").in_entry(lossy)),
    }
}

/// Checks a `/`-separated entry name (without a trailing `/`) against the
/// rules: relative, no empty, `.` or `..` components, no backslash, colon
/// (drive letters, alternate data streams), NUL or control characters, at
/// most [`MAX_DEPTH`] components of at most [`MAX_COMPONENT_BYTES`] bytes.
///
/// # Security
/// This is the only gate between names in untrusted archives and paths on
/// disk; it rejects rather than repairs. It does not know about the target
/// file system (case folding is checked separately; Windows device names such
/// as `CON` are not refused).
///
/// ```
/// use dlf_bundle::name::check_entry_name;
/// assert!(check_entry_name("jobs/job_batch/job_batch.job").is_ok());
/// assert!(check_entry_name("jobs/../../etc/passwd").is_err());
/// assert!(check_entry_name("jobs/测试/测试.job").is_ok());
/// ```
pub fn check_entry_name(name: &str) -> Result<()> {
    let refuse = |reason: &str| Err(Error::new(ErrorKind::InsecureName, reason.to_owned()).in_entry(name));
    if name.is_empty() {
        return refuse("empty name");
    }
    if name.len() > MAX_NAME_BYTES {
        return refuse(&format!("name longer than {MAX_NAME_BYTES} bytes"));
    }
    if name.starts_with('/') {
        return refuse("absolute path");
    }
    if name.contains('\\') {
        return refuse("backslash in name (zip names use `/`)");
    }
    if name.contains(':') {
        return refuse("colon in name (drive letter or alternate data stream)");
    }
    if name.chars().any(char::is_control) {
        return refuse("NUL or control character in name");
    }
    let mut depth = 0;
    for component in name.split('/') {
        depth += 1;
        match component {
            "" => return refuse("empty path component (`//` or trailing `/`)"),
            "." => return refuse("`.` path component"),
            ".." => return refuse("`..` path component (path traversal)"),
            _ if component.len() > MAX_COMPONENT_BYTES => {
                return refuse(&format!("path component longer than {MAX_COMPONENT_BYTES} bytes"));
            }
            _ => {}
        }
    }
    if depth > MAX_DEPTH {
        return refuse(&format!("more than {MAX_DEPTH} path components"));
    }
    Ok(())
}

/// The key under which two names collide on a case-insensitive,
/// normalising file system (Windows, default macOS).
///
/// ```
/// use dlf_bundle::name::collision_key;
/// assert_eq!(collision_key("jobs/A/A.job"), collision_key("jobs/a/a.job"));
/// assert_eq!(collision_key("e\u{301}.job"), collision_key("\u{e9}.job"));
/// // Most names are their own key, and are then borrowed.
/// assert!(matches!(collision_key("jobs/a/a.job"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn collision_key(name: &str) -> Cow<'_, str> {
    if name.is_ascii() {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(name.to_ascii_lowercase());
        }
        return Cow::Borrowed(name);
    }
    Cow::Owned(name.nfc().flat_map(char::to_lowercase).collect())
}

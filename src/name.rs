//! Names: the safety rules every entry name passes (on read, on write, in
//! `pack` and in `unpack`), their decoding, and the naming rules of
//! DataArts objects (jobs, nodes, scripts, resources, parameters).
//!
//! Entry names are never sanitised, only accepted or refused: a name that
//! would need fixing is refused with the reason.

use crate::error::{Error, ErrorKind, NameProblem, Result};
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Longest entry name accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 1024;
/// Longest path component accepted, in bytes (common file-system limit).
pub const MAX_COMPONENT_BYTES: usize = 255;
/// Most components in a name: wrapper folder + `jobs/` + job folder + file.
pub const MAX_COMPONENTS: usize = 4;

/// How an entry name was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameEncoding {
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
pub(crate) fn decode_entry_name(raw: &[u8], utf8_flag: bool) -> Result<(String, NameEncoding)> {
    if let Ok(text) = std::str::from_utf8(raw) {
        return Ok((text.to_owned(), NameEncoding::Utf8));
    }
    let undecodable = |message: &str| Error::new(ErrorKind::UndecodableName { utf8_flag }, message).in_raw_entry(raw);
    if utf8_flag {
        return Err(undecodable("name is flagged UTF-8 but is not valid UTF-8"));
    }
    match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(raw) {
        Some(text) => Ok((text.into_owned(), NameEncoding::Gbk)),
        None => Err(undecodable("name is neither UTF-8 nor GBK")),
    }
}

/// Checks a `/`-separated entry name (without a trailing `/`) against the
/// rules: relative, no empty, `.` or `..` components, no backslash, colon
/// (drive letters, alternate data streams), NUL or control characters, at
/// most [`MAX_COMPONENTS`] components of at most [`MAX_COMPONENT_BYTES`] bytes.
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
    let refuse = |problem: NameProblem, reason: &str| {
        Err(Error::new(ErrorKind::InsecureName(problem), reason.to_owned()).in_entry(name))
    };
    if name.is_empty() {
        return refuse(NameProblem::Empty, "empty name");
    }
    if name.len() > MAX_NAME_BYTES {
        return refuse(NameProblem::TooLong, &format!("name longer than {MAX_NAME_BYTES} bytes"));
    }
    if name.starts_with('/') {
        return refuse(NameProblem::Absolute, "absolute path");
    }
    // One pass over the bytes for the characters refused anywhere, then
    // reported in the rules' order. The multi-byte control characters
    // (U+0080–U+009F) all start with 0xC2.
    let (mut backslash, mut colon, mut maybe_control) = (false, false, false);
    for &byte in name.as_bytes() {
        backslash |= byte == b'\\';
        colon |= byte == b':';
        maybe_control |= matches!(byte, 0..=0x1f | 0x7f | 0xc2);
    }
    if backslash {
        return refuse(NameProblem::Backslash, "backslash in name (zip names use `/`)");
    }
    if colon {
        return refuse(NameProblem::Colon, "colon in name (drive letter or alternate data stream)");
    }
    if maybe_control && name.chars().any(char::is_control) {
        return refuse(NameProblem::ControlCharacter, "NUL or control character in name");
    }
    let mut depth = 0;
    for component in name.as_bytes().split(|&byte| byte == b'/') {
        depth += 1;
        match component {
            b"" => return refuse(NameProblem::EmptyComponent, "empty path component (`//` or trailing `/`)"),
            b"." => return refuse(NameProblem::CurrentDirectory, "`.` path component"),
            b".." => return refuse(NameProblem::ParentDirectory, "`..` path component (path traversal)"),
            _ if component.len() > MAX_COMPONENT_BYTES => {
                let message = format!("path component longer than {MAX_COMPONENT_BYTES} bytes");
                return refuse(NameProblem::ComponentTooLong, &message);
            }
            _ => {}
        }
    }
    if depth > MAX_COMPONENTS {
        return refuse(NameProblem::TooDeep, &format!("more than {MAX_COMPONENTS} path components"));
    }
    Ok(())
}

/// `true` for what macOS adds when it zips a folder: anything under a
/// `__MACOSX` folder, `AppleDouble` `._name` files and `.DS_Store`.
///
/// ```
/// use dlf_bundle::name::is_macos_metadata;
/// assert!(is_macos_metadata("__MACOSX/export/jobs/job_a/._job_a.job"));
/// assert!(is_macos_metadata("jobs/job_a/._job_a.job") && is_macos_metadata("jobs/.DS_Store"));
/// assert!(!is_macos_metadata("jobs/job_a/job_a.job"));
/// ```
pub fn is_macos_metadata(name: &str) -> bool {
    let (folders, file) = name.rsplit_once('/').unwrap_or(("", name));
    file.starts_with("._") || file == ".DS_Store" || file == "__MACOSX" || folders.split('/').any(|c| c == "__MACOSX")
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

/// `true` for a job name the current naming rule admits: 1–128 characters
/// of letters (any script, so Chinese too), digits, `-`, `_` and `.`.
///
/// ```
/// use dlf_bundle::name::is_valid_job_name;
/// assert!(is_valid_job_name("job_batch"));
/// assert!(is_valid_job_name("每日汇总"));
/// assert!(!is_valid_job_name("a/b"));
/// assert!(!is_valid_job_name(".."));
/// ```
pub fn is_valid_job_name(name: &str) -> bool {
    // `.` and `..` would also be path components.
    NameRules { strict: false }.check(name, NameRule::Job).is_ok() && name != "." && name != ".."
}

/// The objects DataArts names, each with its own rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    Job,
    Node,
    Script,
    Resource,
    Param,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct NameRules {
    pub(crate) strict: bool,
}

impl NameRules {
    fn limits(rule: NameRule) -> (usize, &'static str) {
        match rule {
            NameRule::Job | NameRule::Script => (128, "-_."),
            NameRule::Node => (128, "-_./<>"),
            NameRule::Resource => (32, "-_"),
            NameRule::Param => (64, "-_"),
        }
    }

    fn letter_ok(self, c: char, rule: NameRule) -> bool {
        c.is_ascii_alphanumeric() || (!self.strict && rule != NameRule::Param && !c.is_ascii() && c.is_alphanumeric())
    }

    pub(crate) fn check(self, name: &str, rule: NameRule) -> Result<(), String> {
        let (max, punctuation) = Self::limits(rule);
        let count = name.chars().count();
        if count == 0 {
            return Err("is empty".into());
        }
        if count > max {
            return Err(format!("is {count} characters long; at most {max}"));
        }
        match name.chars().find(|&c| !(self.letter_ok(c, rule) || punctuation.contains(c))) {
            Some(c) => Err(format!("contains `{c}`")),
            None => Ok(()),
        }
    }

    pub(crate) fn hint(self, rule: NameRule) -> String {
        let (max, punctuation) = Self::limits(rule);
        let letters = if self.strict || rule == NameRule::Param { "ASCII letters" } else { "letters (Chinese too)" };
        let marks: Vec<String> = punctuation.chars().map(|c| format!("`{c}`")).collect();
        format!("use 1–{max} {letters}, digits and {}", marks.join(", "))
    }

    pub(crate) fn directory(self, directory: &str) -> Result<(), String> {
        if directory == "/" || directory.is_empty() {
            return Ok(());
        }
        let trimmed = directory.strip_prefix('/').ok_or("does not start with `/`")?;
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        let parts: Vec<&str> = trimmed.split('/').collect();
        if parts.len() > 10 {
            return Err(format!("has {} levels; at most 10", parts.len()));
        }
        for part in parts {
            let count = part.chars().count();
            if count == 0 || count > 64 {
                return Err(format!("has a folder name of {count} characters; 1–64 allowed"));
            }
            if let Some(c) = part.chars().find(|&c| !(self.letter_ok(c, NameRule::Job) || c == '_' || c == '-')) {
                return Err(format!("has `{c}` in folder name `{part}`"));
            }
        }
        Ok(())
    }
}

/// The candidate nearest to `name`, when one is close enough to be what was
/// meant: one that differs only in case first, else the one fewest edits
/// away, if they are at most a third of the name's length (at least 2).
///
/// ```
/// use dlf_bundle::name::nearest;
/// assert_eq!(nearest("post", ["GET", "POST"]), Some("POST"));
/// assert_eq!(nearest("dws_sqll", ["dws_sql", "hive_sql"]), Some("dws_sql"));
/// assert_eq!(nearest("x", ["dws_sql"]), None);
/// ```
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(same) = candidates.iter().find(|candidate| candidate.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let folded = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(&folded, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::{MAX_COMPONENT_BYTES, MAX_COMPONENTS, check_entry_name, is_macos_metadata};
    use crate::error::{ErrorKind, NameProblem};

    /// The rules checked one at a time, in order, as the documentation states them.
    fn problem_one_rule_at_a_time(name: &str) -> Option<NameProblem> {
        let components: Vec<&str> = name.split('/').collect();
        let first_component_problem = components.iter().find_map(|component| match *component {
            "" => Some(NameProblem::EmptyComponent),
            "." => Some(NameProblem::CurrentDirectory),
            ".." => Some(NameProblem::ParentDirectory),
            _ if component.len() > MAX_COMPONENT_BYTES => Some(NameProblem::ComponentTooLong),
            _ => None,
        });
        [
            (name.is_empty(), NameProblem::Empty),
            (name.len() > super::MAX_NAME_BYTES, NameProblem::TooLong),
            (name.starts_with('/'), NameProblem::Absolute),
            (name.contains('\\'), NameProblem::Backslash),
            (name.contains(':'), NameProblem::Colon),
            (name.chars().any(char::is_control), NameProblem::ControlCharacter),
        ]
        .into_iter()
        .find_map(|(broken, problem)| broken.then_some(problem))
        .or(first_component_problem)
        .or_else(|| (components.len() > MAX_COMPONENTS).then_some(NameProblem::TooDeep))
    }

    #[test]
    fn entry_names_break_the_same_first_rule_as_when_checked_one_rule_at_a_time() {
        let long = "x".repeat(MAX_COMPONENT_BYTES + 1);
        let pieces = [
            "jobs", "a", "", ".", "..", "\\", ":", "\u{0}", "\u{1f}", "\u{7f}", "\u{85}", "\u{9f}", "\u{a0}", "é",
            "测试", &long,
        ];
        let mut names = vec![String::new(), "/jobs/a".to_owned(), "a/".repeat(MAX_COMPONENTS) + "a"];
        for first in pieces {
            for second in pieces {
                for third in ["", "/", "b/c.job", ":x", "\\y"] {
                    names.push(format!("{first}/{second}{third}"));
                    names.push(format!("{first}{second}/{third}"));
                }
            }
        }
        for name in &names {
            let found = check_entry_name(name).err().map(|error| match error.kind() {
                ErrorKind::InsecureName(problem) => *problem,
                other => panic!("{name:?}: {other:?}"),
            });
            assert_eq!(found, problem_one_rule_at_a_time(name), "{name:?}");
        }
    }

    #[test]
    fn macos_metadata_is_recognised_by_its_components() {
        let cases = [
            ("__MACOSX", true),
            ("__MACOSX/jobs/a/._a.job", true),
            ("export/__MACOSX/x", true),
            ("jobs/a/._a.job", true),
            ("._a.job", true),
            ("jobs/.DS_Store", true),
            (".DS_Store", true),
            ("jobs/a/a.job", false),
            ("jobs/__MACOSX_a/a.job", false),
            ("jobs/a/_.a.job", false),
            ("jobs/.DS_Store/a.job", false),
            ("jobs/a.DS_Store", false),
        ];
        for (name, metadata) in cases {
            assert_eq!(is_macos_metadata(name), metadata, "{name}");
        }
    }
}

//! `dlf-bundle.toml`: a project's choices of severity per code, and single
//! findings it has decided to ignore.

use super::{Code, Diagnostic, Severity};
use crate::error::{Error, ErrorKind, Result};
use crate::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the working directory and its parents.
pub const CONFIG_FILE: &str = "dlf-bundle.toml";

/// What `[severity]` sets a code to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Level {
    /// Not reported at all.
    Allow,
    /// Reported as information.
    Info,
    /// Reported as a warning.
    Warning,
    /// Reported as an error.
    Error,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    severity: BTreeMap<toml::Spanned<String>, Level>,
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    code: toml::Spanned<String>,
    entry: Option<toml::Spanned<String>>,
}

/// One `[[ignore]]`: a code, and the entries (a glob; every entry when
/// absent) whose findings of that code are dropped.
#[derive(Debug, Clone)]
struct Ignore {
    code: Code,
    entry: Option<globset::GlobMatcher>,
}

/// A project's validation settings.
///
/// ```toml
/// [severity]
/// DLFB0304 = "allow"     # unused scripts are fine here
/// DLFB0102 = "error"     # unknown enum values are not
///
/// [[ignore]]
/// code = "DLFB0209"
/// entry = "jobs/legacy_*/*.job"
/// ```
///
/// ```
/// use dlf_bundle::validate::{Config, ValidateOptions, validate_dir};
/// let config: Config = "[severity]\nDLFB0304 = \"allow\"\n".parse()?;
/// let found = config.apply(validate_dir("examples/workspace".as_ref(), &ValidateOptions::default()));
/// assert!(found.iter().all(|d| d.code != "DLFB0304"));
/// assert!("[severity]\nDLFB9999 = \"allow\"\n".parse::<Config>().unwrap_err().to_string().contains("line 2"));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Config {
    severity: BTreeMap<Code, Level>,
    ignore: Vec<Ignore>,
}

impl std::str::FromStr for Config {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let at = |offset: usize| format!("line {}", json::line_column(text.as_bytes(), offset).0);
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| format!(" ({})", at(span.start))).unwrap_or_default();
            Error::new(ErrorKind::InvalidRequest, format!("{CONFIG_FILE}: {}{line}", e.message().trim()))
        })?;
        let code = |spanned: &toml::Spanned<String>| -> Result<Code> {
            spanned.get_ref().parse().map_err(|_| {
                let message = format!(
                    "{CONFIG_FILE}: `{}` is not a diagnostic code ({})",
                    spanned.get_ref(),
                    at(spanned.span().start)
                );
                Error::new(ErrorKind::InvalidRequest, message)
            })
        };
        let mut config = Self::default();
        for (key, level) in &file.severity {
            config.severity.insert(code(key)?, *level);
        }
        for entry in &file.ignore {
            let matcher = match &entry.entry {
                Some(glob) => Some(
                    globset::Glob::new(glob.get_ref())
                        .map_err(|e| {
                            let message = format!(
                                "{CONFIG_FILE}: `{}` is not a glob: {e} ({})",
                                glob.get_ref(),
                                at(glob.span().start)
                            );
                            Error::new(ErrorKind::InvalidRequest, message)
                        })?
                        .compile_matcher(),
                ),
                None => None,
            };
            config.ignore.push(Ignore { code: code(&entry.code)?, entry: matcher });
        }
        Ok(config)
    }
}

impl Config {
    /// Reads the file at `path`.
    ///
    /// # Errors
    /// The file cannot be read, is not TOML, has an unknown key or code
    /// (naming its line), or a glob that does not parse.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(e, "cannot read").in_file(path))?;
        text.parse().map_err(|e: Error| e.in_file(path))
    }

    /// The nearest `dlf-bundle.toml`: in `dir` or the closest parent that has one.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().map(|dir| dir.join(CONFIG_FILE)).find(|path| path.is_file())
    }

    /// The diagnostics with severities set and ignored findings dropped.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut diagnostic| {
                let ignored = self.ignore.iter().any(|ignore| {
                    ignore.code == diagnostic.code
                        && ignore
                            .entry
                            .as_ref()
                            .is_none_or(|glob| diagnostic.entry.as_deref().is_some_and(|entry| glob.is_match(entry)))
                });
                if ignored {
                    return None;
                }
                diagnostic.severity = match self.severity.get(&diagnostic.code) {
                    Some(Level::Allow) => return None,
                    Some(Level::Info) => Severity::Info,
                    Some(Level::Warning) => Severity::Warning,
                    Some(Level::Error) => Severity::Error,
                    None => diagnostic.severity,
                };
                Some(diagnostic)
            })
            .collect()
    }
}

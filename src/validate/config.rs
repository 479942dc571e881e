//! `dlf-bundle.toml`: a project's choices of severity per code, and single
//! findings it has decided to ignore.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::error::{Error, Position, RequestPart, Result};
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
/// use dlf_bundle::validate::{validate_dir, Config, ValidateOptions};
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
        // Errors say where (line and column); `Config::read` adds which file.
        let located = |offset: usize, message: String| {
            let (line, column) = json::line_column(text.as_bytes(), offset);
            Error::invalid_request(RequestPart::Settings, message).at(Position::new(line, column))
        };
        let file: File = toml::from_str(text).map_err(|e| {
            let message = format!("the settings are not valid: {}", e.message().trim());
            match e.span() {
                Some(span) => located(span.start, message),
                None => Error::invalid_request(RequestPart::Settings, message),
            }
        })?;
        let code = |spanned: &toml::Spanned<String>| -> Result<Code> {
            spanned
                .get_ref()
                .parse()
                .map_err(|_| located(spanned.span().start, format!("`{}` is not a diagnostic code", spanned.get_ref())))
        };
        let mut config = Self::default();
        for (key, level) in &file.severity {
            config.severity.insert(code(key)?, *level);
        }
        for entry in &file.ignore {
            let matcher = match &entry.entry {
                Some(glob) => Some(
                    globset::Glob::new(glob.get_ref())
                        .map_err(|e| located(glob.span().start, format!("`{}` is not a glob: {e}", glob.get_ref())))?
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
        self.partition(diagnostics).0
    }

    /// The diagnostics with severities set, and apart those the settings
    /// suppress (ignored, or of a code set to `allow`), as they were found.
    pub fn partition(&self, diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut kept = Vec::with_capacity(diagnostics.len());
        let mut suppressed = Vec::new();
        for mut diagnostic in diagnostics {
            let ignored = self.ignore.iter().any(|ignore| {
                ignore.code == diagnostic.code
                    && ignore
                        .entry
                        .as_ref()
                        .is_none_or(|glob| diagnostic.entry.as_deref().is_some_and(|entry| glob.is_match(entry)))
            });
            let level = self.severity.get(&diagnostic.code);
            if ignored || level == Some(&Level::Allow) {
                suppressed.push(diagnostic);
                continue;
            }
            diagnostic.severity = match level {
                Some(Level::Info) => Severity::Info,
                Some(Level::Warning) => Severity::Warning,
                Some(Level::Error) => Severity::Error,
                Some(Level::Allow) | None => diagnostic.severity,
            };
            kept.push(diagnostic);
        }
        (kept, suppressed)
    }

    /// Whether the settings change anything (a file was read and has rules).
    pub fn is_empty(&self) -> bool {
        self.severity.is_empty() && self.ignore.is_empty()
    }
}

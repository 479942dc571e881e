//! One finding.

use super::{Code, ObjectRef, Severity};
use std::fmt;

/// One finding, of validation, of `plan` or of a settings file.
///
/// Serialises as `{"severity", "code", "file", "entry", "pointer", "line",
/// "column", "message", "hint", "suggestion", "object"}`.
///
/// ```
/// use dlf_bundle::diagnostic::{Code, Severity};
/// use dlf_bundle::validate::{ValidateOptions, validate_bundle};
/// use dlf_bundle::model::NodeType;
/// use dlf_bundle::{Bundle, Job, Layout, Node};
/// let mut job = Job::new("job_batch");
/// job.nodes = Some(vec![Node::new("notify", NodeType::Smn)]);
/// let mut bundle = Bundle::new(Layout::Batch);
/// bundle.add_job(job)?;
/// let found = validate_bundle(&bundle, &ValidateOptions::default());
/// let missing = found.iter().find(|d| d.code == Code::MissingField).unwrap();
/// assert_eq!(missing.severity, Severity::Error);
/// assert_eq!(missing.entry.as_deref(), Some("jobs/job_batch/job_batch.job"));
/// assert_eq!(missing.pointer.as_deref(), Some("/nodes/0/properties"));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// Stable code, e.g. `DLFB0301`; its severity is the code's.
    pub code: Code,
    /// The file concerned: the bundle for an archive, the definition's
    /// file for a folder (as given on the command line or to the function).
    pub file: Option<String>,
    /// The entry concerned (for a folder: the definition's path in its layout).
    pub entry: Option<String>,
    /// RFC 6901 pointer into the entry's JSON, where one applies.
    pub pointer: Option<String>,
    /// 1-based line in the definition's text where the problem lies (at
    /// the pointer, or at the object a missing member belongs in).
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// The value to write at the pointer instead, where one is known (the
    /// nearest valid name of a misspelt one).
    pub suggestion: Option<String>,
    /// The object the finding concerns, where it is not the entry itself
    /// (the connection the target lacks, the job running there).
    pub object: Option<ObjectRef>,
    /// The text of the line the finding is on, for a display that shows it
    /// (never for a finding whose line may hold a secret); not serialised.
    #[serde(skip)]
    pub source: Option<String>,
}

impl Diagnostic {
    /// A finding of `code` (and its severity) in `entry`.
    pub(crate) fn new(code: Code, entry: Option<&str>, pointer: Option<String>, message: String, hint: &str) -> Self {
        Self {
            severity: code.severity(),
            code,
            file: None,
            entry: entry.map(str::to_owned),
            pointer,
            line: None,
            column: None,
            message,
            hint: hint.to_owned(),
            suggestion: None,
            object: None,
            source: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity.as_str(), self.code, self.message)?;
        if let Some(entry) = &self.entry {
            write!(f, " ({entry}{})", self.pointer.as_deref().map(|p| format!("#{p}")).unwrap_or_default())?;
        }
        Ok(())
    }
}

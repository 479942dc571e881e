//! Offline validation: precise, actionable diagnostics before an import.
//!
//! Every diagnostic has a stable code (listed in [`CODES`]), the entry, a JSON
//! pointer into the file where one applies, a message and a hint saying how
//! to fix it. Unknown enum values are warnings: the service adds types over
//! time.

mod check;
mod cross;
mod rules;
pub(crate) mod syntax;

pub use check::{CheckJob, CheckReport, CheckScript, check};

use crate::bundle::{Bundle, Entry, Plan, WarningKind};
use crate::error::{Error, ErrorKind};
use crate::layout::{Layout, Placement};
use crate::model::{Definition, Document, Kind};
use crate::read::ReadOptions;
use crate::resolve::{self, ResolveOptions, Target};
use rayon::prelude::*;
use rules::{Checker, node_pointer};
use std::collections::{HashMap, HashSet};
use std::fmt;
use syntax::NameRules;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The import would fail or do the wrong thing.
    Error,
    /// Probably a mistake, or something the target workspace must supply.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One finding.
///
/// Serialises as `{"severity", "code", "entry", "pointer", "message", "hint"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// Stable code, e.g. `DLFB0301`.
    pub code: &'static str,
    /// The entry concerned.
    pub entry: Option<String>,
    /// RFC 6901 pointer into the entry's JSON, where one applies.
    pub pointer: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
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

/// Every code with its severity and a one-line summary.
pub const CODES: &[(&str, Severity, &str)] = &[
    ("DLFB0001", Severity::Error, "the archive is unreadable, corrupt or unsafe"),
    ("DLFB0002", Severity::Error, "an entry name is unsafe or undecodable"),
    ("DLFB0003", Severity::Error, "the archive exceeds a reader limit"),
    ("DLFB0004", Severity::Error, "the entries do not form a batch or single layout"),
    ("DLFB0005", Severity::Error, "a definition is not valid JSON"),
    ("DLFB0006", Severity::Error, "a documented field has the wrong JSON type"),
    ("DLFB0010", Severity::Warning, "a file that is not a definition is ignored"),
    ("DLFB0011", Severity::Warning, "entries are wrapped in an extra folder"),
    ("DLFB0012", Severity::Warning, "an entry name is stored in GBK"),
    ("DLFB0013", Severity::Warning, "names collide on a case-insensitive file system"),
    ("DLFB0014", Severity::Warning, "the bundle exceeds DataArts's 10 MB import limit"),
    ("DLFB0101", Severity::Error, "a required field is missing"),
    ("DLFB0102", Severity::Warning, "an enum field has a value this tool does not know"),
    ("DLFB0103", Severity::Error, "a numeric field is out of range or not a number"),
    ("DLFB0104", Severity::Error, "a name breaks the naming rule"),
    ("DLFB0105", Severity::Error, "a text is too long"),
    ("DLFB0106", Severity::Error, "a directory path is invalid"),
    ("DLFB0201", Severity::Error, "two nodes of a job share a name"),
    ("DLFB0202", Severity::Error, "a preNodeName or condition names no node of the job"),
    ("DLFB0203", Severity::Error, "the nodes of a job form a cycle"),
    ("DLFB0204", Severity::Error, "a cron expression is malformed"),
    ("DLFB0205", Severity::Error, "a start or end time is malformed"),
    ("DLFB0206", Severity::Error, "singleNodeJobFlag disagrees with the nodes"),
    ("DLFB0207", Severity::Warning, "a node lists the same property twice"),
    ("DLFB0208", Severity::Warning, "a job has more than 200 nodes"),
    ("DLFB0209", Severity::Warning, "a node in script mode names no script"),
    ("DLFB0210", Severity::Warning, "a schedule lacks its cron or event block"),
    ("DLFB0301", Severity::Error, "a file name or folder disagrees with the name inside"),
    ("DLFB0302", Severity::Error, "a script or resource a node needs is missing from the bundle"),
    ("DLFB0303", Severity::Warning, "scripts or resources must already exist in the target workspace"),
    ("DLFB0304", Severity::Warning, "a script or resource no job uses"),
    ("DLFB0305", Severity::Error, "the same object differs between two job folders"),
    ("DLFB0306", Severity::Info, "a job this bundle's jobs depend on is not in the bundle"),
];

/// Options for validation.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// The older ASCII-only naming rule (no Chinese in names).
    pub strict_names: bool,
    /// Reader options for archives.
    pub read: ReadOptions,
    /// Reference extraction options.
    pub resolve: ResolveOptions,
}

impl ValidateOptions {
    /// Sets [`ValidateOptions::strict_names`].
    #[must_use]
    pub fn strict_names(mut self, strict: bool) -> Self {
        self.strict_names = strict;
        self
    }

    /// Sets the reader's limits.
    #[must_use]
    pub fn limits(mut self, limits: crate::Limits) -> Self {
        self.read = self.read.limits(limits);
        self
    }
}

/// The console's import limit for a bundle, zipped and unpacked.
pub const IMPORT_LIMIT_BYTES: u64 = 10 * 1024 * 1024;
/// Largest script content, in bytes (4 MB).
pub const MAX_SCRIPT_BYTES: usize = 4 * 1024 * 1024;

/// Validates zip bytes: reader failures become error diagnostics.
///
/// ```
/// use dlf_bundle::validate::{ValidateOptions, validate_archive};
/// let diagnostics = validate_archive(b"not a zip", &ValidateOptions::default());
/// assert_eq!(diagnostics[0].code, "DLFB0001");
/// ```
///
/// # Security
/// The archive goes through the safe reader with `options.read`'s limits.
pub fn validate_archive(bytes: &[u8], options: &ValidateOptions) -> Vec<Diagnostic> {
    let scanned = crate::read::scan(bytes, &options.read, prepare, examiner(options));
    report(scanned.map(|scan| (scan, bytes.len() as u64)))
}

/// Validates the zip file at `path`: its size is checked against the read
/// limits before it is read; unreadable files become a diagnostic.
///
/// # Security
/// As [`validate_archive`].
pub fn validate_file(path: &std::path::Path, options: &ValidateOptions) -> Vec<Diagnostic> {
    report(crate::read::scan_file(path, &options.read, prepare, examiner(options)))
}

// Validation streams: each definition is parsed, checked and summarised,
// then dropped, so memory holds a few entries at a time, not the bundle.
fn prepare(plan: &Plan) -> Context {
    Context::from_placements(plan.layout(), plan.placements())
}

type Examined = (Vec<Diagnostic>, Option<Summary>);

fn examiner(
    options: &ValidateOptions,
) -> impl Fn(&Plan, &Context, usize, Kind, Vec<u8>) -> crate::Result<Examined> + Sync + '_ {
    move |plan, context, index, kind, data| {
        let Some((path, placement)) = plan.placement(index) else { return Ok((Vec::new(), None)) };
        Ok(match Document::parse(kind, data) {
            Ok(document) => {
                let (diagnostics, summary) = examine(path, placement, document, context, options);
                (diagnostics, Some(summary))
            }
            Err(error) => (vec![read_error(&error.in_entry(path))], None),
        })
    }
}

/// The diagnostics of a scanned archive of `archive_bytes` bytes.
fn report(scanned: crate::Result<(crate::read::Scan<Examined>, u64)>) -> Vec<Diagnostic> {
    let (scan, archive_bytes) = match scanned {
        Ok(scanned) => scanned,
        Err(error) => return vec![read_error(&error)],
    };
    let crate::read::Scan { plan, names, items } = scan;
    let mut out = warning_diagnostics(plan.warnings());
    let mut summaries = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Ok(Some((diagnostics, summary))) => {
                out.extend(diagnostics);
                summaries.extend(summary);
            }
            Ok(None) => {}
            Err(error) => out.push(read_error(&error)),
        }
    }
    // Freeing thousands of names and placements takes as long as half the
    // rules across files: one thread does each.
    rayon::join(|| cross::cross_file(&summaries, &mut out), move || drop((plan, names)));
    summaries.into_par_iter().for_each(drop);
    if archive_bytes > IMPORT_LIMIT_BYTES {
        out.push(diagnostic(
            "DLFB0014",
            None,
            None,
            format!("the zip is {archive_bytes} bytes; the console imports at most 10 MB"),
            "split the export into several bundles of fewer jobs",
        ));
    }
    out
}

/// The diagnostic for an error of the reader.
pub fn read_error(error: &Error) -> Diagnostic {
    let (code, hint) = match error.kind() {
        ErrorKind::InsecureName => {
            ("DLFB0002", "re-create the zip from the exported files; names must be relative `/` paths")
        }
        ErrorKind::LimitExceeded => ("DLFB0003", "a real export is far smaller; check where this file came from"),
        ErrorKind::Layout => {
            ("DLFB0004", "use `jobs/<job>/<job>.job` (batch) or `jobs/<job>.job` + `scripts/` + `resources/` (single)")
        }
        ErrorKind::Json => ("DLFB0005", "fix the JSON at the given line and column"),
        ErrorKind::WrongType => ("DLFB0006", "give the field the JSON type the format documents"),
        _ => ("DLFB0001", "export the bundle again; this file is not a safe, intact zip"),
    };
    let message = match error.position() {
        Some(position) => format!("{} (line {}, column {})", error.message(), position.line, position.column),
        None => error.message().to_owned(),
    };
    diagnostic(code, error.entry(), None, message, hint)
}

pub(crate) fn diagnostic(
    code: &'static str,
    entry: Option<&str>,
    pointer: Option<String>,
    message: String,
    hint: &str,
) -> Diagnostic {
    let severity = CODES.iter().find(|(c, ..)| *c == code).map_or(Severity::Error, |(_, severity, _)| *severity);
    Diagnostic { severity, code, entry: entry.map(str::to_owned), pointer, message, hint: hint.to_owned() }
}

/// Validates a bundle already in memory.
pub fn validate_bundle(bundle: &Bundle, options: &ValidateOptions) -> Vec<Diagnostic> {
    let mut out = warning_diagnostics(bundle.warnings());
    let placements: Vec<Placement> = bundle.iter().map(|e| e.placement().clone()).collect();
    let context = Context::from_placements(bundle.layout(), placements.iter());
    let entries: Vec<&Entry> = bundle.iter().collect();
    let examined: Vec<(Vec<Diagnostic>, Summary)> = entries
        .par_iter()
        .map(|entry| examine(entry.path(), entry.placement(), entry.document().clone(), &context, options))
        .collect();
    let mut summaries = Vec::with_capacity(examined.len());
    for (diagnostics, summary) in examined {
        out.extend(diagnostics);
        summaries.push(summary);
    }
    cross::cross_file(&summaries, &mut out);
    out
}

/// Reader warnings as diagnostics (name mismatches are checked as errors instead).
fn warning_diagnostics(warnings: &[crate::bundle::Warning]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for warning in warnings {
        let (code, hint) = match warning.kind {
            WarningKind::StrayFile => {
                ("DLFB0010", "remove files that are not `.job`, `.script` or `.resource` definitions")
            }
            WarningKind::WrapperFolder => ("DLFB0011", "zip the `jobs/` folder itself, not the folder around it"),
            WarningKind::GbkName => ("DLFB0012", "re-zip with a tool that writes UTF-8 names"),
            WarningKind::CaseCollision => {
                ("DLFB0013", "rename one of them; they overwrite each other on Windows and macOS")
            }
            _ => continue,
        };
        out.push(diagnostic(code, warning.entry.as_deref(), None, warning.message.clone(), hint));
    }
    out
}

/// What every entry's examination may consult: the bundle's jobs and which
/// names occur in more than one job folder.
struct Context {
    layout: Layout,
    job_names: HashSet<String>,
    /// Stems held by more than one entry, with the kinds that repeat.
    repeated: HashMap<String, Vec<Kind>>,
}

impl Context {
    fn from_placements<'a>(layout: Layout, placements: impl Iterator<Item = &'a Placement>) -> Self {
        let mut job_names = HashSet::new();
        let mut counts: HashMap<(Kind, &str), usize> = HashMap::new();
        for placement in placements {
            if placement.kind == Kind::Job {
                job_names.insert(placement.stem.clone());
            }
            *counts.entry((placement.kind, placement.stem.as_str())).or_default() += 1;
        }
        let mut repeated: HashMap<String, Vec<Kind>> = HashMap::new();
        for ((kind, stem), count) in counts {
            if count > 1 {
                repeated.entry(stem.to_owned()).or_default().push(kind);
            }
        }
        Self { layout, job_names, repeated }
    }

    fn repeats(&self, kind: Kind, stem: &str) -> bool {
        self.repeated.get(stem).is_some_and(|kinds| kinds.contains(&kind))
    }
}

/// What the rules across files need of one definition.
pub(crate) struct Summary {
    pub(crate) path: String,
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) size: usize,
    /// Jobs: each reference to a script, resource or job.
    pub(crate) references: Vec<Need>,
    /// Kept only when another job folder holds an object of the same name.
    pub(crate) copy: Option<Document>,
}

/// One reference of a job, as the rules across files need it.
pub(crate) struct Need {
    pub(crate) reference: resolve::Reference,
    /// The pointer of the node that makes it.
    pub(crate) pointer: Option<String>,
    /// Scripts and resources: where the bundle must hold them.
    pub(crate) path: Option<String>,
}

/// Runs the per-definition rules and summarises the definition.
fn examine(
    path: &str,
    placement: &Placement,
    document: Document,
    context: &Context,
    options: &ValidateOptions,
) -> (Vec<Diagnostic>, Summary) {
    let mut found = Vec::new();
    let mut check = Checker { entry: path, names: NameRules { strict: options.strict_names }, out: &mut found };
    check.file_name(placement, &document);
    let name = document.name().unwrap_or(&placement.stem).to_owned();
    let mut references = Vec::new();
    match document.definition() {
        Definition::Job(job) => {
            check.job(job);
            let known_jobs = |name: &str| context.job_names.contains(name);
            let folder = placement.job_folder.as_deref().unwrap_or(&name);
            // Cross-file rules look at scripts, resources and jobs only;
            // environment objects are not kept (fewer allocations per job).
            references = resolve::job_references(job, &options.resolve, &known_jobs)
                .into_iter()
                .filter_map(|reference| {
                    let path = match &reference.target {
                        Target::Script(name) => Some(context.layout.path_for(Kind::Script, name, Some(folder))),
                        Target::Resource(name) => Some(context.layout.path_for(Kind::Resource, name, Some(folder))),
                        Target::Job(_) => None,
                        Target::Environment { .. } => return None,
                    };
                    let pointer = node_pointer(job, reference.node.as_deref());
                    Some(Need { reference, pointer, path })
                })
                .collect();
        }
        Definition::Script(script) => check.script(script),
        Definition::Resource(resource) => check.resource(resource),
    }
    let keep = placement.kind != Kind::Job && context.repeats(placement.kind, &placement.stem);
    let summary = Summary {
        path: path.to_owned(),
        kind: placement.kind,
        name,
        size: document.bytes().len(),
        references,
        copy: keep.then_some(document),
    };
    (found, summary)
}

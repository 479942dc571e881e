//! Offline validation: precise, actionable diagnostics before an import.
//!
//! Every diagnostic has a stable [`Code`] (each with its severity and
//! explanation), the entry, a JSON
//! pointer into the file where one applies, a message and a hint saying how
//! to fix it. Unknown enum values are warnings: the service adds types over
//! time.

mod config;
mod credential;
mod cross;
mod dir;
mod edit;
mod rules;

use crate::diagnostic::{Code, Diagnostic};
pub use config::{CONFIG_FILE, Config, Level};
pub use dir::validate_dir;
pub use edit::{EditScope, check_edit};

use crate::bundle::{Bundle, Entry};
use crate::diagnostic::{Warning, WarningKind};
use crate::error::{Class, EntryRef, Error};
use crate::json;
use crate::kind::DefinitionKind;
use crate::layout::{Arrangement, Layout, PlacedPath};
use crate::model::ScriptType;
use crate::model::{Definition, Document, Job};
use crate::name::NameRules;
use crate::read::{self, EntryData, ReadOptions, Scan};
use crate::reference::{self, Reference, ReferenceOptions};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;
use rules::{Checker, property_pointer};
use std::sync::Arc;

/// Options for validation.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// The older ASCII-only naming rule (no Chinese in names).
    pub strict_names: bool,
    /// Reader options for archives.
    pub read: ReadOptions,
    /// Reference extraction options.
    pub references: ReferenceOptions,
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
    pub fn limits(mut self, limits: crate::limits::Limits) -> Self {
        self.read = self.read.limits(limits);
        self
    }
}

/// The console's import limit for a bundle, zipped and unpacked.
pub const IMPORT_LIMIT_BYTES: u64 = 10 * 1024 * 1024;
/// Largest script content, in bytes (4 MB).
pub const MAX_SCRIPT_BYTES: usize = 4 * 1024 * 1024;

/// What validating one input found, and which definitions it checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Validation {
    /// The findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Every definition checked, those that did not parse included, by its
    /// entry name (its layout path, for a folder): what a JUnit report lists
    /// as test cases, passing ones too.
    pub definitions: Vec<Arc<str>>,
}

impl Validation {
    /// Validates zip bytes: reader failures become error diagnostics.
    ///
    /// ```
    /// use dlf_bundle::validate::{ValidateOptions, Validation};
    /// let zip = std::fs::read("examples/workspace/jobs/job_batch.job")?;
    /// let found = Validation::of_archive(&zip, &ValidateOptions::default());
    /// assert!(found.definitions.is_empty(), "not a zip: nothing checked");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Security
    /// The archive goes through the safe reader with `options.read`'s limits.
    pub fn of_archive(bytes: &[u8], options: &ValidateOptions) -> Self {
        // The rules across files reuse what the scan freed: one thread of the pool does both.
        let mut found = read::on_worker(|| {
            let scanned = read::scan(bytes, &options.read, prepare, examiner(options));
            report(scanned.map(|scan| (scan, Origin::Archive(bytes.len() as u64))))
        });
        relocate(&mut found.diagnostics, |wanted| texts(read::scan(bytes, &options.read, |_| (), reader(wanted))));
        scrub(&mut found.diagnostics);
        found
    }

    /// Validates the zip file at `path`: its size is checked against the
    /// read limits before it is read; unreadable files become a diagnostic.
    ///
    /// # Security
    /// As [`Validation::of_archive`].
    pub fn of_file(path: &std::path::Path, options: &ValidateOptions) -> Self {
        let mut found = read::on_worker(|| {
            let scanned = read::scan_file(path, &options.read, prepare, examiner(options));
            report(scanned.map(|(scan, size)| (scan, Origin::Archive(size))))
        });
        relocate(&mut found.diagnostics, |wanted| {
            texts(read::scan_file(path, &options.read, |_| (), reader(wanted)).map(|(scan, _)| scan))
        });
        scrub(&mut found.diagnostics);
        let file = path.display().to_string();
        for diagnostic in &mut found.diagnostics {
            diagnostic.file.get_or_insert_with(|| file.clone());
        }
        found
    }
}

/// Validates zip bytes ([`Validation::of_archive`], its diagnostics).
///
/// ```
/// use dlf_bundle::diagnostic::Code;
/// use dlf_bundle::validate::{validate_archive, ValidateOptions};
/// let diagnostics = validate_archive(b"not a zip", &ValidateOptions::default());
/// assert_eq!(diagnostics[0].code, Code::UnreadableArchive);
/// ```
///
/// # Security
/// The archive goes through the safe reader with `options.read`'s limits.
pub fn validate_archive(bytes: &[u8], options: &ValidateOptions) -> Vec<Diagnostic> {
    Validation::of_archive(bytes, options).diagnostics
}

/// Validates the zip file at `path` ([`Validation::of_file`], its diagnostics).
///
/// ```
/// use dlf_bundle::diagnostic::Code;
/// use dlf_bundle::validate::{validate_file, ValidateOptions};
/// let diagnostics = validate_file("no/such/jobs.zip".as_ref(), &ValidateOptions::default());
/// assert_eq!(diagnostics[0].code, Code::UnreadableArchive);
/// assert!(diagnostics[0].message.contains("cannot read"));
/// ```
///
/// # Security
/// As [`validate_archive`].
pub fn validate_file(path: &std::path::Path, options: &ValidateOptions) -> Vec<Diagnostic> {
    Validation::of_file(path, options).diagnostics
}

// Validation streams: each definition is parsed, checked and summarised,
// then dropped, so memory holds a few entries at a time, not the bundle.
fn prepare(plan: &Arrangement) -> Context {
    Context::new(plan.layout(), plan.placed())
}

type Examined = (Vec<Diagnostic>, Option<Summary>);

fn examiner(
    options: &ValidateOptions,
) -> impl Fn(&Arrangement, &Context, usize, DefinitionKind, EntryData<'_>) -> crate::error::Result<Examined> + Sync + '_
{
    move |plan, context, index, kind, data| {
        let Some(placed) = plan.placed_at(index) else { return Ok((Vec::new(), None)) };
        let path = placed.path();
        // Borrowed, not kept: the inflating thread reuses the buffer.
        let bytes = data.bytes();
        let bom = Warning::byte_order_mark(path, bytes);
        Ok(match Definition::from_slice(kind, bytes) {
            Ok(definition) => {
                let (mut diagnostics, mut summary) = examine(placed, &definition, bytes, context, options);
                summary.keep_copy_if_needed(context, || Document::read_as(definition, bytes.to_vec()));
                diagnostics.extend(warning_diagnostics(bom.as_slice()));
                (diagnostics, Some(summary))
            }
            Err(error) => {
                let mut found = read_error(&error.in_entry(path));
                found.source = found.line.and_then(|line| source_line(found.code, bytes, line));
                (vec![found], None)
            }
        })
    }
}

/// The diagnostics of a scanned archive (or folder, as `origin` says
/// for a folder).
fn report(scanned: crate::error::Result<(Scan<Examined>, Origin)>) -> Validation {
    let (scan, origin) = match scanned {
        Ok(scanned) => scanned,
        Err(error) => return Validation { diagnostics: vec![read_error(&error)], definitions: Vec::new() },
    };
    let Scan { plan, names, items } = scan;
    let definitions = plan.placed().map(|placed| Arc::clone(placed.shared_path())).collect();
    let mut out = warning_diagnostics(plan.warnings());
    // Definitions that did not parse: present, but of unknown content.
    let mut unparsed = Vec::new();
    let mut present_unread = |index: usize| unparsed.extend(plan.placed_at(index).cloned());
    // Collected in place: the summaries reuse the items' memory.
    let summaries: Vec<Summary> = (items.into_iter().enumerate())
        .filter_map(|(index, item)| match item {
            Ok(Some((diagnostics, summary))) => {
                out.extend(diagnostics);
                if summary.is_none() {
                    present_unread(index);
                }
                summary
            }
            Ok(None) => None,
            Err(error) => {
                // A damaged definition has its error, and no follow-on one.
                present_unread(index);
                out.push(read_error(&error));
                None
            }
        })
        .collect();
    // Freeing thousands of names and placements takes as long as half the
    // rules across files: one thread does each.
    rayon::join(|| cross::cross_file(&summaries, &unparsed, origin, &mut out), move || drop((plan, names)));
    summaries.into_par_iter().for_each(drop);
    Validation { diagnostics: out, definitions }
}

/// The diagnostic for an error of the reader.
pub(crate) fn read_error(error: &Error) -> Diagnostic {
    let code = match error.kind().class() {
        Class::Name => Code::UnsafeName,
        Class::Limit => Code::LimitExceeded,
        Class::Layout => Code::NotALayout,
        Class::Json => Code::InvalidJson,
        Class::WrongType => Code::WrongType,
        Class::Archive | Class::Request | Class::Missing(_) | Class::Other => Code::UnreadableArchive,
    };
    let hint = error.hint().unwrap_or(crate::error::DAMAGED_ARCHIVE_HINT);
    let message = match error.position() {
        Some(position) => format!("{} (line {}, column {})", error.message(), position.line, position.column),
        None => error.message().to_owned(),
    };
    let mut found = Diagnostic::new(code, error.entry().map(EntryRef::name), None, message, hint);
    found.line = error.position().map(|position| position.line);
    found.column = error.position().map(|position| position.column);
    found.file = error.file().map(|file| file.display().to_string());
    found
}

/// Lines and columns for what the rules across files found after the texts
/// were dropped (a script of a type its node cannot run): the entries they
/// name are read again, which happens only then. `read` gives the texts of
/// the entries asked for.
pub(crate) fn relocate(found: &mut [Diagnostic], read: impl FnOnce(&HashSet<String>) -> HashMap<String, Vec<u8>>) {
    let unplaced = |d: &Diagnostic| d.line.is_none() && d.pointer.is_some();
    let wanted: HashSet<String> = found.iter().filter(|d| unplaced(d)).filter_map(|d| d.entry.clone()).collect();
    if wanted.is_empty() {
        return;
    }
    let texts = read(&wanted);
    for diagnostic in found.iter_mut().filter(|d| unplaced(d)) {
        let text = diagnostic.entry.as_deref().and_then(|entry| texts.get(entry));
        if let (Some(text), Some(pointer)) = (text, diagnostic.pointer.as_deref())
            && let Some((line, column)) = json::pointer_position(text, pointer)
        {
            (diagnostic.line, diagnostic.column) = (Some(line), Some(column));
            diagnostic.source = source_line(diagnostic.code, text, line);
        }
    }
}

/// An entry's path and text, as a [`reader`] scan keeps them.
type Text = Option<(String, Vec<u8>)>;

/// A scan's `process` that keeps the texts of the `wanted` entries.
fn reader(
    wanted: &HashSet<String>,
) -> impl Fn(&Arrangement, &(), usize, DefinitionKind, EntryData<'_>) -> crate::error::Result<Text> + Sync + '_ {
    move |plan, (), index, _, data| {
        let path = plan.placed_at(index).map(PlacedPath::path).filter(|path| wanted.contains(*path));
        Ok(path.map(|path| (path.to_owned(), data.into_vec())))
    }
}

/// The texts a [`reader`] scan kept, by entry.
fn texts(scanned: crate::error::Result<Scan<Text>>) -> HashMap<String, Vec<u8>> {
    let Ok(scan) = scanned else { return HashMap::new() };
    scan.items.into_iter().filter_map(|item| item.ok().flatten().flatten()).collect()
}

/// Sets each diagnostic's line and column from its pointer into `text`
/// (the document itself when it has none).
fn locate(diagnostics: &mut [Diagnostic], text: &[u8]) {
    for found in diagnostics {
        if let Some((line, column)) = json::pointer_position(text, found.pointer.as_deref().unwrap_or_default()) {
            (found.line, found.column) = (Some(line), Some(column));
            found.source = source_line(found.code, text, line);
        }
    }
}

/// Drops the source line of every finding on a line that holds a literal
/// credential, whatever the finding: the line would show the secret.
pub(crate) fn scrub(diagnostics: &mut [Diagnostic]) {
    let secret: Vec<(Option<String>, Option<usize>)> =
        diagnostics.iter().filter(|d| d.code == Code::LiteralCredential).map(|d| (d.entry.clone(), d.line)).collect();
    if secret.is_empty() {
        return;
    }
    for diagnostic in diagnostics {
        if secret.iter().any(|(entry, line)| *entry == diagnostic.entry && *line == diagnostic.line) {
            diagnostic.source = None;
        }
    }
}

/// The text of line `line` of `text` (at most 240 characters), for the
/// display of a finding of `code`; none for one whose line may hold a secret.
pub(crate) fn source_line(code: Code, text: &[u8], line: usize) -> Option<String> {
    if code == Code::LiteralCredential {
        return None;
    }
    let text = String::from_utf8_lossy(text.split(|b| *b == b'\n').nth(line.checked_sub(1)?)?);
    Some(text.trim_end_matches('\r').chars().take(240).collect())
}

/// Validates a bundle already in memory.
///
/// ```
/// use dlf_bundle::{Bundle, Job, Layout};
/// use dlf_bundle::diagnostic::Code;
/// use dlf_bundle::validate::{validate_bundle, ValidateOptions};
/// let mut bundle = Bundle::new(Layout::Batch);
/// bundle.add_job(Job::new("job_batch"))?;
/// let codes: Vec<Code> = validate_bundle(&bundle, &ValidateOptions::default()).iter().map(|d| d.code).collect();
/// // A bare job lacks its nodes, schedule and process type.
/// assert!(codes.iter().all(|code| *code == Code::MissingField), "{codes:?}");
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
pub fn validate_bundle(bundle: &Bundle, options: &ValidateOptions) -> Vec<Diagnostic> {
    let mut out = warning_diagnostics(bundle.warnings());
    // Every entry's path was placed when it was inserted.
    let placed: Vec<(PlacedPath, &Entry)> =
        bundle.iter().filter_map(|entry| Some((PlacedPath::of(entry.path())?, entry))).collect();
    let context = Context::new(bundle.layout(), placed.iter().map(|(placed, _)| placed));
    let examined: Vec<Examined> = placed
        .par_iter()
        .map(|(placed, entry)| match entry.document() {
            Ok(document) => {
                let bytes = document.bytes();
                let (mut diagnostics, mut summary) = examine(placed, document.definition(), &bytes, &context, options);
                summary.keep_copy_if_needed(&context, || document.clone());
                diagnostics.extend(warning_diagnostics(Warning::byte_order_mark(entry.path(), &bytes).as_slice()));
                (diagnostics, Some(summary))
            }
            Err(error) => (vec![read_error(&error)], None),
        })
        .collect();
    let mut summaries = Vec::with_capacity(examined.len());
    let mut unparsed = Vec::new();
    for ((placed, _), (diagnostics, summary)) in placed.iter().zip(examined) {
        out.extend(diagnostics);
        match summary {
            Some(summary) => summaries.push(summary),
            // Present, but of unknown content: no follow-on finding.
            None => unparsed.push(placed.clone()),
        }
    }
    cross::cross_file(&summaries, &unparsed, Origin::Memory, &mut out);
    relocate(&mut out, |wanted| {
        let held = wanted.iter().filter_map(|path| Some((path.clone(), bundle.get(path)?.bytes().ok()?.into_owned())));
        held.collect()
    });
    scrub(&mut out);
    out
}

/// Reader warnings as diagnostics (name mismatches are checked as errors instead).
fn warning_diagnostics(warnings: &[Warning]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for warning in warnings {
        let (code, hint) = match warning.kind {
            WarningKind::StrayFile => {
                (Code::StrayFile, "remove files that are not `.job`, `.script` or `.resource` definitions")
            }
            WarningKind::WrapperFolder => {
                (Code::WrapperFolder, "zip the `jobs/` folder itself, not the folder around it")
            }
            WarningKind::GbkName => (Code::GbkName, "re-zip with a tool that writes UTF-8 names"),
            WarningKind::MacMetadata => {
                (Code::StrayFile, "nothing to do; `zip -r jobs.zip jobs -x '*.DS_Store' '__MACOSX/*'` leaves it out")
            }
            WarningKind::Backslashes => {
                (Code::NormalisedName, "nothing to do; re-zip with a tool that writes `/` (7-Zip, `zip`, .NET 4.6.1+)")
            }
            WarningKind::CurrentDirectoryPrefix => {
                (Code::NormalisedName, "nothing to do; `zip -r jobs.zip jobs` writes names without `./`")
            }
            WarningKind::ByteOrderMark => (Code::ByteOrderMark, "save the file as UTF-8 without a byte order mark"),
            WarningKind::CaseCollision => {
                (Code::CaseCollision, "rename one of them; they overwrite each other on Windows and macOS")
            }
            // Checked as errors by the rules; and notes of an export, which reading never gives.
            WarningKind::NameMismatch | WarningKind::JobLeftOut | WarningKind::JobCycle => continue,
        };
        out.push(Diagnostic::new(code, warning.entry.as_deref(), None, warning.message.clone(), hint));
    }
    out
}

/// Where the definitions validated come from, which decides how a missing
/// one is best added.
#[derive(Clone, Copy)]
pub(crate) enum Origin {
    /// A zip of this many bytes.
    Archive(u64),
    /// An unpacked export.
    Folder,
    /// A workspace folder (definitions below `jobs/`, `scripts/`, `resources/`).
    Workspace,
    /// A bundle in memory.
    Memory,
}

/// What every entry's examination may consult: the bundle's jobs and which
/// names occur in more than one job folder.
struct Context {
    layout: Layout,
    job_names: HashSet<String>,
    /// Every definition's path, as the rules across files see it (shared
    /// with the plan, and with each reference to a definition held).
    paths: HashSet<Arc<str>>,
    /// Stems held by more than one entry, with the kinds that repeat.
    repeated: HashMap<String, Vec<DefinitionKind>>,
}

impl Context {
    fn new<'a>(layout: Layout, placed: impl Iterator<Item = &'a PlacedPath>) -> Self {
        let mut job_names = HashSet::new();
        let (fewest, most) = placed.size_hint();
        let mut paths = HashSet::with_capacity(most.unwrap_or(fewest));
        // Only scripts and resources repeat: a job's folder is named after it.
        let mut seen: HashSet<(DefinitionKind, &str)> = HashSet::new();
        let mut repeated: HashMap<String, Vec<DefinitionKind>> = HashMap::new();
        for placed in placed {
            paths.insert(Arc::clone(placed.shared_path()));
            let (kind, stem) = (placed.kind(), placed.stem());
            if kind == DefinitionKind::Job {
                job_names.insert(stem.to_owned());
            } else if layout == Layout::Batch && !seen.insert((kind, stem)) {
                let kinds = repeated.entry(stem.to_owned()).or_default();
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
        Self { layout, job_names, paths, repeated }
    }

    /// Whether the rules across files compare this definition with a copy
    /// of the same name in another job folder.
    fn needs_copy(&self, placed: &PlacedPath) -> bool {
        let kind = placed.kind();
        kind != DefinitionKind::Job && self.repeated.get(placed.stem()).is_some_and(|kinds| kinds.contains(&kind))
    }
}

/// What the rules across files need of one definition; kept for every
/// definition of the bundle, so kept small.
pub(crate) struct Summary {
    placed: PlacedPath,
    /// The `name` inside, when it differs from the file's.
    renamed: Option<Box<str>>,
    pub(crate) size: u64,
    /// Jobs: each reference to a script, resource or job.
    pub(crate) references: Box<[Need]>,
    /// Kept only when another job folder holds an object of the same name.
    pub(crate) copy: Option<Box<Document>>,
    /// Scripts: their type.
    pub(crate) script_type: Option<ScriptType>,
}

impl Summary {
    pub(crate) fn path(&self) -> &str {
        self.placed.path()
    }

    pub(crate) fn kind(&self) -> DefinitionKind {
        self.placed.kind()
    }

    /// The definition's name: the one inside, or else the file's.
    pub(crate) fn name(&self) -> &str {
        self.renamed.as_deref().unwrap_or_else(|| self.placed.stem())
    }

    /// Keeps the definition (made by `copy`) when the rules across files
    /// compare it with a namesake: rarely, so it is made only then.
    fn keep_copy_if_needed(&mut self, context: &Context, copy: impl FnOnce() -> Document) {
        if context.needs_copy(&self.placed) {
            self.copy = Some(Box::new(copy()));
        }
    }
}

/// One reference of a job, as the rules across files need it.
pub(crate) enum Need {
    /// A script or resource the bundle holds, at this path: it is used, and
    /// nothing more is said of it (most references; kept small) but, for a
    /// script, whether the node running it may run its type.
    Held(Arc<str>, Option<Runner>),
    /// Anything else: what a diagnostic about it says.
    Other(Box<Wanted>),
}

/// The node that runs a script the bundle holds.
pub(crate) struct Runner {
    /// Its type, as written.
    pub(crate) node_type: &'static str,
    /// Its index among the job's nodes.
    pub(crate) node: u32,
    /// The index of its `scriptName` among its properties.
    pub(crate) property: u32,
}

impl Runner {
    /// The node that makes `reference`, when its type is one the catalog
    /// knows the script types of.
    fn of(job: &Job, reference: &Reference) -> Option<Self> {
        let (node, found) =
            job.nodes().iter().enumerate().find(|(_, n)| n.name.as_deref() == reference.node.as_deref())?;
        let node_type = found.node_type.as_ref()?.known()?;
        let property = found.properties().iter().position(|p| p.name.as_deref() == Some(reference.via.as_str()))?;
        Some(Self { node_type, node: u32::try_from(node).ok()?, property: u32::try_from(property).ok()? })
    }

    pub(crate) fn pointer(&self) -> String {
        format!("/nodes/{}/properties/{}/value", self.node, self.property)
    }
}

/// A reference that may need a diagnostic: a job, or a script or resource
/// the bundle lacks.
pub(crate) struct Wanted {
    pub(crate) reference: Reference,
    /// The pointer of the node that makes it.
    pub(crate) pointer: Option<String>,
    /// Scripts and resources: where the bundle must hold them, and does not
    /// (what it holds is a [`Need::Held`]).
    pub(crate) path: Option<String>,
    /// Line, column and the line's text of the value that names what the
    /// bundle lacks.
    pub(crate) position: Option<(usize, usize, Option<String>)>,
}

/// Runs the per-definition rules and summarises the definition. The caller,
/// which owns the definition, keeps its copy
/// ([`Summary::keep_copy_if_needed`]).
fn examine(
    placed: &PlacedPath,
    definition: &Definition,
    bytes: &[u8],
    context: &Context,
    options: &ValidateOptions,
) -> (Vec<Diagnostic>, Summary) {
    let path = placed.path();
    let mut found = Vec::new();
    let mut check = Checker { entry: path, names: NameRules { strict: options.strict_names }, out: &mut found };
    check.file_name(placed, definition);
    let name = definition.name().unwrap_or_else(|| placed.stem());
    let mut references = Vec::new();
    match definition {
        Definition::Job(job) => {
            check.job(job);
            let known_jobs = |name: &str| context.job_names.contains(name);
            let folder = placed.job_folder().unwrap_or(name);
            // Cross-file rules look at scripts, resources and jobs only;
            // environment objects are not kept (fewer allocations per job).
            references = reference::job_references(job, &options.references, &known_jobs)
                .into_iter()
                .filter_map(|reference| {
                    let (kind, name) = reference.target.definition()?;
                    // Scripts and resources: where the bundle must hold them.
                    let path = (kind != DefinitionKind::Job).then(|| context.layout.path_for(kind, name, Some(folder)));
                    // What the bundle holds needs only its path kept, shared.
                    if let Some(held) = path.as_deref().and_then(|path| context.paths.get(path)) {
                        let runner = (kind == DefinitionKind::Script && !reference.probable)
                            .then(|| Runner::of(job, &reference))
                            .flatten();
                        return Some(Need::Held(Arc::clone(held), runner));
                    }
                    // A probable script or resource is never asked for.
                    if reference.probable && kind != DefinitionKind::Job {
                        return None;
                    }
                    // Where the rules across files will point: only for what
                    // the bundle lacks, so that the text is scanned rarely.
                    let absent = path.is_some() || !context.job_names.contains(reference.target.name());
                    let pointer = property_pointer(job, reference.node.as_deref(), &reference.via);
                    let position = pointer
                        .as_deref()
                        .filter(|_| absent)
                        .and_then(|pointer| json::pointer_position(bytes, pointer))
                        .map(|(line, column)| (line, column, source_line(Code::MissingDependency, bytes, line)));
                    Some(Need::Other(Box::new(Wanted { reference, pointer, path, position })))
                })
                .collect();
        }
        Definition::Script(script) => check.script(script),
        Definition::Resource(resource) => check.resource(resource),
    }
    if !found.is_empty() {
        locate(&mut found, bytes);
    }
    let renamed = (name != placed.stem()).then(|| Box::from(name));
    let summary = Summary {
        placed: placed.clone(),
        renamed,
        size: bytes.len() as u64,
        // A boxed slice drops the spare capacity collecting in place leaves.
        references: references.into_boxed_slice(),
        copy: None,
        script_type: definition.as_script().and_then(|script| script.script_type.clone()),
    };
    (found, summary)
}

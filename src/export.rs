//! Offline export: what `POST /v1/{project_id}/jobs/batch-export` and the
//! single-job export do, from a [`Workspace`].

use crate::bundle::Bundle;
use crate::diagnostic::{Warning, WarningKind};
use crate::error::{Class, Error, ErrorKind, RequestPart, Result};
use crate::graph;
use crate::kind::DefinitionKind;
use crate::layout::Layout;
use crate::model::{Definition, Document};
use crate::name::is_valid_job_name;
use crate::reference::{self, Reference, ReferenceOptions, Target};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Most jobs one batch export may name (the API's limit).
pub const MAX_EXPORT_JOBS: usize = 100;

/// The API's answer for an invalid request.
const INVALID_REQUEST: &str = "The request parameter is invalid.";

/// The body the DataArts API answers a failed request with:
/// `{"error_code": "DLF.3051", "error_msg": "The request parameter is invalid. …"}`.
///
/// ```
/// use dlf_bundle::Workspace;
/// use dlf_bundle::export::{export, ApiError, ExportOptions};
/// let workspace = Workspace::open("examples/workspace")?;
/// let error = export(&workspace, &["nope".to_owned()], &ExportOptions::default()).unwrap_err();
/// let body = ApiError::from_error(&error).unwrap();
/// assert_eq!(body.error_code, "DLF.0100");
/// assert_eq!(body.to_json(), format!(r#"{{"error_code":"DLF.0100","error_msg":"{error}"}}"#));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ApiError {
    /// `DLF.3051` (invalid request), `DLF.0100` (no such job), `DLF.6201`
    /// (no such script), `DLF.6241` (no such resource).
    pub error_code: &'static str,
    /// The message.
    pub error_msg: String,
}

impl ApiError {
    /// What the API answers for `error`, an error of [`export`] or of
    /// another call that mirrors the API; `None` for errors it has no code
    /// for (unreadable or broken files).
    pub fn from_error(error: &Error) -> Option<Self> {
        let error_code = match error.kind().class() {
            Class::Request => "DLF.3051",
            Class::Missing(DefinitionKind::Job) => "DLF.0100",
            Class::Missing(DefinitionKind::Script) => "DLF.6201",
            Class::Missing(DefinitionKind::Resource) => "DLF.6241",
            // The service answers these before the request: broken or unreadable files.
            Class::Archive
            | Class::Name
            | Class::Limit
            | Class::Layout
            | Class::Json
            | Class::WrongType
            | Class::Other => {
                return None;
            }
        };
        Some(Self { error_code, error_msg: error.to_string() })
    }

    /// The body as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::json!({"error_code": self.error_code, "error_msg": self.error_msg}).to_string()
    }
}

/// Options of an export request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExportOptions {
    /// `exportDepend`: also export the scripts and resources the jobs use (default `true`).
    pub export_depend: bool,
    /// Batch (`jobs.zip`, default) or single (`DLF_<job>.zip`, one job).
    pub layout: Layout,
    /// Also export every job the named jobs reference, transitively.
    pub with_upstream: bool,
    /// Reference extraction options.
    pub references: ReferenceOptions,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            export_depend: true,
            layout: Layout::Batch,
            with_upstream: false,
            references: ReferenceOptions::default(),
        }
    }
}

impl ExportOptions {
    /// Sets [`ExportOptions::export_depend`].
    #[must_use]
    pub fn export_depend(mut self, export_depend: bool) -> Self {
        self.export_depend = export_depend;
        self
    }

    /// Sets [`ExportOptions::layout`].
    #[must_use]
    pub fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// Sets [`ExportOptions::with_upstream`].
    #[must_use]
    pub fn with_upstream(mut self, with_upstream: bool) -> Self {
        self.with_upstream = with_upstream;
        self
    }
}

/// The result of an export: the bundle, and notes worth telling (job cycles,
/// referenced jobs left out).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Export {
    /// The bundle, ready to write.
    pub bundle: Bundle,
    /// Things noticed that did not stop the export.
    pub notes: Vec<Warning>,
}

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::invalid_request(RequestPart::JobList, format!("{INVALID_REQUEST} {detail}"))
}

/// Exports `job_list` from `workspace`, as the API would.
///
/// ```
/// use dlf_bundle::export::{export, ExportOptions};
/// let workspace = dlf_bundle::Workspace::open("examples/workspace")?;
/// let jobs = ["job_batch".to_owned(), "job_stream".to_owned()];
/// let export = export(&workspace, &jobs, &ExportOptions::default())?;
/// let paths: Vec<&str> = export.bundle.iter().map(|e| e.path()).collect();
/// assert_eq!(paths, ["jobs/job_batch/dws_sql.script", "jobs/job_batch/job_batch.job", "jobs/job_stream/job_stream.job"]);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// In the API's terms ([`ApiError::from_error`]): `DLF.3051` for an empty list,
/// more than [`MAX_EXPORT_JOBS`] jobs, duplicate or invalid names, or a
/// single-layout export of other than one job; `DLF.0100` for a job the
/// workspace lacks; `DLF.6201` / `DLF.6241` for a script / resource a job
/// needs that the workspace lacks (naming job, node and object).
pub fn export(workspace: &Workspace, job_list: &[String], options: &ExportOptions) -> Result<Export> {
    check_request(job_list)?;
    let mut notes = Vec::new();
    // Definitions are read and parsed in parallel; errors are reported in request order.
    let loaded: Vec<Result<Document>> = job_list.par_iter().map(|name| workspace.load_job(name)).collect();
    let mut jobs: BTreeMap<String, Document> = BTreeMap::new();
    for (name, document) in job_list.iter().zip(loaded) {
        jobs.insert(name.clone(), document?);
    }
    if options.with_upstream {
        add_upstream(workspace, &mut jobs, options, &mut notes)?;
    }
    if options.layout == Layout::Single && jobs.len() != 1 {
        return Err(invalid(format!("a single-job export holds one job, not {}.", jobs.len())));
    }
    let bundle = assemble(workspace, &jobs, options)?;
    Ok(Export { bundle, notes })
}

/// The bundle of `jobs` (read already) with the scripts and resources they
/// need, when the options export dependencies.
fn assemble(workspace: &Workspace, jobs: &BTreeMap<String, Document>, options: &ExportOptions) -> Result<Bundle> {
    // What each job needs, in job and node order.
    let known_jobs = |name: &str| workspace.contains(DefinitionKind::Job, name);
    let mut needs: Vec<(&str, Reference, DefinitionKind, String)> = Vec::new();
    if options.export_depend {
        for (job_name, document) in jobs {
            let Definition::Job(job) = document.definition() else { continue };
            for reference in reference::job_references(job, &options.references, &known_jobs) {
                let Some((kind, name)) = reference.target.definition().filter(|(kind, _)| *kind != DefinitionKind::Job)
                else {
                    continue;
                };
                let name = name.to_owned();
                needs.push((job_name, reference, kind, name));
            }
        }
    }
    let wanted: Vec<(DefinitionKind, &str)> =
        needs.iter().map(|(_, _, kind, name)| (*kind, name.as_str())).collect::<BTreeSet<_>>().into_iter().collect();
    let found: Vec<Result<Option<Document>>> =
        wanted.par_iter().map(|(kind, name)| workspace.load(*kind, name)).collect();
    let mut definitions: BTreeMap<(DefinitionKind, &str), Document> = BTreeMap::new();
    for (key, document) in wanted.into_iter().zip(found) {
        if let Some(document) = document? {
            definitions.insert(key, document);
        }
    }

    let mut bundle = Bundle::new(options.layout);
    for (job_name, document) in jobs {
        bundle.insert(&options.layout.path_for(DefinitionKind::Job, job_name, None), document.clone())?;
    }
    for (job_name, reference, kind, name) in &needs {
        let path = options.layout.path_for(*kind, name, Some(job_name));
        if bundle.get(&path).is_some() {
            continue; // once per folder, however many nodes use it
        }
        let document = definitions.get(&(*kind, name.as_str())).ok_or_else(|| missing(job_name, reference, *kind))?;
        bundle.insert(&path, document.clone())?;
    }
    Ok(bundle)
}

/// One bundle of a whole-workspace export in batches.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Batch {
    /// Its file name: `batch-001.zip`, `batch-002.zip`, ….
    pub file: String,
    /// Its jobs, sorted.
    pub jobs: Vec<String>,
    /// The bundle, with its jobs' scripts and resources.
    pub bundle: Bundle,
}

impl Batch {
    /// The file name of the batch at `index` (from 0): `batch-001.zip`, ….
    pub fn file_name(index: usize) -> String {
        format!("batch-{:03}.zip", index + 1)
    }
}

/// Exports every job of `workspace` in batches of at most `batch_size`
/// jobs, in import order: a job's upstream jobs (dependJobs, sub-jobs) are
/// in its batch or an earlier one, and jobs in a dependency cycle share a
/// batch. Batches are filled in topological order.
///
/// ```
/// use dlf_bundle::export::{export_batches, ExportOptions};
/// let workspace = dlf_bundle::Workspace::open("examples/workspace")?;
/// let batches = export_batches(&workspace, 1, &ExportOptions::default())?;
/// let files: Vec<&str> = batches.iter().map(|b| b.file.as_str()).collect();
/// assert_eq!(files, ["batch-001.zip", "batch-002.zip"]);
/// assert!(batches[0].bundle.iter().any(|e| e.name() == "dws_sql"), "a batch carries its jobs' scripts");
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// `DLF.3051` ([`ErrorKind::InvalidRequest`]) for a batch size of 0 or
/// over [`MAX_EXPORT_JOBS`], the single layout, a workspace without jobs, or a dependency
/// cycle of more jobs than a batch holds (naming them); as [`export`]
/// for the definitions.
pub fn export_batches(workspace: &Workspace, batch_size: usize, options: &ExportOptions) -> Result<Vec<Batch>> {
    let groups = batch_jobs(workspace, batch_size, options)?;
    let bundles: Vec<Result<Bundle>> = groups.par_iter().map(|jobs| export_batch(workspace, jobs, options)).collect();
    groups
        .into_iter()
        .zip(bundles)
        .enumerate()
        .map(|(index, (jobs, bundle))| Ok(Batch { file: Batch::file_name(index), jobs, bundle: bundle? }))
        .collect()
}

/// The jobs of each batch of [`export_batches`], in import order (each
/// batch's jobs sorted), without building the bundles: with
/// [`export_batch`] a caller writes one batch at a time, so memory holds
/// one batch, not the workspace. Each job is read once here and dropped
/// once its upstream jobs are known.
///
/// # Errors
/// As [`export_batches`].
pub fn batch_jobs(workspace: &Workspace, batch_size: usize, options: &ExportOptions) -> Result<Vec<Vec<String>>> {
    if batch_size == 0 || batch_size > MAX_EXPORT_JOBS {
        return Err(invalid(format!("a batch holds 1 to {MAX_EXPORT_JOBS} jobs, not {batch_size}.")));
    }
    if options.layout == Layout::Single {
        return Err(invalid("a single-job export holds one job: export batches in the batch layout."));
    }
    let names: Vec<String> = workspace.names(DefinitionKind::Job).map(str::to_owned).collect();
    if names.is_empty() {
        return Err(invalid("the workspace has no jobs."));
    }
    let known_jobs = |name: &str| workspace.contains(DefinitionKind::Job, name);
    let upstream_of = |name: &String| -> Result<BTreeSet<String>> {
        let document = workspace.load_job(name)?;
        let Definition::Job(job) = document.definition() else { return Ok(BTreeSet::new()) };
        Ok(reference::job_references(job, &options.references, &known_jobs)
            .into_iter()
            .filter_map(|reference| match reference.target {
                Target::Job(target) if target != *name => Some(target),
                _ => None,
            })
            .collect())
    };
    // Errors are reported in name order.
    let upstream: Vec<Result<BTreeSet<String>>> = names.par_iter().map(upstream_of).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, jobs) in names.into_iter().zip(upstream) {
        edges.insert(name, jobs?);
    }
    let mut groups: Vec<Vec<String>> = Vec::new();
    for component in graph::components_upstream_first(&edges) {
        if component.len() > batch_size {
            return Err(invalid(format!(
                "jobs {} depend on each other in a cycle of {} jobs, more than a batch of {batch_size} holds.",
                component.join(", "),
                component.len()
            )));
        }
        match groups.last_mut() {
            Some(last) if last.len() + component.len() <= batch_size => last.extend(component),
            _ => groups.push(component),
        }
    }
    for group in &mut groups {
        group.sort_unstable();
    }
    Ok(groups)
}

/// The bundle of one batch of [`batch_jobs`]: its jobs with their scripts
/// and resources.
///
/// # Errors
/// As [`export`] for the definitions.
pub fn export_batch(workspace: &Workspace, jobs: &[String], options: &ExportOptions) -> Result<Bundle> {
    let loaded: Vec<Result<Document>> = jobs.par_iter().map(|name| workspace.load_job(name)).collect();
    let mut members: BTreeMap<String, Document> = BTreeMap::new();
    for (name, document) in jobs.iter().zip(loaded) {
        members.insert(name.clone(), document?);
    }
    assemble(workspace, &members, options)
}

fn missing(job: &str, reference: &Reference, kind: DefinitionKind) -> Error {
    let node = reference.node.as_deref().unwrap_or("?");
    Error::new(
        ErrorKind::NotFound { kind, name: reference.target.name().to_owned() },
        format!(
            "Job `{job}`, node `{node}` needs {} `{}` ({}), which the workspace does not have.",
            kind.as_str(),
            reference.target.name(),
            reference.via
        ),
    )
}

fn check_request(job_list: &[String]) -> Result<()> {
    if job_list.is_empty() {
        return Err(invalid("jobList is empty."));
    }
    if job_list.len() > MAX_EXPORT_JOBS {
        return Err(invalid(format!("jobList holds {} jobs; at most {MAX_EXPORT_JOBS} are allowed.", job_list.len())));
    }
    let mut seen = BTreeSet::new();
    for name in job_list {
        if !is_valid_job_name(name) {
            return Err(invalid(format!("`{name}` is not a valid job name (1-128 letters, digits, `-`, `_`, `.`).")));
        }
        if !seen.insert(name) {
            return Err(invalid(format!("`{name}` is named twice in jobList.")));
        }
    }
    Ok(())
}

/// Adds every job the selected jobs reference, transitively; reports
/// referenced jobs the workspace lacks and cycles, never loops.
fn add_upstream(
    workspace: &Workspace,
    jobs: &mut BTreeMap<String, Document>,
    options: &ExportOptions,
    notes: &mut Vec<Warning>,
) -> Result<()> {
    let known_jobs = |name: &str| workspace.contains(DefinitionKind::Job, name);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut queue: Vec<String> = jobs.keys().cloned().collect();
    while let Some(name) = queue.pop() {
        if edges.contains_key(&name) {
            continue;
        }
        let Some(document) = jobs.get(&name) else { continue };
        let Definition::Job(job) = document.definition() else { continue };
        let mut targets = BTreeSet::new();
        for reference in reference::job_references(job, &options.references, &known_jobs) {
            if let Target::Job(target) = reference.target {
                targets.insert(target);
            }
        }
        for target in &targets {
            if jobs.contains_key(target) {
                queue.push(target.clone());
                continue;
            }
            match workspace.load(DefinitionKind::Job, target)? {
                Some(document) => {
                    jobs.insert(target.clone(), document);
                    queue.push(target.clone());
                }
                None => notes.push(Warning::new(
                    WarningKind::JobLeftOut,
                    None,
                    format!("job `{name}` references job `{target}`, which the workspace does not have; left out"),
                )),
            }
        }
        edges.insert(name, targets);
    }
    if jobs.len() > MAX_EXPORT_JOBS {
        return Err(invalid(format!(
            "with upstream jobs the export holds {} jobs; at most {MAX_EXPORT_JOBS} are allowed.",
            jobs.len()
        )));
    }
    for cycle in graph::find_cycles(&edges) {
        notes.push(Warning::new(
            WarningKind::JobCycle,
            None,
            format!("jobs reference each other in a cycle: {}", cycle.join(" -> ")),
        ));
    }
    Ok(())
}

//! Offline export: what `POST /v1/{project_id}/jobs/batch-export` and the
//! single-job export do, from a [`Workspace`].

use crate::bundle::{Bundle, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Result};
use crate::layout::Layout;
use crate::model::{Document, Kind};
use crate::resolve::{self, ResolveOptions, Target};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Most jobs one batch export may name (the API's limit).
pub const MAX_EXPORT_JOBS: usize = 100;

/// The API's answer for an invalid request.
const INVALID_REQUEST: &str = "The request parameter is invalid.";

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
    pub resolve: ResolveOptions,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self { export_depend: true, layout: Layout::Batch, with_upstream: false, resolve: ResolveOptions::default() }
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
pub struct Export {
    /// The bundle, ready to write.
    pub bundle: Bundle,
    /// Things noticed that did not stop the export.
    pub notes: Vec<Warning>,
}

/// `true` for a name the current naming rule admits: 1–128 characters of
/// letters (any script, so Chinese too), digits, `-`, `_` and `.`.
pub fn is_valid_job_name(name: &str) -> bool {
    // The validator's job-name rule; `.` and `..` would also be path components.
    let rule = crate::validate::syntax::NameRules { strict: false };
    rule.check(name, crate::validate::syntax::NameRule::Job).is_ok() && name != "." && name != ".."
}

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::api(ErrorKind::InvalidRequest, "DLF.3051", format!("{INVALID_REQUEST} {detail}"))
}

/// Exports `job_list` from `workspace`, as the API would.
///
/// ```
/// use dlf_bundle::export::{ExportOptions, export};
/// let workspace = dlf_bundle::Workspace::open("examples/workspace")?;
/// let jobs = ["job_batch".to_owned(), "job_stream".to_owned()];
/// let export = export(&workspace, &jobs, &ExportOptions::default())?;
/// let paths: Vec<&str> = export.bundle.iter().map(|e| e.path()).collect();
/// assert_eq!(paths, ["jobs/job_batch/dws_sql.script", "jobs/job_batch/job_batch.job", "jobs/job_stream/job_stream.job"]);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// In the API's terms ([`Error::api_code`]): `DLF.3051` for an empty list,
/// more than [`MAX_EXPORT_JOBS`] jobs, duplicate or invalid names, or a
/// single-layout export of other than one job; `DLF.0100` for a job the
/// workspace lacks; `DLF.6201` / `DLF.6241` for a script / resource a job
/// needs that the workspace lacks (naming job, node and object).
pub fn export(workspace: &Workspace, job_list: &[String], options: &ExportOptions) -> Result<Export> {
    check_request(job_list)?;
    let mut notes = Vec::new();
    // Definitions are read and parsed in parallel; errors are reported in request order.
    let loaded: Vec<Result<Document>> = job_list
        .par_iter()
        .map(|name| {
            workspace.load(Kind::Job, name)?.ok_or_else(|| {
                Error::api(ErrorKind::NotFound, "DLF.0100", format!("The job does not exists: `{name}`."))
            })
        })
        .collect();
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

    // What each job needs, in job and node order.
    let known_jobs = |name: &str| workspace.contains(Kind::Job, name);
    let mut needs: Vec<(&str, resolve::Reference, Kind, String)> = Vec::new();
    if options.export_depend {
        for (job_name, document) in &jobs {
            let crate::model::Definition::Job(job) = document.definition() else { continue };
            for reference in resolve::job_references(job, &options.resolve, &known_jobs) {
                let (kind, name) = match &reference.target {
                    Target::Script(name) => (Kind::Script, name.clone()),
                    Target::Resource(name) => (Kind::Resource, name.clone()),
                    _ => continue,
                };
                needs.push((job_name, reference, kind, name));
            }
        }
    }
    let wanted: Vec<(Kind, &str)> =
        needs.iter().map(|(_, _, kind, name)| (*kind, name.as_str())).collect::<BTreeSet<_>>().into_iter().collect();
    let found: Vec<Result<Option<Document>>> =
        wanted.par_iter().map(|(kind, name)| workspace.load(*kind, name)).collect();
    let mut definitions: BTreeMap<(Kind, &str), Document> = BTreeMap::new();
    for (key, document) in wanted.into_iter().zip(found) {
        if let Some(document) = document? {
            definitions.insert(key, document);
        }
    }

    let mut bundle = Bundle::new(options.layout);
    for (job_name, document) in &jobs {
        bundle.insert(&options.layout.path_for(Kind::Job, job_name, None), document.clone())?;
    }
    for (job_name, reference, kind, name) in &needs {
        let path = options.layout.path_for(*kind, name, Some(job_name));
        if bundle.get(&path).is_some() {
            continue; // once per folder, however many nodes use it
        }
        let document = definitions.get(&(*kind, name.as_str())).ok_or_else(|| missing(job_name, reference, *kind))?;
        bundle.insert(&path, document.clone())?;
    }
    Ok(Export { bundle, notes })
}

fn missing(job: &str, reference: &resolve::Reference, kind: Kind) -> Error {
    let code = if kind == Kind::Script { "DLF.6201" } else { "DLF.6241" };
    let node = reference.node.as_deref().unwrap_or("?");
    Error::api(
        ErrorKind::NotFound,
        code,
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
    let known_jobs = |name: &str| workspace.contains(Kind::Job, name);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut queue: Vec<String> = jobs.keys().cloned().collect();
    while let Some(name) = queue.pop() {
        if edges.contains_key(&name) {
            continue;
        }
        let Some(document) = jobs.get(&name) else { continue };
        let crate::model::Definition::Job(job) = document.definition() else { continue };
        let mut targets = BTreeSet::new();
        for reference in resolve::job_references(job, &options.resolve, &known_jobs) {
            if let Target::Job(target) = reference.target {
                targets.insert(target);
            }
        }
        for target in &targets {
            if jobs.contains_key(target) {
                queue.push(target.clone());
                continue;
            }
            match workspace.load(Kind::Job, target)? {
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
    for cycle in find_cycles(&edges) {
        notes.push(Warning::new(
            WarningKind::JobCycle,
            None,
            format!("jobs reference each other in a cycle: {}", cycle.join(" -> ")),
        ));
    }
    Ok(())
}

/// Cycles in a directed graph, each reported once, starting at its smallest name.
pub(crate) fn find_cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    let mut cycles = BTreeSet::new();
    for start in edges.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        // Iterative depth-first search: the path and, per level, the remaining successors.
        let mut path: Vec<&str> = vec![start];
        let mut pending: Vec<Vec<&str>> = vec![successors(edges, start)];
        marks.insert(start, Mark::Visiting);
        while let Some(next) = pending.last_mut() {
            let Some(node) = next.pop() else {
                pending.pop();
                if let Some(done) = path.pop() {
                    marks.insert(done, Mark::Done);
                }
                continue;
            };
            match marks.get(node) {
                Some(Mark::Visiting) => {
                    if let Some(at) = path.iter().position(|n| *n == node) {
                        cycles.insert(canonical_cycle(path.get(at..).unwrap_or_default()));
                    }
                }
                Some(Mark::Done) => {}
                None => {
                    marks.insert(node, Mark::Visiting);
                    path.push(node);
                    pending.push(successors(edges, node));
                }
            }
        }
    }
    cycles.into_iter().collect()
}

fn successors<'a>(edges: &'a BTreeMap<String, BTreeSet<String>>, node: &str) -> Vec<&'a str> {
    edges.get(node).map(|targets| targets.iter().rev().map(String::as_str).collect()).unwrap_or_default()
}

/// Rotates a cycle to start at its smallest member and closes it.
fn canonical_cycle(members: &[&str]) -> Vec<String> {
    let start = members.iter().enumerate().min_by_key(|(_, name)| **name).map_or(0, |(i, _)| i);
    let mut cycle: Vec<String> =
        members.iter().cycle().skip(start).take(members.len()).map(|name| (*name).to_owned()).collect();
    if let Some(first) = cycle.first().cloned() {
        cycle.push(first);
    }
    cycle
}

/// The same definitions in the other layout.
///
/// Batch to single: every job to `jobs/`, scripts and resources once each
/// to `scripts/` and `resources/` (copies in several job folders must be
/// identical). Single to batch: each job's folder receives the scripts and
/// resources it references, as batch export does. Definitions keep their
/// bytes.
///
/// # Errors
/// [`ErrorKind::Layout`] when two copies of one object differ, or when a
/// script or resource no job uses has no place in the batch layout.
pub fn convert(bundle: &Bundle, layout: Layout, options: &ResolveOptions) -> Result<Bundle> {
    let mut out = Bundle::new(layout);
    if layout == bundle.layout() {
        for entry in bundle.iter() {
            out.insert(entry.path(), entry.document().clone())?;
        }
        return Ok(out);
    }
    match layout {
        Layout::Single => {
            for entry in bundle.iter() {
                let path = layout.path_for(entry.kind(), entry.stem(), None);
                match out.get(&path) {
                    Some(existing) if existing.document().bytes() != entry.document().bytes() => {
                        return Err(Error::new(
                            ErrorKind::Layout,
                            format!("differs from the copy that goes to `{path}`; one object has one definition"),
                        )
                        .in_entry(entry.path()));
                    }
                    Some(_) => {}
                    None => out.insert(&path, entry.document().clone())?,
                }
            }
        }
        Layout::Batch => {
            let job_names: BTreeSet<&str> = bundle.jobs().map(|(entry, _)| entry.stem()).collect();
            let known_jobs = |name: &str| job_names.contains(name);
            let mut used = BTreeSet::new();
            for (entry, job) in bundle.jobs() {
                let folder = entry.stem();
                out.insert(&layout.path_for(Kind::Job, folder, None), entry.document().clone())?;
                for reference in resolve::job_references(job, options, &known_jobs) {
                    let (kind, name) = match &reference.target {
                        Target::Script(name) => (Kind::Script, name),
                        Target::Resource(name) => (Kind::Resource, name),
                        _ => continue,
                    };
                    let Some(source) = bundle.get(&bundle.layout().path_for(kind, name, None)) else { continue };
                    used.insert(source.path().to_owned());
                    let path = layout.path_for(kind, name, Some(folder));
                    if out.get(&path).is_none() {
                        out.insert(&path, source.document().clone())?;
                    }
                }
            }
            if let Some(unused) = bundle.iter().find(|e| e.kind() != Kind::Job && !used.contains(e.path())) {
                return Err(Error::new(
                    ErrorKind::Layout,
                    format!("no job uses this {}, so the batch layout has no folder for it", unused.kind().as_str()),
                )
                .in_entry(unused.path()));
            }
        }
    }
    Ok(out)
}

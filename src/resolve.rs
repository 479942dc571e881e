//! Dependencies: what a job, a script or a resource names (its
//! [`Reference`]s), and whether the bundle or workspace it lives in has it.

use crate::bundle::{Bundle, Entry};
use crate::error::Result;
use crate::kind::DefinitionKind;
use crate::model::{Definition, Job};
use crate::reference::script_parameters;
use crate::workspace::Workspace;
use rayon::prelude::*;

pub use crate::kind::EnvironmentKind;
pub use crate::reference::{
    ParamStyle, Reference, ReferenceOptions, Target, definition_references, job_references, resource_references,
    script_references, variables,
};

/// Whether a needed object is available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// In the bundle (for a batch bundle: in the job's folder) or workspace.
    Present,
    /// A script, resource or job that is not there.
    Missing,
    /// An environment object: never in a bundle, must exist in the target workspace.
    External,
}

impl Status {
    /// `present`, `missing` or `external`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Missing => "missing",
            Self::External => "external",
        }
    }
}

/// One need of a job, with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dependency {
    /// The reference.
    pub reference: Reference,
    /// Whether it is available.
    pub status: Status,
    /// For needs of a script the job uses (its connection, its queue): that script.
    pub via_script: Option<String>,
}

/// Everything one job needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobDependencies {
    /// The job.
    pub job: String,
    /// Its needs, job-level first, then node by node.
    pub dependencies: Vec<Dependency>,
}

/// What the status computation needs to know about the place jobs live in.
trait Lookup {
    /// `true` when the `kind` definition `name` is available to `job`.
    fn has(&self, kind: DefinitionKind, name: &str, job: &str) -> bool;
    /// The environment objects the `kind` definition `name`, as available
    /// to `job`, needs; `None` when it is not available.
    fn needs(
        &self,
        kind: DefinitionKind,
        name: &str,
        job: &str,
        options: &ReferenceOptions,
    ) -> Result<Option<Vec<Reference>>>;
}

fn dependencies_of<L: Lookup>(
    job_name: &str,
    job: &Job,
    lookup: &L,
    options: &ReferenceOptions,
) -> Result<JobDependencies> {
    let known_jobs = |name: &str| lookup.has(DefinitionKind::Job, name, job_name);
    let mut dependencies = Vec::new();
    for reference in job_references(job, options, &known_jobs) {
        let (status, extra) = match reference.target.definition() {
            Some((DefinitionKind::Job, name)) => {
                (if known_jobs(name) { Status::Present } else { Status::Missing }, Vec::new())
            }
            Some((kind, name)) => match lookup.needs(kind, name, job_name, options)? {
                // A script's `${x}` is the job's parameter when the job defines
                // one, or the node's argument when its `scriptArgs` supply one.
                Some(needs) => (
                    Status::Present,
                    needs.into_iter().filter(|need| !defined_by(job, reference.node.as_deref(), need)).collect(),
                ),
                None => (Status::Missing, Vec::new()),
            },
            None => (Status::External, Vec::new()),
        };
        let owner = reference.target.name().to_owned();
        let node = reference.node.clone();
        dependencies.push(Dependency { reference, status, via_script: None });
        for mut inner in extra {
            inner.node.clone_from(&node);
            dependencies.push(Dependency {
                reference: inner,
                status: Status::External,
                via_script: Some(owner.clone()),
            });
        }
    }
    Ok(JobDependencies { job: job_name.to_owned(), dependencies })
}

/// An environment variable of a script that the job defines for it
/// ([`defined_variables`]).
fn defined_by(job: &Job, node: Option<&str>, need: &Reference) -> bool {
    is_defined(need, defined_variables(job, node))
}

/// Whether `need`, a need of a script or resource a job uses, is a variable
/// among those the job `defined` for it: then no need of the job's.
pub(crate) fn is_defined<'d>(need: &Reference, mut defined: impl Iterator<Item = &'d str>) -> bool {
    let Target::Environment { kind: EnvironmentKind::EnvVariable, name, .. } = &need.target else { return false };
    defined.any(|defined| defined == name)
}

/// The variables `job` defines for what its node `node` runs: the job's own
/// parameters, and the script parameters of the node (`scriptArgs`,
/// `arguments`). A script's `${x}` is one of them, when `x` is, not an
/// environment variable the target workspace must define.
pub(crate) fn defined_variables<'j>(job: &'j Job, node: Option<&str>) -> impl Iterator<Item = &'j str> {
    let params = job.params().iter().filter_map(|param| param.name.as_deref());
    let node = node.and_then(|node| job.node(node));
    params.chain(node.into_iter().flat_map(script_parameters))
}

struct BundleLookup<'a> {
    bundle: &'a Bundle,
}

impl BundleLookup<'_> {
    fn find(&self, kind: DefinitionKind, name: &str, job: &str) -> Option<&Entry> {
        self.bundle.get(&self.bundle.layout().path_for(kind, name, Some(job)))
    }
}

impl Lookup for BundleLookup<'_> {
    fn has(&self, kind: DefinitionKind, name: &str, job: &str) -> bool {
        self.find(kind, name, job).is_some()
    }
    fn needs(
        &self,
        kind: DefinitionKind,
        name: &str,
        job: &str,
        options: &ReferenceOptions,
    ) -> Result<Option<Vec<Reference>>> {
        let Some(entry) = self.find(kind, name, job) else { return Ok(None) };
        Ok(Some(definition_references(entry.load()?.definition(), options)))
    }
}

impl Lookup for Workspace {
    fn has(&self, kind: DefinitionKind, name: &str, _job: &str) -> bool {
        self.contains(kind, name)
    }
    fn needs(
        &self,
        kind: DefinitionKind,
        name: &str,
        _job: &str,
        options: &ReferenceOptions,
    ) -> Result<Option<Vec<Reference>>> {
        Ok(self.load(kind, name)?.map(|document| definition_references(document.definition(), options)))
    }
}

/// The needs of every job in a bundle. In a batch bundle a script or
/// resource is present only in the job's own folder, as batch export puts it.
///
/// ```
/// use dlf_bundle::{Bundle, ReadOptions};
/// use dlf_bundle::resolve::ReferenceOptions;
/// use dlf_bundle::resolve::{bundle_dependencies, Status};
/// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
/// let jobs = bundle_dependencies(&bundle, &ReferenceOptions::default())?;
/// let batch = jobs.iter().find(|job| job.job == "job_batch").unwrap();
/// assert!(batch.dependencies.iter().any(|d| d.reference.target.name() == "dws_sql" && d.status == Status::Present));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// The first definition, in path order, that does not read or parse.
pub fn bundle_dependencies(bundle: &Bundle, options: &ReferenceOptions) -> Result<Vec<JobDependencies>> {
    let lookup = BundleLookup { bundle };
    let jobs: Vec<&Entry> = bundle.entries_of(DefinitionKind::Job).collect();
    // Jobs are parsed and dropped: a pass over every job keeps none of them.
    jobs.into_par_iter()
        .map(|entry| {
            let document = entry.load()?;
            let job = document.definition().as_job().ok_or_else(|| entry.not_of_its_kind())?;
            dependencies_of(entry.name(), job, &lookup, options)
        })
        .collect()
}

/// The needs of `jobs` (every job when empty) of a workspace.
///
/// # Errors
/// [`ErrorKind::NotFound`](crate::error::ErrorKind::NotFound) for a named job the workspace lacks; read and
/// parse errors of the definitions looked at.
pub fn workspace_dependencies(
    workspace: &Workspace,
    jobs: &[String],
    options: &ReferenceOptions,
) -> Result<Vec<JobDependencies>> {
    let names: Vec<String> =
        if jobs.is_empty() { workspace.names(DefinitionKind::Job).map(str::to_owned).collect() } else { jobs.to_vec() };
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let document = workspace.load_job(&name)?;
        if let Definition::Job(job) = document.definition() {
            out.push(dependencies_of(&name, job, workspace, options)?);
        }
    }
    Ok(out)
}

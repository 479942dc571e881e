//! Dependency resolution: what each job needs.
//!
//! References follow FORMAT.md §4.2–§4.3. Scripts and resources travel in a
//! bundle; jobs may or may not; environment objects (connections, clusters,
//! queues, streams, topics, OBS paths, CDM jobs, other workspaces) never do
//! and must already exist where the bundle is imported.

use crate::model::{Definition, DependJobs, Document, Job, Node, NodeType, Resource, Script, ScriptType};
use std::collections::BTreeSet;
use std::fmt;

/// Kinds of environment object a bundle cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EnvironmentKind {
    /// A data connection (`connectionName`, `connectionId`, `Data Warehouse`).
    Connection,
    /// A CDM cluster (`CDMJob` nodes, the relay agent of `RESTAPI` nodes).
    CdmCluster,
    /// A job inside a CDM cluster, named `cluster/job`.
    CdmJob,
    /// A DLI queue.
    DliQueue,
    /// An MRS cluster.
    MrsCluster,
    /// A DIS stream.
    DisStream,
    /// An SMN topic (URN).
    SmnTopic,
    /// An OBS path (`obs://…`).
    ObsPath,
    /// A job in another workspace, named `workspace/job`.
    OtherWorkspaceJob,
}

impl EnvironmentKind {
    /// Lower-case name used in reports: `connection`, `cdm_cluster`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connection => "connection",
            Self::CdmCluster => "cdm_cluster",
            Self::CdmJob => "cdm_job",
            Self::DliQueue => "dli_queue",
            Self::MrsCluster => "mrs_cluster",
            Self::DisStream => "dis_stream",
            Self::SmnTopic => "smn_topic",
            Self::ObsPath => "obs_path",
            Self::OtherWorkspaceJob => "other_workspace_job",
        }
    }
}

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A script, by name.
    Script(String),
    /// A resource, by name.
    Resource(String),
    /// A job of the same workspace, by name.
    Job(String),
    /// An object of the environment.
    Environment {
        /// What kind of object.
        kind: EnvironmentKind,
        /// Its name (or path, or URN).
        name: String,
        /// The import API's replacement type (`DWS_CONNECTION`, `CDM_CLUSTER`, …), where one fits.
        import_type: Option<&'static str>,
    },
}

impl Target {
    /// The name (or path) of the target.
    pub fn name(&self) -> &str {
        match self {
            Self::Script(name) | Self::Resource(name) | Self::Job(name) | Self::Environment { name, .. } => name,
        }
    }

    /// `script`, `resource`, `job` or the environment kind.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Self::Script(_) => "script",
            Self::Resource(_) => "resource",
            Self::Job(_) => "job",
            Self::Environment { kind, .. } => kind.as_str(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind_str(), self.name())
    }
}

/// One thing a job (or one of its nodes, or a script) needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// What is needed.
    pub target: Target,
    /// The node that needs it; `None` for job-level references.
    pub node: Option<String>,
    /// Where the name was found: a property name or a field path.
    pub via: String,
    /// `true` when the reference is inferred (Sub Job / For Each properties
    /// whose names are undocumented), not read from a documented field.
    pub probable: bool,
}

/// Options for reference extraction.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// Properties of `DLFSubJob` / `ForEachJob` nodes that name the target
    /// job. No public source documents them; these are the likely names.
    pub sub_job_properties: Vec<String>,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        Self { sub_job_properties: ["subJobName", "subJob", "jobName"].map(String::from).to_vec() }
    }
}

/// Node types whose `scriptName` is a script reference (in script mode).
fn uses_script(node_type: &NodeType) -> bool {
    matches!(
        node_type,
        NodeType::HiveSql
            | NodeType::SparkSql
            | NodeType::DwsSql
            | NodeType::DliSql
            | NodeType::RdsSql
            | NodeType::RdsSqlCompact
            | NodeType::Shell
            | NodeType::Python
            | NodeType::CsJob
            | NodeType::MrsHetuEngine
            | NodeType::MrsSparkPython
            | NodeType::MrsFlink
            | NodeType::MrsFlinkJob
    )
}

/// Import replacement type of a connection used by this node or script type.
fn connection_import_type(type_name: &str) -> Option<&'static str> {
    match type_name {
        "DWSSQL" => Some("DWS_CONNECTION"),
        "HiveSQL" => Some("MRS_HIVE_CONNECTION"),
        "SparkSQL" => Some("MRS_SPARK_CONNECTION"),
        _ => None,
    }
}

fn import_type(kind: EnvironmentKind, owner_type: &str) -> Option<&'static str> {
    match kind {
        EnvironmentKind::Connection => connection_import_type(owner_type),
        EnvironmentKind::CdmCluster => Some("CDM_CLUSTER"),
        EnvironmentKind::MrsCluster => Some("MRS_CLUSTER"),
        EnvironmentKind::DisStream => Some("DIS_STREAM"),
        _ => None,
    }
}

/// Node properties that name an environment object, by node type (FORMAT.md §4.2).
fn environment_properties(node_type: &NodeType) -> &'static [(&'static str, EnvironmentKind)] {
    use EnvironmentKind::{CdmCluster, DisStream, DliQueue, MrsCluster, ObsPath, SmnTopic};
    match node_type {
        NodeType::DliSql => &[("queueName", DliQueue)],
        // DLI Spark's `clusterName` is the DLI queue.
        NodeType::DliSpark => &[("clusterName", DliQueue)],
        NodeType::MrsSpark
        | NodeType::MapReduce
        | NodeType::MrsFlink
        | NodeType::MrsFlinkJob
        | NodeType::MrsHetuEngine
        | NodeType::MrsSparkPython => &[("clusterName", MrsCluster)],
        // The CDM cluster that relays the call.
        NodeType::RestApi => &[("agentName", CdmCluster)],
        NodeType::Smn => &[("topic", SmnTopic)],
        NodeType::DisTransferTask | NodeType::DisStream => &[("streamName", DisStream)],
        NodeType::ObsManager => &[("path", ObsPath), ("sourceDirectory", ObsPath), ("targetDirectory", ObsPath)],
        _ => &[],
    }
}

/// `true` when a node with `statementOrScript` runs a script (absent means script mode).
fn in_script_mode(node: &Node) -> bool {
    node.property("statementOrScript").is_none_or(|mode| mode.eq_ignore_ascii_case("SCRIPT"))
}

struct Collector<'a> {
    refs: Vec<Reference>,
    node: Option<&'a str>,
    owner_type: &'a str,
}

impl Collector<'_> {
    fn push(&mut self, target: Target, via: &str, probable: bool) {
        if target.name().is_empty() {
            return;
        }
        self.refs.push(Reference { target, node: self.node.map(str::to_owned), via: via.to_owned(), probable });
    }

    fn environment(&mut self, kind: EnvironmentKind, name: &str, via: &str) {
        let import_type = import_type(kind, self.owner_type);
        self.push(Target::Environment { kind, name: name.to_owned(), import_type }, via, false);
    }

    /// A resource path: a bare name is a resource, `obs://…` (or any URL-like path) an OBS path.
    fn resource_path(&mut self, value: &str, via: &str) {
        if value.contains("://") {
            self.environment(EnvironmentKind::ObsPath, value, via);
        } else {
            self.push(Target::Resource(value.to_owned()), via, false);
        }
    }

    fn depend_jobs(&mut self, depend: &DependJobs, via: &str) {
        for job in depend.jobs.iter().flatten() {
            self.push(Target::Job(job.clone()), &format!("{via}.jobs"), false);
        }
        for job in depend.same_work_space_jobs.iter().flatten() {
            if let Some(name) = &job.job_name {
                self.push(Target::Job(name.clone()), &format!("{via}.sameWorkSpaceJobs"), false);
            }
        }
        for job in depend.other_work_space_jobs.iter().flatten() {
            if let Some(name) = &job.job_name {
                let workspace = job.work_space.as_deref().or(job.work_space_id.as_deref()).unwrap_or("?");
                self.environment(
                    EnvironmentKind::OtherWorkspaceJob,
                    &format!("{workspace}/{name}"),
                    &format!("{via}.otherWorkSpaceJobs"),
                );
            }
        }
    }
}

/// Every reference a job makes, job-level first, then node by node.
///
/// `known_jobs` lets Sub Job / For Each nodes be matched by value: a property
/// whose value is the name of a known job is reported as a probable job
/// reference.
pub fn job_references(job: &Job, options: &ResolveOptions, known_jobs: &dyn Fn(&str) -> bool) -> Vec<Reference> {
    let mut collector = Collector { refs: Vec::new(), node: None, owner_type: "" };
    if let Some(depend) = job.cron_depend_jobs() {
        collector.depend_jobs(depend, "schedule.cron.dependJobs");
    }
    if let Some(event) = job.schedule.as_ref().and_then(|s| s.event.as_ref())
        && event.event_type.as_deref() == Some("DIS")
        && let Some(channel) = &event.channel
    {
        collector.environment(EnvironmentKind::DisStream, channel, "schedule.event.channel");
    }
    if let Some(log_path) = &job.log_path {
        collector.environment(EnvironmentKind::ObsPath, log_path, "logPath");
    }
    for node in job.nodes() {
        node_references(&mut collector, node, options, known_jobs);
    }
    collector.refs
}

fn node_references<'a>(
    collector: &mut Collector<'a>,
    node: &'a Node,
    options: &ResolveOptions,
    known_jobs: &dyn Fn(&str) -> bool,
) {
    let Some(node_type) = node.node_type.as_ref() else { return };
    collector.node = node.name.as_deref();
    collector.owner_type = node_type.as_str();
    let property = |name: &str| node.property(name).filter(|v| !v.is_empty());

    if uses_script(node_type) && in_script_mode(node) {
        let flink_jar = matches!(node_type, NodeType::MrsFlink | NodeType::MrsFlinkJob)
            && property("flinkJobType").is_some_and(|t| t.to_ascii_uppercase().contains("JAR"));
        if let Some(script) = property("scriptName").filter(|_| !flink_jar) {
            collector.push(Target::Script(script.to_owned()), "scriptName", false);
        }
    }
    for key in ["connectionName", "connectionId", "Data Warehouse"] {
        if let Some(name) = property(key) {
            collector.environment(EnvironmentKind::Connection, name, key);
        }
    }
    match node_type {
        NodeType::DliSpark => {
            if let Some(path) = property("resourcePath") {
                if property("resourceType").is_some_and(|t| t.eq_ignore_ascii_case("OBS")) {
                    collector.environment(EnvironmentKind::ObsPath, path, "resourcePath");
                } else {
                    collector.resource_path(path, "resourcePath");
                }
            }
        }
        NodeType::MrsSpark | NodeType::MapReduce | NodeType::MrsFlink | NodeType::MrsFlinkJob => {
            if let Some(path) = property("resourcePath") {
                collector.resource_path(path, "resourcePath");
            }
        }
        NodeType::CdmJob => {
            let (via, cluster) = match property("clusterName") {
                Some(name) => ("clusterName", Some(name)),
                None => ("clusterId", property("clusterId")),
            };
            if let Some(cluster) = cluster {
                collector.environment(EnvironmentKind::CdmCluster, cluster, via);
            }
            if let Some(job) = property("jobName") {
                let qualified = format!("{}/{job}", cluster.unwrap_or("?"));
                collector.environment(EnvironmentKind::CdmJob, &qualified, "jobName");
            }
        }
        NodeType::SubJob | NodeType::ForEach => sub_job_references(collector, node, options, known_jobs),
        _ => {}
    }
    for (key, kind) in environment_properties(node_type) {
        if let Some(name) = property(key) {
            collector.environment(*kind, name, key);
        }
    }
    if let Some(depend) = node.cron_trigger.as_ref().and_then(|t| t.depend_jobs.as_ref()) {
        collector.depend_jobs(depend, "cronTrigger.dependJobs");
    }
    if let Some(event) = &node.event_trigger
        && event.event_type.as_deref() == Some("DIS")
        && let Some(channel) = &event.channel
    {
        collector.environment(EnvironmentKind::DisStream, channel, "eventTrigger.channel");
    }
}

/// Sub Job and For Each nodes: configured properties name a job; any other
/// property whose value is a known job's name is a probable reference.
fn sub_job_references(
    collector: &mut Collector<'_>,
    node: &Node,
    options: &ResolveOptions,
    known_jobs: &dyn Fn(&str) -> bool,
) {
    let mut seen = BTreeSet::new();
    for property in node.properties() {
        let (Some(key), Some(value)) = (property.name.as_deref(), property.text()) else { continue };
        if value.is_empty() || !seen.insert(value) {
            continue;
        }
        if options.sub_job_properties.iter().any(|p| p == key) {
            collector.push(Target::Job(value.to_owned()), key, !known_jobs(value));
        } else if known_jobs(value) {
            collector.push(Target::Job(value.to_owned()), key, true);
        }
    }
}

/// The environment objects a script needs (its connection, its DLI queue).
pub fn script_references(script: &Script) -> Vec<Reference> {
    let owner_type = script.script_type.as_ref().map_or("", ScriptType::as_str);
    let mut collector = Collector { refs: Vec::new(), node: None, owner_type };
    if let Some(connection) = script.connection_name.as_deref() {
        collector.environment(EnvironmentKind::Connection, connection, "connectionName");
    }
    if let Some(queue) = script.queue_name.as_deref() {
        collector.environment(EnvironmentKind::DliQueue, queue, "queueName");
    }
    collector.refs
}

/// The OBS objects a resource points at.
pub fn resource_references(resource: &Resource) -> Vec<Reference> {
    let mut collector = Collector { refs: Vec::new(), node: None, owner_type: "" };
    if let Some(location) = resource.location.as_deref() {
        collector.environment(EnvironmentKind::ObsPath, location, "location");
    }
    // `dependPackages` wins over `dependFiles` when both are present.
    match (&resource.depend_packages, &resource.depend_files) {
        (Some(packages), _) => {
            for location in packages.iter().filter_map(|p| p.location.as_deref()) {
                collector.environment(EnvironmentKind::ObsPath, location, "dependPackages");
            }
        }
        (None, Some(files)) => {
            for file in files {
                collector.environment(EnvironmentKind::ObsPath, file, "dependFiles");
            }
        }
        (None, None) => {}
    }
    collector.refs
}

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
pub struct JobDependencies {
    /// The job.
    pub job: String,
    /// Its needs, job-level first, then node by node.
    pub dependencies: Vec<Dependency>,
}

/// What the status computation needs to know about the place jobs live in.
trait Lookup {
    /// `true` when the `kind` definition `name` is available to `job`.
    fn has(&self, kind: crate::model::Kind, name: &str, job: &str) -> bool;
    /// The `kind` definition `name` as available to `job`.
    fn document(&self, kind: crate::model::Kind, name: &str, job: &str) -> crate::error::Result<Option<Document>>;
}

fn dependencies_of(
    job_name: &str,
    job: &Job,
    lookup: &dyn Lookup,
    options: &ResolveOptions,
) -> crate::error::Result<JobDependencies> {
    use crate::model::Kind;
    let known_jobs = |name: &str| lookup.has(Kind::Job, name, job_name);
    let mut dependencies = Vec::new();
    for reference in job_references(job, options, &known_jobs) {
        let (status, extra) = match &reference.target {
            Target::Script(name) | Target::Resource(name) => {
                let kind = if matches!(reference.target, Target::Script(_)) { Kind::Script } else { Kind::Resource };
                match lookup.document(kind, name, job_name)? {
                    Some(document) => (Status::Present, definition_references(document.definition())),
                    None => (Status::Missing, Vec::new()),
                }
            }
            Target::Job(name) => (if known_jobs(name) { Status::Present } else { Status::Missing }, Vec::new()),
            Target::Environment { .. } => (Status::External, Vec::new()),
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

struct BundleLookup<'a>(&'a crate::bundle::Bundle);

impl BundleLookup<'_> {
    fn find(&self, kind: crate::model::Kind, name: &str, job: &str) -> Option<&crate::bundle::Entry> {
        let bundle = self.0;
        bundle.get(&bundle.layout().path_for(kind, name, Some(job)))
    }
}

impl Lookup for BundleLookup<'_> {
    fn has(&self, kind: crate::model::Kind, name: &str, job: &str) -> bool {
        self.find(kind, name, job).is_some()
    }
    fn document(&self, kind: crate::model::Kind, name: &str, job: &str) -> crate::error::Result<Option<Document>> {
        Ok(self.find(kind, name, job).map(|entry| entry.document().clone()))
    }
}

impl Lookup for crate::workspace::Workspace {
    fn has(&self, kind: crate::model::Kind, name: &str, _job: &str) -> bool {
        self.contains(kind, name)
    }
    fn document(&self, kind: crate::model::Kind, name: &str, _job: &str) -> crate::error::Result<Option<Document>> {
        self.load(kind, name)
    }
}

/// The environment objects a script or resource needs.
fn definition_references(definition: &Definition) -> Vec<Reference> {
    match definition {
        Definition::Script(script) => script_references(script),
        Definition::Resource(resource) => resource_references(resource),
        Definition::Job(_) => Vec::new(),
    }
}

/// The needs of every job in a bundle. In a batch bundle a script or
/// resource is present only in the job's own folder, as batch export puts it.
pub fn bundle_dependencies(bundle: &crate::bundle::Bundle, options: &ResolveOptions) -> Vec<JobDependencies> {
    let lookup = BundleLookup(bundle);
    bundle.jobs().filter_map(|(entry, job)| dependencies_of(entry.name(), job, &lookup, options).ok()).collect()
}

/// The needs of `jobs` (every job when empty) of a workspace.
///
/// # Errors
/// `DLF.0100` for a named job the workspace lacks; read and parse errors of
/// the definitions looked at.
pub fn workspace_dependencies(
    workspace: &crate::workspace::Workspace,
    jobs: &[String],
    options: &ResolveOptions,
) -> crate::error::Result<Vec<JobDependencies>> {
    use crate::model::{Definition, Kind};
    let names: Vec<String> =
        if jobs.is_empty() { workspace.names(Kind::Job).map(str::to_owned).collect() } else { jobs.to_vec() };
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let document = workspace.load(Kind::Job, &name)?.ok_or_else(|| {
            crate::error::Error::api(
                crate::error::ErrorKind::NotFound,
                "DLF.0100",
                format!("The job does not exists: `{name}`."),
            )
        })?;
        if let Definition::Job(job) = document.definition() {
            out.push(dependencies_of(&name, job, workspace, options)?);
        }
    }
    Ok(out)
}

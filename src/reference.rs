//! References: what a job, a script or a resource names.
//!
//! Read from the documented fields of the DataArts job, script and resource
//! formats (the README's "Dependency resolution" lists them). Scripts and
//! resources travel in a bundle; jobs may or may not; environment objects
//! (connections, clusters, queues, streams, topics, OBS paths, CDM jobs,
//! other workspaces) never do and must already exist where the bundle is
//! imported.

use crate::kind::DefinitionKind;
use crate::model::{Definition, DependJobs, Job, Node, NodeType, Resource, Script, ScriptType};
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
    /// A workspace environment variable (`${name}` that no job parameter
    /// defines, `#{Env.get("name")}`).
    EnvVariable,
}

impl EnvironmentKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 10] = [
        Self::Connection,
        Self::CdmCluster,
        Self::CdmJob,
        Self::DliQueue,
        Self::MrsCluster,
        Self::DisStream,
        Self::SmnTopic,
        Self::ObsPath,
        Self::OtherWorkspaceJob,
        Self::EnvVariable,
    ];

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
            Self::EnvVariable => "env_variable",
        }
    }
}

/// What a reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
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

    /// The definition it names, for scripts, resources and jobs; `None`
    /// for environment objects.
    pub fn definition(&self) -> Option<(DefinitionKind, &str)> {
        match self {
            Self::Script(name) => Some((DefinitionKind::Script, name)),
            Self::Resource(name) => Some((DefinitionKind::Resource, name)),
            Self::Job(name) => Some((DefinitionKind::Job, name)),
            Self::Environment { .. } => None,
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
#[non_exhaustive]
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
pub struct ReferenceOptions {
    /// Properties of `DLFSubJob` / `ForEachJob` nodes that name the target
    /// job. No public source documents them; these are the likely names.
    pub sub_job_properties: Vec<String>,
    /// How `${…}` names a variable.
    pub param_style: ParamStyle,
}

impl Default for ReferenceOptions {
    fn default() -> Self {
        Self {
            sub_job_properties: ["subJobName", "subJob", "jobName"].map(String::from).to_vec(),
            param_style: ParamStyle::default(),
        }
    }
}

impl ReferenceOptions {
    /// Sets [`ReferenceOptions::param_style`].
    #[must_use]
    pub fn param_style(mut self, style: ParamStyle) -> Self {
        self.param_style = style;
        self
    }
}

/// How a workspace writes variables in node properties and scripts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamStyle {
    /// `${name}`: a job parameter, else a builtin, else an environment variable.
    #[default]
    Plain,
    /// `${dlf.name}`: only these are variables (a workspace setting).
    Dlf,
}

/// The variable names `${…}` in `text` uses, in order, as `style` reads them.
///
/// ```
/// use dlf_bundle::reference::{ParamStyle, variables};
/// assert_eq!(variables("select * from ${db}.t where d = '${yyyymmdd-1}'", ParamStyle::Plain), ["db", "yyyymmdd-1"]);
/// assert_eq!(variables("${dlf.db} ${other}", ParamStyle::Dlf), ["db"]);
/// ```
pub fn variables(text: &str, style: ParamStyle) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = crate::expression::find_opening(rest, b'$') {
        let after = rest.get(at + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else { break };
        let name = after.get(..end).unwrap_or_default().trim();
        rest = after.get(end + 1..).unwrap_or_default();
        let name = match style {
            ParamStyle::Plain => Some(name),
            ParamStyle::Dlf => name.strip_prefix("dlf."),
        };
        if let Some(name) = name.filter(|n| !n.is_empty() && !n.contains(char::is_whitespace)) {
            out.push(name);
        }
    }
    out
}

/// The simple variable set's date forms: `${yyyy}`, `${yyyymm±N}`, `${yyyymmdd±N}`.
fn is_builtin(name: &str) -> bool {
    ["yyyymmdd", "yyyymm", "yyyy"].iter().any(|form| {
        name.strip_prefix(form).is_some_and(|offset| {
            offset.is_empty()
                || (offset.starts_with(['+', '-'])
                    && offset.len() > 1
                    && offset[1..].chars().all(|c| c.is_ascii_digit()))
        })
    })
}

/// The environment variables `text` needs: `${…}` that are neither a job
/// parameter (`defined`) nor a builtin, and `#{Env.get("…")}`.
fn environment_variables<'t>(text: &'t str, style: ParamStyle, defined: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = variables(text, style)
        .into_iter()
        .filter(|name| !defined(name) && !is_builtin(name))
        .map(str::to_owned)
        .collect();
    if crate::expression::find_opening(text, b'#').is_some() {
        for found in crate::expression::find(text) {
            let Ok(expr) = &found.parsed else { continue };
            for (object, member, arguments) in crate::expression::members(expr) {
                if let ("Env", "get", Some([crate::expression::Expr::Text(name)])) = (object, member, arguments) {
                    out.push(name.clone());
                }
            }
        }
    }
    out.dedup();
    out
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

/// Node properties that name an environment object, by node type.
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
/// ```
/// use dlf_bundle::{Job, Node, NodeType};
/// use dlf_bundle::reference::{ReferenceOptions, Target, job_references};
/// let mut job = Job::new("job_batch");
/// job.nodes = Some(vec![
///     Node::new("load", NodeType::DwsSql).with_property("scriptName", "dws_sql").with_property("connectionName", "dws_link"),
/// ]);
/// let references = job_references(&job, &ReferenceOptions::default(), &|_| false);
/// assert_eq!(references[0].target, Target::Script("dws_sql".into()));
/// assert_eq!(references[1].target.kind_str(), "connection");
/// ```
///
/// `known_jobs` lets Sub Job / For Each nodes be matched by value: a property
/// whose value is the name of a known job is reported as a probable job
/// reference.
pub fn job_references(job: &Job, options: &ReferenceOptions, known_jobs: &dyn Fn(&str) -> bool) -> Vec<Reference> {
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
    let defined = |name: &str| job.params().iter().any(|param| param.name.as_deref() == Some(name));
    for node in job.nodes() {
        collector.node = node.name.as_deref();
        for property in node.properties() {
            let (Some(key), Some(text)) = (property.name.as_deref(), property.text()) else { continue };
            for name in environment_variables(text, options.param_style, &defined) {
                collector.environment(EnvironmentKind::EnvVariable, &name, key);
            }
        }
    }
    collector.refs
}

fn node_references<'a>(
    collector: &mut Collector<'a>,
    node: &'a Node,
    options: &ReferenceOptions,
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
    options: &ReferenceOptions,
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

/// The environment objects a script or resource needs (none for a job),
/// the variables of a script's content included.
pub fn definition_references(definition: &Definition, options: &ReferenceOptions) -> Vec<Reference> {
    match definition {
        Definition::Script(script) => {
            let mut references = script_references(script);
            let mut collector = Collector { refs: Vec::new(), node: None, owner_type: "" };
            for name in
                environment_variables(script.content.as_deref().unwrap_or_default(), options.param_style, &|_| false)
            {
                collector.environment(EnvironmentKind::EnvVariable, &name, "content");
            }
            references.append(&mut collector.refs);
            references
        }
        Definition::Resource(resource) => resource_references(resource),
        Definition::Job(_) => Vec::new(),
    }
}

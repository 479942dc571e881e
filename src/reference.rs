//! References: what a job, a script or a resource names.
//!
//! Read from the documented fields of the DataArts job, script and resource
//! formats (the README's "Dependency resolution" lists them). Scripts and
//! resources travel in a bundle; jobs may or may not; environment objects
//! (connections, clusters, queues, streams, topics, OBS paths, CDM jobs,
//! other workspaces) never do and must already exist where the bundle is
//! imported.

use crate::catalog::values::{NodeType, ScriptType};
use crate::catalog::{self, FieldSpec, Form, NodeSpec, Refers};
use crate::kind::DefinitionKind;
pub(crate) use crate::kind::EnvironmentKind;
use crate::model::{Definition, DependJobs, Job, Node, Resource, Script};
use std::collections::BTreeSet;
use std::fmt;

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
/// use dlf_bundle::resolve::{variables, ParamStyle};
/// assert_eq!(variables("select * from ${db}.t where d = '${yyyymmdd-1}'", ParamStyle::Plain), ["db", "yyyymmdd-1"]);
/// assert_eq!(variables("${dlf.db} ${other}", ParamStyle::Dlf), ["db"]);
/// ```
pub fn variables(text: &str, style: ParamStyle) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(after) = crate::expression::after_opening(rest, b'$') {
        let Some((name, tail)) = after.split_once('}') else { break };
        rest = tail;
        let name = name.trim();
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
        // The import API replaces no other kind.
        EnvironmentKind::CdmJob
        | EnvironmentKind::DliQueue
        | EnvironmentKind::SmnTopic
        | EnvironmentKind::ObsPath
        | EnvironmentKind::OtherWorkspaceJob
        | EnvironmentKind::EnvVariable => None,
    }
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
/// use dlf_bundle::{Job, Node};
/// use dlf_bundle::model::NodeType;
/// use dlf_bundle::resolve::{job_references, ReferenceOptions, Target};
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
    let value = |name: &str| node.property(name);
    for (row, probable) in property_rows(node_type) {
        let Some(refers) = row.refers else { continue };
        let Some(text) = value(row.name).filter(|text| !text.is_empty()) else { continue };
        if !row.applies(value) {
            continue;
        }
        match refers {
            Refers::Script => collector.push(Target::Script(text.to_owned()), row.name, probable),
            Refers::Resource => collector.resource_path(text, row.name),
            Refers::Job => collector.push(Target::Job(text.to_owned()), row.name, probable),
            Refers::Database => {}
            Refers::Environment(EnvironmentKind::CdmJob) => {
                // A CDM job is named within its cluster.
                let cluster =
                    ["clusterName", "clusterId"].into_iter().find_map(|key| value(key).filter(|v| !v.is_empty()));
                collector.environment(EnvironmentKind::CdmJob, &format!("{}/{text}", cluster.unwrap_or("?")), row.name);
            }
            // Paths are OBS objects when the row says so, or when they say `obs://`
            // (an MRS job's input may be on HDFS).
            Refers::Environment(EnvironmentKind::ObsPath)
                if !matches!(row.form, Form::ObsPath | Form::StoragePath) && !text.starts_with("obs://") => {}
            Refers::Environment(kind) => collector.environment(kind, text, row.name),
        }
    }
    if node_type.spec().is_some_and(|spec| spec.runs_jobs) {
        sub_job_references(collector, node, options, known_jobs);
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

/// The catalog's rows for a node of `node_type`, each with whether what it
/// names is only probable: a type the catalog does not describe (unknown, or
/// with unverified property names) is read through the rows every such node
/// is taken to have ([`catalog::UNDESCRIBED_PROPERTIES`]), its script
/// probable, so that the script counts as used but is never asked for.
pub(crate) fn property_rows(node_type: &NodeType) -> impl Iterator<Item = (&'static FieldSpec, bool)> {
    let spec = node_type.spec();
    let own = spec.into_iter().flat_map(NodeSpec::rows).map(|row| (row, false));
    let described = spec.is_some_and(|spec| spec.verified);
    let undescribed = catalog::UNDESCRIBED_PROPERTIES
        .iter()
        .filter(move |row| !described && spec.is_none_or(|spec| spec.property(row.name).is_none()))
        .map(|row| (row, row.refers == Some(Refers::Script)));
    own.chain(undescribed)
}

/// The names the properties that give a node's script its parameters
/// (`scriptArgs`, `arguments`: `key=value` items) define.
pub(crate) fn script_parameters(node: &Node) -> impl Iterator<Item = &str> {
    let properties = node.node_type.as_ref().and_then(NodeType::spec).map_or(&[][..], |spec| spec.parameters);
    properties.iter().filter_map(|key| node.property(key)).flat_map(str::lines).flat_map(parameter_names)
}

/// The names one line of parameters defines: `key=value`, or several
/// `key=value` (`--key=value`) items apart.
fn parameter_names(line: &str) -> Vec<&str> {
    let items: Vec<&str> = line.split_whitespace().collect();
    let keys: Vec<&str> = if items.len() > 1 && items.iter().all(|item| item.contains('=')) {
        items.iter().filter_map(|item| item.split_once('=')).map(|(key, _)| key).collect()
    } else {
        line.split_once('=').map(|(key, _)| key.trim()).into_iter().collect()
    };
    keys.into_iter().map(|key| key.trim_start_matches('-')).filter(|key| !key.is_empty()).collect()
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

//! Pre-flight of an import: what it would create, overwrite or skip in the
//! target workspace, and what would make it or the first run fail, given
//! what the target holds (its [`Inventory`]).

mod preview;

pub use preview::{Preview, PreviewJob, PreviewScript, preview};

use crate::bundle::{Bundle, Entry};
use crate::diagnostic::{Code, Diagnostic, ObjectRef, Severity};
use crate::error::{Error, ErrorKind, RequestPart, Result};
use crate::json::{self, Value};
use crate::kind::DefinitionKind;
use crate::layout::Placement;
use crate::reference::{EnvironmentKind, ReferenceOptions, Target};
use crate::remap::{self, Map, SameNamePolicy};
use crate::resolve::{Status, bundle_dependencies};
use crate::validate::{self, ValidateOptions};
use std::collections::{BTreeMap, BTreeSet};

/// What an inventory lists: the keys of its JSON file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InventoryKind {
    /// `connections`: data connections.
    Connections,
    /// `dli_queues`.
    DliQueues,
    /// `cdm_clusters`.
    CdmClusters,
    /// `mrs_clusters`.
    MrsClusters,
    /// `dis_streams`.
    DisStreams,
    /// `smn_topics`.
    SmnTopics,
    /// `env_variables`: the workspace's environment variables.
    EnvVariables,
    /// `jobs`, as List Jobs returns them (with `status`).
    Jobs,
    /// `scripts`, as List Scripts returns them.
    Scripts,
    /// `resources`, as List Resources returns them.
    Resources,
}

impl InventoryKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [Self; 10] = [
        Self::Connections,
        Self::DliQueues,
        Self::CdmClusters,
        Self::MrsClusters,
        Self::DisStreams,
        Self::SmnTopics,
        Self::EnvVariables,
        Self::Jobs,
        Self::Scripts,
        Self::Resources,
    ];

    /// The key in the inventory file: `connections`, `dli_queues`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connections => "connections",
            Self::DliQueues => "dli_queues",
            Self::CdmClusters => "cdm_clusters",
            Self::MrsClusters => "mrs_clusters",
            Self::DisStreams => "dis_streams",
            Self::SmnTopics => "smn_topics",
            Self::EnvVariables => "env_variables",
            Self::Jobs => "jobs",
            Self::Scripts => "scripts",
            Self::Resources => "resources",
        }
    }

    /// The kind that lists environment objects of `kind`, where one does.
    fn of_environment(kind: EnvironmentKind) -> Option<Self> {
        Some(match kind {
            EnvironmentKind::Connection => Self::Connections,
            EnvironmentKind::DliQueue => Self::DliQueues,
            EnvironmentKind::CdmCluster => Self::CdmClusters,
            EnvironmentKind::MrsCluster => Self::MrsClusters,
            EnvironmentKind::DisStream => Self::DisStreams,
            EnvironmentKind::SmnTopic => Self::SmnTopics,
            EnvironmentKind::EnvVariable => Self::EnvVariables,
            // No inventory lists these.
            EnvironmentKind::CdmJob | EnvironmentKind::ObsPath | EnvironmentKind::OtherWorkspaceJob => return None,
        })
    }

    fn of_definition(kind: DefinitionKind) -> Self {
        match kind {
            DefinitionKind::Job => Self::Jobs,
            DefinitionKind::Script => Self::Scripts,
            DefinitionKind::Resource => Self::Resources,
        }
    }
}

/// One object the target holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct InventoryItem {
    /// Its name.
    pub name: String,
    /// `type`: a connection's type, an environment variable's (`variable`, `constant`).
    pub item_type: Option<String>,
    /// `status`: a job's (`NORMAL`, `STOPPED`, `SCHEDULING`, …).
    pub status: Option<String>,
    /// `value`: an environment variable's.
    pub value: Option<String>,
}

/// What the target workspace holds. A kind the files do not mention is
/// unknown and not checked; a kind they mention, even with an empty list,
/// is the complete list.
///
/// ```
/// use dlf_bundle::plan::{Inventory, InventoryKind};
/// let mut inventory = Inventory::from_slice(br#"{"connections": [{"name": "dws_prod", "type": "DWS"}]}"#)?;
/// inventory.merge(Inventory::from_slice(br#"{"total": 1, "jobs": [{"name": "job_a", "status": "SCHEDULING"}]}"#)?);
/// assert!(inventory.contains(InventoryKind::Connections, "dws_prod"));
/// assert!(inventory.is_known(InventoryKind::Jobs) && !inventory.is_known(InventoryKind::DliQueues));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    lists: BTreeMap<InventoryKind, BTreeMap<String, InventoryItem>>,
}

impl Inventory {
    /// Parses an inventory file, or a List Jobs, List Scripts or List
    /// Resources response body (its `total` is ignored).
    ///
    /// # Errors
    /// [`ErrorKind::Json`] with the position for text that is not JSON;
    /// [`ErrorKind::WrongType`] for a list that is not an array of objects
    /// with a string `name`; [`ErrorKind::InvalidRequest`] for an unknown key.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let root = json::parse(bytes)?;
        let Value::Object(root) = root else { return Err(wrong_type("the inventory", "an object", &root)) };
        let mut inventory = Self::default();
        for (key, list) in root.iter() {
            if key == "total" {
                continue;
            }
            let kind = InventoryKind::ALL.into_iter().find(|kind| kind.as_str() == key).ok_or_else(|| {
                let known: Vec<&str> = InventoryKind::ALL.iter().map(|kind| kind.as_str()).collect();
                Error::invalid_request(
                    RequestPart::Inventory,
                    format!("`{key}` is not an inventory key; the keys are {}", known.join(", ")),
                )
                .with_nearest(crate::name::nearest(key, known.iter().copied()))
            })?;
            let Value::Array(items) = list else { return Err(wrong_type(key, "an array", list)) };
            let slot = inventory.lists.entry(kind).or_default();
            for (index, item) in items.iter().enumerate() {
                let field = format!("{key}[{index}]");
                let Value::Object(item) = item else { return Err(wrong_type(&field, "an object", item)) };
                let text = |member: &str| item.get(member).and_then(Value::as_str).map(str::to_owned);
                let name = text("name").ok_or_else(|| {
                    let found = item.get("name").map_or("nothing", Value::type_name);
                    let kind = ErrorKind::WrongType { field: format!("{field}.name"), expected: "a string", found };
                    Error::new(kind, format!("`{field}.name`: expected a string, found {found}"))
                })?;
                let entry = InventoryItem {
                    name: name.clone(),
                    item_type: text("type"),
                    status: text("status"),
                    value: text("value"),
                };
                slot.insert(name, entry);
            }
        }
        Ok(inventory)
    }

    /// Adds what `other` lists (a kind either lists is then known).
    pub fn merge(&mut self, other: Self) {
        for (kind, items) in other.lists {
            self.lists.entry(kind).or_default().extend(items);
        }
    }

    /// `true` when some file listed `kind`.
    pub fn is_known(&self, kind: InventoryKind) -> bool {
        self.lists.contains_key(&kind)
    }

    /// `true` when the target holds a `kind` object called `name`.
    pub fn contains(&self, kind: InventoryKind, name: &str) -> bool {
        self.get(kind, name).is_some()
    }

    /// The `kind` object called `name`.
    pub fn get(&self, kind: InventoryKind, name: &str) -> Option<&InventoryItem> {
        self.lists.get(&kind)?.get(name)
    }

    /// The kinds no file listed, which the plan therefore does not check.
    pub fn unknown_kinds(&self) -> Vec<InventoryKind> {
        InventoryKind::ALL.into_iter().filter(|kind| !self.is_known(*kind)).collect()
    }
}

fn wrong_type(field: &str, expected: &'static str, found: &Value) -> Error {
    let found = found.type_name();
    let kind = ErrorKind::WrongType { field: field.to_owned(), expected, found };
    Error::new(kind, format!("`{field}`: expected {expected}, found {found}"))
}

/// Job statuses that are not running: overwriting such a job is safe. Every
/// other status (`SCHEDULING`, `PAUSED`, `EXCEPTION`, one this tool does not
/// know) counts as running, since the service's list of statuses is not
/// documented in full.
pub const STOPPED_STATUSES: [&str; 2] = ["NORMAL", "STOPPED"];

fn is_stopped(item: &InventoryItem) -> bool {
    item.status.as_deref().is_some_and(|status| STOPPED_STATUSES.iter().any(|s| s.eq_ignore_ascii_case(status)))
}

/// How [`plan`] imports.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    map: Option<Map>,
    same_name_policy: SameNamePolicy,
    validate: ValidateOptions,
}

impl PlanOptions {
    /// No map, `sameNamePolicy` SKIP (the service's default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Remaps the bundle with `map` first, as `remap` would before import.
    #[must_use]
    pub fn map(mut self, map: Map) -> Self {
        self.map = Some(map);
        self
    }

    /// What the import does with objects the target already has.
    #[must_use]
    pub fn same_name_policy(mut self, policy: SameNamePolicy) -> Self {
        self.same_name_policy = policy;
        self
    }

    /// The options of the validation the plan includes.
    #[must_use]
    pub fn validate(mut self, options: ValidateOptions) -> Self {
        self.validate = options;
        self
    }
}

/// What the import does with one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The target has no such object.
    Create,
    /// The target's object is replaced (`sameNamePolicy` OVERWRITE).
    Overwrite,
    /// The target's object is kept and the bundle's is not imported (SKIP).
    Skip,
}

/// One job, script or resource of the bundle and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PlannedObject {
    /// `job`, `script` or `resource`.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// What the import does with it.
    pub action: Action,
    /// Whether an inventory listed the target's objects of this kind; when
    /// none did, the action is what it would be in a target without them
    /// (`create`), not checked.
    pub checked: bool,
}

/// How many objects get each action, and how many problems of each
/// severity: `{"create", "overwrite", "skip", "not_checked", "errors", "warnings", "notes"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Objects the import creates.
    pub create: usize,
    /// Objects it overwrites.
    pub overwrite: usize,
    /// Objects it skips.
    pub skip: usize,
    /// Objects of a kind no inventory listed (counted in their action too).
    pub not_checked: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

/// What an import would do: `{"objects": […], "problems": […], "not_checked": […]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Plan {
    /// Every job, script and resource of the bundle, jobs first.
    pub objects: Vec<PlannedObject>,
    /// Errors first, then warnings, then information; each names the
    /// object it concerns ([`Diagnostic::object`]).
    pub problems: Vec<Diagnostic>,
    /// The inventory kinds no file listed, which were not checked.
    pub not_checked: Vec<InventoryKind>,
    /// The counts.
    pub summary: Summary,
}

impl Plan {
    /// `true` when some problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|problem| problem.severity == Severity::Error)
    }
}

/// Plans the import of `bundle` into the target `inventory` describes.
///
/// ```
/// use dlf_bundle::{Bundle, ReadOptions};
/// use dlf_bundle::plan::{plan, Action, Inventory, PlanOptions};
/// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
/// let target = Inventory::from_slice(br#"{"connections": [], "jobs": [{"name": "job_batch", "status": "NORMAL"}]}"#)?;
/// let planned = plan(&bundle, &target, &PlanOptions::new())?;
/// assert_eq!(planned.objects[0].action, Action::Skip, "SKIP keeps the target's job_batch");
/// assert!(planned.problems.iter().any(|p| p.code == "DLFB0501" && p.object.as_ref().is_some_and(|o| o.name == "dws_link")));
/// assert!(planned.has_errors());
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// Only when [`PlanOptions::map`] is given and remapping fails (see [`remap::apply`]).
pub fn plan(bundle: &Bundle, inventory: &Inventory, options: &PlanOptions) -> Result<Plan> {
    let remapped = remap::remapped(bundle, options.map.as_ref())?;
    let bundle: &Bundle = &remapped;
    let mut planner = Planner { inventory, options, plan: Plan::default() };
    planner.objects(bundle);
    planner.needs(bundle)?;
    planner.size_and_validation(bundle)?;
    let mut plan = planner.plan;
    plan.problems.sort_by_key(|problem| (problem.severity, problem.code));
    plan.not_checked = inventory.unknown_kinds();
    let count = |action| plan.objects.iter().filter(|object| object.action == action).count();
    let severity = |severity| plan.problems.iter().filter(|problem| problem.severity == severity).count();
    plan.summary = Summary {
        create: count(Action::Create),
        overwrite: count(Action::Overwrite),
        skip: count(Action::Skip),
        not_checked: plan.objects.iter().filter(|object| !object.checked).count(),
        errors: severity(Severity::Error),
        warnings: severity(Severity::Warning),
        notes: severity(Severity::Info),
    };
    Ok(plan)
}

struct Planner<'a> {
    inventory: &'a Inventory,
    options: &'a PlanOptions,
    plan: Plan,
}

impl Planner<'_> {
    /// A problem of `code` with `object`, in `entry` when it is one of the bundle's.
    fn problem(&mut self, code: Code, message: String, hint: &str, object: Option<ObjectRef>, entry: Option<&str>) {
        let mut problem = Diagnostic::new(code, entry, None, message, hint);
        problem.object = object;
        self.plan.problems.push(problem);
    }

    /// Each definition once (a script in several job folders is one object).
    fn objects(&mut self, bundle: &Bundle) {
        let mut seen = BTreeSet::new();
        for kind in DefinitionKind::ALL {
            for entry in bundle.iter().filter(|entry| entry.kind() == kind) {
                if !seen.insert((kind, entry.name().to_owned())) {
                    continue;
                }
                let name = entry.name();
                let checked = self.inventory.is_known(InventoryKind::of_definition(kind));
                let existing = self.inventory.get(InventoryKind::of_definition(kind), name).cloned();
                let action = match (&existing, self.options.same_name_policy) {
                    (None, _) => Action::Create,
                    (Some(_), SameNamePolicy::Skip) => Action::Skip,
                    (Some(_), _) => Action::Overwrite,
                };
                let what = kind.as_str();
                match (action, existing) {
                    (Action::Skip, _) => self.problem(
                        Code::PlanSkipped,
                        format!("the target has {what} `{name}`: sameNamePolicy SKIP keeps it and the bundle's version is not imported"),
                        "pass --same-name-policy overwrite to replace it",
                        Some(ObjectRef::new(kind, name)),
                        Some(entry.path()),
                    ),
                    (Action::Overwrite, Some(item)) if kind == DefinitionKind::Job && !is_stopped(&item) => {
                        let status = item.status.as_deref().unwrap_or("unknown");
                        self.problem(
                            Code::PlanOverwritesRunningJob,
                            format!("job `{name}` is {status} in the target"),
                            "stop it before the import overwrites it",
                            Some(ObjectRef::new(kind, name)),
                            Some(entry.path()),
                        );
                    }
                    _ => {}
                }
                self.plan.objects.push(PlannedObject { kind: what, name: name.to_owned(), action, checked });
            }
        }
    }

    /// Environment objects, environment variables and upstream jobs.
    fn needs(&mut self, bundle: &Bundle) -> Result<()> {
        let in_bundle: BTreeSet<&str> = bundle.entries_of(DefinitionKind::Job).map(Entry::name).collect();
        let mut reported = BTreeSet::new();
        for job in bundle_dependencies(bundle, &ReferenceOptions::default())? {
            for dependency in &job.dependencies {
                match &dependency.reference.target {
                    Target::Environment { kind, name, .. }
                        if dependency.status == Status::External && reported.insert((kind.as_str(), name.clone())) =>
                    {
                        self.environment(*kind, name, &job.job);
                    }
                    Target::Job(upstream)
                        if !in_bundle.contains(upstream.as_str())
                            && reported.insert(("job", format!("{}>{upstream}", job.job))) =>
                    {
                        self.upstream(&job.job, upstream);
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn environment(&mut self, kind: EnvironmentKind, name: &str, job: &str) {
        let Some(list) = InventoryKind::of_environment(kind) else { return };
        if !self.inventory.is_known(list) {
            return;
        }
        let what = kind.as_str().replace('_', " ");
        match (kind, self.inventory.get(list, name)) {
            (EnvironmentKind::EnvVariable, None) => self.problem(
                Code::PlanMissingVariable,
                format!("job `{job}` needs the environment variable `{name}`, which the target lacks"),
                "add it to the target workspace",
                Some(ObjectRef::new(kind, name)),
                None,
            ),
            (EnvironmentKind::EnvVariable, Some(item)) if item.item_type.as_deref() == Some("variable") => {
                let value = item.value.as_deref().map_or_else(String::new, |value| format!(" (there: `{value}`)"));
                self.problem(
                    Code::PlanVariableToSet,
                    format!("environment variable `{name}` is a variable{value}"),
                    "set its value in the target",
                    Some(ObjectRef::new(kind, name)),
                    None,
                );
            }
            (_, None) => self.problem(
                Code::PlanMissingObject,
                format!("job `{job}` uses the {what} `{name}`, which the target lacks"),
                "create it there, or map it (--map)",
                Some(ObjectRef::new(kind, name)),
                None,
            ),
            _ => {}
        }
    }

    fn upstream(&mut self, job: &str, upstream: &str) {
        if !self.inventory.is_known(InventoryKind::Jobs) {
            return;
        }
        match self.inventory.get(InventoryKind::Jobs, upstream) {
            None => self.problem(
                Code::PlanMissingUpstream,
                format!("job `{job}` depends on `{upstream}`, which neither the bundle nor the target holds: the first run fails with \"depend job [{upstream}] is not running or pause\""),
                "export it too",
                Some(ObjectRef::new(DefinitionKind::Job, upstream)),
                None,
            ),
            Some(item) if is_stopped(item) => self.problem(
                Code::PlanStoppedUpstream,
                format!("job `{job}` depends on `{upstream}`, which is {} in the target", item.status.as_deref().unwrap_or("stopped")),
                "start it, or the first run waits on it",
                Some(ObjectRef::new(DefinitionKind::Job, upstream)),
                None,
            ),
            Some(_) => {}
        }
    }

    /// The import limit, and every error validation finds.
    fn size_and_validation(&mut self, bundle: &Bundle) -> Result<()> {
        // Validation parses every definition: their sizes are known after it.
        for mut diagnostic in validate::validate_bundle(bundle, &self.options.validate) {
            if diagnostic.severity == Severity::Error {
                // Every entry of a bundle is placed; its stem is the definition's name.
                diagnostic.object = diagnostic
                    .entry
                    .as_deref()
                    .and_then(Placement::of)
                    .map(|placement| ObjectRef::new(placement.kind, placement.stem));
                self.plan.problems.push(diagnostic);
            }
        }
        let mut size = 0;
        for entry in bundle.iter() {
            size += entry.bytes()?.len() as u64;
        }
        if size > validate::IMPORT_LIMIT_BYTES {
            self.problem(
                Code::PlanOverImportLimit,
                format!("the definitions come to {size} bytes, over the 10 MB import limit"),
                "split the export (export --split)",
                None,
                None,
            );
        }
        Ok(())
    }
}

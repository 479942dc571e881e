//! `.job` files: the body of the Create Job API request.

use super::field::{Scalar, model_object};
use crate::catalog::values::{FailPolicy, NodeType, ProcessType, ScheduleType};
use crate::json::{Object, Value};

model_object! {
    /// A job definition (`.job`).
    ///
    /// ```
    /// use dlf_bundle::{Job, Node};
    /// use dlf_bundle::model::NodeType;
    /// let mut job = Job::new("job_batch");
    /// job.nodes.get_or_insert_with(Vec::new).push(Node::new("sql", NodeType::DwsSql).with_property("scriptName", "dws_sql"));
    /// assert_eq!(job.nodes()[0].property("scriptName"), Some("dws_sql"));
    /// ```
    pub struct Job {
        /// `name`
        name: String = "name",
        /// `nodes`
        nodes: Vec<Node> = "nodes",
        /// `schedule`
        schedule: Schedule = "schedule",
        /// `params`
        params: Vec<JobParam> = "params",
        /// `directory`, e.g. `/dir/a/`
        directory: String = "directory",
        /// `processType`
        process_type: ProcessType = "processType",
        /// `id`
        id: Scalar = "id",
        /// `lastUpdateUser`
        last_update_user: String = "lastUpdateUser",
        /// `logPath`
        log_path: String = "logPath",
        /// `basicConfig`
        basic_config: BasicConfig = "basicConfig",
        /// `targetStatus`: `SAVED`, `SUBMITTED` or `PRODUCTION`
        target_status: String = "targetStatus",
        /// `approvers`
        approvers: Vec<Approver> = "approvers",
        /// `singleNodeJobFlag`
        single_node_job_flag: Scalar = "singleNodeJobFlag",
        /// `singleNodeJobType`
        single_node_job_type: String = "singleNodeJobType",
        /// `emptyRunningJob`: `"0"` or `"1"`
        empty_running_job: Scalar = "emptyRunningJob",
        /// `cleanOverdueDays`
        clean_overdue_days: Scalar = "cleanOverdueDays",
        /// `cleanWaitingJob`
        clean_waiting_job: String = "cleanWaitingJob",
        /// `description`
        description: String = "description",
        /// `createTime`
        create_time: Scalar = "createTime",
        /// `version`
        version: Scalar = "version",
        /// `downstreamJobs`
        downstream_jobs: Vec<Value> = "downstreamJobs",
        /// `resources` (legacy spelling at job level)
        resources: Value = "resources",
        /// `resouces` (sic; console-style exports)
        resouces: Value = "resouces",
    }
}

impl Job {
    /// A new batch job that runs once, with a name and no nodes yet: every
    /// field the service requires is there, so it validates.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            nodes: Some(Vec::new()),
            schedule: Some(Schedule::execute_once()),
            process_type: Some(ProcessType::Batch),
            ..Self::default()
        }
    }

    /// The nodes, or an empty slice when `nodes` is absent.
    pub fn nodes(&self) -> &[Node] {
        self.nodes.as_deref().unwrap_or_default()
    }

    /// The parameters, or an empty slice when `params` is absent.
    pub fn params(&self) -> &[JobParam] {
        self.params.as_deref().unwrap_or_default()
    }

    /// `schedule.cron.dependJobs`, when present.
    pub fn cron_depend_jobs(&self) -> Option<&DependJobs> {
        self.schedule.as_ref()?.cron.as_ref()?.depend_jobs.as_ref()
    }

    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes().iter().find(|node| node.name.as_deref() == Some(name))
    }

    /// The node called `name`, for changing it.
    ///
    /// ```
    /// use dlf_bundle::{Job, Node};
    /// use dlf_bundle::model::NodeType;
    /// let mut job = Job::new("job_batch");
    /// job.nodes = Some(vec![Node::new("load", NodeType::DwsSql)]);
    /// job.node_mut("load").unwrap().set_property("connectionName", "dws_prod");
    /// job.set_param("bizdate", "2024-01-01");
    /// assert_eq!(job.node("load").unwrap().property("connectionName"), Some("dws_prod"));
    /// assert_eq!(job.params()[0].value.as_ref().map(|v| v.as_text()), Some("2024-01-01"));
    /// ```
    pub fn node_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.nodes.as_mut()?.iter_mut().find(|node| node.name.as_deref() == Some(name))
    }

    /// Sets the value of the parameter called `name`, keeping its other keys
    /// (`type`), or appends the parameter. The value is a string, as the
    /// service's models type every parameter value.
    pub fn set_param(&mut self, name: &str, value: impl Into<String>) {
        let params = self.params.get_or_insert_with(Vec::new);
        let value = Some(Scalar::String(value.into()));
        match params.iter_mut().find(|param| param.name.as_deref() == Some(name)) {
            Some(param) => param.value = value,
            None => params.push(JobParam { name: Some(name.to_owned()), value, ..JobParam::default() }),
        }
    }
}

model_object! {
    /// A node of a job: its type, its `{"name", "value"}` properties, its
    /// upstream nodes and its retry and timeout settings.
    ///
    /// ```
    /// use dlf_bundle::Node;
    /// use dlf_bundle::model::NodeType;
    /// let node = Node::new("load", NodeType::HiveSql).with_property("scriptName", "hive_load");
    /// assert_eq!(node.node_type, Some(NodeType::HiveSql));
    /// assert_eq!(node.property("scriptName"), Some("hive_load"));
    /// assert_eq!(node.property("connectionName"), None);
    /// ```
    pub struct Node {
        /// `name`
        name: String = "name",
        /// `type`
        node_type: NodeType = "type",
        /// `location` on the canvas
        location: Location = "location",
        /// `preNodeName`: upstream node names
        pre_node_name: Vec<String> = "preNodeName",
        /// `conditions`
        conditions: Vec<Condition> = "conditions",
        /// `properties`: a list of `{name, value}`
        properties: Vec<Property> = "properties",
        /// `pollingInterval` (seconds, 1–60)
        polling_interval: Scalar = "pollingInterval",
        /// `maxExecutionTime` (minutes, 5–1440)
        max_execution_time: Scalar = "maxExecutionTime",
        /// `retryTimes` (0–5)
        retry_times: Scalar = "retryTimes",
        /// `retryInterval` (seconds, 5–120)
        retry_interval: Scalar = "retryInterval",
        /// `execTimeOutRetry`: `"true"` / `"false"`
        exec_time_out_retry: Scalar = "execTimeOutRetry",
        /// `failPolicy`
        fail_policy: FailPolicy = "failPolicy",
        /// `eventTrigger` (real-time jobs)
        event_trigger: Event = "eventTrigger",
        /// `cronTrigger` (real-time jobs)
        cron_trigger: CronTrigger = "cronTrigger",
        /// `lineageInfo` (JSON inside a string in console exports)
        lineage_info: Value = "lineageInfo",
        /// `resources` (legacy spelling)
        resources: Value = "resources",
        /// `resouces` (sic)
        resouces: Value = "resouces",
    }
}

impl Node {
    /// A node with a name and a type, at the canvas origin, with no
    /// properties yet (every field the service requires is there).
    pub fn new(name: impl Into<String>, node_type: NodeType) -> Self {
        Self {
            name: Some(name.into()),
            node_type: Some(node_type),
            location: Some(Location { x: Some(Scalar::from("0")), y: Some(Scalar::from("0")), ..Location::default() }),
            properties: Some(Vec::new()),
            ..Self::default()
        }
    }

    /// Runs after `upstream` (builder style).
    #[must_use]
    pub fn after(mut self, upstream: &str) -> Self {
        self.pre_node_name.get_or_insert_with(Vec::new).push(upstream.to_owned());
        self
    }

    /// Adds a property (builder style).
    #[must_use]
    pub fn with_property(mut self, name: &str, value: &str) -> Self {
        self.properties.get_or_insert_with(Vec::new).push(Property::new(name, value));
        self
    }

    /// The properties, or an empty slice.
    pub fn properties(&self) -> &[Property] {
        self.properties.as_deref().unwrap_or_default()
    }

    /// Sets the value of the first property named `name`, keeping its other
    /// keys (such as `value_is_sensitive`), or appends `{"name", "value"}`.
    pub fn set_property(&mut self, name: &str, value: impl Into<String>) {
        let value = Some(Value::String(value.into()));
        match self.property_mut(name) {
            Some(property) => property.value = value,
            None => self.properties.get_or_insert_with(Vec::new).push(Property {
                name: Some(name.to_owned()),
                value,
                ..Property::default()
            }),
        }
    }

    /// The first property named `name`, for changing it.
    pub fn property_mut(&mut self, name: &str) -> Option<&mut Property> {
        self.properties.as_mut()?.iter_mut().find(|p| p.name.as_deref() == Some(name))
    }

    /// Removes the first property named `name` and returns it.
    pub fn remove_property(&mut self, name: &str) -> Option<Property> {
        let properties = self.properties.as_mut()?;
        let index = properties.iter().position(|p| p.name.as_deref() == Some(name))?;
        Some(properties.remove(index))
    }

    /// The text of the first property named `name` (duplicates: the first wins).
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties().iter().find(|p| p.name.as_deref() == Some(name)).and_then(Property::text)
    }

    /// Upstream node names from `preNodeName`.
    pub fn pre_node_names(&self) -> &[String] {
        self.pre_node_name.as_deref().unwrap_or_default()
    }
}

model_object! {
    /// A canvas position; `x` and `y` are strings (`"-45.5"`) or numbers.
    pub struct Location {
        /// `x`
        x: Scalar = "x",
        /// `y`
        y: Scalar = "y",
    }
}

model_object! {
    /// A condition on an upstream node.
    pub struct Condition {
        /// `preNodeName`
        pre_node_name: String = "preNodeName",
        /// `expression` (EL)
        expression: String = "expression",
    }
}

model_object! {
    /// One `{name, value}` item of a node's `properties`.
    pub struct Property {
        /// `name`
        name: String = "name",
        /// `value`: documented as a string; kept as written whatever it is.
        value: Value = "value",
        /// `value_is_sensitive` (console exports)
        value_is_sensitive: Scalar = "value_is_sensitive",
    }
}

impl Property {
    /// A property with a string value.
    pub fn new(name: &str, value: &str) -> Self {
        Self { name: Some(name.to_owned()), value: Some(Value::from(value)), ..Self::default() }
    }

    /// The value when it is a string.
    pub fn text(&self) -> Option<&str> {
        self.value.as_ref().and_then(Value::as_str)
    }
}

model_object! {
    /// `schedule`.
    pub struct Schedule {
        /// `type`
        schedule_type: ScheduleType = "type",
        /// `cron`
        cron: Cron = "cron",
        /// `event`
        event: Event = "event",
    }
}

model_object! {
    /// `schedule.cron`.
    pub struct Cron {
        /// `startTime`, `yyyy-MM-dd'T'HH:mm:ssZ` (e.g. `2018-10-22T23:59:59+08`)
        start_time: String = "startTime",
        /// `endTime`
        end_time: String = "endTime",
        /// `expression`: 6 fields, seconds `0`
        expression: String = "expression",
        /// `expressionTimeZone`
        expression_time_zone: String = "expressionTimeZone",
        /// `dependPrePeriod`
        depend_pre_period: Scalar = "dependPrePeriod",
        /// `dependJobs`
        depend_jobs: DependJobs = "dependJobs",
        /// `intervalType`
        interval_type: String = "intervalType",
        /// `concurrent`
        concurrent: Scalar = "concurrent",
    }
}

impl Schedule {
    /// `{"type": "EXECUTE_ONCE"}`.
    pub fn execute_once() -> Self {
        Self { schedule_type: Some(ScheduleType::ExecuteOnce), ..Self::default() }
    }

    /// A `CRON` schedule: `expression` (6 fields, seconds `0`) from `start_time`
    /// (`yyyy-MM-dd'T'HH:mm:ssZ`).
    ///
    /// ```
    /// use dlf_bundle::Job;
    /// use dlf_bundle::model::Schedule;
    /// let mut job = Job::new("report");
    /// job.schedule = Some(Schedule::cron("0 0 2 * * ?", "2024-01-01T00:00:00+08").depending_on(&["load"]));
    /// assert_eq!(job.cron_depend_jobs().and_then(|d| d.jobs.clone()), Some(vec!["load".to_owned()]));
    /// ```
    pub fn cron(expression: &str, start_time: &str) -> Self {
        let cron = Cron {
            expression: Some(expression.to_owned()),
            start_time: Some(start_time.to_owned()),
            ..Cron::default()
        };
        Self { schedule_type: Some(ScheduleType::Cron), cron: Some(cron), ..Self::default() }
    }

    /// Waits for `jobs` of the same period to succeed (`cron.dependJobs`,
    /// builder style; a schedule without `cron` gets one).
    #[must_use]
    pub fn depending_on(mut self, jobs: &[&str]) -> Self {
        let depend = DependJobs {
            jobs: Some(jobs.iter().map(|job| (*job).to_owned()).collect()),
            depend_period: Some("SAME_PERIOD".to_owned()),
            depend_fail_policy: Some("FAIL".to_owned()),
            ..DependJobs::default()
        };
        self.cron.get_or_insert_with(Cron::default).depend_jobs = Some(depend);
        self
    }
}

model_object! {
    /// `nodes[].cronTrigger` (real-time jobs).
    pub struct CronTrigger {
        /// `startTime`
        start_time: String = "startTime",
        /// `endTime`
        end_time: String = "endTime",
        /// `expression`
        expression: String = "expression",
        /// `expressionTimeZone`
        expression_time_zone: String = "expressionTimeZone",
        /// `period`, e.g. `1 hours`
        period: String = "period",
        /// `dependPrePeriod`
        depend_pre_period: Scalar = "dependPrePeriod",
        /// `dependJobs`
        depend_jobs: DependJobs = "dependJobs",
        /// `concurrent`
        concurrent: Scalar = "concurrent",
    }
}

model_object! {
    /// `schedule.event` and `nodes[].eventTrigger`.
    pub struct Event {
        /// `eventType`: `KAFKA`, `DIS` or `OBS` (legacy files write `engineType`, kept in `extra`)
        event_type: String = "eventType",
        /// `channel`: DIS stream name
        channel: String = "channel",
        /// `failPolicy`: `SUSPEND` or `IGNORE`
        fail_policy: String = "failPolicy",
        /// `concurrent` (1–128)
        concurrent: Scalar = "concurrent",
        /// `readPolicy`: `LAST` or `NEW`
        read_policy: String = "readPolicy",
    }
}

model_object! {
    /// `dependJobs`: jobs this job (or node) waits for.
    pub struct DependJobs {
        /// `jobs`: job names
        jobs: Vec<String> = "jobs",
        /// `dependPeriod`: `SAME_PERIOD` or `PRE_PERIOD`
        depend_period: String = "dependPeriod",
        /// `dependFailPolicy`: `FAIL`, `IGNORE` or `SUSPEND`
        depend_fail_policy: String = "dependFailPolicy",
        /// `sameWorkSpaceJobs`
        same_work_space_jobs: Vec<WorkspaceJob> = "sameWorkSpaceJobs",
        /// `otherWorkSpaceJobs` (external to any one bundle)
        other_work_space_jobs: Vec<WorkspaceJob> = "otherWorkSpaceJobs",
    }
}

model_object! {
    /// An item of `sameWorkSpaceJobs` / `otherWorkSpaceJobs`.
    pub struct WorkspaceJob {
        /// `jobName`
        job_name: String = "jobName",
        /// `workSpace`
        work_space: String = "workSpace",
        /// `workSpaceId`
        work_space_id: String = "workSpaceId",
        /// `dependType`
        depend_type: Scalar = "dependType",
        /// `dependOnLastPeriod`
        depend_on_last_period: Scalar = "dependOnLastPeriod",
        /// `dependOnLastNPeriodValue`
        depend_on_last_n_period_value: Scalar = "dependOnLastNPeriodValue",
    }
}

model_object! {
    /// An item of `params`.
    pub struct JobParam {
        /// `name` (≤64; letters, digits, `-`, `_`)
        name: String = "name",
        /// `value` (≤1,024 characters)
        value: Scalar = "value",
        /// `type`: `variable`, `constants` or `procedure`
        param_type: String = "type",
    }
}

model_object! {
    /// `basicConfig`.
    pub struct BasicConfig {
        /// `owner`
        owner: String = "owner",
        /// `priority`: 0 high, 1 medium, 2 low
        priority: Scalar = "priority",
        /// `executeUser`
        execute_user: String = "executeUser",
        /// `instanceTimeout` (minutes)
        instance_timeout: Scalar = "instanceTimeout",
        /// `customFields`
        custom_fields: Object = "customFields",
        /// `agency`
        agency: String = "agency",
        /// `isIgnoreWaiting`
        is_ignore_waiting: Scalar = "isIgnoreWaiting",
        /// `tags`: a list per the spec; one doc example writes `{}`
        tags: Value = "tags",
    }
}

model_object! {
    /// An item of `approvers`.
    pub struct Approver {
        /// `approverName`
        approver_name: String = "approverName",
    }
}

//! The fields of each object of the format (FORMAT.md §3–§7): jobs and
//! their nested structures, nodes, scripts and resources.

use super::values::{FailPolicy, NodeType, ProcessType, ResourceType, ScheduleType, ScriptType};
use super::{Condition, FieldSpec, Form, Refers};
use crate::kind::EnvironmentKind::{Connection, DliQueue, ObsPath};

/// What the catalog knows of one kind of object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectSpec {
    /// The object's name in the format (`Job`, `Cron`, `DependJobs`, …).
    pub name: &'static str,
    /// What messages call it (`job`, `cron`, `parameter`, …).
    pub noun: &'static str,
    /// Its fields.
    pub fields: &'static [FieldSpec],
}

impl ObjectSpec {
    /// The row for the field `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        let fields: &'static [FieldSpec] = self.fields;
        fields.iter().find(|field| field.name == name)
    }
}

const TARGET_STATUS: FieldSpec = FieldSpec::new("targetStatus", "the state after saving (review enabled)")
    .form(Form::OneOf(&["SAVED", "SUBMITTED", "PRODUCTION"]));
const APPROVERS: FieldSpec = FieldSpec::new("approvers", "who reviews it (review enabled)").lists(&APPROVER);

/// A job (`.job`), the body of the Create Job request.
pub const JOB: ObjectSpec = ObjectSpec {
    name: "Job",
    noun: "job",
    fields: &[
        FieldSpec::new("name", "the job's name: ≤128 letters, digits, `-`, `_`, `.`").required(),
        FieldSpec::new("nodes", "the job's nodes").required().lists(&NODE),
        FieldSpec::new("schedule", "when the job runs").required().holds(&SCHEDULE),
        FieldSpec::new("params", "the job's parameters").lists(&JOB_PARAM),
        FieldSpec::new("directory", "the folder in the job tree, e.g. `/dir/a`"),
        FieldSpec::new("processType", "batch or real-time").required().form(Form::OneOf(ProcessType::KNOWN)),
        FieldSpec::new("id", "the job's id (Show Job)"),
        FieldSpec::new("lastUpdateUser", "who changed it last"),
        FieldSpec::new("logPath", "the OBS path of run logs").form(Form::ObsPath).names(ObsPath),
        FieldSpec::new("basicConfig", "owner, priority and other settings").holds(&BASIC_CONFIG),
        TARGET_STATUS,
        APPROVERS,
        FieldSpec::new("singleNodeJobFlag", "a single-task job").form(Form::Boolean),
        FieldSpec::new("singleNodeJobType", "the task type of a single-task job"),
        FieldSpec::new("emptyRunningJob", "`1`: a dry run").form(Form::OneOf(&["0", "1"])),
        FieldSpec::new("cleanOverdueDays", "the job's timeout"),
        FieldSpec::new("cleanWaitingJob", "what happens to waiting instances"),
        FieldSpec::new("description", "what the job does"),
        FieldSpec::new("createTime", "when the job was created (Show Job)"),
        FieldSpec::new("version", "the job's version (Show Job)"),
        FieldSpec::new("downstreamJobs", "jobs that depend on it (Show Job)").form(Form::Structure),
        FieldSpec::new("resources", "resources (legacy spelling)").form(Form::Structure),
        FieldSpec::new("resouces", "resources (sic, console exports)").form(Form::Structure),
    ],
};

/// A node of a job.
pub const NODE: ObjectSpec = ObjectSpec {
    name: "Node",
    noun: "node",
    fields: &[
        FieldSpec::new("name", "the node's name, unique in the job").required(),
        FieldSpec::new("type", "the node type").required().form(Form::Known(NodeType::KNOWN)),
        FieldSpec::new("location", "the position on the canvas").required().holds(&LOCATION),
        FieldSpec::new("properties", "the node type's properties, `{name, value}`").required().lists(&PROPERTY),
        FieldSpec::new("preNodeName", "the nodes it runs after").form(Form::Structure),
        FieldSpec::new("conditions", "conditions on upstream nodes").lists(&CONDITION),
        FieldSpec::new("pollingInterval", "seconds between status checks").form(Form::Integer { min: 1, max: 60 }),
        FieldSpec::new("maxExecutionTime", "minutes before the node times out")
            .form(Form::Integer { min: 5, max: 1440 }),
        FieldSpec::new("retryTimes", "retries after a failure").form(Form::Integer { min: 0, max: 5 }),
        FieldSpec::new("retryInterval", "seconds between retries").form(Form::Integer { min: 5, max: 120 }),
        FieldSpec::new("execTimeOutRetry", "whether a timeout is retried").form(Form::Boolean),
        FieldSpec::new("failPolicy", "what a failure does").form(Form::OneOf(FailPolicy::KNOWN)),
        FieldSpec::new("eventTrigger", "the node's event trigger (real-time jobs)").holds(&EVENT),
        FieldSpec::new("cronTrigger", "the node's cron trigger (real-time jobs)").holds(&CRON_TRIGGER),
        FieldSpec::new("lineageInfo", "lineage, JSON inside a string"),
        FieldSpec::new("resources", "resources (legacy spelling)").form(Form::Structure),
        FieldSpec::new("resouces", "resources (sic, console exports)").form(Form::Structure),
    ],
};

/// `schedule`.
pub const SCHEDULE: ObjectSpec = ObjectSpec {
    name: "Schedule",
    noun: "schedule",
    fields: &[
        FieldSpec::new("type", "how the job is started").required().form(Form::Known(ScheduleType::KNOWN)),
        FieldSpec::new("cron", "the periodic schedule")
            .expected()
            .when(&[Condition::Is("type", &["CRON"])])
            .holds(&CRON),
        FieldSpec::new("event", "the event that starts the job")
            .expected()
            .when(&[Condition::Is("type", &["EVENT"])])
            .holds(&EVENT),
    ],
};

const START_TIME: FieldSpec = FieldSpec::new("startTime", "when the schedule starts").required().form(Form::Time);
const END_TIME: FieldSpec = FieldSpec::new("endTime", "when the schedule ends (absent: never)").form(Form::Time);
const EXPRESSION: FieldSpec =
    FieldSpec::new("expression", "6 fields: seconds `0`, minutes, hours, day, month `*`, week")
        .required()
        .form(Form::Cron);
const TIME_ZONE: FieldSpec = FieldSpec::new("expressionTimeZone", "the expression's time zone, e.g. `GMT+8`");
const DEPEND_PRE_PERIOD: FieldSpec =
    FieldSpec::new("dependPrePeriod", "whether it waits for its own previous period").form(Form::Boolean);
const DEPEND: FieldSpec = FieldSpec::new("dependJobs", "jobs it waits for").holds(&DEPEND_JOBS);

/// `schedule.cron`.
pub const CRON: ObjectSpec = ObjectSpec {
    name: "Cron",
    noun: "cron",
    fields: &[
        START_TIME,
        END_TIME,
        EXPRESSION,
        TIME_ZONE,
        DEPEND_PRE_PERIOD,
        DEPEND,
        FieldSpec::new("intervalType", "the period's unit")
            .form(Form::OneOf(&["minutes", "hours", "days", "weeks", "months", "seasons", "years"])),
        FieldSpec::new("concurrent", "instances that may run at once"),
    ],
};

/// `nodes[].cronTrigger` (real-time jobs).
pub const CRON_TRIGGER: ObjectSpec = ObjectSpec {
    name: "CronTrigger",
    noun: "cron trigger",
    fields: &[
        START_TIME,
        END_TIME,
        EXPRESSION,
        TIME_ZONE,
        FieldSpec::new("period", "the interval, agreeing with the expression, e.g. `1 hours`")
            .required()
            .form(Form::Period),
        DEPEND_PRE_PERIOD,
        DEPEND,
        FieldSpec::new("concurrent", "instances that may run at once"),
    ],
};

/// `schedule.event` and `nodes[].eventTrigger`.
pub const EVENT: ObjectSpec = ObjectSpec {
    name: "Event",
    noun: "event",
    fields: &[
        FieldSpec::new("eventType", "what starts the job: Kafka records, DIS records or OBS files")
            .required()
            .also(&["engineType"])
            .form(Form::OneOf(&["KAFKA", "DIS", "OBS"])),
        FieldSpec::new("channel", "the DIS stream").required().when(&[Condition::Is("eventType", &["DIS"])]),
        FieldSpec::new("failPolicy", "what a failed run does (`CONTINUE` in legacy files)")
            .form(Form::OneOf(&["SUSPEND", "IGNORE", "CONTINUE"])),
        FieldSpec::new("concurrent", "runs at once").form(Form::Integer { min: 1, max: 128 }),
        FieldSpec::new("readPolicy", "which records are read").form(Form::OneOf(&["LAST", "NEW"])),
    ],
};

/// `dependJobs`: jobs a job (or node) waits for.
pub const DEPEND_JOBS: ObjectSpec = ObjectSpec {
    name: "DependJobs",
    noun: "dependJobs",
    fields: &[
        FieldSpec::new("jobs", "the jobs waited for, by name").required().form(Form::Structure),
        FieldSpec::new("dependPeriod", "which of their periods").form(Form::OneOf(&["SAME_PERIOD", "PRE_PERIOD"])),
        FieldSpec::new("dependFailPolicy", "what their failure does").form(Form::OneOf(&["FAIL", "IGNORE", "SUSPEND"])),
        FieldSpec::new("sameWorkSpaceJobs", "jobs of this workspace").lists(&WORKSPACE_JOB),
        FieldSpec::new("otherWorkSpaceJobs", "jobs of other workspaces").lists(&WORKSPACE_JOB),
    ],
};

/// An item of `sameWorkSpaceJobs` / `otherWorkSpaceJobs`.
pub const WORKSPACE_JOB: ObjectSpec = ObjectSpec {
    name: "WorkspaceJob",
    noun: "workspace job",
    fields: &[
        FieldSpec::new("jobName", "the job").refers(Refers::Job),
        FieldSpec::new("workSpace", "its workspace"),
        FieldSpec::new("workSpaceId", "its workspace's id"),
        FieldSpec::new("dependType", "how it is waited for"),
        FieldSpec::new("dependOnLastPeriod", "whether its last period is waited for").form(Form::Boolean),
        FieldSpec::new("dependOnLastNPeriodValue", "how many periods back"),
    ],
};

/// An item of `params`.
pub const JOB_PARAM: ObjectSpec = ObjectSpec {
    name: "JobParam",
    noun: "parameter",
    fields: &[
        FieldSpec::new("name", "the parameter: ≤64 letters, digits, `-`, `_`").required(),
        FieldSpec::new("value", "its value (EL allowed), a string")
            .required()
            .may_be_empty()
            .form(Form::Bounded(1024))
            .secret()
            .el(),
        FieldSpec::new("type", "`variable` (set per workspace) or a constant").form(Form::OneOf(&[
            "variable",
            "constants",
            "procedure",
        ])),
    ],
};

/// An item of `conditions`.
pub const CONDITION: ObjectSpec = ObjectSpec {
    name: "Condition",
    noun: "condition",
    fields: &[
        FieldSpec::new("preNodeName", "the upstream node").required(),
        FieldSpec::new("expression", "the EL expression that must be true").required().el(),
    ],
};

/// An item of `properties`.
pub const PROPERTY: ObjectSpec = ObjectSpec {
    name: "Property",
    noun: "property",
    fields: &[
        FieldSpec::new("name", "the property").required(),
        FieldSpec::new("value", "its value, a string").required().may_be_empty().el(),
        FieldSpec::new("value_is_sensitive", "whether the console hides the value").form(Form::Boolean),
    ],
};

/// `location`: a position on the canvas (strings or numbers).
pub const LOCATION: ObjectSpec = ObjectSpec {
    name: "Location",
    noun: "location",
    fields: &[FieldSpec::new("x", "the horizontal position"), FieldSpec::new("y", "the vertical position")],
};

/// `basicConfig`.
pub const BASIC_CONFIG: ObjectSpec = ObjectSpec {
    name: "BasicConfig",
    noun: "basicConfig",
    fields: &[
        FieldSpec::new("owner", "the job's owner").form(Form::Bounded(128)),
        FieldSpec::new("priority", "0 high, 1 medium, 2 low").form(Form::Integer { min: 0, max: 2 }),
        FieldSpec::new("executeUser", "the user the job runs as"),
        FieldSpec::new("instanceTimeout", "minutes before an instance times out")
            .form(Form::ZeroOr { min: 5, max: 1440 }),
        FieldSpec::new("customFields", "custom fields (≤2,048 characters)").form(Form::Structure),
        FieldSpec::new("agency", "the IAM agency the job runs with"),
        FieldSpec::new("isIgnoreWaiting", "whether waiting instances are ignored")
            .form(Form::Integer { min: 0, max: 1 }),
        FieldSpec::new("tags", "tags").form(Form::Structure),
    ],
};

/// An item of `approvers`.
pub const APPROVER: ObjectSpec = ObjectSpec {
    name: "Approver",
    noun: "approver",
    fields: &[FieldSpec::new("approverName", "the reviewer").required()],
};

/// A script (`.script`), the body of the Create Script request; its type adds
/// fields of its own ([`ScriptType::spec`]).
pub const SCRIPT: ObjectSpec = ObjectSpec {
    name: "Script",
    noun: "script",
    fields: &[
        FieldSpec::new("name", "the script's name: ≤128 letters, digits, `-`, `_`, `.`").required(),
        FieldSpec::new("type", "the script type").required().form(Form::Known(ScriptType::KNOWN)),
        FieldSpec::new("content", "the script text (≤4 MB)").required().secret(),
        FieldSpec::new("directory", "the folder in the script tree"),
        FieldSpec::new("connectionName", "the data connection").names(Connection),
        FieldSpec::new("database", "the database (API documents)").refers(Refers::Database),
        FieldSpec::new("currentDatabase", "the database (exported files)").refers(Refers::Database),
        FieldSpec::new("queueName", "the DLI queue").names(DliQueue),
        FieldSpec::new("configuration", "DLI SQL settings").form(Form::Structure),
        FieldSpec::new("description", "what the script does").form(Form::Bounded(255)),
        TARGET_STATUS,
        APPROVERS,
        FieldSpec::new("owner", "the script's owner"),
        FieldSpec::new("templateVersion", "the export template's version"),
        FieldSpec::new("id", "the script's id (Show Script)"),
        FieldSpec::new("version", "the latest submitted version (Show Script)"),
    ],
};

/// A resource (`.resource`), the body of the Create Resource request.
pub const RESOURCE: ObjectSpec = ObjectSpec {
    name: "Resource",
    noun: "resource",
    fields: &[
        FieldSpec::new("name", "the resource's name: 1–32 letters, digits, `_`, `-`").required(),
        FieldSpec::new("type", "the resource type").required().form(Form::Known(ResourceType::KNOWN)),
        FieldSpec::new("location", "the file on OBS (or HDFS)").required().form(Form::StoragePath).names(ObsPath),
        FieldSpec::new("dependFiles", "files the main JAR needs").form(Form::Structure),
        FieldSpec::new("dependPackages", "packages the main JAR needs (wins over `dependFiles`)")
            .lists(&DEPEND_PACKAGE),
        FieldSpec::new("desc", "what the resource is").form(Form::Bounded(255)),
        FieldSpec::new("directory", "the folder in the resource tree"),
        FieldSpec::new("id", "the resource's id (Show Resource)"),
    ],
};

/// An item of `dependPackages`.
pub const DEPEND_PACKAGE: ObjectSpec = ObjectSpec {
    name: "DependPackage",
    noun: "dependency package",
    fields: &[
        FieldSpec::new("type", "the package's type"),
        FieldSpec::new("location", "the package on OBS").form(Form::StoragePath).names(ObsPath),
    ],
};

/// Every object of the format.
pub const OBJECTS: &[&ObjectSpec] = &[
    &JOB,
    &NODE,
    &SCHEDULE,
    &CRON,
    &CRON_TRIGGER,
    &EVENT,
    &DEPEND_JOBS,
    &WORKSPACE_JOB,
    &JOB_PARAM,
    &CONDITION,
    &PROPERTY,
    &LOCATION,
    &BASIC_CONFIG,
    &APPROVER,
    &SCRIPT,
    &RESOURCE,
    &DEPEND_PACKAGE,
];

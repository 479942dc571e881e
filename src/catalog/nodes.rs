//! One row per node type of the format (FORMAT.md §4.1–4.2): the script
//! types it runs and its properties. [`NodeType`](crate::model::NodeType) maps each
//! spelling to its row. Rows are statics: spellings of one type share one
//! row, by address.
//!
//! Script types by node type (the node runs its `scriptName` in script mode):
//!
//! | node type | script types |
//! |---|---|
//! | `HiveSQL` | `HiveSQL` |
//! | `SparkSQL` | `SparkSQL` |
//! | `DWSSQL` | `DWSSQL` |
//! | `DLISQL` | `DLISQL` |
//! | `RDS SQL`, `RDSSQL` | `RDSSQL` |
//! | `Shell` | `Shell` |
//! | `Python` | `PYTHON` |
//! | `MRSHetuEngine` | `HetuEngineSQL` |
//! | `MRSFlink`, `MRSFlinkJob` (Flink SQL) | `FlinkSQL` |
//! | `CSJob` (legacy Cloud Stream) | `FlinkSQL` |
//! | `MRSSparkPython` | `SparkPython` |
//!
//! `PRESTO`, `ClickHouseSQL` and `ImpalaSQL` scripts have no node type with
//! a public JSON string.

use super::{Condition, FieldSpec, Form, Presence, Refers};
use crate::kind::EnvironmentKind::{
    CdmCluster, CdmJob, Connection, DisStream, DliQueue, MrsCluster, ObsPath, SmnTopic,
};

/// What the catalog knows of one node type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeSpec {
    /// What the node does, in a few words.
    pub description: &'static str,
    /// The script types its `scriptName` may name (empty: it runs none).
    pub scripts: &'static [&'static str],
    /// Properties that give the script its parameters (`key=value`
    /// arguments naming the script's `${…}`).
    pub parameters: &'static [&'static str],
    /// Its properties.
    pub properties: &'static [FieldSpec],
    /// `false` where the sources leave its property names unverified: the
    /// row lists none, and nothing is asserted about its properties.
    pub verified: bool,
    /// A job of the workspace is its target (Sub Job, For Each), through a
    /// property no source names ([`crate::reference::ReferenceOptions`]).
    pub runs_jobs: bool,
}

impl NodeSpec {
    const fn new(description: &'static str, properties: &'static [FieldSpec]) -> Self {
        Self { description, scripts: &[], parameters: &[], properties, verified: true, runs_jobs: false }
    }

    const fn runs(mut self, scripts: &'static [&'static str], parameters: &'static [&'static str]) -> Self {
        self.scripts = scripts;
        self.parameters = parameters;
        self
    }

    const fn unverified(mut self) -> Self {
        self.verified = false;
        self
    }

    /// The first row for the property `name` (a property whose form
    /// depends on another has one row per case).
    pub fn property(&self, name: &str) -> Option<&'static FieldSpec> {
        self.rows().find(|row| row.name == name)
    }

    /// Every row that applies to a node of this type: its own, then the
    /// [`GENERIC_PROPERTIES`] of every node.
    pub fn rows(&self) -> impl Iterator<Item = &'static FieldSpec> + use<> {
        let own: &'static [FieldSpec] = self.properties;
        own.iter().chain(GENERIC_PROPERTIES)
    }

    /// Whether this node type may run a script of `script_type`.
    pub fn may_run(&self, script_type: &str) -> bool {
        self.scripts.contains(&script_type)
    }
}

/// Bookkeeping properties console exports put on any node.
pub const GENERIC_PROPERTIES: &[FieldSpec] = &[
    FieldSpec::new("emptyRunningJob", "`1`: a dry run").form(Form::OneOf(&["0", "1"])),
    FieldSpec::new("taskWorkGroupId", "the task group (`-1`: none)"),
];

/// What a node of a type the catalog does not describe (unknown, or with
/// unverified property names) is taken to name, for references and
/// promotion only: nothing about it is validated. Its script is a probable
/// reference, so that the script counts as used and is never asked for.
pub const UNDESCRIBED_PROPERTIES: &[FieldSpec] = &[
    FieldSpec::new("scriptName", "a script, probably").refers(Refers::Script),
    FieldSpec::new("connectionName", "a data connection").names(Connection),
    FieldSpec::new("connectionId", "a data connection's id").names(Connection),
    FieldSpec::new("database", "a database").refers(Refers::Database),
];

const MODE: FieldSpec = FieldSpec::new("statementOrScript", "`SCRIPT` runs `scriptName`, `STATEMENT` the inline text")
    .form(Form::OneOf(&["SCRIPT", "STATEMENT"]));
const SCRIPT_NAME: FieldSpec = FieldSpec::new("scriptName", "the script the node runs (script mode)")
    .expected()
    .when(&[Condition::ScriptMode])
    .refers(Refers::Script);
const CONNECTION_NAME: FieldSpec = FieldSpec::new("connectionName", "the data connection").names(Connection);
const CONNECTION_ID: FieldSpec = FieldSpec::new("connectionId", "the data connection's id").names(Connection);
const DATABASE: FieldSpec = FieldSpec::new("database", "the database").refers(Refers::Database);
const SCRIPT_ARGS: FieldSpec =
    FieldSpec::new("scriptArgs", "the script's parameters, `key=value` lines").form(Form::KeyValueLines).secret().el();
const ARGUMENTS: FieldSpec = FieldSpec::new("arguments", "the script's arguments").secret().el();
const CLUSTER: FieldSpec = FieldSpec::new("clusterName", "the MRS cluster").required().names(MrsCluster);
const JOB_NAME: FieldSpec = FieldSpec::new("jobName", "the job's name in the cluster").required();
const PROGRAM_PARAMETER: FieldSpec =
    FieldSpec::new("programParameter", "program parameters, `|`-separated `key:value`").secret().el();
const INPUT: FieldSpec = FieldSpec::new("input", "the input path").names(ObsPath).el();
const OUTPUT: FieldSpec = FieldSpec::new("output", "the output path").names(ObsPath).el();

/// What every SQL node has (§4.2's first row).
macro_rules! sql_node {
    ($description:literal, $script:literal $(, $extra:expr)*) => {
        NodeSpec::new(
            $description,
            &[
                SCRIPT_NAME,
                MODE,
                FieldSpec::new("scriptVersion", "the version of the script to run"),
                CONNECTION_NAME,
                CONNECTION_ID,
                DATABASE,
                SCRIPT_ARGS,
                FieldSpec::new("statement", "the inline SQL (statement mode)").when(&[Condition::StatementMode]).secret().el(),
                FieldSpec::new("sql", "the inline SQL (statement mode)").when(&[Condition::StatementMode]).secret().el(),
                $($extra,)*
            ],
        )
        .runs(&[$script], &["scriptArgs"])
    };
}

pub(crate) static HIVE_SQL: NodeSpec = sql_node!("runs a Hive SQL script on MRS", "HiveSQL");
pub(crate) static SPARK_SQL: NodeSpec = sql_node!("runs a Spark SQL script on MRS", "SparkSQL");
pub(crate) static DWS_SQL: NodeSpec = sql_node!("runs a DWS SQL script", "DWSSQL");
pub(crate) static RDS_SQL: NodeSpec = sql_node!("runs an RDS SQL script", "RDSSQL");
pub(crate) static DLI_SQL: NodeSpec = sql_node!(
    "runs a DLI SQL script on a DLI queue",
    "DLISQL",
    FieldSpec::new("queueName", "the DLI queue").names(DliQueue),
    FieldSpec::new("overloadRetryInterval", "the wait between retries when the queue is busy (`300 sec`)"),
    FieldSpec::new("maximumOverloadRetries", "retries when the queue is busy")
);

pub(crate) static SHELL: NodeSpec = NodeSpec::new(
    "runs a Shell script on a host",
    &[
        SCRIPT_NAME,
        MODE,
        FieldSpec::new("connectionName", "the host connection").required().also(&["connectionId"]).names(Connection),
        CONNECTION_ID,
        ARGUMENTS,
        FieldSpec::new("statement", "the inline commands (statement mode)")
            .when(&[Condition::StatementMode])
            .secret()
            .el(),
    ],
)
.runs(&["Shell"], &["arguments"]);

pub(crate) static PYTHON: NodeSpec = NodeSpec::new(
    "runs a Python script on a host",
    &[
        SCRIPT_NAME,
        MODE,
        CONNECTION_NAME,
        CONNECTION_ID,
        ARGUMENTS,
        FieldSpec::new("pythonVersion", "the interpreter (`Python 3`)"),
        FieldSpec::new("statement", "the inline code (statement mode)").when(&[Condition::StatementMode]).secret().el(),
    ],
)
.runs(&["PYTHON"], &["arguments"]);

pub(crate) static CDM_JOB: NodeSpec = NodeSpec::new(
    "runs a CDM job of a CDM cluster",
    &[
        FieldSpec::new("clusterName", "the CDM cluster").required().also(&["clusterId"]).names(CdmCluster),
        FieldSpec::new("clusterId", "the CDM cluster's id (when `clusterName` is absent)")
            .when(&[Condition::Absent("clusterName")])
            .names(CdmCluster),
        FieldSpec::new("jobName", "the CDM job, in that cluster").required().names(CdmJob),
        FieldSpec::new("jobType", "`existsJob`: an existing CDM job"),
    ],
);

pub(crate) static DATA_MIGRATION: NodeSpec =
    NodeSpec::new("runs a CDM job defined inline, on up to 16 CDM clusters", &[]);

pub(crate) static DIS_TRANSFER_TASK: NodeSpec = NodeSpec::new(
    "dumps a DIS stream",
    &[
        FieldSpec::new("streamName", "the DIS stream").names(DisStream),
        FieldSpec::new("destinationType", "where the records go"),
        FieldSpec::new("duplicatePolicy", "what happens to a dump task of the same name"),
        FieldSpec::new("configuration", "the dump's settings").secret(),
    ],
);

pub(crate) static DIS_STREAM: NodeSpec =
    NodeSpec::new("a DIS stream (legacy)", &[FieldSpec::new("streamName", "the DIS stream").names(DisStream)]);

pub(crate) static CS_JOB: NodeSpec = NodeSpec::new(
    "runs a Cloud Stream job (legacy)",
    &[
        FieldSpec::new("scriptName", "the Flink SQL script").when(&[Condition::ScriptMode]).refers(Refers::Script),
        FieldSpec::new("jobName", "the stream job"),
        FieldSpec::new("jobType", "`flink_sql_job`"),
        FieldSpec::new("clusterName", "the cluster (`-1`: shared)"),
        FieldSpec::new("spuNumber", "stream processing units"),
        FieldSpec::new("parallelNumber", "parallelism"),
    ],
)
.runs(&["FlinkSQL"], &[]);

pub(crate) static CLOUD_TABLE_MANAGE: NodeSpec = NodeSpec::new(
    "creates or deletes a CloudTable table",
    &[
        FieldSpec::new("namespace", "the namespace (default `default`)"),
        FieldSpec::new("action", "what to do").required().form(Form::OneOf(&["CREATE_TABLE", "DELETE_TABLE"])),
        FieldSpec::new("table", "the table"),
        FieldSpec::new("columnFamily", "the column families"),
    ],
);

pub(crate) static OBS_MANAGER: NodeSpec = NodeSpec::new(
    "creates or deletes an OBS path",
    &[
        FieldSpec::new("action", "what to do").required().form(Form::OneOf(&["CREATE_PATH", "DELETE_PATH"])),
        FieldSpec::new("path", "the OBS path").required().form(Form::ObsPath).names(ObsPath).el(),
        FieldSpec::new("sourceDirectory", "the OBS path to copy or move from").form(Form::ObsPath).names(ObsPath).el(),
        FieldSpec::new("targetDirectory", "the OBS path to copy or move to").form(Form::ObsPath).names(ObsPath).el(),
    ],
);

pub(crate) static REST_API: NodeSpec = NodeSpec::new(
    "calls a REST API",
    &[
        FieldSpec::new("url", "the URL called").required().form(Form::Url).secret().el(),
        FieldSpec::new("method", "the HTTP method").required().form(Form::OneOf(&["GET", "POST", "PUT", "DELETE"])),
        FieldSpec::new("headers", "request headers, `Name=value` lines").form(Form::KeyValueLines).secret().el(),
        FieldSpec::new("body", "the request body (POST, PUT)").secret().el(),
        FieldSpec::new("agentName", "the CDM cluster that relays the call").names(CdmCluster),
        FieldSpec::new("retry", "whether to retry"),
        FieldSpec::new("requestMode", "`sync` or asynchronous"),
        FieldSpec::new("securityAuthentication", "how the call authenticates (`NONE`)"),
    ],
);

pub(crate) static SMN: NodeSpec = NodeSpec::new(
    "sends an SMN message",
    &[
        FieldSpec::new("topic", "the SMN topic's URN").required().form(Form::TopicUrn).names(SmnTopic),
        FieldSpec::new("subject", "the message subject").required().el(),
        FieldSpec::new("messageType", "the message's form").required().form(Form::OneOf(&[
            "NORMAL",
            "STRUCTURE",
            "TEMPLATE",
        ])),
        FieldSpec::new("message", "the message").required().el(),
    ],
);

/// `resourcePath`: a DataArts resource, or a JAR on OBS.
const RESOURCE_PATH: FieldSpec =
    FieldSpec::new("resourcePath", "the JAR: a DataArts resource, or an OBS path").required().refers(Refers::Resource);

pub(crate) static MRS_SPARK: NodeSpec = NodeSpec::new(
    "runs a Spark job on MRS",
    &[
        CLUSTER,
        JOB_NAME,
        RESOURCE_PATH,
        FieldSpec::new("parameters", "the job's parameters").required().secret().el(),
        INPUT,
        OUTPUT,
        PROGRAM_PARAMETER,
    ],
);

pub(crate) static MAP_REDUCE: NodeSpec = NodeSpec::new(
    "runs a MapReduce job on MRS",
    &[
        CLUSTER,
        JOB_NAME,
        RESOURCE_PATH,
        FieldSpec::new("parameters", "the job's parameters").required().secret().el(),
        FieldSpec { presence: Presence::Required, ..INPUT },
        FieldSpec { presence: Presence::Required, ..OUTPUT },
    ],
);

pub(crate) static DLI_SPARK: NodeSpec = NodeSpec::new(
    "runs a Spark job on a DLI queue",
    &[
        FieldSpec::new("clusterName", "the DLI queue").required().names(DliQueue),
        JOB_NAME,
        FieldSpec::new("resourceType", "where the JAR is").form(Form::OneOf(&["OBS", "DLIResources"])),
        FieldSpec::new("resourcePath", "the JAR's OBS path")
            .required()
            .when(&[Condition::Is("resourceType", &["OBS"])])
            .form(Form::ObsPath)
            .names(ObsPath),
        FieldSpec { when: &[Condition::IsNot("resourceType", &["OBS"])], ..RESOURCE_PATH },
        FieldSpec::new("jobClass", "the main class"),
        FieldSpec::new("jarArgs", "the job's arguments").secret().el(),
        FieldSpec::new("sparkConfig", "Spark settings").secret(),
    ],
);

const FLINK_JAR: Condition = Condition::Mentions("flinkJobType", "JAR");
const FLINK_SQL: Condition = Condition::DoesNotMention("flinkJobType", "JAR");

pub(crate) static MRS_FLINK: NodeSpec = NodeSpec::new(
    "runs a Flink SQL or Flink JAR job on MRS",
    &[
        CLUSTER,
        JOB_NAME,
        FieldSpec::new("flinkJobType", "Flink SQL or Flink JAR").required(),
        FieldSpec::new("flinkJobProcessType", "batch or stream").required(),
        FieldSpec { when: &[Condition::ScriptMode, FLINK_SQL], ..SCRIPT_NAME },
        FieldSpec { when: &[FLINK_JAR], ..RESOURCE_PATH },
        INPUT,
        OUTPUT,
        PROGRAM_PARAMETER,
    ],
)
.runs(&["FlinkSQL"], &[]);

pub(crate) static MRS_HETU_ENGINE: NodeSpec = NodeSpec::new(
    "runs HetuEngine SQL on MRS",
    &[
        CLUSTER,
        JOB_NAME,
        FieldSpec { presence: Presence::Required, ..MODE },
        SCRIPT_NAME,
        FieldSpec::new("statement", "the inline SQL (statement mode)").when(&[Condition::StatementMode]).secret().el(),
        FieldSpec::new("Data Warehouse", "the data connection").required().names(Connection),
        FieldSpec::new("Schema", "the schema").required().refers(Refers::Database),
        FieldSpec::new("Database", "the database").required().refers(Refers::Database),
        FieldSpec::new("Queue", "the resource queue"),
    ],
)
.runs(&["HetuEngineSQL"], &[]);

/// Online mode runs a Spark Python script; the property names are unverified,
/// so the row asserts nothing but what a `scriptName` names.
pub(crate) static MRS_SPARK_PYTHON: NodeSpec = NodeSpec::new(
    "runs a Spark Python job on MRS",
    &[
        FieldSpec::new("scriptName", "the Spark Python script (online mode)")
            .when(&[Condition::ScriptMode])
            .refers(Refers::Script),
        FieldSpec::new("clusterName", "the MRS cluster").names(MrsCluster),
    ],
)
.runs(&["SparkPython"], &[])
.unverified();

pub(crate) static SUB_JOB: NodeSpec =
    NodeSpec { runs_jobs: true, ..NodeSpec::new("runs another batch job of the workspace", &[]).unverified() };
pub(crate) static FOR_EACH: NodeSpec = NodeSpec {
    runs_jobs: true,
    ..NodeSpec::new("runs a batch job of the workspace once per row of a dataset", &[]).unverified()
};
pub(crate) static DATA_QUALITY_MONITOR: NodeSpec = NodeSpec::new("runs a data quality job", &[]).unverified();
pub(crate) static MACHINE_LEARNING: NodeSpec = NodeSpec::new("runs a machine learning job", &[]).unverified();
pub(crate) static ONECLICK_CDC: NodeSpec = NodeSpec::new("runs a one-click CDC task", &[]).unverified();
pub(crate) static DUMMY: NodeSpec = NodeSpec::new("does nothing (joins or starts branches)", &[]);

//! One row per script type (FORMAT.md §6): what it runs on, and the fields
//! a script of that type requires beyond those of every script
//! ([`SCRIPT`](super::SCRIPT)).

use super::FieldSpec;
use crate::kind::EnvironmentKind::{Connection, DliQueue};

/// What the catalog knows of one script type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScriptSpec {
    /// What the script is, in a few words.
    pub description: &'static str,
    /// The fields a script of this type has beyond those of every script.
    pub fields: &'static [FieldSpec],
    /// Whether its `database` (or `currentDatabase`) means anything.
    pub has_database: bool,
}

const CONNECTION: FieldSpec =
    FieldSpec::new("connectionName", "the data connection the script runs on").required().names(Connection);

const fn with_connection(description: &'static str, has_database: bool) -> ScriptSpec {
    ScriptSpec { description, fields: &[CONNECTION], has_database }
}

pub(crate) static FLINK_SQL: ScriptSpec =
    ScriptSpec { description: "Flink SQL (Cloud Stream, MRS Flink)", fields: &[], has_database: false };
pub(crate) static DLI_SQL: ScriptSpec = ScriptSpec {
    description: "DLI SQL, run on a DLI queue",
    fields: &[CONNECTION, FieldSpec::new("queueName", "the DLI queue").required().names(DliQueue)],
    has_database: true,
};
pub(crate) static SPARK_SQL: ScriptSpec = with_connection("Spark SQL on MRS", true);
pub(crate) static HIVE_SQL: ScriptSpec = with_connection("Hive SQL on MRS", true);
pub(crate) static DWS_SQL: ScriptSpec = with_connection("DWS SQL", true);
pub(crate) static RDS_SQL: ScriptSpec = with_connection("RDS SQL", true);
pub(crate) static SHELL: ScriptSpec = with_connection("a Shell script, run on a host", false);
pub(crate) static PRESTO: ScriptSpec = with_connection("Presto SQL on MRS", true);
pub(crate) static CLICK_HOUSE_SQL: ScriptSpec = with_connection("ClickHouse SQL on MRS", true);
pub(crate) static HETU_ENGINE_SQL: ScriptSpec = with_connection("HetuEngine SQL on MRS", true);
pub(crate) static PYTHON: ScriptSpec = with_connection("a Python script, run on a host", false);
pub(crate) static IMPALA_SQL: ScriptSpec = with_connection("Impala SQL on MRS", true);
pub(crate) static SPARK_PYTHON: ScriptSpec = with_connection("Spark Python on MRS", false);

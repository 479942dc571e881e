//! The service's enumerations as open enums: each known value with what the
//! catalog says of it, anything else kept verbatim.

use super::nodes::{self, NodeSpec};
use super::scripts::{self, ScriptSpec};

/// What the catalog says of one value of a plain enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meaning(pub &'static str);

/// Declares an open enumeration: known values as variants, each with its row
/// of the catalog (`$spec`), anything else kept verbatim in `Other`, so an
/// unknown value never stops a read and is written back unchanged.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $spec:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal => $row:expr, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every known value, as written in files.
            pub const KNOWN: &'static [&'static str] = &[$($text),*];

            /// The value as written in files.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )*
                    Self::Other(text) => text,
                }
            }

            /// The value as written in files, for a known one.
            #[allow(dead_code, reason = "generated for every enumeration; the rules ask node types")]
            pub(crate) fn known(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some($text), )*
                    Self::Other(_) => None,
                }
            }

            /// `true` for a value outside [`Self::KNOWN`].
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Other(_))
            }

            /// What the catalog says of this value; `None` for an unknown one.
            pub fn spec(&self) -> Option<&'static $spec> {
                match self {
                    $( Self::$variant => Some(&$row), )*
                    Self::Other(_) => None,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// `processType`: batch or real-time.
    pub enum ProcessType: Meaning {
        /// `BATCH`
        Batch = "BATCH" => Meaning("a batch job, run by its schedule"),
        /// `REAL_TIME`
        RealTime = "REAL_TIME" => Meaning("a real-time job, whose nodes run on their own triggers"),
    }
}

open_enum! {
    /// Node `type`. Real workspaces use types beyond the documented enum
    /// (`DLFSubJob`, `ForEachJob`, `DataQualityMonitor`, `Python`), listed
    /// here too. Spellings of one type (`RDS SQL` and `RDSSQL`) are variants
    /// of their own, so a file keeps the one it has, and share one row of
    /// the catalog ([`NodeType::spec`]).
    pub enum NodeType: NodeSpec {
        /// `HiveSQL`
        HiveSql = "HiveSQL" => nodes::HIVE_SQL,
        /// `SparkSQL`
        SparkSql = "SparkSQL" => nodes::SPARK_SQL,
        /// `DWSSQL`
        DwsSql = "DWSSQL" => nodes::DWS_SQL,
        /// `DLISQL`
        DliSql = "DLISQL" => nodes::DLI_SQL,
        /// `RDS SQL` (with the space, as the spec writes it)
        RdsSql = "RDS SQL" => nodes::RDS_SQL,
        /// `RDSSQL` (the V2 spelling)
        RdsSqlCompact = "RDSSQL" => nodes::RDS_SQL,
        /// `Shell`
        Shell = "Shell" => nodes::SHELL,
        /// `Python`
        Python = "Python" => nodes::PYTHON,
        /// `CDMJob`
        CdmJob = "CDMJob" => nodes::CDM_JOB,
        /// `DataMigration`
        DataMigration = "DataMigration" => nodes::DATA_MIGRATION,
        /// `DISTransferTask`
        DisTransferTask = "DISTransferTask" => nodes::DIS_TRANSFER_TASK,
        /// `DISStream` (legacy)
        DisStream = "DISStream" => nodes::DIS_STREAM,
        /// `CSJob` (legacy)
        CsJob = "CSJob" => nodes::CS_JOB,
        /// `CloudTableManage`
        CloudTableManage = "CloudTableManage" => nodes::CLOUD_TABLE_MANAGE,
        /// `CloudTableManager` (prose spelling)
        CloudTableManager = "CloudTableManager" => nodes::CLOUD_TABLE_MANAGE,
        /// `OBSManager`
        ObsManager = "OBSManager" => nodes::OBS_MANAGER,
        /// `RESTAPI`
        RestApi = "RESTAPI" => nodes::REST_API,
        /// `MachineLearning`
        MachineLearning = "MachineLearning" => nodes::MACHINE_LEARNING,
        /// `SMN`
        Smn = "SMN" => nodes::SMN,
        /// `MRSSpark`
        MrsSpark = "MRSSpark" => nodes::MRS_SPARK,
        /// `MapReduce`
        MapReduce = "MapReduce" => nodes::MAP_REDUCE,
        /// `DLISpark`
        DliSpark = "DLISpark" => nodes::DLI_SPARK,
        /// `MRSFlink`
        MrsFlink = "MRSFlink" => nodes::MRS_FLINK,
        /// `MRSFlinkJob` (the newer spelling of `MRSFlink`)
        MrsFlinkJob = "MRSFlinkJob" => nodes::MRS_FLINK,
        /// `MRSHetuEngine`
        MrsHetuEngine = "MRSHetuEngine" => nodes::MRS_HETU_ENGINE,
        /// `MRSSparkPython`
        MrsSparkPython = "MRSSparkPython" => nodes::MRS_SPARK_PYTHON,
        /// `OneclickCDC`
        OneclickCdc = "OneclickCDC" => nodes::ONECLICK_CDC,
        /// `Dummy`
        Dummy = "Dummy" => nodes::DUMMY,
        /// `DLFSubJob` (Sub Job)
        SubJob = "DLFSubJob" => nodes::SUB_JOB,
        /// `ForEachJob` (For Each)
        ForEach = "ForEachJob" => nodes::FOR_EACH,
        /// `DataQualityMonitor`
        DataQualityMonitor = "DataQualityMonitor" => nodes::DATA_QUALITY_MONITOR,
    }
}

open_enum! {
    /// Node `failPolicy`.
    pub enum FailPolicy: Meaning {
        /// `FAIL`: stop the job (default).
        Fail = "FAIL" => Meaning("stop the job (the default)"),
        /// `IGNORE`: continue.
        Ignore = "IGNORE" => Meaning("continue with the next nodes"),
        /// `SUSPEND`: suspend the job.
        Suspend = "SUSPEND" => Meaning("suspend the job"),
        /// `FAIL_CHILD`: stop downstream nodes.
        FailChild = "FAIL_CHILD" => Meaning("stop the nodes downstream of this one"),
    }
}

open_enum! {
    /// `schedule.type`.
    pub enum ScheduleType: Meaning {
        /// `EXECUTE_ONCE`
        ExecuteOnce = "EXECUTE_ONCE" => Meaning("run once, at once"),
        /// `CRON`
        Cron = "CRON" => Meaning("run periodically, by `cron`"),
        /// `EVENT`
        Event = "EVENT" => Meaning("run on an event, by `event`"),
        /// `EVENT_TRIGGER` (spec)
        EventTrigger = "EVENT_TRIGGER" => Meaning("event-triggered (the spec's spelling)"),
        /// `RUN_ONCE` (spec)
        RunOnce = "RUN_ONCE" => Meaning("run once (the spec's spelling)"),
        /// `SCHEDULE` (spec)
        Schedule = "SCHEDULE" => Meaning("scheduled (the spec's spelling)"),
    }
}

open_enum! {
    /// Script `type`.
    pub enum ScriptType: ScriptSpec {
        /// `FlinkSQL`
        FlinkSql = "FlinkSQL" => scripts::FLINK_SQL,
        /// `DLISQL`
        DliSql = "DLISQL" => scripts::DLI_SQL,
        /// `SparkSQL`
        SparkSql = "SparkSQL" => scripts::SPARK_SQL,
        /// `HiveSQL`
        HiveSql = "HiveSQL" => scripts::HIVE_SQL,
        /// `DWSSQL`
        DwsSql = "DWSSQL" => scripts::DWS_SQL,
        /// `RDSSQL`
        RdsSql = "RDSSQL" => scripts::RDS_SQL,
        /// `Shell`
        Shell = "Shell" => scripts::SHELL,
        /// `PRESTO`
        Presto = "PRESTO" => scripts::PRESTO,
        /// `ClickHouseSQL`
        ClickHouseSql = "ClickHouseSQL" => scripts::CLICK_HOUSE_SQL,
        /// `HetuEngineSQL`
        HetuEngineSql = "HetuEngineSQL" => scripts::HETU_ENGINE_SQL,
        /// `PYTHON`
        Python = "PYTHON" => scripts::PYTHON,
        /// `ImpalaSQL`
        ImpalaSql = "ImpalaSQL" => scripts::IMPALA_SQL,
        /// `SparkPython`
        SparkPython = "SparkPython" => scripts::SPARK_PYTHON,
    }
}

open_enum! {
    /// Resource `type`.
    pub enum ResourceType: Meaning {
        /// `archive`
        Archive = "archive" => Meaning("an archive unpacked where the job runs"),
        /// `file`
        File = "file" => Meaning("a file"),
        /// `jar`
        Jar = "jar" => Meaning("a JAR; `location` is the main one, `dependFiles` the others"),
        /// `pyFile`
        PyFile = "pyFile" => Meaning("a Python file"),
    }
}

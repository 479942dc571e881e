//! The three kinds of definition a bundle carries, and the kinds of
//! environment object they name.

/// A definition's kind: job, script or resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefinitionKind {
    /// `.job`
    Job,
    /// `.script`
    Script,
    /// `.resource`
    Resource,
}

impl DefinitionKind {
    /// Every kind, in the order bundles and reports list them.
    pub const ALL: [Self; 3] = [Self::Job, Self::Script, Self::Resource];

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Job => "job",
            Self::Script => "script",
            Self::Resource => "resource",
        }
    }

    /// The kind for a file extension (`job`, `script`, `resource`).
    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.extension() == extension)
    }

    /// Lower-case name: `job`, `script`, `resource`.
    pub fn as_str(self) -> &'static str {
        self.extension()
    }

    /// The folder that holds this kind in a single-layout bundle and in a
    /// workspace: `jobs`, `scripts`, `resources`.
    pub fn folder(self) -> &'static str {
        match self {
            Self::Job => "jobs",
            Self::Script => "scripts",
            Self::Resource => "resources",
        }
    }
}

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

impl serde::Serialize for EnvironmentKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for EnvironmentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

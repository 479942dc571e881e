//! The three kinds of definition a bundle carries.

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

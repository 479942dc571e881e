//! Findings: the one [`Diagnostic`] type that
//! validation, `plan` and the settings file report, the table of their
//! codes, and the warnings of reading.

mod code;
pub(crate) mod finding;
mod warning;

pub use code::{Code, Severity};
pub(crate) use finding::Diagnostic;
pub use warning::{Warning, WarningKind};

use crate::kind::{DefinitionKind, EnvironmentKind};

/// The object a finding concerns: `{"kind", "name"}`, as `deps` names objects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ObjectRef {
    /// A definition (`job`, `script`, `resource`) or an environment object (`connection`, …).
    pub kind: ObjectKind,
    /// Its name.
    pub name: String,
}

impl ObjectRef {
    /// The object of `kind` called `name`.
    pub fn new(kind: impl Into<ObjectKind>, name: impl Into<String>) -> Self {
        Self { kind: kind.into(), name: name.into() }
    }
}

/// What kind of object an [`ObjectRef`] names; serialises as its name
/// (`job`, `connection`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ObjectKind {
    /// A job, script or resource.
    Definition(DefinitionKind),
    /// An object of the target environment.
    Environment(EnvironmentKind),
}

impl ObjectKind {
    /// The name: `job`, `script`, `resource`, `connection`, `dli_queue`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Definition(kind) => kind.as_str(),
            Self::Environment(kind) => kind.as_str(),
        }
    }
}

impl From<DefinitionKind> for ObjectKind {
    fn from(kind: DefinitionKind) -> Self {
        Self::Definition(kind)
    }
}

impl From<EnvironmentKind> for ObjectKind {
    fn from(kind: EnvironmentKind) -> Self {
        Self::Environment(kind)
    }
}

impl serde::Serialize for ObjectKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

//! The lossless model of jobs, scripts and resources: the objects a
//! [`Job`], [`Script`] and
//! [`Resource`] are made of, the service's enumerations, and
//! field paths into them.
//!
//! Typed fields for everything the job API documents, open enums that keep
//! unknown values, and for every object the keys it does not know and the
//! order of all keys. [`Document`] adds the bytes a definition was read from,
//! so an unchanged definition is written back byte for byte.

pub(crate) mod field;
pub(crate) mod job;
mod path;
pub(crate) mod resource;
pub(crate) mod script;

pub use crate::catalog::values::{FailPolicy, NodeType, ProcessType, ResourceType, ScheduleType, ScriptType};
pub use field::Scalar;
pub use job::{
    Approver, BasicConfig, Condition, Cron, CronTrigger, DependJobs, Event, JobParam, Location, Property, Schedule,
    WorkspaceJob,
};
// At the crate root, the one path of each.
pub(crate) use job::{Job, Node};
pub use path::FieldPath;
pub use resource::DependPackage;
pub(crate) use resource::Resource;
pub(crate) use script::Script;

use crate::error::{Error, ErrorKind, Position, Result};
use crate::json::{self, Value};
use crate::kind::DefinitionKind;
use field::{Field, TypeMismatch};
use std::borrow::Cow;
use std::sync::Arc;

/// A parsed definition of any kind.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "one per bundle entry; boxing would burden every match")]
pub enum Definition {
    /// A job.
    Job(Job),
    /// A script.
    Script(Script),
    /// A resource.
    Resource(Resource),
}

impl Definition {
    /// The kind.
    pub fn kind(&self) -> DefinitionKind {
        match self {
            Self::Job(_) => DefinitionKind::Job,
            Self::Script(_) => DefinitionKind::Script,
            Self::Resource(_) => DefinitionKind::Resource,
        }
    }

    /// The job, when it is one.
    pub fn as_job(&self) -> Option<&Job> {
        if let Self::Job(job) = self { Some(job) } else { None }
    }

    /// The script, when it is one.
    pub fn as_script(&self) -> Option<&Script> {
        if let Self::Script(script) = self { Some(script) } else { None }
    }

    /// The resource, when it is one.
    pub fn as_resource(&self) -> Option<&Resource> {
        if let Self::Resource(resource) = self { Some(resource) } else { None }
    }

    /// The job, when it is one, for changing it.
    pub fn as_job_mut(&mut self) -> Option<&mut Job> {
        if let Self::Job(job) = self { Some(job) } else { None }
    }

    /// The script, when it is one, for changing it.
    pub fn as_script_mut(&mut self) -> Option<&mut Script> {
        if let Self::Script(script) = self { Some(script) } else { None }
    }

    /// The resource, when it is one, for changing it.
    pub fn as_resource_mut(&mut self) -> Option<&mut Resource> {
        if let Self::Resource(resource) = self { Some(resource) } else { None }
    }

    /// The `name` inside the definition.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Job(job) => job.name.as_deref(),
            Self::Script(script) => script.name.as_deref(),
            Self::Resource(resource) => resource.name.as_deref(),
        }
    }

    /// The `directory` inside the definition.
    pub fn directory(&self) -> Option<&str> {
        match self {
            Self::Job(job) => job.directory.as_deref(),
            Self::Script(script) => script.directory.as_deref(),
            Self::Resource(resource) => resource.directory.as_deref(),
        }
    }

    /// The definition as a JSON value, keys in their original order.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Job(job) => job.to_json(),
            Self::Script(script) => script.to_json(),
            Self::Resource(resource) => resource.to_json(),
        }
    }

    /// The definition of `kind` a JSON value holds (for callers that edit
    /// values, such as `dlf-bundle set`); key order and unknown keys are kept.
    ///
    /// # Errors
    /// [`ErrorKind::WrongType`] when a documented field has the wrong type.
    pub fn from_value(kind: DefinitionKind, value: Value) -> Result<Self> {
        let typed = match kind {
            DefinitionKind::Job => Job::from_json(value).map(Self::Job),
            DefinitionKind::Script => Script::from_json(value).map(Self::Script),
            DefinitionKind::Resource => Resource::from_json(value).map(Self::Resource),
        };
        typed.map_err(|mismatch| type_error(&mismatch, None))
    }

    /// Parses `bytes` as a definition of `kind`.
    ///
    /// A definition that lacks required fields still loads (validation
    /// reports it); a documented field of the wrong JSON type is an error
    /// naming the field, with line and column.
    pub fn from_slice(kind: DefinitionKind, bytes: &[u8]) -> Result<Self> {
        match kind {
            DefinitionKind::Job => Job::from_slice(bytes).map(Self::Job),
            DefinitionKind::Script => Script::from_slice(bytes).map(Self::Script),
            DefinitionKind::Resource => Resource::from_slice(bytes).map(Self::Resource),
        }
    }
}

/// Parses `bytes` as one typed definition.
fn parse_typed<T: Field>(bytes: &[u8]) -> Result<T> {
    // Straight from the text when it reads; otherwise the tree says what is wrong.
    if let Ok(typed) = json::Reader::read(bytes, T::read) {
        return Ok(typed);
    }
    T::from_json(json::parse(bytes)?).map_err(|mismatch| type_error(&mismatch, Some(bytes)))
}

/// The error for a field of the wrong type, located in `bytes` when given.
fn type_error(mismatch: &TypeMismatch, bytes: Option<&[u8]>) -> Error {
    let path = mismatch.dotted_path();
    let subject = if path.is_empty() { "the document".to_owned() } else { format!("`{path}`") };
    let message = format!("{subject}: expected {}, found {}", mismatch.expected, mismatch.found);
    let kind = ErrorKind::WrongType { field: path, expected: mismatch.expected, found: mismatch.found };
    let error = Error::new(kind, message);
    match bytes.and_then(|bytes| Some((bytes, json::locate(bytes, &mismatch.root_path())?))) {
        Some((bytes, offset)) => {
            let (line, column) = json::line_column(bytes, offset);
            error.at(Position::new(line, column))
        }
        None => error,
    }
}

macro_rules! definition_io {
    ($($ty:ident => $kind:ident),*) => {$(
        impl $ty {
            /// Parses a definition file.
            ///
            /// # Errors
            /// [`ErrorKind::Json`] with line and column for invalid JSON,
            /// duplicate keys or nesting deeper than 128; [`ErrorKind::WrongType`]
            /// when a documented field has the wrong JSON type.
            pub fn from_slice(bytes: &[u8]) -> Result<Self> {
                parse_typed(bytes)
            }

            /// The definition as a JSON value.
            pub fn to_value(&self) -> Value {
                self.to_json()
            }

            /// Serialises in the canonical style (see [`json::to_vec_pretty`]).
            pub fn to_vec(&self) -> Vec<u8> {
                json::to_vec_pretty(&self.to_json())
            }
        }

        impl From<$ty> for Definition {
            fn from(value: $ty) -> Self {
                Self::$kind(value)
            }
        }

        impl From<$ty> for Document {
            fn from(value: $ty) -> Self {
                Self::from(Definition::$kind(value))
            }
        }
    )*};
}

definition_io!(Job => Job, Script => Script, Resource => Resource);

/// A definition together with the bytes it was read from.
///
/// Reading keeps the original bytes and the definition as read. Writing
/// compares the definition with what was read: unchanged (even after
/// [`Document::definition_mut`], when every value was set to what it was),
/// the original bytes come back; changed, the original bytes with only the
/// changed values replaced, new keys and elements in the style of their
/// siblings. A definition built in memory is written canonically. That is how
/// a file kept in git changes by the lines of the values a tool changed.
///
/// ```
/// use dlf_bundle::DefinitionKind;
/// use dlf_bundle::model::{Definition, Document, Rendering};
/// let text = b"{\"name\":\"j\",  \"nodes\":[], \"retry\": 1}";
/// let mut document = Document::parse(DefinitionKind::Job, text.to_vec())?;
/// assert_eq!(&document.bytes()[..], text, "unchanged: written as it was read");
/// if let Definition::Job(job) = document.definition_mut() {
///     job.name = Some("daily".into());
/// }
/// let (bytes, rendering) = document.render();
/// assert_eq!(&bytes[..], b"{\"name\":\"daily\",  \"nodes\":[], \"retry\": 1}");
/// assert_eq!(rendering, Rendering::Edited);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Document {
    // Shared: a script exported into several job folders is one allocation,
    // and `read` is the same allocation until the definition is changed.
    definition: Arc<Definition>,
    read: Option<(Arc<Definition>, Arc<Vec<u8>>)>,
    /// The bytes of `definition`, made by an editor that knew what it
    /// changed (remap's renames); dropped when the definition is changed.
    edited: Option<Arc<Vec<u8>>>,
}

/// How [`Document::render`] produced a document's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rendering {
    /// The definition is what was read: the original bytes.
    Unchanged,
    /// The original bytes with only the changed values replaced.
    Edited,
    /// The canonical form: the document was built in memory.
    Canonical,
    /// The canonical form, because the edited bytes would not have parsed to
    /// the changed definition (a bug in the editor; the output is still right).
    CanonicalFallback,
}

impl Document {
    /// Parses `bytes` as a `kind` definition and keeps them (without copying a `Vec`).
    pub fn parse(kind: DefinitionKind, bytes: impl Into<Vec<u8>>) -> Result<Self> {
        let bytes = bytes.into();
        Ok(Self::read_as(Definition::from_slice(kind, &bytes)?, bytes))
    }

    /// A document read as `bytes`, which parse to `definition`.
    pub(crate) fn read_as(definition: Definition, bytes: Vec<u8>) -> Self {
        let definition = Arc::new(definition);
        Self { read: Some((Arc::clone(&definition), Arc::new(bytes))), definition, edited: None }
    }

    /// The definition.
    pub fn definition(&self) -> &Definition {
        &self.definition
    }

    /// The definition, for changing it. The bytes read are kept: the next
    /// write replaces only the values that then differ from what was read.
    pub fn definition_mut(&mut self) -> &mut Definition {
        self.edited = None;
        Arc::make_mut(&mut self.definition)
    }

    /// Replaces the definition, keeping the bytes read. `edited`: the new
    /// definition's bytes, when the caller made them from the original by
    /// replacing only the values it changed.
    pub(crate) fn replace(&mut self, definition: Definition, edited: Option<Vec<u8>>) {
        self.definition = Arc::new(definition);
        self.edited = edited.map(Arc::new);
    }

    /// The bytes to write (see [`Document::render`]).
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        self.render().0
    }

    /// The bytes to write and how they were produced: the original bytes
    /// when the definition is what was read, else the original bytes with
    /// the changed values replaced, else (built in memory, or an edit that
    /// would not read back as the definition) the canonical form.
    pub fn render(&self) -> (Cow<'_, [u8]>, Rendering) {
        let canonical = || Cow::Owned(json::to_vec_pretty(&self.definition.to_value()));
        let Some((read, bytes)) = &self.read else { return (canonical(), Rendering::Canonical) };
        if Arc::ptr_eq(read, &self.definition) {
            return (Cow::Borrowed(bytes.as_slice()), Rendering::Unchanged);
        }
        if let Some(edited) = &self.edited {
            return (Cow::Borrowed(edited.as_slice()), Rendering::Edited);
        }
        // The text read parses to what was read (the model is lossless), so
        // it is compared with the definition's value directly.
        match json::rewrite(bytes, &self.definition.to_value()) {
            Some(json::Rewrite::Unchanged) => (Cow::Borrowed(bytes.as_slice()), Rendering::Unchanged),
            Some(json::Rewrite::Edited(edited)) => (Cow::Owned(edited), Rendering::Edited),
            None => (canonical(), Rendering::CanonicalFallback),
        }
    }

    /// The bytes the document was read from, when it was read.
    pub fn original(&self) -> Option<&[u8]> {
        self.read.as_ref().map(|(_, bytes)| bytes.as_slice())
    }

    /// [`Document::original`], while the definition is still what those
    /// bytes say (not modified since).
    pub(crate) fn unmodified_original(&self) -> Option<&[u8]> {
        self.original().filter(|_| !self.is_modified())
    }

    /// `true` when the definition differs from what was read (or was built
    /// in memory); setting a value to what it was is no change.
    pub fn is_modified(&self) -> bool {
        match &self.read {
            Some((read, _)) => !Arc::ptr_eq(read, &self.definition) && **read != *self.definition,
            None => true,
        }
    }

    /// Shorthands.
    pub fn kind(&self) -> DefinitionKind {
        self.definition.kind()
    }

    /// The `name` inside.
    pub fn name(&self) -> Option<&str> {
        self.definition.name()
    }
}

impl From<Definition> for Document {
    fn from(definition: Definition) -> Self {
        Self { definition: Arc::new(definition), read: None, edited: None }
    }
}

impl PartialEq for Document {
    /// Documents are equal when they would write the same bytes.
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{self, ObjectSpec};

    /// The catalog describes every field the model types, and nothing else
    /// (`set` refuses a field it does not list).
    #[test]
    fn the_catalog_lists_every_field_of_the_model() {
        let pairs: [(&[&str], &ObjectSpec); 17] = [
            (Job::KEYS, &catalog::JOB),
            (Node::KEYS, &catalog::NODE),
            (Schedule::KEYS, &catalog::SCHEDULE),
            (Cron::KEYS, &catalog::CRON),
            (CronTrigger::KEYS, &catalog::CRON_TRIGGER),
            (Event::KEYS, &catalog::EVENT),
            (DependJobs::KEYS, &catalog::DEPEND_JOBS),
            (WorkspaceJob::KEYS, &catalog::WORKSPACE_JOB),
            (JobParam::KEYS, &catalog::JOB_PARAM),
            (Condition::KEYS, &catalog::CONDITION),
            (Property::KEYS, &catalog::PROPERTY),
            (Location::KEYS, &catalog::LOCATION),
            (BasicConfig::KEYS, &catalog::BASIC_CONFIG),
            (Approver::KEYS, &catalog::APPROVER),
            (Script::KEYS, &catalog::SCRIPT),
            (Resource::KEYS, &catalog::RESOURCE),
            (DependPackage::KEYS, &catalog::DEPEND_PACKAGE),
        ];
        for (keys, spec) in pairs {
            let mut model: Vec<&str> = keys.to_vec();
            let mut listed: Vec<&str> = spec.fields.iter().map(|field| field.name).collect();
            model.sort_unstable();
            listed.sort_unstable();
            assert_eq!(listed, model, "{}", spec.name);
        }
        assert_eq!(catalog::OBJECTS.len(), pairs.len());
    }
}

//! The catalog: what this crate knows of the job format, declared once.
//!
//! Every node type of the format (its JSON string and other spellings, the
//! script types it may run, its properties), every script type, and the
//! fields of jobs, nodes, schedules, scripts and resources, each with when it
//! is required, the form of its value and what it names. Reference
//! extraction, promotion (`remap`), validation, `set`, `explain` and the JSON
//! Schema of `dlf-bundle schema` all read these tables, and nothing else
//! lists node types or properties.
//!
//! A node type or property the catalog does not know is kept and never
//! flagged. Where the sources leave a type's property names unverified
//! (`DLFSubJob`, `ForEachJob`, `MRSSparkPython`, `DataQualityMonitor`), its
//! row asserts nothing ([`NodeSpec::verified`]).
//!
//! ```
//! use dlf_bundle::model::NodeType;
//! use dlf_bundle::catalog::{Form, Presence, Refers};
//! let smn = NodeType::Smn.spec().unwrap();
//! let required: Vec<&str> = smn.properties.iter().filter(|p| p.presence == Presence::Required).map(|p| p.name).collect();
//! assert_eq!(required, ["topic", "subject", "messageType", "message"]);
//! assert!(matches!(smn.property("messageType").unwrap().form, Form::OneOf(values) if values.contains(&"TEMPLATE")));
//!
//! // The script types a DWS SQL node may run, and what its `scriptName` names.
//! let dws = NodeType::DwsSql.spec().unwrap();
//! assert_eq!(dws.scripts, ["DWSSQL"]);
//! assert_eq!(dws.property("scriptName").unwrap().refers, Some(Refers::Script));
//! // Spellings of one type share its row.
//! assert!(std::ptr::eq(NodeType::RdsSql.spec().unwrap(), NodeType::RdsSqlCompact.spec().unwrap()));
//! ```

mod form;
mod nodes;
mod objects;
mod schema;
mod scripts;
pub(crate) mod values;

pub use form::Form;
pub use nodes::{GENERIC_PROPERTIES, NodeSpec, UNDESCRIBED_PROPERTIES};
pub use objects::{
    APPROVER, BASIC_CONFIG, CONDITION, CRON, CRON_TRIGGER, DEPEND_JOBS, DEPEND_PACKAGE, EVENT, JOB, JOB_PARAM,
    LOCATION, NODE, OBJECTS, ObjectSpec, PROPERTY, RESOURCE, SCHEDULE, SCRIPT, WORKSPACE_JOB,
};
pub use schema::schema;
pub use scripts::ScriptSpec;
pub use values::Meaning;

use crate::kind::EnvironmentKind;

/// What a value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refers {
    /// A script of the bundle, by name.
    Script,
    /// A resource of the bundle, by name; a value with `://` is an OBS path.
    Resource,
    /// A DataArts job of the same workspace, by name.
    Job,
    /// A database (renamed by `remap`'s `[database]`; not an object of its own).
    Database,
    /// An object of the environment the bundle is imported into.
    Environment(EnvironmentKind),
}

/// A condition on the other values of the same object (a node's other
/// properties, an object's other fields), under which a row applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// The node runs a script: `statementOrScript` is absent or `SCRIPT`
    /// in any case ([`script_mode`]).
    ScriptMode,
    /// The node runs its inline statement: `statementOrScript` is set and
    /// not `SCRIPT`.
    StatementMode,
    /// The value named is one of these (ASCII case-insensitive).
    Is(&'static str, &'static [&'static str]),
    /// The value named is absent or none of these (ASCII case-insensitive).
    IsNot(&'static str, &'static [&'static str]),
    /// The value named contains this text (ASCII case-insensitive).
    Mentions(&'static str, &'static str),
    /// The value named is absent or does not contain this text.
    DoesNotMention(&'static str, &'static str),
    /// The value named is absent (or empty).
    Absent(&'static str),
}

/// Every node type the catalog has a row for, with its spellings (`RDS SQL`
/// and `RDSSQL` share a row), in the order of [`NodeType::KNOWN`](crate::model::NodeType::KNOWN).
///
/// ```
/// let rds = dlf_bundle::catalog::node_types().into_iter().find(|(names, _)| names.contains(&"RDSSQL")).unwrap();
/// assert_eq!(rds.0, ["RDS SQL", "RDSSQL"]);
/// ```
pub fn node_types() -> Vec<(Vec<&'static str>, &'static NodeSpec)> {
    let mut out: Vec<(Vec<&'static str>, &'static NodeSpec)> = Vec::new();
    for spelling in values::NodeType::KNOWN {
        let Some(spec) = values::NodeType::from(*spelling).spec() else { continue };
        match out.iter_mut().find(|(_, seen)| std::ptr::eq(*seen, spec)) {
            Some((spellings, _)) => spellings.push(spelling),
            None => out.push((vec![spelling], spec)),
        }
    }
    out
}

/// The property that chooses between a node's script and its inline statement.
pub const MODE_PROPERTY: &str = "statementOrScript";

/// Whether a node whose `statementOrScript` is `mode` runs a script: an
/// absent mode means script mode (as exported files leave it out), and the
/// mode is compared without regard to case (`script` runs the script too;
/// validation still reports the spelling).
///
/// ```
/// use dlf_bundle::catalog::script_mode;
/// assert!(script_mode(None));
/// assert!(script_mode(Some("SCRIPT")) && script_mode(Some("script")));
/// assert!(!script_mode(Some("STATEMENT")));
/// ```
pub fn script_mode(mode: Option<&str>) -> bool {
    mode.is_none_or(|mode| mode.eq_ignore_ascii_case("SCRIPT"))
}

impl Condition {
    /// Whether the condition holds, given the other values by name.
    pub fn holds<'a>(&self, value: impl Fn(&str) -> Option<&'a str>) -> bool {
        let present = |name: &str| value(name).filter(|text| !text.is_empty());
        let any = |name: &str, values: &[&str]| {
            present(name).is_some_and(|v| values.iter().any(|x| v.eq_ignore_ascii_case(x)))
        };
        let mentions = |name: &str, needle: &str| {
            present(name).is_some_and(|v| v.to_ascii_lowercase().contains(&needle.to_ascii_lowercase()))
        };
        match *self {
            Self::ScriptMode => script_mode(value(MODE_PROPERTY)),
            Self::StatementMode => !script_mode(value(MODE_PROPERTY)),
            Self::Is(name, values) => any(name, values),
            Self::IsNot(name, values) => !any(name, values),
            Self::Mentions(name, needle) => mentions(name, needle),
            Self::DoesNotMention(name, needle) => !mentions(name, needle),
            Self::Absent(name) => present(name).is_none(),
        }
    }

    /// The condition in words, for explanations and schemas.
    pub fn describe(&self) -> String {
        let list = |values: &[&str]| values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" or ");
        match *self {
            Self::ScriptMode => "in script mode (`statementOrScript` absent or `SCRIPT`)".to_owned(),
            Self::StatementMode => "in statement mode (`statementOrScript` not `SCRIPT`)".to_owned(),
            Self::Is(name, values) => format!("when `{name}` is {}", list(values)),
            Self::IsNot(name, values) => format!("unless `{name}` is {}", list(values)),
            Self::Mentions(name, needle) => format!("when `{name}` mentions `{needle}`"),
            Self::DoesNotMention(name, needle) => format!("unless `{name}` mentions `{needle}`"),
            Self::Absent(name) => format!("when `{name}` is absent"),
        }
    }
}

/// One row of the catalog: a node property, or a field of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::struct_excessive_bools, reason = "independent facts of the format about one field")]
pub struct FieldSpec {
    /// The property's or field's name, as written in files.
    pub name: &'static str,
    /// Whether it must be present (and, for text, not empty) where the row applies.
    pub presence: Presence,
    /// Other names whose presence meets the requirement (`clusterId` for
    /// `clusterName`, the legacy `engineType` for `eventType`).
    pub also: &'static [&'static str],
    /// The row applies only when all of these hold; several rows of one
    /// name apply under exclusive conditions.
    pub when: &'static [Condition],
    /// The form of its value.
    pub form: Form,
    /// What the value names, when it names an object.
    pub refers: Option<Refers>,
    /// Whether the value may carry a credential (headers, arguments).
    pub secret: bool,
    /// Whether an EL expression (`#{…}`) may stand in the value; where it
    /// does, the value's form is not checked offline.
    pub el: bool,
    /// The object it holds (or its list's items), for structures.
    pub holds: Option<&'static ObjectSpec>,
    /// Whether it holds a list of those objects, not one.
    pub many: bool,
    /// Whether an empty string is a value (an empty property value); for
    /// other rows an empty string is as good as absent.
    pub empty: bool,
    /// What it is, in a few words.
    pub description: &'static str,
}

/// Whether a row must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Presence {
    /// It may be absent.
    Optional,
    /// The service refuses the definition without it (an error).
    Required,
    /// The service takes the definition without it, but it likely does not
    /// do what was meant (a warning: a node in script mode with no script, a
    /// CRON schedule with no `cron`).
    Expected,
}

impl FieldSpec {
    /// An optional row of free text.
    pub(crate) const fn new(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            presence: Presence::Optional,
            also: &[],
            when: &[],
            form: Form::Text,
            refers: None,
            secret: false,
            el: false,
            holds: None,
            many: false,
            empty: false,
            description,
        }
    }

    /// The same row, required.
    pub(crate) const fn required(mut self) -> Self {
        self.presence = Presence::Required;
        self
    }

    /// The same row, expected: its absence is warned about.
    pub(crate) const fn expected(mut self) -> Self {
        self.presence = Presence::Expected;
        self
    }

    /// The object this field holds, with rows of its own.
    pub(crate) const fn holds(mut self, object: &'static ObjectSpec) -> Self {
        self.form = Form::Structure;
        self.holds = Some(object);
        self
    }

    /// The list of objects this field holds, each with rows of its own.
    pub(crate) const fn lists(mut self, object: &'static ObjectSpec) -> Self {
        self.many = true;
        self.holds(object)
    }

    /// The same row, with this form.
    pub(crate) const fn form(mut self, form: Form) -> Self {
        self.form = form;
        self
    }

    /// The same row, naming an object.
    pub(crate) const fn refers(mut self, refers: Refers) -> Self {
        self.refers = Some(refers);
        self
    }

    /// The same row, naming an environment object.
    pub(crate) const fn names(self, kind: EnvironmentKind) -> Self {
        self.refers(Refers::Environment(kind))
    }

    /// The same row, applying only when `conditions` hold.
    pub(crate) const fn when(mut self, conditions: &'static [Condition]) -> Self {
        self.when = conditions;
        self
    }

    /// The same row, whose requirement these other names also meet.
    pub(crate) const fn also(mut self, names: &'static [&'static str]) -> Self {
        self.also = names;
        self
    }

    /// The same row, possibly carrying a credential.
    pub(crate) const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// The same row, for which an empty string is a value.
    pub(crate) const fn may_be_empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// The same row, where EL may stand.
    pub(crate) const fn el(mut self) -> Self {
        self.el = true;
        self
    }

    /// Whether the row applies, given the other values by name.
    pub fn applies<'a>(&self, value: impl Fn(&str) -> Option<&'a str> + Copy) -> bool {
        self.when.iter().all(|condition| condition.holds(value))
    }

    /// The row's conditions in words (empty when it always applies).
    pub fn conditions(&self) -> String {
        self.when.iter().map(Condition::describe).collect::<Vec<_>>().join(", ")
    }
}

/// Whether `text` holds an EL expression or a parameter (`#{…}`, `${…}`),
/// whose value is known only when the job runs.
pub fn is_dynamic(text: &str) -> bool {
    text.contains("#{") || text.contains("${")
}

/// The keys under which a credential is written (`password=…`,
/// `--token …`, `"secret": …`), compared without regard to case, with `-`
/// read as `_`; a key that ends in `_` and one of these (`db_password`,
/// `huaweicloud_sdk_sk`) is one too.
pub const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "secret_key",
    "secretkey",
    "secret_access_key",
    "access_key",
    "accesskey",
    "access_key_secret",
    "sk",
    "token",
    "api_key",
    "apikey",
    "auth_token",
    "access_token",
    "private_key",
    "client_secret",
];

/// Headers whose value is a credential (`Authorization: Basic …`).
pub const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "x-auth-token", "x-api-key", "x-token"];

/// Values that stand for a credential without being one: masks and the
/// placeholder CDM exports write.
pub const MASKED_VALUES: &[&str] = &["Add password here"];

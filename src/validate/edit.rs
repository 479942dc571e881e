//! What an edit is checked against before it is written (`dlf-bundle set`):
//! the field must be one the catalog lists on that object, and the value one
//! the catalog accepts, reported as `validate` reports it.

use super::Diagnostic;
use super::rules::{Subject, value_problem as problem_of};
use crate::catalog::{self, FieldSpec, ObjectSpec};
use crate::error::{Error, RequestPart, Result};
use crate::json::Value;
use crate::model::FieldPath;
use crate::model::NodeType;
use crate::model::ScriptType;
use crate::model::field::{FieldValue, Slotted};
use crate::name;

/// The object an edit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EditScope {
    /// A job (its fields, `param.NAME`).
    Job,
    /// A node of a job (its fields, `property.NAME`).
    Node,
    /// A script.
    Script,
    /// A resource.
    Resource,
}

impl EditScope {
    fn object(self) -> &'static ObjectSpec {
        match self {
            Self::Job => &catalog::JOB,
            Self::Node => &catalog::NODE,
            Self::Script => &catalog::SCRIPT,
            Self::Resource => &catalog::RESOURCE,
        }
    }

    fn noun(self) -> &'static str {
        self.object().noun
    }
}

/// Checks the assignment of `value` to `path` in `object` (the job, node,
/// script or resource, as JSON, with the edit made), as `dlf-bundle set`
/// does before it writes.
///
/// `Err`: the path is no field the model knows on that object (the message
/// names the nearest, `retrytimes` → `retryTimes`), a property the catalog
/// does not list for a node type it describes, or `property.`/`param.` on
/// an object without properties or parameters. `Ok(Some(diagnostic))`:
/// the value breaks the catalog's rule for it, with the code and message
/// `validate` gives.
///
/// ```
/// use dlf_bundle::json::{self, Value};
/// use dlf_bundle::model::FieldPath;
/// use dlf_bundle::diagnostic::Code;
/// use dlf_bundle::validate::{check_edit, EditScope};
/// let node = json::parse(br#"{"name": "n", "type": "RESTAPI", "properties": [{"name": "method", "value": "post"}]}"#)?;
/// let method: FieldPath = "property.method".parse()?;
/// let found = check_edit(EditScope::Node, &node, &method, &Value::from("post"))?.unwrap();
/// assert_eq!(found.code, Code::ValueNotAllowed);
/// assert!(found.hint.contains("`POST`"));
/// let typo = check_edit(EditScope::Node, &node, &"retrytimes".parse()?, &Value::from(3_i64)).unwrap_err();
/// assert!(typo.to_string().contains("`retryTimes`"));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
pub fn check_edit(scope: EditScope, object: &Value, path: &FieldPath, value: &Value) -> Result<Option<Diagnostic>> {
    if let Some((list, name)) = path.named() {
        let expected = match list {
            "properties" => EditScope::Node,
            _ => EditScope::Job,
        };
        if scope != expected {
            let what = if expected == EditScope::Node { "properties (give --node)" } else { "parameters" };
            return Err(Error::invalid_request(
                RequestPart::FieldPath,
                format!("`{path}`: a {} has no {what}", scope.noun()),
            ));
        }
        if expected == EditScope::Node
            && let Some(error) = unknown_property(object, name)
        {
            return Err(error);
        }
        return Ok(match expected {
            EditScope::Node => property_problem(object, name, value),
            _ => value_problem(catalog::JOB_PARAM.field("value"), Subject::Field("parameter", name), value),
        });
    }
    let Some(keys) = path.keys() else {
        return Err(Error::internal(format_args!("`{path}` is neither dotted keys nor a named item")));
    };
    let mut spec = scope.object();
    let mut row = None;
    for (depth, key) in keys.iter().enumerate() {
        let Some(found) = field_of(scope, spec, object, key) else {
            let within = keys.get(..depth).map(|keys| keys.join(".")).filter(|k| !k.is_empty());
            let owner = within.map_or_else(|| format!("a {}", spec.noun), |within| format!("`{within}`"));
            let nearest = name::nearest(key, spec.fields.iter().map(|field| field.name));
            let suggestion = nearest.map(|nearest| format!("; did you mean `{nearest}`?")).unwrap_or_default();
            return Err(Error::invalid_request(
                RequestPart::Field,
                format!("`{key}` is not a field of {owner}{suggestion}"),
            )
            .with_nearest(nearest));
        };
        row = Some(found);
        match found.holds {
            Some(next) => spec = next,
            None if depth + 1 < keys.len() => {
                return Err(Error::invalid_request(
                    RequestPart::FieldPath,
                    format!("field path `{path}` goes through `{key}`, which holds no fields"),
                ));
            }
            None => {}
        }
    }
    let Some(row) = row else { return Ok(None) };
    Ok(value_problem(Some(row), Subject::Field(spec.noun, row.name), value))
}

/// The row for `key` of `spec`; for a script, its type's own rows first.
fn field_of(scope: EditScope, spec: &'static ObjectSpec, object: &Value, key: &str) -> Option<&'static FieldSpec> {
    if scope == EditScope::Script && spec.name == catalog::SCRIPT.name {
        let script_type = object.as_object().and_then(|o| o.get("type")).and_then(Value::as_str).map(ScriptType::from);
        let own = script_type.as_ref().and_then(ScriptType::spec).and_then(|s| s.fields.iter().find(|f| f.name == key));
        if own.is_some() {
            return own;
        }
    }
    spec.field(key)
}

/// A node property's new value against the node type's rows that apply.
fn property_problem(node: &Value, name: &str, value: &Value) -> Option<Diagnostic> {
    let object = node.as_object()?;
    let node_type = NodeType::from(object.get("type").and_then(Value::as_str)?);
    let spec = node_type.spec().filter(|spec| spec.verified)?;
    let properties = object.get("properties").and_then(Value::as_array);
    let lookup = |key: &str| {
        properties?
            .iter()
            .filter_map(Value::as_object)
            .find(|p| p.get("name").and_then(Value::as_str) == Some(key))?
            .get("value")?
            .as_str()
    };
    let row = spec.rows().find(|row| row.name == name && row.applies(lookup))?;
    value_problem(Some(row), Subject::Property(node_type.as_str(), name), value)
}

/// A property the catalog does not list for a node type it describes: a
/// typo, most likely (the nearest is named).
fn unknown_property(node: &Value, name: &str) -> Option<Error> {
    let node_type = NodeType::from(node.as_object()?.get("type").and_then(Value::as_str)?);
    let spec = node_type.spec().filter(|spec| spec.verified)?;
    if spec.rows().any(|row| row.name == name) {
        return None;
    }
    let nearest = name::nearest(name, spec.rows().map(|row| row.name));
    let suggestion = nearest.map(|nearest| format!("; did you mean `{nearest}`?")).unwrap_or_default();
    Some(
        Error::invalid_request(
            RequestPart::Field,
            format!("`{name}` is not a property of a `{}` node{suggestion}", node_type.as_str()),
        )
        .with_nearest(nearest),
    )
}

fn value_problem(row: Option<&FieldSpec>, subject: Subject<'_>, value: &Value) -> Option<Diagnostic> {
    let text = value.slot().and_then(FieldValue::text)?;
    problem_of(row?, text, subject)
}

//! Field paths into a definition: `retryTimes`, `schedule.cron.expression`,
//! `property.NAME` (the value of a node property), `param.NAME` (the value
//! of a job parameter).

use crate::error::{Error, RequestPart, Result};
use crate::json::{Object, Value};
use std::fmt;

/// A dotted path to a field of a job, node, script or resource.
///
/// ```
/// use dlf_bundle::json::{self, Value};
/// use dlf_bundle::model::FieldPath;
/// let mut node = json::parse(br#"{"name": "n", "properties": [{"name": "queueName", "value": "q1"}]}"#)?;
/// let queue: FieldPath = "property.queueName".parse()?;
/// assert_eq!(queue.get(&node), Some(&Value::from("q1")));
/// queue.set(&mut node, Value::from("q2"))?;
/// "retryTimes".parse::<FieldPath>()?.set(&mut node, Value::from(3_i64))?;
/// assert_eq!(
///     json::to_string_compact(&node),
///     r#"{"name":"n","properties":[{"name":"queueName","value":"q2"}],"retryTimes":3}"#
/// );
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    text: String,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// An object member.
    Key(String),
    /// The `value` of the element named so in a `{"name", "value"}` list
    /// (`properties` or `params`).
    Named { list: &'static str, name: String },
}

impl std::str::FromStr for FieldPath {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let invalid = |why: &str| Error::invalid_request(RequestPart::FieldPath, format!("field path `{text}` {why}"));
        let named = [("property.", "properties"), ("param.", "params")];
        for (prefix, list) in named {
            if let Some(name) = text.strip_prefix(prefix) {
                if name.is_empty() {
                    return Err(invalid("names no property or parameter"));
                }
                return Ok(Self { text: text.to_owned(), steps: vec![Step::Named { list, name: name.to_owned() }] });
            }
        }
        if text.split('.').any(str::is_empty) {
            return Err(invalid("has an empty step (write `a.b.c`)"));
        }
        Ok(Self { text: text.to_owned(), steps: text.split('.').map(|key| Step::Key(key.to_owned())).collect() })
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FieldPath {
    /// The keys of a dotted path (`schedule.cron.expression`); `None` for
    /// `property.NAME` and `param.NAME`.
    pub fn keys(&self) -> Option<Vec<&str>> {
        self.steps
            .iter()
            .map(|step| match step {
                Step::Key(key) => Some(key.as_str()),
                Step::Named { .. } => None,
            })
            .collect()
    }

    /// For `property.NAME` and `param.NAME`: the list (`properties`,
    /// `params`) and the name.
    pub fn named(&self) -> Option<(&'static str, &str)> {
        match self.steps.as_slice() {
            [Step::Named { list, name }] => Some((list, name)),
            _ => None,
        }
    }

    /// The value at the path, when there is one; a step into a list is its
    /// index (`nodes.0.name`).
    pub fn get<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        let mut at = root;
        for step in &self.steps {
            at = match step {
                // An index into a list (`nodes.0.name`), a member of an object.
                Step::Key(key) if at.as_array().is_some() => at.as_array()?.get(key.parse::<usize>().ok()?)?,
                Step::Key(key) => at.as_object()?.get(key)?,
                Step::Named { list, name } => named_item(at, list, name)?.as_object()?.get("value")?,
            };
        }
        Some(at)
    }

    /// Sets the value at the path; missing objects on the way are created,
    /// and a missing property or parameter is appended as `{"name", "value"}`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming the path when a step goes
    /// through something that is not an object (or not a list of objects).
    pub fn set(&self, root: &mut Value, value: Value) -> Result<()> {
        let (last, parents) = self.split()?;
        let parent = self.walk(root, parents, true)?.ok_or_else(|| self.not_an_object())?;
        match last {
            Step::Key(key) => {
                parent.insert(key.clone(), value);
            }
            Step::Named { list, name } => {
                let items = parent.get_mut(list).filter(|items| !items.is_null());
                let items = match items {
                    Some(Value::Array(items)) => items,
                    Some(_) => return Err(self.not_an_object()),
                    None => {
                        parent.insert(*list, Value::Array(Vec::new()));
                        match parent.get_mut(list) {
                            Some(Value::Array(items)) => items,
                            _ => return Err(self.not_an_object()),
                        }
                    }
                };
                let existing = items.iter_mut().find_map(|item| match item {
                    Value::Object(object) if object.get("name").and_then(Value::as_str) == Some(name) => Some(object),
                    _ => None,
                });
                if let Some(object) = existing {
                    // Other keys of the element (`value_is_sensitive`, `type`) stay.
                    object.insert("value", value);
                } else {
                    let mut object = Object::new();
                    object.insert("name", Value::from(name.as_str()));
                    object.insert("value", value);
                    items.push(Value::Object(object));
                }
            }
        }
        Ok(())
    }

    /// Removes the value at the path: the key, or the whole property or
    /// parameter element. `Ok(false)` when there was nothing to remove.
    ///
    /// # Errors
    /// As [`FieldPath::set`].
    pub fn remove(&self, root: &mut Value) -> Result<bool> {
        let (last, parents) = self.split()?;
        let Some(parent) = self.walk(root, parents, false)? else { return Ok(false) };
        Ok(match last {
            Step::Key(key) => parent.remove(key).is_some(),
            Step::Named { list, name } => match parent.get_mut(list) {
                Some(Value::Array(items)) => {
                    let before = items.len();
                    items.retain(|item| {
                        item.as_object().and_then(|o| o.get("name")).and_then(Value::as_str) != Some(name)
                    });
                    items.len() != before
                }
                _ => false,
            },
        })
    }

    fn split(&self) -> Result<(&Step, &[Step])> {
        self.steps.split_last().ok_or_else(|| self.not_an_object())
    }

    /// The object the last step applies to; `create` makes missing objects.
    fn walk<'a>(&self, root: &'a mut Value, steps: &[Step], create: bool) -> Result<Option<&'a mut Object>> {
        let mut at = root;
        for step in steps {
            let Step::Key(key) = step else { return Err(self.not_an_object()) };
            let Value::Object(object) = at else { return Err(self.not_an_object()) };
            if !object.contains_key(key) {
                if !create {
                    return Ok(None);
                }
                object.insert(key.clone(), Value::Object(Object::new()));
            }
            at = object.get_mut(key).ok_or_else(|| self.not_an_object())?;
        }
        match at {
            Value::Object(object) => Ok(Some(object)),
            _ => Err(self.not_an_object()),
        }
    }

    fn not_an_object(&self) -> Error {
        Error::invalid_request(
            RequestPart::FieldPath,
            format!("field path `{}` goes through a value that is not an object", self.text),
        )
    }
}

/// The element of `root[list]` whose `name` is `name`.
fn named_item<'a>(root: &'a Value, list: &str, name: &str) -> Option<&'a Value> {
    root.as_object()?
        .get(list)?
        .as_array()?
        .iter()
        .find(|item| item.as_object().and_then(|o| o.get("name")).and_then(Value::as_str) == Some(name))
}

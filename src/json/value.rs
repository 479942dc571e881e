//! The lossless JSON value tree.

use std::fmt;

/// A JSON number kept as the exact text it was written with.
///
/// `60`, `60.0` and `6e1` are different numbers here: a definition read and
/// written back keeps whichever form it had.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number(Box<str>);

impl Number {
    /// Wraps `text` when it is a valid JSON number (RFC 8259 grammar).
    ///
    /// ```
    /// use dlf_bundle::json::Number;
    /// assert_eq!(Number::parse("-45.5").unwrap().as_f64(), Some(-45.5));
    /// assert!(Number::parse("01").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        (super::parse::number_len(text.as_bytes()) == Some(text.len())).then(|| Self(text.into()))
    }

    /// Wraps text the parser has already validated.
    pub(crate) fn from_text_unchecked(text: &str) -> Self {
        Self(text.into())
    }

    /// The number exactly as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as `i64`, when the text is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The value as `f64` (may round).
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        Self(value.to_string().into())
    }
}

impl From<u32> for Number {
    fn from(value: u32) -> Self {
        Self(value.to_string().into())
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A JSON value that remembers the form it was read in.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string (escapes decoded).
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object with its keys in document order.
    Object(Object),
}

impl Value {
    /// `true` for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The object, when this is an object.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Self::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The JSON type name with its article, for messages: "a string", "an object".
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Number(_) => "a number",
            Self::String(_) => "a string",
            Self::Array(_) => "an array",
            Self::Object(_) => "an object",
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Self::Number(number.into())
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Self::Bool(flag)
    }
}

impl From<Object> for Value {
    fn from(object: Object) -> Self {
        Self::Object(object)
    }
}

/// A JSON object: unique keys in document order.
///
/// Objects in definitions are small (a few dozen keys), so lookups scan a
/// vector; that keeps the insertion order without a hashing dependency.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when the object has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `true` when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`: in place when the key exists (keeping its
    /// position), appended otherwise. Returns the previous value.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        if let Some(slot) = self.get_mut(&key) {
            return Some(std::mem::replace(slot, value));
        }
        self.entries.push((key, value));
        None
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let position = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(position).1)
    }

    /// Keys and values in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Consumes the object into its entries, in order.
    pub fn into_entries(self) -> Vec<(String, Value)> {
        self.entries
    }

    /// Appends without checking for an existing key; the parser has already
    /// rejected duplicates.
    pub(crate) fn push_unique(&mut self, key: String, value: Value) {
        self.entries.push((key, value));
    }

    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self { entries: Vec::with_capacity(capacity) }
    }
}

impl FromIterator<(String, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut object = Self::new();
        for (key, value) in iter {
            object.insert(key, value);
        }
        object
    }
}

impl TryFrom<Value> for serde_json::Value {
    type Error = crate::error::Error;

    /// Converts for callers who work with `serde_json`, exactly: integers
    /// that fit `i64` or `u64`, and other numbers whose `f64` stands for
    /// the same decimal value the text wrote. Anything else (`1e400`, more
    /// digits than `f64` keeps) is an [`ErrorKind::Lossy`](crate::error::ErrorKind::Lossy)
    /// error, never a silent `null` or a rounded value.
    ///
    /// ```
    /// use dlf_bundle::json::{Number, Value};
    /// let exact = serde_json::Value::try_from(Value::Number(Number::parse("-45.5").unwrap()))?;
    /// assert_eq!(exact, serde_json::json!(-45.5));
    /// assert!(serde_json::Value::try_from(Value::Number(Number::parse("1e400").unwrap())).is_err());
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    fn try_from(value: Value) -> crate::error::Result<Self> {
        Ok(match value {
            Value::Null => Self::Null,
            Value::Bool(flag) => Self::Bool(flag),
            Value::Number(number) => Self::Number(number.to_serde()?),
            Value::String(text) => Self::String(text),
            Value::Array(items) => {
                Self::Array(items.into_iter().map(Self::try_from).collect::<crate::error::Result<_>>()?)
            }
            Value::Object(object) => Self::Object(
                object
                    .into_entries()
                    .into_iter()
                    .map(|(key, value)| Ok((key, Self::try_from(value)?)))
                    .collect::<crate::error::Result<_>>()?,
            ),
        })
    }
}

impl Number {
    /// The number as a `serde_json::Number`, when that holds it exactly.
    pub(crate) fn to_serde(&self) -> crate::error::Result<serde_json::Number> {
        let text = self.as_str();
        if let Ok(integer) = text.parse::<i64>() {
            return Ok(integer.into());
        }
        if let Ok(integer) = text.parse::<u64>() {
            return Ok(integer.into());
        }
        let lossy = || {
            crate::error::Error::new(
                crate::error::ErrorKind::Lossy,
                format!("the number {text} has no exact 64-bit floating-point form"),
            )
        };
        let float: f64 = text.parse().map_err(|_| lossy())?;
        if !float.is_finite() || decimal(text) != decimal(&format!("{float:e}")) {
            return Err(lossy());
        }
        serde_json::Number::from_f64(float).ok_or_else(lossy)
    }
}

/// A number's decimal value as (sign, significant digits without leading
/// or trailing zeros, exponent of the first digit), for comparing texts.
fn decimal(text: &str) -> (bool, String, i64) {
    let (negative, unsigned) = text.strip_prefix('-').map_or((false, text), |rest| (true, rest));
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let exponent: i64 = exponent.trim_start_matches('+').parse().unwrap_or(0);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = whole.chars().chain(fraction.chars()).collect();
    let leading = digits.len() - digits.trim_start_matches('0').len();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').to_owned();
    if significant.is_empty() {
        return (false, String::new(), 0);
    }
    let width = |count: usize| i64::try_from(count).unwrap_or(i64::MAX);
    let first_digit_exponent = exponent.saturating_add(width(whole.len())) - 1 - width(leading);
    (negative, significant, first_digit_exponent)
}

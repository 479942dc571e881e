//! The machinery that makes typed definitions lossless.
//!
//! Every model object keeps: its documented fields typed, every other key in
//! [`Object`] `extra`, and the order in which all keys appeared. Writing walks
//! that order, so a read-then-write reproduces keys, order and scalar forms.
//! A documented key holding `null` is kept in `extra` (typed as absent).

use crate::catalog::values::{FailPolicy, NodeType, ProcessType, ResourceType, ScheduleType, ScriptType};
use crate::json::{Detour, Number, Object, PathSegment, Reader, Value};
use std::fmt::Write as _;
use tinyvec::TinyVec;

/// A documented field held the wrong JSON type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeMismatch {
    /// Path from the document root, outermost first once complete.
    pub path: Vec<PathSegment>,
    pub expected: &'static str,
    pub found: &'static str,
}

impl TypeMismatch {
    pub fn new(expected: &'static str, found: &Value) -> Self {
        Self { path: Vec::new(), expected, found: found.type_name() }
    }

    /// Adds an enclosing path segment (segments are collected innermost first).
    #[must_use]
    pub fn within(mut self, segment: PathSegment) -> Self {
        self.path.push(segment);
        self
    }

    /// The path in `nodes[0].properties` form.
    pub fn dotted_path(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                PathSegment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                PathSegment::Index(index) => {
                    let _ = write!(out, "[{index}]");
                }
            }
        }
        out
    }

    /// Outermost-first path, for locating the value in the source text.
    pub fn root_path(&self) -> Vec<PathSegment> {
        self.path.iter().rev().cloned().collect()
    }
}

/// A value that converts from and to a JSON value without loss.
pub(crate) trait Field: Sized {
    fn from_json(value: Value) -> Result<Self, TypeMismatch>;
    fn to_json(&self) -> Value;

    /// Reads the value at the cursor straight from the text; the same result
    /// as [`Field::from_json`] of the parsed value, or a [`Detour`] to that path.
    fn read(reader: &mut Reader<'_>) -> Result<Self, Detour> {
        Self::from_json(reader.value()?).map_err(|_| Detour)
    }

    /// [`Field::read`] onto the end of `items`. Model objects are read in
    /// place there: a node is over a kilobyte, and moving it out of `read`
    /// and into the list was a seventh of reading a job.
    fn read_onto(items: &mut Vec<Self>, reader: &mut Reader<'_>) -> Result<(), Detour> {
        items.push(Self::read(reader)?);
        Ok(())
    }
}

impl Field for String {
    fn from_json(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::String(text) => Ok(text),
            other => Err(TypeMismatch::new("a string", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
    fn read(reader: &mut Reader<'_>) -> Result<Self, Detour> {
        reader.string()
    }
}

impl Field for Value {
    fn from_json(value: Value) -> Result<Self, TypeMismatch> {
        Ok(value)
    }
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl Field for Object {
    fn from_json(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Object(object) => Ok(object),
            other => Err(TypeMismatch::new("an object", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl<T: Field> Field for Vec<T> {
    fn from_json(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::from_json(item).map_err(|e| e.within(PathSegment::Index(i))))
                .collect(),
            other => Err(TypeMismatch::new("an array", &other)),
        }
    }
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(Field::to_json).collect())
    }
    fn read(reader: &mut Reader<'_>) -> Result<Self, Detour> {
        let mut items = Vec::new();
        reader.array(|reader| {
            // Room for four at the first item: a list of kilobyte nodes
            // would otherwise grow one by one.
            if items.capacity() == 0 {
                items.reserve(4);
            }
            T::read_onto(&mut items, reader)
        })?;
        Ok(items)
    }
}

/// A scalar that real files write as a string or a number (or boolean):
/// `"-45.5"` or `-45.5`, `"false"` or `false`, `"60"` or `60`.
///
/// The original form is kept; the accessors read either form.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// Written as a JSON string.
    String(String),
    /// Written as a JSON number (text kept exactly).
    Number(Number),
    /// Written as a JSON boolean.
    Bool(bool),
}

impl Scalar {
    /// The text of a string, or the exact text of a number or boolean.
    pub fn as_text(&self) -> &str {
        match self {
            Self::String(text) => text,
            Self::Number(number) => number.as_str(),
            Self::Bool(true) => "true",
            Self::Bool(false) => "false",
        }
    }

    /// The integer value, from a number or a numeric string.
    ///
    /// ```
    /// use dlf_bundle::model::Scalar;
    /// assert_eq!(Scalar::from("60").as_i64(), Some(60));
    /// assert_eq!(Scalar::from(60).as_i64(), Some(60));
    /// assert_eq!(Scalar::from("sixty").as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Bool(_) => None,
            _ => self.as_text().trim().parse().ok(),
        }
    }

    /// The numeric value, from a number or a numeric string (`"-45.5"`).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Bool(_) => None,
            _ => self.as_text().trim().parse().ok(),
        }
    }

    /// The boolean value, from a boolean or the strings `"true"` / `"false"`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(flag) => Some(*flag),
            Self::String(text) if text == "true" => Some(true),
            Self::String(text) if text == "false" => Some(false),
            _ => None,
        }
    }
}

impl From<&str> for Scalar {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

impl From<String> for Scalar {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl From<i64> for Scalar {
    fn from(number: i64) -> Self {
        Self::Number(number.into())
    }
}

impl From<bool> for Scalar {
    fn from(flag: bool) -> Self {
        Self::Bool(flag)
    }
}

impl Field for Scalar {
    fn from_json(value: Value) -> Result<Self, TypeMismatch> {
        match value {
            Value::String(text) => Ok(Self::String(text)),
            Value::Number(number) => Ok(Self::Number(number)),
            Value::Bool(flag) => Ok(Self::Bool(flag)),
            other => Err(TypeMismatch::new("a string, number or boolean", &other)),
        }
    }
    fn to_json(&self) -> Value {
        match self {
            Self::String(text) => Value::String(text.clone()),
            Self::Number(number) => Value::Number(number.clone()),
            Self::Bool(flag) => Value::Bool(*flag),
        }
    }
    fn read(reader: &mut Reader<'_>) -> Result<Self, Detour> {
        match reader.peek() {
            Some(b'"') => reader.string().map(Self::String),
            Some(b'-' | b'0'..=b'9') => reader.number().map(Self::Number),
            Some(b't' | b'f') => match reader.value()? {
                Value::Bool(flag) => Ok(Self::Bool(flag)),
                _ => Err(Detour),
            },
            _ => Err(Detour),
        }
    }
}

/// A field's value as the catalog's rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldValue<'a> {
    /// A JSON string.
    String(&'a str),
    /// A number or boolean, as written.
    Scalar(&'a str),
    /// An object or an array.
    Structure,
}

impl<'a> FieldValue<'a> {
    /// The text of a string, number or boolean.
    pub(crate) fn text(self) -> Option<&'a str> {
        match self {
            Self::String(text) | Self::Scalar(text) => Some(text),
            Self::Structure => None,
        }
    }
}

/// Values that are fields of model objects.
pub(crate) trait Slotted {
    /// The value as the rules read it; `None` for a JSON `null`.
    fn slot(&self) -> Option<FieldValue<'_>>;
}

impl Slotted for String {
    fn slot(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::String(self))
    }
}

impl Slotted for Scalar {
    fn slot(&self) -> Option<FieldValue<'_>> {
        Some(match self {
            Self::String(text) => FieldValue::String(text),
            other => FieldValue::Scalar(other.as_text()),
        })
    }
}

impl Slotted for Value {
    fn slot(&self) -> Option<FieldValue<'_>> {
        match self {
            Value::Null => None,
            Value::String(text) => Some(FieldValue::String(text)),
            Value::Number(number) => Some(FieldValue::Scalar(number.as_str())),
            Value::Bool(true) => Some(FieldValue::Scalar("true")),
            Value::Bool(false) => Some(FieldValue::Scalar("false")),
            Value::Array(_) | Value::Object(_) => Some(FieldValue::Structure),
        }
    }
}

impl<T> Slotted for Vec<T> {
    fn slot(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Structure)
    }
}

impl Slotted for Object {
    fn slot(&self) -> Option<FieldValue<'_>> {
        Some(FieldValue::Structure)
    }
}

/// Model objects: their fields by name, documented or kept in `extra`.
pub(crate) trait Fields {
    /// The value of the field `key`, when present and not `null`.
    fn field_value(&self, key: &str) -> Option<FieldValue<'_>>;
}

/// Where each key of an object appeared: a documented field (its index in
/// the type's `KEYS`) or the next entry of `extra`.
///
/// One byte per key, held inline up to [`KeyOrder::INLINE`] keys: every
/// object read records its order, and a heap buffer each was a fifth of the
/// allocations of reading a job.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KeyOrder(TinyVec<[u8; KeyOrder::INLINE]>);

/// The slot of a key kept in `extra`.
const EXTRA: u8 = u8::MAX;

impl KeyOrder {
    /// Keys held without a heap buffer (real nodes have about 15).
    const INLINE: usize = 30;

    /// The next key is documented field `index` of `KEYS`
    /// ([`key_index`] gives it, at compile time).
    pub fn push_known(&mut self, index: u8) {
        self.0.push(index);
    }

    /// The next key is the next entry of `extra`.
    pub fn push_extra(&mut self) {
        self.0.push(EXTRA);
    }

    /// Assembles the object: typed values at their recorded places, extras in
    /// order, then anything new (documented fields in declaration order).
    pub fn assemble(
        &self,
        keys: &'static [&'static str],
        extra: &Object,
        known: &dyn Fn(&str) -> Option<Value>,
    ) -> Object {
        fn put(out: &mut Object, key: &str, value: Value) {
            if !out.contains_key(key) {
                out.push_unique(key.to_owned(), value);
            }
        }
        let mut out = Object::with_capacity(self.0.len().max(extra.len()));
        let mut extras = extra.iter();
        for &slot in &self.0 {
            let (key, kept) = match keys.get(usize::from(slot)) {
                Some(key) => (*key, None),
                None => match extras.next() {
                    Some((key, value)) => (key, Some(value)),
                    None => continue,
                },
            };
            // A typed value set for a key kept in `extra` (such as a `null`) wins, in place.
            if let Some(value) = known(key).or_else(|| kept.cloned()) {
                put(&mut out, key, value);
            }
        }
        for (key, value) in extras {
            put(&mut out, key, known(key).unwrap_or_else(|| value.clone()));
        }
        for key in keys {
            if let Some(value) = known(key) {
                put(&mut out, key, value);
            }
        }
        out
    }
}

/// The index of `key` in `keys`, for [`KeyOrder::push_known`], evaluated
/// when the model is compiled. `keys` is the list `key` comes from, so the
/// search always succeeds.
pub(crate) const fn key_index(keys: &[&str], key: &str) -> u8 {
    let (mut rest, mut index) = (keys, 0);
    while let [first, tail @ ..] = rest
        && index < EXTRA
    {
        if same_bytes(first.as_bytes(), key.as_bytes()) {
            return index;
        }
        (rest, index) = (tail, index + 1);
    }
    EXTRA
}

const fn same_bytes(mut a: &[u8], mut b: &[u8]) -> bool {
    loop {
        match (a, b) {
            ([], []) => return true,
            ([x, a_rest @ ..], [y, b_rest @ ..]) if *x == *y => (a, b) = (a_rest, b_rest),
            _ => return false,
        }
    }
}

/// Declares a lossless model object: `Option` fields for documented keys,
/// `extra` for the rest, and the key order.
macro_rules! model_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $key:literal, )*
        }
    ) => {
        $(#[$meta])*
        ///
        /// Equality compares the JSON each side writes: same keys, order and forms.
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: Option<$ty>, )*
            /// Keys this model does not interpret, in their original order and form.
            pub extra: $crate::json::Object,
            order: $crate::model::field::KeyOrder,
        }

        impl $name {
            /// The documented keys this type gives typed access to.
            pub const KEYS: &'static [&'static str] = &[$($key),*];

            fn known_value(&self, key: &str) -> Option<$crate::json::Value> {
                match key {
                    $( $key => self.$field.as_ref().map($crate::model::field::Field::to_json), )*
                    _ => None,
                }
            }
        }

        impl $crate::model::field::Fields for $name {
            fn field_value(&self, key: &str) -> Option<$crate::model::field::FieldValue<'_>> {
                use $crate::model::field::Slotted;
                match key {
                    $( $key => self.$field.as_ref().and_then(Slotted::slot), )*
                    _ => self.extra.get(key).and_then(Slotted::slot),
                }
            }
        }

        impl $crate::model::field::Slotted for $name {
            fn slot(&self) -> Option<$crate::model::field::FieldValue<'_>> {
                Some($crate::model::field::FieldValue::Structure)
            }
        }

        // The key order numbers documented keys with a byte.
        const _: () = assert!($name::KEYS.len() < 255);

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                use $crate::model::field::Field;
                self.to_json() == other.to_json()
            }
        }

        impl $crate::model::field::Field for $name {
            fn from_json(
                value: $crate::json::Value,
            ) -> Result<Self, $crate::model::field::TypeMismatch> {
                use $crate::model::field::{Field, TypeMismatch, key_index};
                let object = match value {
                    $crate::json::Value::Object(object) => object,
                    other => return Err(TypeMismatch::new("an object", &other)),
                };
                let mut out = Self::default();
                for (key, value) in object.into_entries() {
                    match key.as_str() {
                        $( $key if !value.is_null() => {
                            out.$field = Some(Field::from_json(value).map_err(|e| {
                                e.within($crate::json::PathSegment::Key(key.clone()))
                            })?);
                            out.order.push_known(const { key_index(Self::KEYS, $key) });
                        } )*
                        _ => {
                            out.order.push_extra();
                            out.extra.push_unique(key, value);
                        }
                    }
                }
                Ok(out)
            }

            fn read(reader: &mut $crate::json::Reader<'_>) -> Result<Self, $crate::json::Detour> {
                let mut out = Self::default();
                out.read_members(reader)?;
                Ok(out)
            }

            fn read_onto(
                items: &mut Vec<Self>,
                reader: &mut $crate::json::Reader<'_>,
            ) -> Result<(), $crate::json::Detour> {
                items.push(Self::default());
                match items.last_mut() {
                    Some(item) => item.read_members(reader),
                    None => Err($crate::json::Detour),
                }
            }

            fn to_json(&self) -> $crate::json::Value {
                $crate::json::Value::Object(self.order.assemble(Self::KEYS, &self.extra, &|key| {
                    self.known_value(key)
                }))
            }
        }

        impl $name {
            /// Reads the object at the cursor into `self`, which is empty.
            fn read_members(&mut self, reader: &mut $crate::json::Reader<'_>) -> Result<(), $crate::json::Detour> {
                use $crate::model::field::{Field, key_index};
                reader.object(|reader, key| {
                    match key {
                        // A `null` is kept in `extra`, as `from_json` keeps it.
                        $( $key if reader.peek() != Some(b'n') => {
                            self.$field = Some(Field::read(reader)?);
                            self.order.push_known(const { key_index(Self::KEYS, $key) });
                        } )*
                        _ => {
                            let value = reader.value()?;
                            self.order.push_extra();
                            self.extra.push_unique(key.to_owned(), value);
                        }
                    }
                    Ok(())
                })
            }
        }

        /// Through the lossless model: keys in their order, unknown keys
        /// kept, strings stay strings and numbers numbers.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use $crate::model::field::Field;
                self.to_json().serialize(serializer)
            }
        }

        /// From any self-describing format (JSON, YAML, TOML); a documented
        /// field of the wrong type is an error naming the field.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use $crate::model::field::Field;
                let value = $crate::json::Value::deserialize(deserializer)?;
                Self::from_json(value).map_err(|mismatch| {
                    let path = mismatch.dotted_path();
                    let subject = if path.is_empty() { "the document".to_owned() } else { format!("`{path}`") };
                    serde::de::Error::custom(format!(
                        "{subject}: expected {}, found {}",
                        mismatch.expected, mismatch.found
                    ))
                })
            }
        }
    };
}

/// The service's enumerations (the catalog's open enums) read and write as
/// strings; an unknown value is kept verbatim.
macro_rules! open_enum_fields {
    ($($name:ty),*) => {$(
        impl Field for $name {
            fn from_json(value: Value) -> Result<Self, TypeMismatch> {
                match value {
                    Value::String(text) => Ok(Self::from(text.as_str())),
                    other => Err(TypeMismatch::new("a string", &other)),
                }
            }
            fn to_json(&self) -> Value {
                Value::String(self.as_str().to_owned())
            }
            fn read(reader: &mut Reader<'_>) -> Result<Self, Detour> {
                reader.with_str(|text| Self::from(text))
            }
        }

        impl Slotted for $name {
            fn slot(&self) -> Option<FieldValue<'_>> {
                Some(FieldValue::String(self.as_str()))
            }
        }
    )*};
}

open_enum_fields!(NodeType, ScriptType, ResourceType, ProcessType, FailPolicy, ScheduleType);

pub(crate) use model_object;

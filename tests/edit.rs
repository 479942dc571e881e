//! Edits that keep the file: a changed value changes only its own bytes, in
//! whatever style the file was written; no change, no byte changed.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::json::{self, Object, Value};
use dlf_bundle::model::FieldPath;
use dlf_bundle::model::{Definition, Document, Rendering};
use dlf_bundle::{Bundle, DefinitionKind, Job, Layout};
use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;

/// How a test file is written: indentation (`None`: one line), line ending,
/// non-ASCII as `\uXXXX`.
#[derive(Debug, Clone, Copy)]
struct Style {
    indent: Option<&'static str>,
    crlf: bool,
    ascii: bool,
}

const STYLES: [Style; 5] = [
    Style { indent: Some("  "), crlf: false, ascii: false },
    Style { indent: Some("    "), crlf: true, ascii: false },
    Style { indent: None, crlf: false, ascii: false },
    Style { indent: Some("\t"), crlf: false, ascii: true },
    Style { indent: Some("    "), crlf: true, ascii: true },
];

fn write(out: &mut String, value: &Value, style: Style, level: usize) {
    let newline = |out: &mut String, level: usize| {
        if let Some(unit) = style.indent {
            out.push_str(if style.crlf { "\r\n" } else { "\n" });
            out.push_str(&unit.repeat(level));
        }
    };
    let string = |out: &mut String, text: &str| {
        let plain = json::to_string_compact(&Value::from(text));
        if style.ascii {
            for c in plain.chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut units = [0; 2];
                    for unit in c.encode_utf16(&mut units) {
                        let _ = write!(out, "\\u{unit:04x}");
                    }
                }
            }
        } else {
            out.push_str(&plain);
        }
    };
    match value {
        Value::Object(object) if !object.is_empty() => {
            out.push('{');
            for (i, (key, item)) in object.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                string(out, key);
                out.push_str(if style.indent.is_some() { ": " } else { ":" });
                write(out, item, style, level + 1);
            }
            newline(out, level);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write(out, item, style, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        Value::String(text) => string(out, text),
        other => out.push_str(&json::to_string_compact(other)),
    }
}

fn styled(value: &Value, style: Style) -> String {
    let mut out = String::new();
    write(&mut out, value, style, 0);
    if style.indent.is_some() {
        out.push_str(if style.crlf { "\r\n" } else { "\n" });
    }
    out
}

/// How many bytes of `after` differ from `before` once their common prefix
/// and suffix are set aside.
fn changed_bytes(before: &[u8], after: &[u8]) -> usize {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let room = before.len().min(after.len()) - prefix;
    let suffix = before.iter().rev().zip(after.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
    after.len() - prefix - suffix
}

fn document(text: &str) -> Document {
    Document::parse(DefinitionKind::Job, text.as_bytes().to_vec()).unwrap()
}

/// Applies `edit` to the document's JSON and gives back what is written.
fn edited(text: &str, edit: impl FnOnce(&mut Value)) -> (Vec<u8>, Rendering) {
    let mut document = document(text);
    let mut value = document.definition().to_value();
    edit(&mut value);
    *document.definition_mut() = Definition::from_value(DefinitionKind::Job, value).unwrap();
    let (bytes, rendering) = document.render();
    (bytes.into_owned(), rendering)
}

fn job_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        "[a-z]{0,6}".prop_map(Value::from),
        "[\u{4e00}-\u{9fa5}]{1,3}".prop_map(Value::from),
        Just(Value::Null),
    ];
    let tree = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,5}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect::<Object>())),
        ]
    });
    (prop::collection::btree_map("x[a-z]{1,5}", tree, 1..5), "[a-z]{1,8}").prop_map(|(extra, name)| {
        let mut object = Object::new();
        object.insert("name", Value::from(name));
        for (key, value) in extra {
            object.insert(key, value);
        }
        Value::Object(object)
    })
}

/// One random edit of the top-level object: set a key (new or existing),
/// remove one, or change a scalar deep inside.
#[derive(Debug, Clone)]
enum Edit {
    Set(String, Value),
    Remove(usize),
    Deep(usize, i64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        ("x[a-z]{1,5}", (-50i64..50).prop_map(Value::from)).prop_map(|(k, v)| Edit::Set(k, v)),
        ("y[a-z]{1,5}", "[\u{4e00}-\u{9fa5}a-z]{1,4}".prop_map(Value::from)).prop_map(|(k, v)| Edit::Set(k, v)),
        (1usize..8).prop_map(Edit::Remove),
        ((0usize..8), (-50i64..50)).prop_map(|(i, n)| Edit::Deep(i, n)),
    ]
}

/// The first scalar inside `value`, for a deep change.
fn first_scalar(value: &mut Value) -> Option<&mut Value> {
    fn has_scalar(value: &Value) -> bool {
        match value {
            Value::Array(items) => items.iter().any(has_scalar),
            Value::Object(object) => object.iter().any(|(_, v)| has_scalar(v)),
            _ => true,
        }
    }
    match value {
        Value::Array(items) => items.iter_mut().find(|item| has_scalar(item)).and_then(first_scalar),
        Value::Object(object) => {
            let key = object.iter().find(|(_, v)| has_scalar(v)).map(|(k, _)| k.to_owned())?;
            first_scalar(object.get_mut(&key)?)
        }
        scalar => Some(scalar),
    }
}

fn apply(value: &mut Value, edit: &Edit) {
    let Value::Object(object) = value else { return };
    match edit {
        Edit::Set(key, new) => {
            object.insert(key.clone(), new.clone());
        }
        Edit::Remove(index) => {
            let key = object.keys().nth(*index).map(str::to_owned);
            if let Some(key) = key {
                object.remove(&key);
            }
        }
        Edit::Deep(index, number) => {
            let key = object.keys().nth(*index).filter(|key| *key != "name").map(str::to_owned);
            if let Some(scalar) = key.and_then(|key| object.get_mut(&key)).and_then(first_scalar) {
                *scalar = Value::from(*number);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any sequence of edits in any style: the output parses to the edited
    /// value, and is the file's own bytes where nothing changed.
    #[test]
    fn edits_read_back_as_the_edited_value(value in job_value(), edits in prop::collection::vec(edit(), 0..5), style in 0usize..5) {
        let text = styled(&value, STYLES[style]);
        let mut expected = document(&text).definition().to_value();
        for edit in &edits {
            apply(&mut expected, edit);
        }
        let (bytes, rendering) = edited(&text, |v| { for edit in &edits { apply(v, edit); } });
        prop_assert_ne!(rendering, Rendering::CanonicalFallback, "{}", text);
        prop_assert_eq!(json::parse(&bytes).unwrap(), expected);
        if rendering == Rendering::Unchanged {
            prop_assert_eq!(bytes, text.into_bytes());
        }
    }

    /// One changed scalar changes only that scalar's bytes.
    #[test]
    fn one_changed_scalar_changes_only_its_bytes(value in job_value(), style in 0usize..5, number in 1000i64..9999) {
        let text = styled(&value, STYLES[style]);
        let mut expected = None;
        let (bytes, _) = edited(&text, |v| {
            if let Value::Object(object) = v {
                let key = object.keys().nth(1).map(str::to_owned).unwrap();
                if let Some(scalar) = object.get_mut(&key).and_then(first_scalar) {
                    expected = Some(json::to_string_compact(scalar).len());
                    *scalar = Value::from(number);
                }
            }
        });
        if expected.is_some() {
            prop_assert!(changed_bytes(text.as_bytes(), &bytes) <= 4, "{:?} -> {:?}", text, String::from_utf8_lossy(&bytes));
        }
    }

    /// Setting every value to what it was changes no byte.
    #[test]
    fn a_no_op_edit_gives_identical_bytes(value in job_value(), style in 0usize..5) {
        let text = styled(&value, STYLES[style]);
        let (bytes, rendering) = edited(&text, |_| {});
        prop_assert_eq!(rendering, Rendering::Unchanged);
        prop_assert_eq!(bytes, text.into_bytes());
    }
}

#[test]
fn asking_for_a_mutable_definition_changes_nothing() {
    let text = "{\"name\":\"j\",   \"nodes\":[]}";
    let mut document = document(text);
    let _ = document.definition_mut();
    assert!(!document.is_modified());
    assert_eq!(document.render(), (std::borrow::Cow::Borrowed(text.as_bytes()), Rendering::Unchanged));
}

#[test]
fn set_property_keeps_the_elements_other_keys() {
    let text =
        r#"{"name":"j","nodes":[{"name":"n","properties":[{"name":"pwd","value":"a","value_is_sensitive":true}]}]}"#;
    let mut bundle = Bundle::new(Layout::Single);
    bundle.insert("jobs/j.job", document(text)).unwrap();
    bundle.job_mut("j").unwrap().unwrap().node_mut("n").unwrap().set_property("pwd", "b");
    let written = bundle.get("jobs/j.job").unwrap().document().unwrap().bytes().into_owned();
    assert_eq!(
        String::from_utf8(written).unwrap(),
        r#"{"name":"j","nodes":[{"name":"n","properties":[{"name":"pwd","value":"b","value_is_sensitive":true}]}]}"#
    );
    // Back to what it was: the original bytes, not an edit that happens to match.
    bundle.job_mut("j").unwrap().unwrap().node_mut("n").unwrap().set_property("pwd", "a");
    assert!(!bundle.get("jobs/j.job").unwrap().document().unwrap().is_modified());
}

#[test]
fn mutation_api_table() {
    let mut job = Job::new("j");
    job.nodes = Some(vec![dlf_bundle::Node::new("n", dlf_bundle::model::NodeType::Shell)]);
    let node = job.node_mut("n").unwrap();
    node.set_property("scriptName", "s1");
    node.set_property("scriptName", "s2");
    assert_eq!(node.properties().len(), 1);
    assert_eq!(node.property("scriptName"), Some("s2"));
    assert_eq!(node.remove_property("scriptName").and_then(|p| p.text().map(str::to_owned)).as_deref(), Some("s2"));
    assert!(node.remove_property("scriptName").is_none());
    job.set_param("day", "1");
    job.set_param("day", 2.to_string());
    assert_eq!(job.params().len(), 1);
    // Parameter values stay strings, as the service types them.
    assert_eq!(job.params()[0].value, Some(dlf_bundle::model::Scalar::String("2".into())));
    assert!(job.node("missing").is_none());
}

#[test]
fn field_paths_get_set_and_remove() {
    let mut value =
        json::parse(br#"{"a":{"b":1},"params":[{"name":"p","value":"x","type":"variable"}],"s":"t"}"#).unwrap();
    let table: &[(&str, &str, &str)] = &[
        ("a.b", "2", r#"{"a":{"b":2},"params":[{"name":"p","value":"x","type":"variable"}],"s":"t"}"#),
        (
            "a.c.d",
            "true",
            r#"{"a":{"b":2,"c":{"d":true}},"params":[{"name":"p","value":"x","type":"variable"}],"s":"t"}"#,
        ),
        (
            "param.p",
            "\"y\"",
            r#"{"a":{"b":2,"c":{"d":true}},"params":[{"name":"p","value":"y","type":"variable"}],"s":"t"}"#,
        ),
        (
            "param.q",
            "1",
            r#"{"a":{"b":2,"c":{"d":true}},"params":[{"name":"p","value":"y","type":"variable"},{"name":"q","value":1}],"s":"t"}"#,
        ),
    ];
    for (path, new, expected) in table {
        let path: FieldPath = path.parse().unwrap();
        path.set(&mut value, json::parse(new.as_bytes()).unwrap()).unwrap();
        assert_eq!(json::to_string_compact(&value), *expected, "{path}");
        assert_eq!(path.get(&value), Some(&json::parse(new.as_bytes()).unwrap()), "{path}");
    }
    let through_text: FieldPath = "s.x".parse().unwrap();
    assert!(through_text.set(&mut value, Value::Null).unwrap_err().to_string().contains("`s.x`"));
    assert!("a..b".parse::<FieldPath>().is_err());
    assert!("param.q".parse::<FieldPath>().unwrap().remove(&mut value).unwrap());
    assert!(!"nope.x".parse::<FieldPath>().unwrap().remove(&mut value).unwrap());
}

fn samples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared/samples is not present");
        None
    }
}

/// Every job sample, as written and re-written in four styles: one changed
/// property changes only that value's bytes; an added key follows the style.
#[test]
fn sample_jobs_change_by_one_value_in_every_style() {
    let Some(dir) = samples_dir() else { return };
    let mut tried = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(original) = std::fs::read_to_string(&path) else { continue };
        let Ok(job) = Job::from_slice(original.as_bytes()) else { continue };
        if !job.nodes().iter().any(|node| !node.properties().is_empty()) {
            continue;
        }
        let value = job.to_value();
        let mut texts = vec![original];
        texts.extend(STYLES.iter().skip(1).map(|style| styled(&value, *style)));
        for text in texts {
            tried += 1;
            let (bytes, rendering) = edited(&text, |v| {
                let nodes = match v {
                    Value::Object(o) => o.get_mut("nodes"),
                    _ => None,
                };
                let Some(Value::Array(nodes)) = nodes else { return };
                let node = nodes.iter_mut().find(|n| n.as_object().is_some_and(|o| o.get("properties").is_some()));
                let Some(Value::Object(node)) = node else { return };
                let Some(Value::Array(properties)) = node.get_mut("properties") else { return };
                if let Some(Value::Object(first)) = properties.first_mut() {
                    first.insert("value", Value::from("CHANGED"));
                }
            });
            assert_eq!(rendering, Rendering::Edited, "{}", path.display());
            assert!(changed_bytes(text.as_bytes(), &bytes) <= "\"CHANGED\"".len(), "{}", path.display());
            let (added, _) = edited(&text, |v| {
                if let Value::Object(o) = v {
                    o.insert("dlfTest", Value::from(1_i64));
                }
            });
            let added = String::from_utf8(added).unwrap();
            let line = added
                .lines()
                .find(|line| line.contains("\"dlfTest\""))
                .unwrap_or_else(|| panic!("{}: no added key in {added}", path.display()));
            let indent = |l: &str| l.len() - l.trim_start().len();
            if text.trim_end().contains('\n') {
                // The first member of the top-level object: the line after `{`.
                let name_line = added.lines().nth(1).unwrap();
                assert_eq!(indent(line), indent(name_line), "{}: {line:?}", path.display());
                assert_eq!(added.contains("\r\n"), text.contains("\r\n"), "{}", path.display());
            } else {
                assert!(!added.trim_end().contains('\n'), "one-line files stay one line");
            }
        }
    }
    assert!(tried >= 5, "only {tried} sample texts had nodes with properties");
}

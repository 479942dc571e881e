//! The checks behind the fuzz targets, shared with the stable corpus replay
//! test (`tests/fuzz_corpus.rs`) so every committed input runs in CI.
#![allow(dead_code, clippy::unwrap_used, clippy::panic, clippy::missing_panics_doc)]

use arbitrary::{Arbitrary, Unstructured};
use dlf_bundle::json;
use dlf_bundle::model::{Definition, Document};
use dlf_bundle::validate::{ValidateOptions, validate_archive};
use dlf_bundle::{Bundle, DefinitionKind, Layout, Limits, ReadOptions};

/// Small limits keep every fuzz iteration cheap and prove limits hold.
pub fn fuzz_limits() -> Limits {
    Limits::default().max_entries(64).max_entry_bytes(1 << 20).max_total_bytes(4 << 20)
}

/// Arbitrary bytes as a bundle: never panic; a bundle that reads stays
/// within the limits, validates without panicking, and writes to bytes
/// that read back to the same definitions.
pub fn read_target(data: &[u8]) {
    let limits = fuzz_limits();
    let options = ReadOptions::new().limits(limits);
    let _ = validate_archive(data, &ValidateOptions::default());
    let Ok(bundle) = read_all(data, &options) else { return };
    read_alike_by_another_reader(data, &bundle);
    assert!(bundle.len() <= limits.max_entries);
    let total: usize = bundle.iter().map(|e| e.document().unwrap().bytes().len()).sum();
    assert!(total as u64 <= limits.max_total_bytes);
    let written = bundle.to_vec().unwrap();
    let again = read_all_default(&written).unwrap();
    assert_eq!(again.len(), bundle.len());
    for (a, b) in bundle.iter().zip(again.iter()) {
        assert_eq!(a.path(), b.path());
        assert_eq!(a.document().unwrap().bytes(), b.document().unwrap().bytes());
    }
    assert_eq!(again.to_vec().unwrap(), written, "writing is deterministic");
}

/// Differential oracle: an archive this crate reads, `zip` (an independent
/// reader) reads too, and every definition read here is the content of one
/// of its entries. Contents, not names, are matched: names may have lost a
/// wrapper folder or been decoded from GBK here.
fn read_alike_by_another_reader(data: &[u8], bundle: &Bundle) {
    use std::io::Read;
    let mut reference = match zip::ZipArchive::new(std::io::Cursor::new(data)) {
        Ok(reference) => reference,
        // `zip` also parses the contents of extra fields this crate ignores
        // (timestamps); a flaw there says nothing about the entries.
        Err(e) if e.to_string().contains("extra field") => return,
        Err(e) => panic!("zip refuses an archive this crate reads: {e}"),
    };
    let mut contents = Vec::new();
    for index in 0..reference.len() {
        let mut file = reference.by_index(index).unwrap_or_else(|e| panic!("zip cannot open entry #{index}: {e}"));
        if file.is_dir() {
            continue;
        }
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap_or_else(|e| panic!("zip cannot read entry #{index}: {e}"));
        contents.push(content);
    }
    for entry in bundle.iter() {
        let found = contents.iter().position(|content| content[..] == entry.document().unwrap().bytes()[..]);
        let at = found.unwrap_or_else(|| panic!("zip holds no entry with the content of {}", entry.path()));
        contents.swap_remove(at);
    }
}

/// Arbitrary bytes as a definition of each kind: never panic; when it
/// parses, the model gives back the same JSON tree, and the canonical text
/// parses to a model that writes the same canonical text. Our parser agrees
/// with `serde_json` on every input both could accept.
pub fn json_target(data: &[u8]) {
    let ours = json::parse(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (&ours, &theirs) {
        // The conversion is exact or refused: a number with more digits than
        // f64 keeps is refused (serde_json rounds it). Numbers beyond f64 and
        // -0 differ in representation, not acceptance.
        (Ok(value), Ok(reference)) => match serde_json::Value::try_from(value.clone()) {
            Ok(converted) if !has_number_edge(reference) => {
                assert!(agrees(&converted, reference), "ours {converted}, serde_json {reference}");
            }
            Ok(_) => {}
            Err(error) => assert_eq!(error.kind(), &dlf_bundle::ErrorKind::Lossy, "{error}"),
        },
        // serde_json refuses numbers beyond f64 ("number out of range"); JSON
        // allows them and we keep their text (fuzz finding number-out-of-f64-range).
        // serde_json refuses a byte order mark, which RFC 8259 §8.1 lets a parser ignore.
        (Ok(_), Err(error)) => {
            let allowed = error.to_string().starts_with("number out of range") || data.starts_with(b"\xEF\xBB\xBF");
            assert!(allowed, "serde_json rejects what we accept: {error}");
        }
        (Err(error), Ok(_)) => {
            assert!(error.message().contains("duplicate key"), "we reject what serde_json accepts: {error}");
        }
        (Err(_), Err(_)) => {}
    }
    let Ok(value) = ours else {
        // Definitions are read straight from the text: never what does not parse.
        assert!(DefinitionKind::ALL.iter().all(|&kind| Definition::from_slice(kind, data).is_err()));
        return;
    };
    let text = json::to_vec_pretty(&value);
    assert_eq!(json::to_vec_pretty(&json::parse(&text).unwrap()), text, "canonical text is a fixed point");
    for kind in DefinitionKind::ALL {
        let through_tree = Definition::from_value(kind, value.clone());
        let Ok(definition) = Definition::from_slice(kind, data) else {
            assert!(through_tree.is_err(), "read through the tree but not straight from the text");
            continue;
        };
        assert!(through_tree.is_ok_and(|tree| tree == definition), "straight from the text differs from the tree");
        assert_eq!(json::to_string_compact(&definition.to_value()), json::to_string_compact(&value));
        let canonical = json::to_vec_pretty(&definition.to_value());
        let reparsed = Definition::from_slice(kind, &canonical).unwrap();
        assert_eq!(json::to_vec_pretty(&reparsed.to_value()), canonical);
    }
}

/// Equal trees, where floats may differ by one unit in the last place:
/// `serde_json` without its `float_roundtrip` feature does not round every
/// decimal correctly (fuzz finding `serde-json-one-ulp-off`: it reads
/// `1E-30` one ULP low), and ours must be the correctly rounded value.
fn agrees(ours: &serde_json::Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value::{Array, Number, Object};
    match (ours, theirs) {
        (Number(a), Number(b)) if a.is_f64() || b.is_f64() => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.to_bits().abs_diff(b.to_bits()) <= 1,
            _ => false,
        },
        (Array(a), Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| agrees(a, b)),
        (Object(a), Object(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((ka, a), (kb, b))| ka == kb && agrees(a, b))
        }
        _ => ours == theirs,
    }
}

fn has_number_edge(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(n) => n.as_f64().is_none_or(|f| !f.is_finite() || f == 0.0 || f.abs() > 1e15),
        serde_json::Value::Array(items) => items.iter().any(has_number_edge),
        serde_json::Value::Object(map) => map.values().any(has_number_edge),
        _ => false,
    }
}

/// A structured bundle for the round-trip target.
#[derive(Debug, Arbitrary)]
pub struct BundleSpec {
    pub single: bool,
    pub jobs: Vec<JobSpec>,
}

/// Node name, node type, properties.
pub type NodeSpec = (String, String, Vec<(String, String)>);

#[derive(Debug, Arbitrary)]
pub struct JobSpec {
    pub name: String,
    pub nodes: Vec<NodeSpec>,
    pub scripts: Vec<(String, String)>,
    pub extra_key: Option<(String, i64)>,
    pub location_as_string: bool,
}

/// Builds the bundle a spec describes, skipping names the format refuses.
pub fn build_bundle(spec: &BundleSpec) -> Bundle {
    let layout = if spec.single { Layout::Single } else { Layout::Batch };
    let mut bundle = Bundle::new(layout);
    let usable = |name: &str| {
        !name.is_empty()
            && dlf_bundle::name::check_entry_name(&format!("jobs/{name}/{name}.script")).is_ok()
            && !name.contains('/')
            && !name.contains('.')
    };
    for job_spec in spec.jobs.iter().take(8) {
        if !usable(&job_spec.name) {
            continue;
        }
        let mut job = dlf_bundle::Job::new(job_spec.name.clone());
        let nodes = job_spec.nodes.iter().take(8).map(|(name, node_type, properties)| {
            let mut node = dlf_bundle::Node::new(name.clone(), dlf_bundle::model::NodeType::from(node_type.as_str()));
            let (x, y) =
                if job_spec.location_as_string { ("-45.5".into(), "7".into()) } else { ("1".into(), "2".into()) };
            let mut location = dlf_bundle::model::Location::default();
            location.x = Some(if job_spec.location_as_string {
                dlf_bundle::model::Scalar::String(x)
            } else {
                dlf_bundle::model::Scalar::from(1)
            });
            location.y = Some(dlf_bundle::model::Scalar::String(y));
            node.location = Some(location);
            for (key, value) in properties.iter().take(8) {
                node = node.with_property(key, value);
            }
            node
        });
        job.nodes = Some(nodes.collect());
        if let Some((key, number)) = &job_spec.extra_key
            && !dlf_bundle::Job::KEYS.contains(&key.as_str())
        {
            job.extra.insert(key.clone(), json::Value::from(*number));
        }
        let job_name = job_spec.name.clone();
        let Ok(()) = bundle.add_job(job) else { continue };
        for (script_name, content) in job_spec.scripts.iter().take(4) {
            if !usable(script_name) {
                continue;
            }
            let script =
                dlf_bundle::Script::new(script_name.clone(), dlf_bundle::model::ScriptType::HiveSql, content.clone());
            let _ = bundle.add_script(Some(&job_name), script);
        }
    }
    bundle
}

/// A structured bundle written and read back is the same bundle.
pub fn round_trip_target(data: &[u8]) {
    let Ok(spec) = BundleSpec::arbitrary(&mut Unstructured::new(data)) else { return };
    let bundle = build_bundle(&spec);
    if bundle.is_empty() {
        return;
    }
    let zip = bundle.to_vec().unwrap();
    assert_eq!(bundle.to_vec().unwrap(), zip, "deterministic");
    let back = read_all_default(&zip).unwrap();
    assert_eq!(back.layout(), bundle.layout());
    assert_eq!(back.len(), bundle.len());
    for (a, b) in bundle.iter().zip(back.iter()) {
        assert_eq!(a.path(), b.path());
        assert_eq!(a.document().unwrap().bytes(), b.document().unwrap().bytes());
        assert_eq!(a.document().unwrap().definition(), b.document().unwrap().definition());
    }
    assert_eq!(back.to_vec().unwrap(), zip);
    let _ = Document::from(back.iter().next().unwrap().document().unwrap().definition().clone());
}

/// One step of an edit script: which key or element, and what to do.
#[derive(Debug, Arbitrary)]
pub enum EditStep {
    /// Descend into the `n`th member or element (modulo their count).
    Enter(u8),
    /// Replace the value here with a number.
    SetNumber(i32),
    /// Replace the value here with a string.
    SetText(String),
    /// Remove the `n`th member or element here.
    Remove(u8),
    /// Add a member (objects) or element (arrays) here.
    Add(String, i32),
}

/// Arbitrary bytes as a definition plus an edit script: whatever is written
/// reads back as the edited definition, and the editor never has to fall
/// back to the canonical form; no edit writes the original bytes.
pub fn edit_target(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(steps) = Vec::<EditStep>::arbitrary(&mut input) else { return };
    let text = input.take_rest();
    let Ok(mut document) = Document::parse(DefinitionKind::Job, text.to_vec()) else { return };
    assert_eq!(&document.bytes()[..], text, "unchanged documents keep their bytes");
    let mut value = document.definition().to_value();
    apply_steps(&mut value, &steps);
    let Ok(definition) = Definition::from_value(DefinitionKind::Job, value) else { return };
    *document.definition_mut() = definition;
    let (bytes, rendering) = document.render();
    assert_ne!(rendering, dlf_bundle::model::Rendering::CanonicalFallback, "the editor fell back on {text:?}");
    let reread = Definition::from_slice(DefinitionKind::Job, &bytes).unwrap();
    assert_eq!(json::to_string_compact(&reread.to_value()), json::to_string_compact(&document.definition().to_value()));
    if rendering == dlf_bundle::model::Rendering::Unchanged {
        assert_eq!(&bytes[..], text);
    }
}

/// Runs the script: `Enter` steps walk down from the root, and each other
/// step acts where the walk arrived, then the walk starts again at the root.
fn apply_steps(root: &mut json::Value, steps: &[EditStep]) {
    let mut path: Vec<u8> = Vec::new();
    for step in steps {
        if let EditStep::Enter(n) = step {
            path.push(*n);
            continue;
        }
        let here = walk(root, &path);
        path.clear();
        match (step, here) {
            (EditStep::SetNumber(n), value) => *value = json::Value::from(i64::from(*n)),
            (EditStep::SetText(text), value) => *value = json::Value::from(text.as_str()),
            (EditStep::Remove(n), json::Value::Object(object)) if !object.is_empty() => {
                let key = object.keys().nth(usize::from(*n) % object.len()).map(str::to_owned);
                if let Some(key) = key {
                    object.remove(&key);
                }
            }
            (EditStep::Remove(n), json::Value::Array(items)) if !items.is_empty() => {
                items.remove(usize::from(*n) % items.len());
            }
            (EditStep::Add(key, n), json::Value::Object(object)) => {
                object.insert(key.clone(), json::Value::from(i64::from(*n)));
            }
            (EditStep::Add(_, n), json::Value::Array(items)) => items.push(json::Value::from(i64::from(*n))),
            _ => {}
        }
    }
}

/// The value `path` leads to: each step picks a member or element (modulo
/// the count); the walk stops at a scalar or an empty container.
fn walk<'a>(value: &'a mut json::Value, path: &[u8]) -> &'a mut json::Value {
    let Some((&n, rest)) = path.split_first() else { return value };
    let index = |len: usize| usize::from(n) % len.max(1);
    let empty = match &*value {
        json::Value::Object(object) => object.is_empty(),
        json::Value::Array(items) => items.is_empty(),
        _ => true,
    };
    if empty {
        return value;
    }
    match value {
        json::Value::Object(object) => {
            let key = object.keys().nth(index(object.len())).map(str::to_owned).unwrap_or_default();
            // The key was just taken from the object.
            walk(object.get_mut(&key).unwrap(), rest)
        }
        json::Value::Array(items) => {
            let at = index(items.len());
            walk(items.get_mut(at).unwrap(), rest)
        }
        other => other,
    }
}

/// Arbitrary text as EL and as a remap map: never panic; an expression
/// that parses prints canonically to text that parses to the same
/// expression and prints the same again.
pub fn expression_target(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = text.parse::<dlf_bundle::remap::Map>();
    let whole = dlf_bundle::expression::parse(text);
    let found = dlf_bundle::expression::find(text);
    for parsed in found.into_iter().map(|found| found.parsed).chain([whole]) {
        let Ok(expr) = parsed else { continue };
        let printed = expr.to_string();
        let reparsed = dlf_bundle::expression::parse(&printed).unwrap_or_else(|e| panic!("{printed:?}: {e}"));
        assert_eq!(reparsed, expr, "{printed:?}");
        assert_eq!(reparsed.to_string(), printed);
    }
}

/// Two arbitrary bundles: comparing never panics, a bundle compared with
/// itself shows no change, and each job's patch applied to the first gives
/// a job the second does not differ from.
pub fn diff_target(data: &[u8]) {
    use dlf_bundle::diff::{DiffOptions, diff};
    let mut input = Unstructured::new(data);
    let (Ok(old), Ok(new)) = (BundleSpec::arbitrary(&mut input), BundleSpec::arbitrary(&mut input)) else { return };
    let (old, new) = (build_bundle(&old), build_bundle(&new));
    let options = DiffOptions::new();
    assert!(diff(&old, &old, &options).unwrap().is_empty(), "a bundle differs from itself");
    let result = diff(&old, &new, &options).unwrap();
    let job_patches = serde_json::to_value(result.patch()).unwrap().get("jobs").cloned().unwrap();
    for (entry, job) in old.jobs().map(Result::unwrap) {
        let (Some(ops), Some(target)) =
            (job_patches.get(entry.name()), new.jobs().map(Result::unwrap).find(|(e, _)| e.name() == entry.name()))
        else {
            continue;
        };
        let Ok(mut old_job) = serde_json::Value::try_from(job.to_value()) else { continue };
        let patch: json_patch::Patch = serde_json::from_value(ops.clone()).unwrap();
        json_patch::patch(&mut old_job, &patch).unwrap();
        let mut left = Bundle::new(Layout::Single);
        left.add_job(dlf_bundle::Job::from_slice(old_job.to_string().as_bytes()).unwrap()).unwrap();
        let mut right = Bundle::new(Layout::Single);
        right.add_job(target.1.clone()).unwrap();
        assert!(diff(&left, &right, &options).unwrap().jobs.changed.is_empty(), "the patch of {} misses", entry.name());
    }
}

/// A bundle read and every definition parsed, as a caller that uses every
/// entry meets the errors of both.
fn read_all(bytes: &[u8], options: &ReadOptions) -> dlf_bundle::Result<Bundle> {
    let bundle = Bundle::from_slice_with(bytes, options)?;
    bundle.parse_all()?;
    Ok(bundle)
}

fn read_all_default(bytes: &[u8]) -> dlf_bundle::Result<Bundle> {
    read_all(bytes, &ReadOptions::default())
}

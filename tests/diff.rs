//! Semantic diff: what counts as a change, how it is addressed, and the
//! patch that standard JSON Patch tools apply.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::diff::{Diff, DiffOptions, diff};
use dlf_bundle::model::Document;
use dlf_bundle::{Bundle, DefinitionKind, Layout, ReadOptions};
use std::process::Command;

/// A single-layout bundle holding one job `j` (and the given scripts).
fn bundle_of(job: &str, scripts: &[&str]) -> Bundle {
    let mut bundle = Bundle::new(Layout::Single);
    bundle.insert("jobs/j.job", Document::parse(DefinitionKind::Job, job.as_bytes().to_vec()).unwrap()).unwrap();
    for script in scripts {
        let document = Document::parse(DefinitionKind::Script, script.as_bytes().to_vec()).unwrap();
        let name = document.name().unwrap().to_owned();
        bundle.insert(&format!("scripts/{name}.script"), document).unwrap();
    }
    bundle
}

/// `(path, op)` of each change of job `j`.
fn job_changes(old: &str, new: &str, options: &DiffOptions) -> Vec<(String, &'static str)> {
    let result = diff(&bundle_of(old, &[]), &bundle_of(new, &[]), options).unwrap();
    result.jobs.changed.iter().flat_map(|c| c.changes.iter()).map(|c| (c.path.clone(), c.op.as_str())).collect()
}

const BASE: &str = r#"{"name": "j", "params": [{"name": "bizdate", "value": "1"}],
  "schedule": {"type": "CRON", "cron": {"expression": "0 0 * * * ?", "dependJobs": {"jobs": ["a", "b"]}}},
  "nodes": [
    {"name": "n1", "type": "DWSSQL", "retryTimes": 1, "location": {"x": 1, "y": 2},
     "properties": [{"name": "connectionName", "value": "c"}, {"name": "database", "value": "d"}]},
    {"name": "n2", "type": "Shell", "preNodeName": ["n1", "n0"], "properties": []}
  ]}"#;

/// What a row tests, the text of BASE it replaces, the replacement, and
/// the `(path, op)` changes expected.
type Row = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

#[test]
fn change_kinds_and_their_paths() {
    let retry = r#""retryTimes": 1"#;
    let table: &[Row] = &[
        ("field replaced", retry, r#""retryTimes": 3"#, &[("/nodes/n1/retryTimes", "replace")]),
        ("field added", retry, r#""retryTimes": 1, "timeout": 60"#, &[("/nodes/n1/timeout", "add")]),
        (
            "property changed",
            r#"{"name": "connectionName", "value": "c"}"#,
            r#"{"name": "connectionName", "value": "c2"}"#,
            &[("/nodes/n1/properties/connectionName", "replace")],
        ),
        (
            "param changed",
            r#"{"name": "bizdate", "value": "1"}"#,
            r#"{"name": "bizdate", "value": "2"}"#,
            &[("/params/bizdate/value", "replace")],
        ),
        (
            "node added",
            r#""properties": []}"#,
            r#""properties": []}, {"name": "n3", "type": "Shell"}"#,
            &[("/nodes/n3", "add")],
        ),
        ("a string is not a number", retry, r#""retryTimes": "1""#, &[("/nodes/n1/retryTimes", "replace")]),
        ("1.0 is 1", retry, r#""retryTimes": 1.0"#, &[]),
        ("sets in another order", r#""preNodeName": ["n1", "n0"]"#, r#""preNodeName": ["n0", "n1"]"#, &[]),
        ("depend jobs in another order", r#""jobs": ["a", "b"]"#, r#""jobs": ["b", "a"]"#, &[]),
        (
            "a set that differs",
            r#""jobs": ["a", "b"]"#,
            r#""jobs": ["b"]"#,
            &[("/schedule/cron/dependJobs/jobs", "replace")],
        ),
    ];
    for (what, original, replacement, expected) in table {
        assert!(BASE.contains(original), "{what}: {original}");
        let new = BASE.replacen(original, replacement, 1);
        let changes = job_changes(BASE, &new, &DiffOptions::new());
        let expected: Vec<(String, &str)> = expected.iter().map(|(p, o)| ((*p).to_owned(), *o)).collect();
        assert_eq!(changes, expected, "{what}");
    }
}

#[test]
fn node_removed_reordered_nodes_and_keys_and_ignored_keys() {
    let without_n2 = BASE.replacen(
        r#",
    {"name": "n2", "type": "Shell", "preNodeName": ["n1", "n0"], "properties": []}"#,
        "",
        1,
    );
    assert_eq!(job_changes(BASE, &without_n2, &DiffOptions::new()), [("/nodes/n2".to_owned(), "remove")]);
    let reordered = r#"{"nodes": [
    {"properties": [], "preNodeName": ["n0", "n1"], "type": "Shell", "name": "n2"},
    {"type": "DWSSQL", "name": "n1", "location": {"y": 2, "x": 1}, "retryTimes": 1,
     "properties": [{"value": "d", "name": "database"}, {"name": "connectionName", "value": "c"}]}],
  "schedule": {"cron": {"dependJobs": {"jobs": ["b", "a"]}, "expression": "0 0 * * * ?"}, "type": "CRON"},
  "params": [{"value": "1", "name": "bizdate"}], "name": "j"}"#;
    assert_eq!(job_changes(BASE, reordered, &DiffOptions::new()), []);
    let moved = BASE.replacen(r#""x": 1, "y": 2"#, r#""x": 300, "y": 2"#, 1);
    assert_eq!(job_changes(BASE, &moved, &DiffOptions::new()), [("/nodes/n1/location/x".to_owned(), "replace")]);
    assert_eq!(job_changes(BASE, &moved, &DiffOptions::new().ignore("location")), []);
}

#[test]
fn a_script_line_changed_carries_a_unified_diff_with_context() {
    let script = |content: &str| {
        format!(r#"{{"name": "s", "type": "DWSSQL", "content": {}}}"#, serde_json::Value::from(content))
    };
    let lines: Vec<String> = (1..=9).map(|i| format!("line {i}")).collect();
    let old = lines.join("\n") + "\n";
    let new = old.replace("line 5", "line five");
    let job = r#"{"name": "j", "nodes": [{"name": "n", "type": "DWSSQL", "properties": [{"name": "scriptName", "value": "s"}]}]}"#;
    let old_bundle = bundle_of(job, &[&script(&old)]);
    let new_bundle = bundle_of(job, &[&script(&new)]);
    let result = diff(&old_bundle, &new_bundle, &DiffOptions::new().context(1)).unwrap();
    let change = &result.scripts.changed[0].changes[0];
    assert_eq!((change.path.as_str(), change.old.is_none(), change.new.is_none()), ("/content", true, true));
    assert_eq!(
        change.diff.as_deref().unwrap(),
        "--- old\n+++ new\n@@ -4,3 +4,3 @@\n line 4\n-line 5\n+line five\n line 6\n"
    );
    assert_eq!(result.scripts.changed[0].affected, ["j"], "the job that runs the script");
}

#[test]
fn jobs_added_removed_and_moved_between_layouts() {
    let workspace = Bundle::from_dir("examples/workspace", &ReadOptions::default()).unwrap();
    let batch = workspace.to_layout(Layout::Batch, &dlf_bundle::resolve::ReferenceOptions::default()).unwrap();
    assert!(diff(&workspace, &batch, &DiffOptions::new()).unwrap().is_empty(), "a layout is no change");
    let mut fewer = batch.clone();
    let stream: Vec<String> = fewer.iter().filter(|e| e.name() == "job_stream").map(|e| e.path().to_owned()).collect();
    for path in stream {
        fewer.remove(&path);
    }
    let result = diff(&workspace, &fewer, &DiffOptions::new()).unwrap();
    assert_eq!((result.jobs.removed.as_slice(), result.jobs.added.len()), (&["job_stream".to_owned()][..], 0));
    let result = diff(&fewer, &workspace, &DiffOptions::new()).unwrap();
    assert_eq!(result.jobs.added, ["job_stream"]);
}

#[test]
fn affected_jobs_are_the_dependents_in_new() {
    let job = |name: &str, depends: &[&str]| {
        let jobs: Vec<String> = depends.iter().map(|d| format!("\"{d}\"")).collect();
        format!(
            r#"{{"name": "{name}", "schedule": {{"type": "CRON", "cron": {{"expression": "0 0 * * * ?", "dependJobs": {{"jobs": [{}]}}}}}}, "nodes": []}}"#,
            jobs.join(", ")
        )
    };
    // `up` is changed; `cycle_a` and `cycle_b` depend on each other and on `down`.
    let build = |retry: &str| {
        let mut bundle = Bundle::new(Layout::Single);
        let up = job("up", &[]).replace(r#""nodes": []"#, &format!(r#""nodes": [], "logPath": "{retry}""#));
        for (name, text) in [
            ("up", up),
            ("mid", job("mid", &["up"])),
            ("down", job("down", &["mid"])),
            ("other", job("other", &[])),
            ("cycle_a", job("cycle_a", &["down", "cycle_b"])),
            ("cycle_b", job("cycle_b", &["cycle_a"])),
        ] {
            bundle
                .insert(&format!("jobs/{name}.job"), Document::parse(DefinitionKind::Job, text.into_bytes()).unwrap())
                .unwrap();
        }
        bundle
    };
    let result = diff(&build("obs://a/"), &build("obs://b/"), &DiffOptions::new()).unwrap();
    assert_eq!(result.jobs.changed[0].name, "up");
    assert_eq!(result.jobs.changed[0].affected, ["cycle_a", "cycle_b", "down", "mid"]);
}

/// A job in a dependency cycle is not among the jobs its own change affects.
#[test]
fn a_changed_job_in_a_cycle_does_not_affect_itself() {
    let job = |name: &str, depend: &str, log: &str| {
        format!(
            r#"{{"name": "{name}", "logPath": "{log}", "schedule": {{"type": "CRON", "cron": {{"expression": "0 0 * * * ?", "dependJobs": {{"jobs": ["{depend}"]}}}}}}, "nodes": []}}"#
        )
    };
    let build = |log: &str| {
        let mut bundle = Bundle::new(Layout::Single);
        for (name, text) in [("a", job("a", "b", log)), ("b", job("b", "a", "obs://same/"))] {
            bundle
                .insert(&format!("jobs/{name}.job"), Document::parse(DefinitionKind::Job, text.into_bytes()).unwrap())
                .unwrap();
        }
        bundle
    };
    let result = diff(&build("obs://a/"), &build("obs://b/"), &DiffOptions::new()).unwrap();
    assert_eq!(result.jobs.changed.len(), 1, "{result:?}");
    assert_eq!(result.jobs.changed[0].affected, ["b"]);
}

#[test]
fn a_map_makes_environment_names_no_change() {
    let prod = BASE.replace(r#""value": "c""#, r#""value": "c_prod""#);
    assert_eq!(job_changes(BASE, &prod, &DiffOptions::new()).len(), 1);
    let map = "[connection]\nc = \"c_prod\"\n".parse().unwrap();
    assert_eq!(job_changes(BASE, &prod, &DiffOptions::new().map(map)), []);
}

#[test]
fn copies_of_a_script_that_differ_are_reported() {
    let mut bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())
        .unwrap()
        .to_layout(Layout::Batch, &dlf_bundle::resolve::ReferenceOptions::default())
        .unwrap();
    let other = dlf_bundle::Job::new("job_other");
    bundle.add_job(other).unwrap();
    let mut copy = dlf_bundle::Script::new("dws_sql", dlf_bundle::model::ScriptType::DwsSql, "select 2");
    copy.connection_name = Some("x".into());
    bundle.add_script(Some("job_other"), copy).unwrap();
    let result = diff(&bundle, &bundle, &DiffOptions::new()).unwrap();
    assert!(result.is_empty(), "a bundle is its own equal");
    let copies = &result.scripts.differing_copies;
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert_eq!(copies[0].entries, ["jobs/job_batch/dws_sql.script", "jobs/job_other/dws_sql.script"]);
}

/// `diff --format json`, `patch`, the exit codes, and refused inputs.
#[test]
fn the_command() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_dlf-bundle");
    let (old, new) = (dir.path().join("old.zip"), dir.path().join("new.zip"));
    bundle_of(BASE, &[]).write_to_path(&old).unwrap();
    bundle_of(&BASE.replacen(r#""retryTimes": 1"#, r#""retryTimes": 3"#, 1), &[]).write_to_path(&new).unwrap();
    let run = |args: &[&str]| Command::new(bin).arg("diff").arg(&old).arg(&new).args(args).output().unwrap();
    let json = run(&["--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["jobs"]["changed"][0]["changes"][0]["path"], "/nodes/n1/retryTimes");
    assert_eq!(report["jobs"]["changed"][0]["changes"][0]["new"], 3);
    assert_eq!(run(&["--exit-code"]).status.code(), Some(1));
    let patch: serde_json::Value = serde_json::from_slice(&run(&["--format", "patch"]).stdout).unwrap();
    assert_eq!(patch["jobs"]["j"], serde_json::json!([{"op": "replace", "path": "/nodes/0/retryTimes", "value": 3}]));
    let markdown = String::from_utf8(run(&["--format", "markdown"]).stdout).unwrap();
    assert!(markdown.contains("| jobs | 0 | 0 | 1 |"), "{markdown}");
    let same = Command::new(bin).arg("diff").arg(&old).arg(&old).arg("--exit-code").output().unwrap();
    assert_eq!(same.status.code(), Some(0));
    std::fs::write(&new, b"not a zip").unwrap();
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("NEW") && stderr.contains("refused by the reader"), "{stderr}");
    let missing = Command::new(bin).arg("diff").arg(&old).arg(dir.path().join("nope.zip")).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

mod properties {
    use super::*;
    use dlf_bundle::json::{self, Object, Value};
    use proptest::prelude::*;
    use proptest::sample::select;

    const NAMES: [&str; 4] = ["n1", "n2", "n3", "n4"];
    /// Members the model keeps as they are (not typed).
    const KEYS: [&str; 3] = ["custom", "note", "flag"];

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![(0i64..3).prop_map(Value::from), select(&["a", "b"][..]).prop_map(Value::from), Just(Value::Null),]
    }

    /// A node's name, members and properties.
    type NodeParts = (String, Vec<(String, Value)>, Vec<(String, Value)>);

    fn node() -> impl Strategy<Value = NodeParts> {
        (
            select(&NAMES[..]).prop_map(str::to_owned),
            prop::collection::vec((select(&KEYS[..]).prop_map(str::to_owned), scalar()), 0..3),
            prop::collection::vec(
                (select(&["connectionName", "database", "sql"][..]).prop_map(str::to_owned), scalar()),
                0..3,
            ),
        )
    }

    /// A job value with nodes (distinct names), properties and params.
    fn job() -> impl Strategy<Value = Value> {
        (
            prop::collection::vec(node(), 0..4),
            prop::collection::vec(scalar(), 0..3),
            prop::collection::vec(select(&NAMES[..]), 0..3),
        )
            .prop_map(|(nodes, extra, pre)| {
                let mut seen = std::collections::BTreeSet::new();
                let nodes: Vec<Value> = nodes
                    .into_iter()
                    .filter(|(name, _, _)| seen.insert(name.clone()))
                    .map(|(name, members, properties)| {
                        let mut node = Object::new();
                        node.insert("name", Value::from(name.as_str()));
                        for (key, value) in members {
                            node.insert(key, value);
                        }
                        let mut seen = std::collections::BTreeSet::new();
                        let properties = properties
                            .into_iter()
                            .filter(|(key, _)| seen.insert(key.clone()))
                            .map(|(key, value)| {
                                let mut property = Object::new();
                                property.insert("name", Value::from(key.as_str()));
                                property.insert("value", value);
                                Value::Object(property)
                            })
                            .collect();
                        node.insert("properties", Value::Array(properties));
                        node.insert("preNodeName", Value::Array(pre.iter().map(|n| Value::from(*n)).collect()));
                        Value::Object(node)
                    })
                    .collect();
                let mut job = Object::new();
                job.insert("name", Value::from("j"));
                job.insert("nodes", Value::Array(nodes));
                job.insert("extra", Value::Array(extra));
                Value::Object(job)
            })
    }

    fn bundle(value: &Value) -> Bundle {
        bundle_of(&String::from_utf8(json::to_vec_pretty(value)).unwrap(), &[])
    }

    /// Reverses every array of named elements and the order of every object's keys.
    fn shuffled(value: &Value, key: Option<&str>) -> Value {
        match value {
            Value::Object(object) => {
                let mut entries: Vec<(String, Value)> =
                    object.iter().map(|(k, v)| (k.to_owned(), shuffled(v, Some(k)))).collect();
                entries.reverse();
                let mut out = Object::new();
                for (k, v) in entries {
                    out.insert(k, v);
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut items: Vec<Value> = items.iter().map(|item| shuffled(item, None)).collect();
                if matches!(key, Some("nodes" | "properties" | "params" | "preNodeName")) {
                    items.reverse();
                }
                Value::Array(items)
            }
            other => other.clone(),
        }
    }

    fn to_serde(bundle: &Bundle) -> serde_json::Value {
        serde_json::Value::try_from(bundle.get("jobs/j.job").unwrap().document().unwrap().definition().to_value())
            .unwrap()
    }

    fn empty(result: &Diff) -> bool {
        result.is_empty()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn a_bundle_compared_with_itself_or_reordered_shows_no_change(job in job()) {
            let original = bundle(&job);
            prop_assert!(empty(&diff(&original, &original, &DiffOptions::new()).unwrap()));
            let reordered = bundle(&shuffled(&job, None));
            prop_assert!(empty(&diff(&original, &reordered, &DiffOptions::new()).unwrap()));
        }

        #[test]
        fn the_patch_applied_to_old_gives_new(old in job(), new in job()) {
            let (old, new) = (bundle(&old), bundle(&new));
            let result = diff(&old, &new, &DiffOptions::new()).unwrap();
            let patches = serde_json::to_value(result.patch()).unwrap();
            let mut patched = to_serde(&old);
            if let Some(ops) = patches["jobs"].get("j") {
                let patch: json_patch::Patch = serde_json::from_value(ops.clone()).unwrap();
                json_patch::patch(&mut patched, &patch).unwrap();
            }
            let patched = bundle_of(&patched.to_string(), &[]);
            let left = diff(&patched, &new, &DiffOptions::new()).unwrap();
            prop_assert!(empty(&left), "{:?}", left);
        }
    }
}

/// A zip holding one script `s` with these members (after its name and type).
fn script_zip(members: &str) -> Vec<u8> {
    let script = format!(r#"{{"name": "s", "type": "DWSSQL", {members}}}"#);
    crate::common::raw_zip(&[crate::common::RawEntry::new("scripts/s.script", script)])
}

/// What a row tests, OLD's members, NEW's, and the `(path, op)` changes expected.
type MembersRow = (&'static str, String, String, &'static [(&'static str, &'static str)]);

/// A script's members are compared one by one while both sides list the
/// same keys in the same order, the identical ones without parsing them;
/// the answer is the one the whole documents give.
#[test]
fn script_members_compare_as_whole_documents_do() {
    let content = r#""content": "select 1;\nselect 2;""#;
    let table: &[MembersRow] = &[
        (
            "connection changed, content the same",
            format!(r#"{content}, "connectionName": "c""#),
            format!(r#"{content}, "connectionName": "c2""#),
            &[("/connectionName", "replace")],
        ),
        (
            "the same members in another order",
            format!(r#"{content}, "connectionName": "c""#),
            format!(r#""connectionName": "c", {content}"#),
            &[],
        ),
        (
            "another order and a change",
            format!(r#"{content}, "connectionName": "c""#),
            format!(r#""connectionName": "c2", {content}"#),
            &[("/connectionName", "replace")],
        ),
        (
            "whitespace inside a member",
            r#""configuration": {"a": 1}"#.into(),
            r#""configuration": { "a" : 1 }"#.into(),
            &[],
        ),
        ("an escape spelling the same text", r#""content": "abc""#.into(), r#""content": "a\u0062c""#.into(), &[]),
        ("the same number written otherwise", r#""timeout": 1.0"#.into(), r#""timeout": 1"#.into(), &[]),
        ("a member added", content.into(), format!(r#"{content}, "database": "d""#), &[("/database", "add")]),
        ("a member removed", format!(r#"{content}, "database": "d""#), content.into(), &[("/database", "remove")]),
        ("the content changed", content.into(), content.replace("2;", "3;"), &[("/content", "replace")]),
    ];
    for (row, old, new, expected) in table {
        let (old, new) = (Bundle::from_slice(&script_zip(old)).unwrap(), Bundle::from_slice(&script_zip(new)).unwrap());
        let result = diff(&old, &new, &DiffOptions::new()).unwrap();
        let changes: Vec<(&str, &str)> =
            result.scripts.changed.iter().flat_map(|c| &c.changes).map(|c| (c.path.as_str(), c.op.as_str())).collect();
        assert_eq!(changes, *expected, "{row}");
        assert!(result.jobs.changed.is_empty() && result.scripts.added.is_empty(), "{row}");
    }
    // An ignored member is no change, whichever side lacks it.
    let (old, new) = (script_zip(&format!(r#"{content}, "connectionName": "c""#)), script_zip(content));
    let (old, new) = (Bundle::from_slice(&old).unwrap(), Bundle::from_slice(&new).unwrap());
    assert!(diff(&old, &new, &DiffOptions::new().ignore("connectionName")).unwrap().is_empty());
}

/// What does not parse in a script that differs is an error naming the
/// entry and the position in the whole document, not in one member.
#[test]
fn a_script_that_does_not_parse_is_an_error_with_its_position() {
    let old = Bundle::from_slice(&script_zip(r#""content": "x", "connectionName": "c""#)).unwrap();
    // (what the row tests, NEW's members, the text the error points at: its last occurrence)
    let table: [(&str, &str, &str); 2] = [
        ("a repeated key", r#""content": "x", "connectionName": "c", "connectionName": "d""#, "\"connectionName\""),
        ("a misspelt literal", r#""content": "x", "connectionName": tru"#, "tru"),
    ];
    for (row, members, at) in table {
        let new = Bundle::from_slice(&script_zip(members)).unwrap();
        let error = diff(&old, &new, &DiffOptions::new()).unwrap_err().to_string();
        let column = format!(r#"{{"name": "s", "type": "DWSSQL", {members}}}"#).rfind(at).unwrap() + 1;
        let position = format!("(line 1, column {column})");
        assert!(error.contains("scripts/s.script") && error.contains(&position), "{row}: {error}, not at {position}");
    }
}

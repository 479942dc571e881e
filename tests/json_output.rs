//! The JSON output of every command, pinned: the keys and value types
//! users' scripts read (the README documents each shape).
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn seed() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/workspace").display().to_string()
}

/// The shape of a JSON value: objects as their sorted keys with shapes,
/// arrays as the shape of their first element, scalars as their type.
fn shape(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(items) => format!("[{}]", items.first().map(shape).unwrap_or_default()),
        Value::Object(map) => {
            let mut members: Vec<String> = map.iter().map(|(k, v)| format!("{k}: {}", shape(v))).collect();
            members.sort();
            format!("{{{}}}", members.join(", "))
        }
    }
}

fn json_of(args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("map.toml"), "[connection]\ndws_link = \"dws_prod\"\n").unwrap();
    std::fs::write(
        dir.path().join("target.json"),
        r#"{"connections": [], "jobs": [{"name": "job_batch", "status": "NORMAL"}]}"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).current_dir(dir.path()).args(args).output().unwrap();
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn every_commands_json_keeps_its_shape() {
    let seed = seed();
    let changed_dir = tempfile::tempdir().unwrap();
    let changed = {
        let dir = changed_dir.path();
        for file in ["jobs/job_batch.job", "jobs/job_stream.job", "scripts/dws_sql.script"] {
            let to = dir.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            let text = std::fs::read_to_string(PathBuf::from(&seed).join(file)).unwrap();
            std::fs::write(to, text.replace("dws_link", "dws_other").replace("select", "SELECT")).unwrap();
        }
        // A stray file: one diagnostic for validate, no change for diff.
        std::fs::write(dir.join("notes.txt"), "notes").unwrap();
        dir.display().to_string()
    };
    let table: [(&[&str], &str); 9] = [
        (
            &["list", &seed, "--format", "json"],
            "{entries: [{kind: string, name: string, path: string}], layout: string, warnings: []}",
        ),
        (
            &["check", &seed, "--format", "json"],
            "{jobs: [{name: string, params: {bizdate: string}, path: string}], scripts: [{name: string, path: string}]}",
        ),
        (
            &["deps", &seed, "--format", "json"],
            "{jobs: [{dependencies: [{import_type: null, kind: string, name: string, node: null, probable: bool, status: string, via: string, via_script: null}], job: string}]}",
        ),
        (&["explain", "--list", "--format", "json"], "[{code: string, severity: string, title: string}]"),
        (
            &["validate", &changed, "--format", "json"],
            "{bundles: [{diagnostics: [{code: string, column: null, entry: string, file: string, hint: string, line: null, message: string, object: null, pointer: null, severity: string, suggestion: null}], path: string, suppressed: number, valid: bool}]}",
        ),
        (
            &["remap", &seed, "--map", "map.toml", "--dry-run", "--format", "json"],
            "{addressing: string, changes: [{entry: string, from: string, kind: string, pointer: string, to: string}], unmapped: [{entries: [string], kind: string, name: string}], unmatched: []}",
        ),
        (
            &["import-request", &seed, "--map", "map.toml", "--path", "obs://b/jobs.zip"],
            "{path: string, resources: [{name: string, replace: string, type: string}], sameNamePolicy: string}",
        ),
        (
            &["plan", &seed, "--target", "target.json", "--format", "json"],
            "{not_checked: [string], objects: [{action: string, checked: bool, kind: string, name: string}], problems: [{code: string, column: null, entry: null, file: null, hint: string, line: null, message: string, object: {kind: string, name: string}, pointer: null, severity: string, suggestion: null}], summary: {create: number, errors: number, not_checked: number, notes: number, overwrite: number, skip: number, warnings: number}}",
        ),
        (
            &["diff", &seed, &changed, "--format", "json"],
            "{addressing: string, jobs: {added: [], changed: [{affected: [], changes: [{new: string, old: string, op: string, path: string}], name: string}], removed: []}, resources: {added: [], changed: [], removed: []}, scripts: {added: [], changed: [{affected: [string], changes: [{diff: string, op: string, path: string}], name: string}], removed: []}}",
        ),
    ];
    let mismatched: Vec<String> = table
        .iter()
        .filter_map(|(args, expected)| {
            let actual = shape(&json_of(args));
            (actual != *expected).then(|| format!("{args:?}\n  actual:   {actual}\n  expected: {expected}"))
        })
        .collect();
    assert!(mismatched.is_empty(), "{}", mismatched.join("\n"));
}

/// The reports of `remap` and `diff` are written as they are serialised:
/// `addressing` first, then the report's fields in their documented order,
/// and a changed value keeps its document's member order.
#[test]
fn reports_open_with_their_addressing_and_keep_member_order() {
    let seed = seed();
    let changed_dir = tempfile::tempdir().unwrap();
    let job = changed_dir.path().join("jobs/job_batch.job");
    std::fs::create_dir_all(job.parent().unwrap()).unwrap();
    let text = std::fs::read_to_string(PathBuf::from(&seed).join("jobs/job_batch.job")).unwrap();
    let with_member = text.replacen('{', "{\n  \"zebra\": {\"z\": 1, \"a\": 2},", 1);
    std::fs::write(&job, with_member).unwrap();
    let changed = changed_dir.path().display().to_string();
    let table: [(&[&str], &str, &[&str]); 2] = [
        (
            &["remap", &seed, "--map", "map.toml", "--dry-run", "--format", "json"],
            "{\n  \"addressing\": \"index\",\n  \"changes\": [",
            &["\"entry\"", "\"pointer\"", "\"kind\"", "\"from\"", "\"to\""],
        ),
        (
            &["diff", &seed, &changed, "--format", "json"],
            "{\n  \"addressing\": \"name\",\n  \"jobs\": {",
            &["\"path\": \"/zebra\"", "\"op\": \"add\"", "\"z\": 1", "\"a\": 2"],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("map.toml"), "[connection]\ndws_link = \"dws_prod\"\n").unwrap();
    for (args, opening, in_order) in table {
        let output =
            Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).current_dir(dir.path()).args(args).output().unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.starts_with(opening), "{args:?}:\n{stdout}");
        let positions: Vec<Option<usize>> = in_order.iter().map(|key| stdout.find(key)).collect();
        assert!(positions.iter().all(Option::is_some), "{args:?}: {in_order:?} not all in\n{stdout}");
        assert!(positions.is_sorted(), "{args:?}: {in_order:?} out of order in\n{stdout}");
    }
}

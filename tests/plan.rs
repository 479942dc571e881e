//! `plan`: the target's inventory, the action for each object, and one row
//! per problem the plan reports.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::diagnostic::Code;
use dlf_bundle::model::Document;
use dlf_bundle::plan::{Action, Inventory, InventoryKind, PlanOptions, plan};
use dlf_bundle::remap::SameNamePolicy;
use dlf_bundle::{Bundle, DefinitionKind, Layout};
use std::path::Path;
use std::process::Command;

/// A single-layout bundle of `(path, JSON)` definitions.
fn bundle(definitions: &[(&str, &str)]) -> Bundle {
    let mut bundle = Bundle::new(Layout::Single);
    for (path, text) in definitions {
        let kind = DefinitionKind::from_extension(path.rsplit('.').next().unwrap()).unwrap();
        bundle.insert(path, Document::parse(kind, text.as_bytes().to_vec()).unwrap()).unwrap();
    }
    bundle
}

const DWS_JOB: &str = r#"{"name": "job_a", "processType": "BATCH", "schedule": {"type": "EXECUTE_ONCE"},
  "nodes": [{"name": "n", "type": "DWSSQL", "location": {"x": 0, "y": 0}, "properties": [
    {"name": "connectionName", "value": "dws_dev"}, {"name": "sql", "value": "select ${db}"}]}]}"#;

/// A job whose two nodes share a name.
const TWO_NODES_NAMED_N: &str = r#"{"name": "job_a", "processType": "BATCH", "schedule": {"type": "EXECUTE_ONCE"},
  "nodes": [{"name": "n", "type": "DWSSQL", "location": {"x": 0, "y": 0}, "properties": [{"name": "sql", "value": "select 1"}]},
            {"name": "n", "type": "DWSSQL", "location": {"x": 0, "y": 0}, "properties": [{"name": "sql", "value": "select 2"}]}]}"#;

fn depending(upstream: &str) -> String {
    format!(
        r#"{{"name": "job_b", "processType": "BATCH", "nodes": [], "schedule": {{"type": "CRON", "cron": {{"expression": "0 0 0 * * ?", "startTime": "2024-01-01T00:00:00+08", "dependJobs": {{"jobs": ["{upstream}"]}}}}}}}}"#
    )
}

/// What a row tests, the bundle, the inventory, the policy, and the
/// `(code, object)` problems expected.
type Row = (&'static str, Vec<(&'static str, String)>, &'static str, SameNamePolicy, Vec<(&'static str, &'static str)>);

#[test]
fn one_row_per_problem() {
    let job = || ("jobs/job_a.job", DWS_JOB.to_owned());
    let table: Vec<Row> = vec![
        (
            "a missing connection",
            vec![job()],
            r#"{"connections": [{"name": "dws_prod"}], "env_variables": [{"name": "db", "type": "constant"}]}"#,
            SameNamePolicy::Skip,
            vec![("DLFB0501", "dws_dev")],
        ),
        (
            "a missing environment variable",
            vec![job()],
            r#"{"connections": [{"name": "dws_dev"}], "env_variables": []}"#,
            SameNamePolicy::Skip,
            vec![("DLFB0502", "db")],
        ),
        (
            "an environment variable to set",
            vec![job()],
            r#"{"env_variables": [{"name": "db", "type": "variable", "value": "dev_db"}]}"#,
            SameNamePolicy::Skip,
            vec![("DLFB0508", "db")],
        ),
        (
            "overwriting a running job",
            vec![job()],
            r#"{"jobs": [{"name": "job_a", "status": "SCHEDULING"}]}"#,
            SameNamePolicy::Overwrite,
            vec![("DLFB0503", "job_a")],
        ),
        (
            "overwriting a stopped job",
            vec![job()],
            r#"{"jobs": [{"name": "job_a", "status": "STOPPED"}]}"#,
            SameNamePolicy::Overwrite,
            vec![],
        ),
        (
            "skipping a same-name job",
            vec![job()],
            r#"{"jobs": [{"name": "job_a", "status": "NORMAL"}]}"#,
            SameNamePolicy::Skip,
            vec![("DLFB0506", "job_a")],
        ),
        (
            "an upstream job nowhere",
            vec![("jobs/job_b.job", depending("job_up"))],
            r#"{"jobs": []}"#,
            SameNamePolicy::Skip,
            vec![("DLFB0504", "job_up")],
        ),
        (
            "an upstream job the target does not schedule",
            vec![("jobs/job_b.job", depending("job_up"))],
            r#"{"jobs": [{"name": "job_up", "status": "NORMAL"}]}"#,
            SameNamePolicy::Skip,
            vec![("DLFB0507", "job_up")],
        ),
        (
            "an upstream job the bundle carries",
            vec![("jobs/job_b.job", depending("job_a")), job()],
            r#"{"jobs": []}"#,
            SameNamePolicy::Skip,
            vec![],
        ),
        (
            "a validation error",
            vec![("jobs/job_a.job", TWO_NODES_NAMED_N.to_owned())],
            "{}",
            SameNamePolicy::Skip,
            vec![("DLFB0201", "job_a")],
        ),
        ("nothing known, nothing checked", vec![job()], "{}", SameNamePolicy::Skip, vec![]),
    ];
    for (what, definitions, inventory, policy, expected) in &table {
        let definitions: Vec<(&str, &str)> = definitions.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let inventory = Inventory::from_slice(inventory.as_bytes()).unwrap();
        let planned = plan(&bundle(&definitions), &inventory, &PlanOptions::new().same_name_policy(*policy)).unwrap();
        let problems: Vec<(String, &str)> = planned
            .problems
            .iter()
            .map(|p| (p.code.to_string(), p.object.as_ref().map_or("", |o| o.name.as_str())))
            .collect();
        let expected: Vec<(String, &str)> = expected.iter().map(|(c, o)| ((*c).to_owned(), *o)).collect();
        assert_eq!(problems, expected, "{what}");
    }
}

#[test]
fn every_plan_code_has_a_row() {
    let source = std::fs::read_to_string(file!()).unwrap();
    for code in Code::ALL.iter().filter(|code| code.as_str().starts_with("DLFB05")) {
        let tested = source.contains(&format!("\"{code}\""));
        assert!(tested, "{code} has no row");
    }
}

#[test]
fn a_bundle_over_the_import_limit() {
    let mut big = Bundle::new(Layout::Single);
    big.add_job(dlf_bundle::Job::new("job_a")).unwrap();
    let content = "select 1;\n".repeat(1_100_000);
    big.add_script(None, dlf_bundle::Script::new("s", dlf_bundle::model::ScriptType::DwsSql, content)).unwrap();
    let planned = plan(&big, &Inventory::default(), &PlanOptions::new()).unwrap();
    let codes: Vec<&str> = planned.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(codes.contains(&"DLFB0505"), "{codes:?}");
    assert!(planned.has_errors());
}

#[test]
fn actions_by_policy_and_a_map_applied_first() {
    let definitions = [
        ("jobs/job_a.job", DWS_JOB),
        (
            "jobs/job_c.job",
            r#"{"name": "job_c", "processType": "BATCH", "schedule": {"type": "EXECUTE_ONCE"}, "nodes": []}"#,
        ),
    ];
    let inventory = Inventory::from_slice(
        br#"{"jobs": [{"name": "job_a", "status": "STOPPED"}], "connections": [{"name": "dws_prod"}]}"#,
    )
    .unwrap();
    let actions = |policy| -> Vec<(String, Action)> {
        let planned = plan(&bundle(&definitions), &inventory, &PlanOptions::new().same_name_policy(policy)).unwrap();
        planned.objects.iter().map(|o| (o.name.clone(), o.action)).collect()
    };
    assert_eq!(actions(SameNamePolicy::Skip), [("job_a".into(), Action::Skip), ("job_c".into(), Action::Create)]);
    assert_eq!(
        actions(SameNamePolicy::Overwrite),
        [("job_a".into(), Action::Overwrite), ("job_c".into(), Action::Create)]
    );
    let map = "[connection]\ndws_dev = \"dws_prod\"\n".parse().unwrap();
    let mapped = plan(&bundle(&definitions), &inventory, &PlanOptions::new().map(map)).unwrap();
    assert!(mapped.problems.iter().all(|p| p.code != "DLFB0501"), "{:?}", mapped.problems);
    assert!(
        mapped.not_checked.contains(&InventoryKind::DliQueues) && !mapped.not_checked.contains(&InventoryKind::Jobs)
    );
}

#[test]
fn inventories_merge_and_bad_ones_say_what_is_wrong() {
    let mut inventory = Inventory::from_slice(br#"{"connections": []}"#).unwrap();
    assert!(inventory.is_known(InventoryKind::Connections) && !inventory.contains(InventoryKind::Connections, "x"));
    inventory.merge(Inventory::from_slice(br#"{"connections": [{"name": "x", "type": "DWS"}]}"#).unwrap());
    assert_eq!(inventory.get(InventoryKind::Connections, "x").unwrap().item_type.as_deref(), Some("DWS"));
    let table: [(&[u8], &str); 4] = [
        (b"{\"conections\": []}", "`conections` is not an inventory key"),
        (b"{\"jobs\": {}}", "`jobs`: expected an array"),
        (b"{\"jobs\": [{\"status\": \"NORMAL\"}]}", "`jobs[0].name`: expected a string"),
        (b"{\"jobs\": [", "invalid JSON"),
    ];
    for (text, message) in table {
        let error = Inventory::from_slice(text).unwrap_err().to_string();
        assert!(error.contains(message), "{}: {error}", String::from_utf8_lossy(text));
    }
}

/// The service's own List Jobs, List Scripts and List Resources bodies.
#[test]
fn the_service_list_responses_are_inventories() {
    let samples = Path::new("../shared/samples");
    if !samples.is_dir() {
        eprintln!("skipped: ../shared/samples is not here");
        return;
    }
    let table = [
        ("otc-doc-list-jobs-response.json", InventoryKind::Jobs, "myJob"),
        ("otc-doc-list-scripts-response.json", InventoryKind::Scripts, "mrs_spark_sql"),
        ("otc-doc-list-resources-response.json", InventoryKind::Resources, "test"),
    ];
    for (file, kind, name) in table {
        let inventory = Inventory::from_slice(&std::fs::read(samples.join(file)).unwrap()).unwrap();
        assert!(inventory.contains(kind, name), "{file}");
    }
    let jobs = Inventory::from_slice(&std::fs::read(samples.join("otc-doc-list-jobs-response.json")).unwrap()).unwrap();
    assert_eq!(jobs.get(InventoryKind::Jobs, "myJob").unwrap().status.as_deref(), Some("SCHEDULING"));
}

#[test]
fn the_command_exits_1_on_errors_and_2_on_a_bad_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_dlf-bundle");
    let zip = dir.path().join("jobs.zip");
    bundle(&[("jobs/job_a.job", DWS_JOB)]).write_to_path(&zip).unwrap();
    let inventory = dir.path().join("target.json");
    std::fs::write(&inventory, r#"{"connections": [{"name": "dws_prod"}]}"#).unwrap();
    let run = |extra: &[&str]| {
        Command::new(bin).arg("plan").arg(&zip).arg("--target").arg(&inventory).args(extra).output().unwrap()
    };
    let json = run(&["--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        report["objects"][0],
        serde_json::json!({"kind": "job", "name": "job_a", "action": "create", "checked": false})
    );
    assert_eq!(report["problems"][0]["code"], "DLFB0501");
    assert_eq!(report["problems"][0]["object"], serde_json::json!({"kind": "connection", "name": "dws_dev"}));
    assert!(report["not_checked"].as_array().unwrap().iter().any(|k| k == "dli_queues"));
    let map = dir.path().join("map.toml");
    std::fs::write(&map, "[connection]\ndws_dev = \"dws_prod\"\n").unwrap();
    assert_eq!(run(&["--map", map.to_str().unwrap()]).status.code(), Some(0));
    let markdown = String::from_utf8(run(&["--format", "markdown"]).stdout).unwrap();
    assert!(
        markdown.starts_with("## Import plan") && markdown.contains("| error | `DLFB0501` | connection `dws_dev` |"),
        "{markdown}"
    );
    std::fs::write(&inventory, "{\"conections\": []}").unwrap();
    let bad = run(&[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an inventory key"));
}

/// An action on a kind no inventory listed says it was not checked.
#[test]
fn actions_on_kinds_not_checked_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.json");
    std::fs::write(&target, r#"{"jobs": []}"#).unwrap();
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let run = |format: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dlf-bundle"))
            .args(["plan", workspace.to_str().unwrap(), "--target", target.to_str().unwrap(), "--format", format])
            .output()
            .unwrap()
    };
    let text = String::from_utf8(run("text").stdout).unwrap();
    assert!(text.contains("create (not checked) script dws_sql"), "{text}");
    assert!(text.contains("create job job_batch") || text.contains("create    job job_batch"), "{text}");
    assert!(text.contains("(1 not checked)"), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&run("json").stdout).unwrap();
    let script = json["objects"].as_array().unwrap().iter().find(|o| o["kind"] == "script").unwrap();
    assert_eq!(script["checked"], false);
    assert_eq!(json["summary"]["not_checked"], 1);
}

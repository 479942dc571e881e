//! Offline export: the seed example, shared scripts, `exportDepend=false`,
//! the single layout, upstream closure and cycles, every API error, `deps`.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use dlf_bundle::export::{ApiError, ExportOptions, export};
use dlf_bundle::resolve::ReferenceOptions;
use dlf_bundle::resolve::{self, Status};
use dlf_bundle::{DefinitionKind, ErrorKind, Layout, Workspace};
use std::path::{Path, PathBuf};
use std::process::Command;

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace")
}

/// The code the API answers `error` with.
fn api_code(error: &dlf_bundle::Error) -> Option<&'static str> {
    ApiError::from_error(error).map(|body| body.error_code)
}

fn names(jobs: &[&str]) -> Vec<String> {
    jobs.iter().map(|j| (*j).to_owned()).collect()
}

fn paths(export: &dlf_bundle::export::Export) -> Vec<&str> {
    export.bundle.iter().map(dlf_bundle::Entry::path).collect()
}

/// A workspace folder from `(relative path, JSON)` pairs.
fn workspace(files: &[(String, String)]) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let workspace = Workspace::open(dir.path()).unwrap();
    (dir, workspace)
}

fn job(name: &str, nodes: &str, depend_jobs: &[&str]) -> (String, String) {
    let depend = serde_json::to_string(depend_jobs).unwrap();
    (
        format!("jobs/{name}.job"),
        format!(
            r#"{{"name":"{name}","processType":"BATCH","nodes":[{nodes}],"schedule":{{"type":"CRON","cron":{{"expression":"0 0 1 * * ?","dependJobs":{{"jobs":{depend}}}}}}}}}"#
        ),
    )
}

fn sql_node(node: &str, script: &str) -> String {
    format!(r#"{{"name":"{node}","type":"DWSSQL","properties":[{{"name":"scriptName","value":"{script}"}}]}}"#)
}

fn spark_node(node: &str, resource: &str) -> String {
    format!(r#"{{"name":"{node}","type":"MRSSpark","properties":[{{"name":"resourcePath","value":"{resource}"}}]}}"#)
}

fn script(name: &str) -> (String, String) {
    (format!("scripts/{name}.script"), format!(r#"{{"name":"{name}","type":"DWSSQL","content":"select 1;"}}"#))
}

fn resource(name: &str) -> (String, String) {
    (
        format!("resources/{name}.resource"),
        format!(r#"{{"name":"{name}","type":"jar","location":"obs://b/{name}.jar"}}"#),
    )
}

#[test]
fn the_seed_example_exports_as_documented() {
    let workspace = Workspace::open(seed()).unwrap();
    let export = export(&workspace, &names(&["job_batch", "job_stream"]), &ExportOptions::default()).unwrap();
    assert_eq!(
        paths(&export),
        ["jobs/job_batch/dws_sql.script", "jobs/job_batch/job_batch.job", "jobs/job_stream/job_stream.job"]
    );
    let copied = export.bundle.get("jobs/job_batch/dws_sql.script").unwrap().document().unwrap().bytes().into_owned();
    assert_eq!(copied, std::fs::read(seed().join("scripts/dws_sql.script")).unwrap(), "copied byte for byte");
}

#[test]
fn shared_scripts_go_into_every_folder_once() {
    let (_dir, ws) = workspace(&[
        job("a", &[sql_node("n1", "shared"), sql_node("n2", "shared"), spark_node("n3", "lib")].join(","), &[]),
        job("b", &sql_node("n1", "shared"), &[]),
        script("shared"),
        resource("lib"),
    ]);
    let export = export(&ws, &names(&["a", "b"]), &ExportOptions::default()).unwrap();
    assert_eq!(
        paths(&export),
        ["jobs/a/a.job", "jobs/a/lib.resource", "jobs/a/shared.script", "jobs/b/b.job", "jobs/b/shared.script"]
    );
}

#[test]
fn export_depend_false_writes_only_jobs() {
    let workspace = Workspace::open(seed()).unwrap();
    let options = ExportOptions::default().export_depend(false);
    let export = export(&workspace, &names(&["job_batch"]), &options).unwrap();
    assert_eq!(paths(&export), ["jobs/job_batch/job_batch.job"]);
}

#[test]
fn single_layout_exports_one_job() {
    let (_dir, ws) = workspace(&[
        job("a", &[sql_node("n1", "s"), spark_node("n2", "r")].join(","), &[]),
        job("b", "", &[]),
        script("s"),
        resource("r"),
    ]);
    let options = ExportOptions::default().layout(Layout::Single);
    let export = export(&ws, &names(&["a"]), &options).unwrap();
    assert_eq!(paths(&export), ["jobs/a.job", "resources/r.resource", "scripts/s.script"]);
    let error = dlf_bundle::export::export(&ws, &names(&["a", "b"]), &options).unwrap_err();
    assert_eq!(api_code(&error), Some("DLF.3051"));
}

#[test]
fn request_errors_are_the_apis() {
    let workspace = Workspace::open(seed()).unwrap();
    let too_many: Vec<String> = (0..101).map(|i| format!("job{i}")).collect();
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (too_many, "DLF.3051", "101 jobs"),
        (names(&[]), "DLF.3051", "empty"),
        (names(&["job_batch", "job_batch"]), "DLF.3051", "`job_batch` is named twice"),
        (names(&["bad name!"]), "DLF.3051", "`bad name!` is not a valid job name"),
        (names(&["../job"]), "DLF.3051", "not a valid job name"),
        (names(&["job_batch", "ghost"]), "DLF.0100", "`ghost`"),
    ];
    for (jobs, code, detail) in cases {
        let error = export(&workspace, &jobs, &ExportOptions::default()).unwrap_err();
        assert_eq!(api_code(&error), Some(code), "{error}");
        assert!(error.message().contains(detail), "{error}");
        let body: serde_json::Value = serde_json::from_str(&ApiError::from_error(&error).unwrap().to_json()).unwrap();
        assert_eq!(body["error_code"], code);
    }
}

#[test]
fn a_missing_script_or_resource_names_job_node_and_object() {
    let (_dir, ws) = workspace(&[job("a", &[sql_node("load", "gone")].join(","), &[])]);
    let error = export(&ws, &names(&["a"]), &ExportOptions::default()).unwrap_err();
    let kind = ErrorKind::NotFound { kind: DefinitionKind::Script, name: "gone".into() };
    assert_eq!((api_code(&error), error.kind()), (Some("DLF.6201"), &kind));
    assert!(error.message().contains("Job `a`, node `load` needs script `gone`"), "{error}");

    let (_dir, ws) = workspace(&[job("a", &spark_node("spark", "lib"), &[])]);
    let error = export(&ws, &names(&["a"]), &ExportOptions::default()).unwrap_err();
    assert_eq!(api_code(&error), Some("DLF.6241"));
    assert!(error.message().contains("node `spark` needs resource `lib`"), "{error}");
}

#[test]
fn upstream_closure_follows_references_and_reports_cycles() {
    let (_dir, ws) = workspace(&[
        job("a", "", &["b"]),
        job("b", "", &["c", "ghost"]),
        job("c", "", &["a"]),
        job("unrelated", "", &[]),
    ]);
    let plain = export(&ws, &names(&["a"]), &ExportOptions::default()).unwrap();
    assert_eq!(paths(&plain), ["jobs/a/a.job"], "referenced jobs are not exported by default");

    let options = ExportOptions::default().with_upstream(true);
    let export = export(&ws, &names(&["a"]), &options).unwrap();
    assert_eq!(paths(&export), ["jobs/a/a.job", "jobs/b/b.job", "jobs/c/c.job"]);
    let notes: Vec<String> = export.notes.iter().map(ToString::to_string).collect();
    assert!(notes.iter().any(|n| n.contains("`ghost`")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("cycle: a -> b -> c -> a")), "{notes:?}");
}

#[test]
fn upstream_closure_respects_the_limit() {
    let mut items: Vec<(String, String)> =
        (0..101).map(|i| job(&format!("j{i}"), "", &[&format!("j{}", i + 1)])).collect();
    items.push(job("j101", "", &[]));
    let (_dir, ws) = workspace(&items);
    let error = export(&ws, &names(&["j0"]), &ExportOptions::default().with_upstream(true)).unwrap_err();
    assert_eq!(api_code(&error), Some("DLF.3051"));
    assert!(error.message().contains("102 jobs"), "{error}");
}

#[test]
fn a_workspace_with_two_files_of_one_name_is_refused_naming_both_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["scripts/b", "scripts/a", "scripts/c"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
    }
    let (_, text) = script("dup");
    std::fs::write(dir.path().join("scripts/b/dup.script"), &text).unwrap();
    std::fs::write(dir.path().join("scripts/a/dup.script"), &text).unwrap();
    std::fs::write(dir.path().join("scripts/c/other.script"), &text).unwrap();
    let error = Workspace::open(dir.path()).unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::DuplicateEntry);
    assert!(error.file().unwrap().ends_with("scripts/b/dup.script"), "{error}");
    assert!(error.message().contains("script `dup` is defined twice (also `"), "{error}");
    assert!(error.message().contains("scripts/a/dup.script`)"), "{error}");
}

#[test]
fn workspace_files_are_indexed_by_stem_and_extension_only() {
    let (dir, workspace) = workspace(&[script("s1"), resource("r1"), job("j1", "", &[])]);
    for stray in ["scripts/.script", "scripts/notes.txt", "scripts/s2.script.bak", "jobs/s1.script"] {
        std::fs::write(dir.path().join(stray), "{}").unwrap();
    }
    let workspace_again = Workspace::open(dir.path()).unwrap();
    for ws in [&workspace, &workspace_again] {
        assert_eq!(ws.names(dlf_bundle::DefinitionKind::Script).collect::<Vec<_>>(), ["s1"]);
        assert_eq!(ws.names(dlf_bundle::DefinitionKind::Resource).collect::<Vec<_>>(), ["r1"]);
        assert_eq!(ws.names(dlf_bundle::DefinitionKind::Job).collect::<Vec<_>>(), ["j1"]);
    }
}

#[test]
fn exports_are_deterministic() {
    let workspace = Workspace::open(seed()).unwrap();
    let one = export(&workspace, &names(&["job_batch", "job_stream"]), &ExportOptions::default()).unwrap();
    let two = export(&workspace, &names(&["job_stream", "job_batch"]), &ExportOptions::default()).unwrap();
    assert_eq!(one.bundle.to_vec().unwrap(), two.bundle.to_vec().unwrap());
}

#[test]
fn dependencies_are_marked_present_missing_or_external() {
    let (_dir, ws) = workspace(&[
        job("a", &[sql_node("n1", "s"), sql_node("n2", "gone")].join(","), &["b", "ghost"]),
        job("b", "", &[]),
        script("s"),
    ]);
    let report = resolve::workspace_dependencies(&ws, &names(&["a"]), &ReferenceOptions::default()).unwrap();
    let statuses: Vec<(String, Status)> =
        report[0].dependencies.iter().map(|d| (d.reference.target.to_string(), d.status)).collect();
    assert_eq!(
        statuses,
        [
            ("job `b`".to_owned(), Status::Present),
            ("job `ghost`".to_owned(), Status::Missing),
            ("script `s`".to_owned(), Status::Present),
            ("script `gone`".to_owned(), Status::Missing),
        ]
    );
    // In a batch bundle a script in another job's folder does not count.
    let exported = export(&ws, &names(&["b"]), &ExportOptions::default()).unwrap();
    let report = resolve::bundle_dependencies(&exported.bundle, &ReferenceOptions::default()).unwrap();
    assert_eq!(report.len(), 1);
}

/// `dlf-bundle export` of both seed jobs into `out`.
fn export_seed_with_cli(out: &Path) -> std::process::Output {
    let seed = seed();
    let workspace = seed.to_str().unwrap();
    cli(&["export", "--workspace", workspace, "--job", "job_batch", "--job", "job_stream", "-o", out.to_str().unwrap()])
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).args(args).output().unwrap()
}

#[test]
fn cli_export_prints_the_tree_and_fails_in_the_apis_shape() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("jobs.zip");
    let seed = seed();
    let ok = export_seed_with_cli(&out);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(
        String::from_utf8(ok.stdout).unwrap(),
        "jobs.zip\njobs\n├── job_batch\n│   ├── dws_sql.script\n│   └── job_batch.job\n└── job_stream\n    └── job_stream.job\n"
    );
    assert!(dlf_bundle::Bundle::open(&out).is_ok());

    let failed = dir.path().join("failed.zip");
    let bad = cli(&["export", "--workspace", seed.to_str().unwrap(), "--job", "ghost", "-o", failed.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    let body: serde_json::Value = serde_json::from_slice(&bad.stderr).unwrap();
    assert_eq!(body["error_code"], "DLF.0100");
    assert!(body["error_msg"].as_str().unwrap().contains("ghost"));
    assert!(!failed.exists(), "no output file on error");
}

#[test]
fn cli_deps_in_every_format() {
    let seed = seed();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("jobs.zip");
    export_seed_with_cli(&zip);
    for source in [vec![zip.to_str().unwrap()], vec!["--workspace", seed.to_str().unwrap()]] {
        for (format, marker) in
            [("text", "dws_sql"), ("json", "\"status\": \"present\""), ("dot", "digraph"), ("mermaid", "flowchart LR")]
        {
            let mut args = vec!["deps"];
            args.extend(&source);
            args.extend(["--format", format]);
            let output = cli(&args);
            assert_eq!(output.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
            let text = String::from_utf8(output.stdout).unwrap();
            assert!(text.contains(marker), "{args:?}: {text}");
            assert!(text.contains("dws_link"), "{args:?}: connections are shown: {text}");
        }
    }
    let json = cli(&["deps", "--workspace", seed.to_str().unwrap(), "--job", "job_batch", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["jobs"].as_array().unwrap().len(), 1);
    let connection = report["jobs"][0]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "connection")
        .unwrap()
        .clone();
    assert_eq!(connection["import_type"], "DWS_CONNECTION");
    assert_eq!(connection["status"], "external");
}

/// Which batch each job went into, checking each job is in exactly one.
fn batch_of(batches: &[dlf_bundle::export::Batch]) -> std::collections::BTreeMap<String, usize> {
    let mut of = std::collections::BTreeMap::new();
    for (index, batch) in batches.iter().enumerate() {
        for job in &batch.jobs {
            assert!(of.insert(job.clone(), index).is_none(), "{job} is in two batches");
        }
        let in_bundle: Vec<&str> = batch.bundle.jobs().map(Result::unwrap).map(|(entry, _)| entry.name()).collect();
        assert_eq!(in_bundle, batch.jobs, "{} holds its jobs", batch.file);
    }
    of
}

#[test]
fn batches_put_upstream_jobs_first_and_cycles_together() {
    use dlf_bundle::export::export_batches;
    let (_dir, ws) = workspace(&[
        job("d", &sql_node("n", "s"), &["c"]),
        job("c", "", &["b"]),
        job("b", "", &["a", "c"]),
        job("a", "", &[]),
        job("e", "", &[]),
        script("s"),
    ]);
    let batches = export_batches(&ws, 2, &ExportOptions::default()).unwrap();
    let jobs: Vec<Vec<String>> = batches.iter().map(|b| b.jobs.clone()).collect();
    assert_eq!(jobs, [names(&["a"]), names(&["b", "c"]), names(&["d", "e"])]);
    assert_eq!(batches[2].file, "batch-003.zip");
    assert!(batches[2].bundle.iter().any(|e| e.path() == "jobs/d/s.script"), "a batch carries its jobs' scripts");
    let error = export_batches(&ws, 1, &ExportOptions::default()).unwrap_err();
    assert_eq!(api_code(&error), Some("DLF.3051"));
    assert!(error.to_string().contains("jobs b, c depend on each other in a cycle of 2 jobs"), "{error}");
    for size in [0, 101] {
        assert_eq!(api_code(&export_batches(&ws, size, &ExportOptions::default()).unwrap_err()), Some("DLF.3051"));
    }
}

#[test]
fn cli_export_all_and_split() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("batches");
    let seed = seed();
    let split = |dir: &Path| {
        cli(&["export", "--workspace", seed.to_str().unwrap(), "--all", "--split", "1", "-o", dir.to_str().unwrap()])
    };
    let output = split(&dir);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("plan.json")).unwrap()).unwrap();
    assert_eq!(
        plan,
        serde_json::json!({"batches": [{"file": "batch-001.zip", "jobs": ["job_batch"]}, {"file": "batch-002.zip", "jobs": ["job_stream"]}]})
    );
    for file in ["batch-001.zip", "batch-002.zip"] {
        let validate = cli(&["validate", dir.join(file).to_str().unwrap()]);
        assert!(validate.status.success(), "{file} validates on its own");
    }
    let again = split(&dir);
    assert_eq!(again.status.code(), Some(1), "a folder with batches of an earlier run is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
    let all = out.path().join("all.zip");
    let output = cli(&["export", "--workspace", seed.to_str().unwrap(), "--all", "-o", all.to_str().unwrap()]);
    assert!(output.status.success());
    assert_eq!(dlf_bundle::Bundle::open(&all).unwrap().jobs().map(Result::unwrap).count(), 2);
}

mod batch_properties {
    use super::*;
    use dlf_bundle::export::export_batches;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Random dependency graphs, cycles included: every job is exported
        /// once, batches hold at most N jobs, and a job's upstream jobs are
        /// in its batch or an earlier one (so a cycle shares a batch); or
        /// the export names a cycle longer than a batch.
        #[test]
        fn batches_respect_dependencies(
            edges in prop::collection::vec((0usize..12, 0usize..12), 0..24),
            count in 1usize..12,
            size in 1usize..6,
        ) {
            let name = |i: usize| format!("job_{i:02}");
            let files: Vec<(String, String)> = (0..count)
                .map(|i| {
                    let upstream: Vec<String> =
                        edges.iter().filter(|(from, to)| *from == i && *to < count).map(|(_, to)| name(*to)).collect();
                    let upstream: Vec<&str> = upstream.iter().map(String::as_str).collect();
                    job(&name(i), "", &upstream)
                })
                .collect();
            let (_dir, ws) = workspace(&files);
            match export_batches(&ws, size, &ExportOptions::default()) {
                Ok(batches) => {
                    let of = batch_of(&batches);
                    prop_assert_eq!(of.len(), count);
                    prop_assert!(batches.iter().all(|b| b.jobs.len() <= size));
                    for (from, to) in edges.iter().filter(|(from, to)| *from < count && *to < count) {
                        prop_assert!(of[&name(*to)] <= of[&name(*from)], "{} depends on {}", name(*from), name(*to));
                    }
                }
                Err(error) => prop_assert!(error.to_string().contains("in a cycle of"), "{}", error),
            }
        }
    }
}

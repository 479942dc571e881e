//! Ready for CI: folders as inputs, locations, SARIF / GitHub / JUnit, the
//! config file, exit codes, standard input, colour, completions and the
//! manual page.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const JOB: &str = r#"{
  "name": "job_a",
  "processType": "BATCH",
  "schedule": {"type": "EXECUTE_ONCE"},
  "nodes": [
    {
      "name": "load",
      "type": "DWSSQL",
      "location": {"x": 0, "y": 0},
      "properties": [{"name": "scriptName", "value": "s1"}]
    },
    {
      "name": "report",
      "type": "DWSSQL",
      "location": {"x": 0, "y": 0},
      "preNodeName": ["load"],
      "properties": [{"name": "scriptName", "value": "s2"}]
    }
  ]
}
"#;

/// Where the `report` node's `scriptName` value `"s2"` is (1-based line and column).
const REPORT_SCRIPT_LINE: usize = 17;
const REPORT_SCRIPT_COLUMN: usize = 54;

/// A single-layout folder whose job needs `s1` (present) and `s2` (missing).
fn folder_with_a_missing_script() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("jobs")).unwrap();
    std::fs::create_dir_all(dir.path().join("scripts")).unwrap();
    std::fs::write(dir.path().join("jobs/job_a.job"), JOB).unwrap();
    std::fs::write(dir.path().join("scripts/s1.script"), SCRIPT).unwrap();
    dir
}

const SCRIPT: &str = r#"{"name": "s1", "type": "DWSSQL", "content": "select 1", "connectionName": "c"}"#;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).current_dir(dir).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn sarif_of_a_folder_points_at_the_job_files_line() {
    let dir = folder_with_a_missing_script();
    let output = run_in(dir.path(), &["validate", ".", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    // The SARIF 2.1.0 object model, generated from the schema.
    let sarif: serde_sarif::sarif::Sarif = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(serde_json::to_value(&sarif.version).unwrap(), "2.1.0");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &value["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "dlf-bundle");
    assert!(run["tool"]["driver"]["informationUri"].as_str().unwrap().starts_with("https://"));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), dlf_bundle::diagnostic::Code::ALL.len(), "a rule for every code");
    assert!(rules.iter().all(|rule| rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty())));
    let results = run["results"].as_array().unwrap();
    let missing = results.iter().find(|r| r["ruleId"] == "DLFB0302").expect("DLFB0302 reported");
    let physical = &missing["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "jobs/job_a.job");
    assert_eq!(physical["region"]["startLine"], REPORT_SCRIPT_LINE);
    assert_eq!(physical["region"]["startColumn"], REPORT_SCRIPT_COLUMN);
    assert_eq!(missing["level"], "error");
    assert_eq!(
        missing["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "jobs/job_a.job#/nodes/1/properties/0/value"
    );
    let again: serde_json::Value =
        serde_json::from_slice(&run_in(dir.path(), &["validate", ".", "--format", "sarif"]).stdout).unwrap();
    assert_eq!(again["runs"][0]["results"], run["results"], "fingerprints and all are stable across runs");
}

#[test]
fn sarif_of_a_zip_names_the_entry_in_the_message() {
    let dir = folder_with_a_missing_script();
    let zip = dir.path().join("jobs.zip");
    let pack = run_in(dir.path(), &["pack", ".", "-o", zip.to_str().unwrap()]);
    assert_eq!(pack.status.code(), Some(0), "{}", String::from_utf8_lossy(&pack.stderr));
    let output = run_in(dir.path(), &["validate", "jobs.zip", "--format", "sarif"]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let result =
        value["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "DLFB0302").cloned().unwrap();
    assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "jobs.zip");
    assert!(
        result["message"]["text"].as_str().unwrap().contains("entry `jobs/job_a.job#/nodes/1/properties/0/value`"),
        "{result}"
    );
}

#[test]
fn text_github_and_junit_formats() {
    let dir = folder_with_a_missing_script();
    let text = stdout(&run_in(dir.path(), &["validate", "."]));
    assert!(
        text.contains(&format!(
            "--> ./jobs/job_a.job:{REPORT_SCRIPT_LINE}:{REPORT_SCRIPT_COLUMN} (#/nodes/1/properties/0/value)"
        )),
        "{text}"
    );
    let github = stdout(&run_in(dir.path(), &["validate", ".", "--format", "github"]));
    let expected = format!(
        "::error file=jobs/job_a.job,line={REPORT_SCRIPT_LINE},col={REPORT_SCRIPT_COLUMN},title=DLFB0302::node `report` needs script `s2`"
    );
    assert!(github.lines().any(|line| line.starts_with(&expected)), "{github}");
    let junit = stdout(&run_in(dir.path(), &["validate", ".", "--format", "junit"]));
    assert!(junit.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"), "{junit}");
    assert!(junit.contains("<testcase classname=\".\" name=\"jobs/job_a.job\">"), "{junit}");
    assert!(junit.contains("<failure type=\"DLFB0302\""), "{junit}");
    assert_eq!(junit.matches("<testsuite ").count(), 1);
}

#[test]
fn a_broken_file_gets_its_diagnostic_and_the_others_are_still_checked() {
    let dir = folder_with_a_missing_script();
    std::fs::write(dir.path().join("scripts/s1.script"), "{\"name\": \"s1\",\n").unwrap();
    std::fs::write(dir.path().join("jobs/job_b.job"), JOB.replace("job_a", "job_b").replace("\"DWSSQL\"", "\"Frob\""))
        .unwrap();
    let output = run_in(dir.path(), &["validate", ".", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = report["bundles"][0]["diagnostics"].as_array().unwrap();
    let json_error = diagnostics.iter().find(|d| d["code"] == "DLFB0005").unwrap();
    assert_eq!((json_error["file"].as_str().unwrap(), json_error["line"].as_u64()), ("./scripts/s1.script", Some(2)));
    assert!(diagnostics.iter().any(|d| d["code"] == "DLFB0102" && d["entry"] == "jobs/job_b.job"), "job_b checked too");
}

#[test]
fn the_config_file_sets_severities_and_ignores_findings() {
    let dir = folder_with_a_missing_script();
    let codes = |output: &Output| -> Vec<(String, String)> {
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["bundles"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].as_str().unwrap().to_owned(), d["severity"].as_str().unwrap().to_owned()))
            .collect()
    };
    let nested = dir.path().join("jobs");
    // Found in the working directory's parent.
    std::fs::write(dir.path().join("dlf-bundle.toml"), "[severity]\nDLFB0302 = \"warning\"\n").unwrap();
    let output = run_in(&nested, &["validate", "..", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "the only error is now a warning");
    assert!(codes(&output).contains(&("DLFB0302".into(), "warning".into())));
    std::fs::write(dir.path().join("dlf-bundle.toml"), "[[ignore]]\ncode = \"DLFB0302\"\nentry = \"jobs/*.job\"\n")
        .unwrap();
    let output = run_in(dir.path(), &["validate", ".", "--format", "json"]);
    assert!(!codes(&output).iter().any(|(code, _)| code == "DLFB0302"));
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "[severity]\nDLFB0302 = \"allow\"\n").unwrap();
    let output = run_in(dir.path(), &["validate", ".", "--config", other.to_str().unwrap(), "--format", "json"]);
    assert!(!codes(&output).iter().any(|(code, _)| code == "DLFB0302"));
    let table = [
        ("[severity]\nDLFB0302 = \"warning\"\n[sevrity]\n", "unknown field `sevrity`", "line 3"),
        ("[severity]\nDLFB9999 = \"allow\"\n", "`DLFB9999` is not a diagnostic code", "line 2"),
        ("[severity]\nDLFB0302 = \"loud\"\n", "unknown variant `loud`", "line 2"),
        ("[[ignore]]\ncode = \"DLFB0302\"\nentyr = \"x\"\n", "unknown field `entyr`", "line 3"),
    ];
    for (text, message, line) in table {
        std::fs::write(dir.path().join("dlf-bundle.toml"), text).unwrap();
        let output = run_in(dir.path(), &["validate", "."]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{text}");
        assert!(stderr.contains(message) && stderr.contains(line), "{text}: {stderr}");
    }
}

#[test]
fn exit_codes_standard_input_colour_and_quiet() {
    let dir = folder_with_a_missing_script();
    assert_eq!(run_in(dir.path(), &["validate", "missing.zip"]).status.code(), Some(2), "a missing input");
    assert_eq!(run_in(dir.path(), &["validate", "."]).status.code(), Some(1), "findings");
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    assert_eq!(run_in(dir.path(), &["validate", seed.to_str().unwrap()]).status.code(), Some(0));
    let zip = dir.path().join("jobs.zip");
    let seed_zip = run_in(dir.path(), &["pack", seed.to_str().unwrap(), "-o", zip.to_str().unwrap()]);
    assert!(seed_zip.status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_dlf-bundle"))
        .args(["validate", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(&zip).unwrap()).unwrap();
    let piped = child.wait_with_output().unwrap();
    assert_eq!(piped.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(report["bundles"][0]["path"], "-");
    let listed = Command::new(env!("CARGO_BIN_EXE_dlf-bundle"))
        .args(["list", "-"])
        .stdin(std::fs::File::open(&zip).unwrap())
        .output()
        .unwrap();
    assert!(stdout(&listed).contains("jobs/job_batch.job"), "{}", stdout(&listed));
    let coloured = stdout(&run_in(dir.path(), &["validate", ".", "--color", "always"]));
    assert!(coloured.contains("\u{1b}[1;31merror"), "{coloured}");
    assert!(!stdout(&run_in(dir.path(), &["validate", ".", "--color", "never"])).contains('\u{1b}'));
    let quiet = stdout(&run_in(dir.path(), &["validate", ".", "--quiet"]));
    assert!(quiet.contains("error[DLFB0302]") && !quiet.contains("warning["), "{quiet}");
    let packed = run_in(dir.path(), &["pack", seed.to_str().unwrap(), "-o", "quiet.zip", "--quiet"]);
    assert!(packed.status.success() && packed.stderr.is_empty(), "{}", String::from_utf8_lossy(&packed.stderr));
}

#[test]
fn max_entries_on_every_reading_command_names_the_flag() {
    let dir = folder_with_a_missing_script();
    for command in [&["list"][..], &["check"], &["deps"], &["unpack", "--dir", "out"], &["plan", "--target", "t.json"]]
    {
        std::fs::write(dir.path().join("t.json"), "{}").unwrap();
        let mut args: Vec<&str> = vec![command[0], "."];
        args.extend(&command[1..]);
        args.extend(["--max-entries", "1"]);
        let output = run_in(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{command:?}: {stderr}");
        assert!(stderr.contains("--max-entries"), "{command:?}: {stderr}");
    }
}

#[test]
fn completions_and_the_manual_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run_in(dir.path(), &["completions", shell]);
        assert!(output.status.success() && stdout(&output).contains("validate"), "{shell}");
    }
    let man = stdout(&run_in(dir.path(), &["man"]));
    assert!(man.contains(".TH dlf-bundle 1") && man.contains("validate"), "{man}");
}

/// Every subcommand's help shows an example and its exit status.
#[test]
fn every_help_has_an_example_and_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let commands = [
        "list",
        "unpack",
        "pack",
        "export",
        "validate",
        "check",
        "plan",
        "deps",
        "diff",
        "explain",
        "set",
        "get",
        "remap",
        "import-request",
    ];
    for command in commands {
        let help = stdout(&run_in(dir.path(), &[command, "--help"]));
        assert!(help.contains("Example") && help.contains(&format!("dlf-bundle {command} ")), "{command}: {help}");
        assert!(help.contains("Exit status"), "{command}: {help}");
    }
}

/// `-o` never replaces an input, nor a file that is not a zip without
/// `--force`; `-o -` writes the zip to standard output.
#[test]
fn output_safety_and_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("jobs")).unwrap();
    std::fs::create_dir_all(ws.join("scripts")).unwrap();
    for file in ["jobs/job_batch.job", "jobs/job_stream.job", "scripts/dws_sql.script"] {
        std::fs::copy(seed.join(file), ws.join(file)).unwrap();
    }
    let job = ws.join("jobs/job_batch.job");
    let before = std::fs::read(&job).unwrap();
    let export =
        run_in(dir.path(), &["export", "--workspace", "ws", "--job", "job_batch", "-o", job.to_str().unwrap()]);
    assert_eq!(export.status.code(), Some(2), "{}", String::from_utf8_lossy(&export.stderr));
    assert!(String::from_utf8_lossy(&export.stderr).contains("inside the input"));
    assert_eq!(std::fs::read(&job).unwrap(), before, "the input is untouched");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "mine").unwrap();
    let pack = run_in(dir.path(), &["pack", "ws", "-o", "notes.txt"]);
    assert_eq!(pack.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&pack.stderr).contains("is not a zip: pass --force"));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mine");
    assert!(run_in(dir.path(), &["pack", "ws", "-o", "notes.txt", "--force"]).status.success());
    let missing = run_in(dir.path(), &["pack", "ws", "-o", "no/such/folder/out.zip"]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("no/such/folder") && !stderr.contains(".tmp"), "{stderr}");
    let piped = run_in(dir.path(), &["pack", "ws", "-o", "-"]);
    assert!(piped.status.success());
    let bundle = dlf_bundle::Bundle::from_slice(&piped.stdout).unwrap();
    assert_eq!(bundle.len(), 3);
    let exported = run_in(dir.path(), &["export", "--workspace", "ws", "--job", "job_batch", "-o", "-"]);
    assert!(dlf_bundle::Bundle::from_slice(&exported.stdout).is_ok(), "only the zip on standard output");
}

#[test]
fn deps_used_by_lists_each_place_once() {
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(&run_in(dir.path(), &["deps", seed.to_str().unwrap(), "--used-by", "connection:dws_link"]));
    assert_eq!(
        text,
        "connection `dws_link` is used by:\n  job_batch                        node DWS_SQL (connectionName), via script dws_sql\n  job_batch                        node DWS_SQL (connectionName)\n"
    );
    let json = run_in(dir.path(), &["deps", seed.to_str().unwrap(), "--used-by", "script:dws_sql", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        report,
        serde_json::json!({"object": {"kind": "script", "name": "dws_sql"},
            "used_by": [{"job": "job_batch", "node": "DWS_SQL", "via": "scriptName", "via_script": null}]})
    );
    assert_eq!(run_in(dir.path(), &["deps", seed.to_str().unwrap(), "--used-by", "nonsense"]).status.code(), Some(2));
}

/// `deps --workspace` on an unpacked batch export reads the scripts in the
/// job folders as present.
#[test]
fn deps_of_an_unpacked_batch_export() {
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("jobs.zip");
    assert!(
        run_in(dir.path(), &["pack", seed.to_str().unwrap(), "--layout", "batch", "-o", zip.to_str().unwrap()])
            .status
            .success()
    );
    assert!(run_in(dir.path(), &["unpack", "jobs.zip", "--dir", "unpacked"]).status.success());
    let output = run_in(dir.path(), &["deps", "--workspace", "unpacked", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let script = report["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|job| job["dependencies"].as_array().unwrap())
        .find(|d| d["kind"] == "script")
        .cloned()
        .unwrap();
    assert_eq!((script["name"].as_str(), script["status"].as_str()), (Some("dws_sql"), Some("present")));
}

/// A folder whose only finding is one warning (an unused script).
fn folder_with_one_warning() -> tempfile::TempDir {
    let dir = folder_with_a_missing_script();
    std::fs::write(dir.path().join("scripts/s2.script"), SCRIPT.replace("s1", "s2")).unwrap();
    std::fs::write(dir.path().join("scripts/extra.script"), SCRIPT.replace("s1", "extra")).unwrap();
    dir
}

/// Under `--deny-warnings` a warning is a failure in every format, as the
/// exit status says.
#[test]
fn denied_warnings_fail_in_every_format() {
    let dir = folder_with_one_warning();
    let plain = run_in(dir.path(), &["validate", "."]);
    assert_eq!(plain.status.code(), Some(0), "{}", stdout(&plain));
    assert!(stdout(&plain).contains(".: valid (0 errors, 1 warning)"), "{}", stdout(&plain));
    let args = |format: &'static str| vec!["validate", ".", "--deny-warnings", "--format", format];
    let text = run_in(dir.path(), &args("text"));
    assert_eq!(text.status.code(), Some(1));
    assert!(stdout(&text).contains(".: invalid (0 errors, 1 warning denied by --deny-warnings)"), "{}", stdout(&text));
    let json: serde_json::Value = serde_json::from_slice(&run_in(dir.path(), &args("json")).stdout).unwrap();
    assert_eq!(json["bundles"][0]["valid"], false);
    let junit = stdout(&run_in(dir.path(), &args("junit")));
    assert!(junit.contains("failures=\"1\"") && junit.contains("<failure type=\"DLFB0304\""), "{junit}");
    let sarif: serde_json::Value = serde_json::from_slice(&run_in(dir.path(), &args("sarif")).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!((result["ruleId"].as_str(), result["level"].as_str()), (Some("DLFB0304"), Some("error")));
    let github = stdout(&run_in(dir.path(), &args("github")));
    assert!(github.starts_with("::error "), "{github}");
}

/// JUnit consumers count test cases: every definition checked is one.
#[test]
fn junit_lists_every_definition_checked() {
    let dir = folder_with_one_warning();
    let junit = stdout(&run_in(dir.path(), &["validate", ".", "--format", "junit"]));
    for case in ["(bundle)", "jobs/job_a.job", "scripts/s1.script", "scripts/s2.script", "scripts/extra.script"] {
        assert!(junit.contains(&format!("name=\"{case}\"")), "{case}: {junit}");
    }
    assert!(junit.contains("tests=\"5\" failures=\"0\""), "{junit}");
}

/// An input that cannot be read is reported in every format, which is
/// still written whole, and the exit status is 2.
#[test]
fn an_unreadable_input_is_reported_in_every_format() {
    let dir = folder_with_one_warning();
    let args = |format: &'static str| vec!["validate", ".", "missing.zip", "--format", format];
    let sarif_run = run_in(dir.path(), &args("sarif"));
    assert_eq!(sarif_run.status.code(), Some(2));
    let sarif: serde_json::Value = serde_json::from_slice(&sarif_run.stdout).unwrap();
    let _: serde_sarif::sarif::Sarif = serde_json::from_slice(&sarif_run.stdout).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(invocation["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap().contains("missing.zip"));
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "DLFB0304", "the readable input is still reported");
    let json_run = run_in(dir.path(), &args("json"));
    assert_eq!(json_run.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&json_run.stdout).unwrap();
    assert_eq!(json["bundles"][1]["path"], "missing.zip");
    assert!(json["bundles"][1]["error"].as_str().unwrap().contains("does not exist"));
    let junit = run_in(dir.path(), &args("junit"));
    assert_eq!(junit.status.code(), Some(2));
    assert!(stdout(&junit).contains("errors=\"1\"") && stdout(&junit).contains("<error type=\"unreadable\""));
    let text = run_in(dir.path(), &args("text"));
    assert_eq!(text.status.code(), Some(2));
    assert!(stdout(&text).contains("missing.zip: unreadable"), "{}", stdout(&text));
}

/// What the settings suppress is counted, and SARIF carries it with its
/// suppression; an error in a settings file names that file.
#[test]
fn suppressed_findings_are_visible_and_settings_errors_name_their_file() {
    let dir = folder_with_one_warning();
    std::fs::write(dir.path().join("dlf-bundle.toml"), "[severity]\nDLFB0304 = \"allow\"\n").unwrap();
    let text = stdout(&run_in(dir.path(), &["validate", "."]));
    assert!(text.contains("(0 errors, 0 warnings; 1 suppressed by ./dlf-bundle.toml)"), "{text}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&run_in(dir.path(), &["validate", ".", "--format", "sarif"]).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "DLFB0304");
    assert_eq!(result["suppressions"][0]["kind"], "external");
    std::fs::write(dir.path().join("cfgbad.toml"), "[severity]\nDLFB9999 = \"allow\"\n").unwrap();
    let output = run_in(dir.path(), &["validate", ".", "--config", "cfgbad.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cfgbad.toml") && !stderr.contains("dlf-bundle.toml"), "{stderr}");
    assert!(stderr.contains("line 2, column 1"), "{stderr}");
}

/// `source <(dlf-bundle completions bash)` completes options of
/// subcommands (the generated names once did not match for a hyphenated
/// binary name): the shell itself is run, with `COMP_WORDS` set as bash
/// sets them.
#[test]
fn bash_completes_subcommands_options_and_values() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("skipping: no bash");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("dlf-bundle.bash");
    std::fs::write(&script, run_in(dir.path(), &["completions", "bash"]).stdout).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["dlf-bundle", "val"], "validate"),
        (&["dlf-bundle", "validate", "--f"], "--format"),
        (&["dlf-bundle", "validate", "--format", ""], "text json sarif github junit"),
        (&["dlf-bundle", "remap", "--dry"], "--dry-run"),
    ];
    for (words, expected) in cases {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let (cword, cur, prev) = (words.len() - 1, words[words.len() - 1], words[words.len() - 2]);
        let program = format!(
            "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; \
             fn=$(complete -p dlf-bundle | sed -E 's/.*-F ([^ ]+).*/\\1/'); \"$fn\" dlf-bundle '{cur}' '{prev}'; \
             echo \"${{COMPREPLY[*]}}\"",
            script.display(),
            quoted.join(" ")
        );
        let output = Command::new("bash").args(["-c", &program]).output().unwrap();
        assert_eq!(stdout(&output).trim(), *expected, "{words:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// Text output shows the line of each finding with a caret under its
/// column, as rustc does; never the line of a credential.
#[test]
fn text_shows_the_source_line_with_a_caret() {
    let dir = folder_with_a_missing_script();
    let text = stdout(&run_in(dir.path(), &["validate", "."]));
    let expected = format!(
        "{REPORT_SCRIPT_LINE} |       \"properties\": [{{\"name\": \"scriptName\", \"value\": \"s2\"}}]\n   | {}^\n",
        " ".repeat(REPORT_SCRIPT_COLUMN - 1)
    );
    assert!(text.contains(&expected), "{text}");
    std::fs::write(
        dir.path().join("jobs/job_a.job"),
        JOB.replace("\"s2\"}]", "\"s2\"}, {\"name\": \"password\", \"value\": \"hunter2hunter2\"}]"),
    )
    .unwrap();
    let text = stdout(&run_in(dir.path(), &["validate", "."]));
    assert!(text.contains("DLFB0110") && !text.contains("hunter2hunter2"), "{text}");
    let json = stdout(&run_in(dir.path(), &["validate", ".", "--format", "json"]));
    let sarif = stdout(&run_in(dir.path(), &["validate", ".", "--format", "sarif"]));
    let github = stdout(&run_in(dir.path(), &["validate", ".", "--format", "github"]));
    for output in [json, sarif, github] {
        assert!(!output.contains("hunter2hunter2"), "{output}");
    }
}

/// `man --all -o DIR` writes the page every subcommand the main page
/// refers to (`dlf-bundle-validate(1)`, …).
#[test]
fn every_page_the_manual_refers_to_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["man", "--all", "-o", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let main = std::fs::read_to_string(dir.path().join("dlf-bundle.1")).unwrap();
    for command in ["validate", "set", "remap", "diff", "schema", "export", "plan"] {
        assert!(main.contains(&format!("dlf\\-bundle\\-{command}(1)")), "{command}");
        let page = std::fs::read_to_string(dir.path().join(format!("dlf-bundle-{command}.1"))).unwrap();
        assert!(page.contains(".SH SYNOPSIS") && page.contains(&format!("dlf\\-bundle\\-{command}")), "{command}");
    }
}

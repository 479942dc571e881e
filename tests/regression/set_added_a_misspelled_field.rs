//! `set ed --job job_batch --node DWS_SQL retrytimes=3` (a typo) exited 0
//! and the file gained `"retrytimes": 3` beside `"retryTimes": 0`; and
//! `property.database=2024` wrote a JSON number where the service's models
//! type every property value as a string.

use std::process::Command;

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    for folder in ["jobs", "scripts"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(examples.join(folder)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(folder).join(entry.file_name())).unwrap();
        }
    }
    dir
}

fn set(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["set", ".", "--job", "job_batch", "--node", "DWS_SQL"];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).current_dir(dir).args(all).output().unwrap()
}

#[test]
fn a_misspelled_field_is_refused_with_the_nearest_name() {
    let dir = workspace();
    let job = dir.path().join("jobs/job_batch.job");
    let before = std::fs::read(&job).unwrap();
    let output = set(dir.path(), &["retrytimes=3"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `retryTimes`?"), "{output:?}");
    assert_eq!(std::fs::read(&job).unwrap(), before, "nothing written");
    // Meant: written.
    let output = set(dir.path(), &["retrytimes=3", "--new-field"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&std::fs::read(&job).unwrap()).contains("\"retrytimes\": 3"));
}

#[test]
fn a_property_is_written_as_a_string() {
    let dir = workspace();
    let output = set(dir.path(), &["property.database=2024"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = std::fs::read_to_string(dir.path().join("jobs/job_batch.job")).unwrap();
    assert!(text.contains("\"value\": \"2024\""), "{text}");
}

#[test]
fn a_value_the_catalog_refuses_is_not_written_without_force() {
    let dir = workspace();
    let job = dir.path().join("jobs/job_batch.job");
    let before = std::fs::read(&job).unwrap();
    let output = set(dir.path(), &["retryTimes=9"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DLFB0103") && stderr.contains("0–5"), "{stderr}");
    assert_eq!(std::fs::read(&job).unwrap(), before);
    let output = set(dir.path(), &["retryTimes=9", "--force"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("warning[DLFB0103]"), "{output:?}");
}

#[test]
fn properties_and_parameters_only_where_there_are_lists_of_them() {
    let dir = workspace();
    let output = set(dir.path(), &["param.day=1"]);
    assert_eq!(output.status.code(), Some(1), "a node has no parameters");
    let output = Command::new(env!("CARGO_BIN_EXE_dlf-bundle"))
        .current_dir(dir.path())
        .args(["set", ".", "--script", "dws_sql", "property.x=1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "a script has no properties: {output:?}");
}

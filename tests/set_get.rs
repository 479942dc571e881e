//! `dlf-bundle set` and `get`: only the values named change, other files and
//! entries stay byte-identical, and errors write nothing.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).args(args).output().unwrap()
}

fn seed_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let copy = dir.path().join("ws");
    for entry in walkdir::WalkDir::new(&seed) {
        let entry = entry.unwrap();
        let target = copy.join(entry.path().strip_prefix(&seed).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    (dir, copy)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Lines of `after` that are not in `before`, in order.
fn new_lines(before: &str, after: &str) -> Vec<String> {
    after.lines().zip(before.lines()).filter(|(a, b)| a != b).map(|(a, _)| a.trim().to_owned()).collect()
}

#[test]
fn set_in_a_folder_changes_only_the_named_values() {
    let (_dir, ws) = seed_copy();
    let job = ws.join("jobs/job_batch.job");
    let (before, stream_before, script_before) =
        (read(&job), read(&ws.join("jobs/job_stream.job")), read(&ws.join("scripts/dws_sql.script")));
    let path = ws.to_str().unwrap();
    let output = run(&[
        "set",
        path,
        "--job",
        "job_batch",
        "--node",
        "DWS_SQL",
        "property.connectionName=dws_prod",
        "retryTimes=3",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let after = read(&job);
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(new_lines(&before, &after), ["\"value\": \"dws_prod\"", "\"retryTimes\": 3"]);
    assert_eq!(read(&ws.join("jobs/job_stream.job")), stream_before);
    assert_eq!(read(&ws.join("scripts/dws_sql.script")), script_before);
    // The same again: no byte changes.
    run(&["set", path, "--job", "job_batch", "--node", "DWS_SQL", "retryTimes=3"]);
    assert_eq!(read(&job), after);
    let got = run(&["get", path, "--job", "job_batch", "--node", "DWS_SQL", "property.connectionName"]);
    assert_eq!(String::from_utf8(got.stdout).unwrap(), "\"dws_prod\"\n");
}

#[test]
fn set_on_a_bundle_writes_a_new_bundle_with_the_other_entries_unchanged() {
    let (dir, ws) = seed_copy();
    let zip = dir.path().join("a.zip");
    let out = dir.path().join("b.zip");
    assert!(run(&["pack", ws.to_str().unwrap(), "-o", zip.to_str().unwrap()]).status.success());
    let (zip_s, out_s) = (zip.to_str().unwrap(), out.to_str().unwrap());
    let output = run(&["set", zip_s, "-o", out_s, "--script", "dws_sql", "connectionName=\"dws_prod\""]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let (old, new) = (dlf_bundle::Bundle::open(&zip).unwrap(), dlf_bundle::Bundle::open(&out).unwrap());
    for entry in old.iter() {
        let same = new.get(entry.path()).unwrap().document().unwrap().bytes() == entry.document().unwrap().bytes();
        assert_eq!(same, entry.path() != "scripts/dws_sql.script", "{}", entry.path());
    }
    let got = run(&["get", out_s, "--script", "dws_sql", "connectionName"]);
    assert_eq!(String::from_utf8(got.stdout).unwrap(), "\"dws_prod\"\n");
}

#[test]
fn errors_write_nothing_and_say_what_is_wrong() {
    let (dir, ws) = seed_copy();
    let path = ws.to_str().unwrap();
    let zip = dir.path().join("a.zip");
    run(&["pack", path, "-o", zip.to_str().unwrap()]);
    let before = read(&ws.join("jobs/job_batch.job"));
    let table: &[(&[&str], i32, &str)] = &[
        (&["set", path, "--job", "job_bach", "x=1"], 1, "no job `job_bach`; the nearest: `job_batch`"),
        (&["set", path, "--job", "job_batch", "--node", "dws", "x=1"], 1, "no node `dws`; the nearest: `DWS_SQL`"),
        (
            &["set", path, "--job", "job_batch", "logPath.x=1"],
            1,
            "field path `logPath.x` goes through a value that is not an object",
        ),
        (&["set", path, "--job", "job_batch", "retryTimes"], 2, "`retryTimes` is not PATH=VALUE"),
        (&["set", path, "-o", "x.zip", "--job", "job_batch", "a=1"], 2, "a folder is edited in place"),
        (&["set", zip.to_str().unwrap(), "--job", "job_batch", "a=1"], 2, "give -o OUT.zip"),
        (&["get", path, "--job", "job_batch", "nope"], 1, "`nope` is not set"),
    ];
    for (args, code, message) in table {
        let output = run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(read(&ws.join("jobs/job_batch.job")), before);
    assert!(!Path::new("x.zip").exists());
}

/// A workspace with sub-folders (DataArts directories) is edited through the
/// workspace index: the file in its sub-folder changes, nothing else.
#[test]
fn set_and_get_in_a_workspace_with_sub_folders() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("jobs/etl/daily");
    std::fs::create_dir_all(&nested).unwrap();
    let text = "{\r\n    \"name\": \"load\",\r\n    \"nodes\": [],\r\n    \"params\": [{\"name\": \"day\", \"value\": \"1\"}]\r\n}\r\n";
    std::fs::write(nested.join("load.job"), text).unwrap();
    std::fs::write(dir.path().join("jobs/other.job"), "{\"name\":\"other\"}").unwrap();
    let path = dir.path().to_str().unwrap();
    let output = run(&["set", path, "--job", "load", "param.day=\"2\"", "logPath=obs://prod/"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        read(&nested.join("load.job")),
        "{\r\n    \"name\": \"load\",\r\n    \"nodes\": [],\r\n    \"params\": [{\"name\": \"day\", \"value\": \"2\"}],\r\n    \"logPath\": \"obs://prod/\"\r\n}\r\n"
    );
    assert_eq!(read(&dir.path().join("jobs/other.job")), "{\"name\":\"other\"}");
    let got = run(&["get", path, "--job", "load", "param.day"]);
    assert_eq!(String::from_utf8(got.stdout).unwrap(), "\"2\"\n");
    let missing = run(&["set", path, "--job", "lod", "a=1"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("the nearest: `load`"));
}

//! The `dlf-bundle` command: `list`, `unpack`, `pack`, their exit codes and
//! their promises (all or nothing, nothing outside the folder, atomic output).
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use crate::common::{RawEntry, batch_entries, raw_zip};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).args(args).output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir` with its contents.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn write_bundle(dir: &Path, entries: &[RawEntry]) -> String {
    let path = dir.join("jobs.zip");
    std::fs::write(&path, raw_zip(entries)).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn list_prints_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let text = run(&["list", &zip]);
    assert_eq!(code(&text), 0, "{}", stderr(&text));
    assert!(String::from_utf8_lossy(&text.stdout).contains("jobs/job_batch/dws_sql.script"));

    let json = run(&["list", &zip, "--format", "json"]);
    assert_eq!(code(&json), 0);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["layout"], "batch");
    assert_eq!(
        report["entries"][0],
        serde_json::json!({"path": "jobs/job_batch/dws_sql.script", "kind": "script", "name": "dws_sql"})
    );
    assert_eq!(report["entries"].as_array().unwrap().len(), 3);
    assert_eq!(report["warnings"], serde_json::json!([]));
}

#[test]
fn list_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries = batch_entries();
    entries.push(RawEntry::new("../escape.job", b"{}"));
    let hostile = write_bundle(dir.path(), &entries);
    let output = run(&["list", &hostile]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("entry `../escape.job`"), "{}", stderr(&output));

    assert_eq!(code(&run(&["list"])), 2, "missing argument is a usage error");
    assert_eq!(code(&run(&["list", &hostile, "--format", "yaml"])), 2);
    assert_eq!(code(&run(&["frobnicate"])), 2);
    assert_eq!(code(&run(&["list", "/nonexistent/jobs.zip"])), 2, "a missing input is a usage error");
}

#[test]
fn unpack_then_pack_gives_identical_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let out = dir.path().join("out");
    let unpacked = run(&["unpack", &zip, "-d", out.to_str().unwrap()]);
    assert_eq!(code(&unpacked), 0, "{}", stderr(&unpacked));
    let files = snapshot(&out);
    let expected: BTreeMap<String, Vec<u8>> =
        batch_entries().into_iter().map(|e| (String::from_utf8(e.name).unwrap(), e.data)).collect();
    assert_eq!(files, expected);

    let repacked = dir.path().join("repacked.zip");
    let packed = run(&["pack", out.to_str().unwrap(), "-o", repacked.to_str().unwrap(), "--layout", "batch"]);
    assert_eq!(code(&packed), 0, "{}", stderr(&packed));
    let bundle = dlf_bundle::Bundle::open(&repacked).unwrap();
    let contents: BTreeMap<String, Vec<u8>> =
        bundle.iter().map(|e| (e.path().to_owned(), e.document().unwrap().bytes().into_owned())).collect();
    assert_eq!(contents, expected);

    let again = dir.path().join("again.zip");
    run(&["pack", out.to_str().unwrap(), "-o", again.to_str().unwrap()]);
    assert_eq!(std::fs::read(&repacked).unwrap(), std::fs::read(&again).unwrap(), "pack is deterministic");
}

#[test]
fn unpack_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("jobs/job_stream")).unwrap();
    std::fs::write(out.join("jobs/job_stream/job_stream.job"), b"mine").unwrap();
    let before = snapshot(&out);

    let refused = run(&["unpack", &zip, "-d", out.to_str().unwrap()]);
    assert_eq!(code(&refused), 2, "an output that would be overwritten is a usage error, as in pack and export");
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(snapshot(&out), before, "nothing written when refusing");

    let forced = run(&["unpack", &zip, "-d", out.to_str().unwrap(), "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert_ne!(std::fs::read(out.join("jobs/job_stream/job_stream.job")).unwrap(), b"mine");
}

#[test]
fn unpack_failure_leaves_the_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let out = dir.path().join("out");
    // The last entry's target is a folder: the unpack must fail and undo nothing-yet-done work.
    std::fs::create_dir_all(out.join("jobs/job_stream/job_stream.job")).unwrap();
    std::fs::write(out.join("keep.txt"), b"keep").unwrap();
    let before = snapshot(&out);
    let output = run(&["unpack", &zip, "-d", out.to_str().unwrap(), "--force"]);
    assert_eq!(code(&output), 1);
    assert_eq!(snapshot(&out), before);
    assert!(!out.join("jobs/job_batch").exists(), "no folder left behind");
    let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no staging folder left: {leftovers:?}");
}

#[cfg(unix)]
#[test]
fn unpack_never_writes_through_a_symlinked_folder() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("jobs")).unwrap();
    let output = run(&["unpack", &zip, "-d", out.to_str().unwrap(), "--force"]);
    assert_eq!(code(&output), 1);
    assert!(snapshot(&outside).is_empty(), "wrote outside the destination");
}

#[cfg(unix)]
#[test]
fn pack_refuses_symlinks_and_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("jobs/a")).unwrap();
    std::fs::write(src.join("jobs/a/a.job"), crate::common::job_json("a")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", src.join("jobs/a/leak.script")).unwrap();
    let output_zip = dir.path().join("out.zip");
    let output = run(&["pack", src.to_str().unwrap(), "-o", output_zip.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("symbolic link"), "{}", stderr(&output));
    assert!(!output_zip.exists());
}

#[test]
fn pack_converts_between_layouts() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch.zip");
    let output = run(&["pack", src.to_str().unwrap(), "-o", batch.to_str().unwrap(), "--layout", "batch"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let exported = dir.path().join("exported.zip");
    run(&[
        "export",
        "--workspace",
        src.to_str().unwrap(),
        "--job",
        "job_batch",
        "--job",
        "job_stream",
        "-o",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(&batch).unwrap(),
        std::fs::read(&exported).unwrap(),
        "single -> batch equals a batch export"
    );

    let unpacked = dir.path().join("unpacked");
    run(&["unpack", batch.to_str().unwrap(), "-d", unpacked.to_str().unwrap()]);
    let single = dir.path().join("single.zip");
    let output = run(&["pack", unpacked.to_str().unwrap(), "-o", single.to_str().unwrap(), "--layout", "single"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let paths: Vec<String> = dlf_bundle::Bundle::open(&single).unwrap().iter().map(|e| e.path().to_owned()).collect();
    assert_eq!(paths, ["jobs/job_batch.job", "jobs/job_stream.job", "scripts/dws_sql.script"]);
}

#[test]
fn pack_refuses_to_merge_differing_copies() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    for (path, text) in [
        ("jobs/a/a.job", crate::common::job_json("a")),
        ("jobs/a/s.script", crate::common::script_json("s")),
        ("jobs/b/b.job", crate::common::job_json("b")),
        (
            "jobs/b/s.script",
            String::from_utf8(crate::common::script_json("s")).unwrap().replace("select 1", "select 2").into_bytes(),
        ),
    ] {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let zip = dir.path().join("single.zip");
    let output = run(&["pack", src.to_str().unwrap(), "-o", zip.to_str().unwrap(), "--layout", "single"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("jobs/b/s.script"), "{}", stderr(&output));
    assert!(!zip.exists());
}

#[test]
fn validate_exit_codes_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_bundle(dir.path(), &batch_entries());
    let bad_path = dir.path().join("bad.zip");
    std::fs::write(&bad_path, b"not a zip").unwrap();
    let bad = bad_path.to_str().unwrap();

    // The common fixtures carry an unused script and minimal jobs: warnings and errors.
    let output = run(&["validate", &good, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let bundle = &report["bundles"][0];
    assert_eq!(bundle["path"], good);
    let diagnostic = &bundle["diagnostics"][0];
    for key in ["severity", "code", "entry", "pointer", "message", "hint"] {
        assert!(diagnostic.get(key).is_some(), "{key} missing in {diagnostic}");
    }

    let output = run(&["validate", bad]);
    assert_eq!(code(&output), 1);
    assert!(String::from_utf8_lossy(&output.stdout).contains("error[DLFB0001]"));

    let example = dir.path().join("example.zip");
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    run(&["export", "--workspace", seed.to_str().unwrap(), "--job", "job_batch", "-o", example.to_str().unwrap()]);
    let output = run(&["validate", example.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stdout));

    // Exported without dependencies: valid, with a warning that --deny-warnings turns into failure.
    let bare = dir.path().join("bare.zip");
    run(&[
        "export",
        "--workspace",
        seed.to_str().unwrap(),
        "--job",
        "job_batch",
        "--no-depend",
        "-o",
        bare.to_str().unwrap(),
    ]);
    assert_eq!(code(&run(&["validate", bare.to_str().unwrap()])), 0);
    assert_eq!(code(&run(&["validate", bare.to_str().unwrap(), "--deny-warnings"])), 1);
    assert_eq!(code(&run(&["validate", example.to_str().unwrap(), bad])), 1, "any invalid bundle fails the run");
    assert_eq!(code(&run(&["validate"])), 2);
}

#[test]
fn check_prints_the_import_preview() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let output = run(&["check", &zip, "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["jobs"].as_array().unwrap().len(), 2);
    assert_eq!(report["scripts"], serde_json::json!([{"name": "dws_sql", "path": "/"}]));
}

/// `unpack --allow-invalid` extracts definitions that do not parse, so a
/// user can repair them; an unsafe archive is still refused.
#[test]
fn unpack_allow_invalid_extracts_what_does_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries = batch_entries();
    entries.push(RawEntry::new("jobs/job_broken/job_broken.job", b"{\"name\": \"job_broken\","));
    let zip = write_bundle(dir.path(), &entries);
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    assert_eq!(code(&run(&["unpack", &zip, "--dir", out_s])), 1);
    assert!(!out.exists(), "nothing extracted");
    let output = run(&["unpack", &zip, "--dir", out_s, "--allow-invalid"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(std::fs::read(out.join("jobs/job_broken/job_broken.job")).unwrap(), b"{\"name\": \"job_broken\",");
    let mut hostile = entries.clone();
    hostile.push(RawEntry::new("../escape.job", b"{}"));
    std::fs::create_dir(dir.path().join("h")).unwrap();
    let hostile = write_bundle(&dir.path().join("h"), &hostile);
    let refused = run(&["unpack", &hostile, "--dir", dir.path().join("out2").to_str().unwrap(), "--allow-invalid"]);
    assert_eq!(code(&refused), 1);
    assert!(!dir.path().join("out2").exists());
}

/// Wherever a name is looked up and missing, the answer names the nearest.
#[test]
fn unknown_names_get_the_nearest_one() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let workspace = workspace.to_str().unwrap();
    let out = dir.path().join("x.zip");
    let out = out.to_str().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(&map, "[connection]\ndws_lnk = \"dws_prod\"\n[params]\nbizdat = \"x\"\n").unwrap();
    let map = map.to_str().unwrap();
    // (arguments, exit status, what standard error must say)
    let cases: &[(&[&str], i32, &str)] = &[
        (&["export", "--workspace", workspace, "--job", "job_bach", "-o", out], 2, "did you mean `job_batch`?"),
        (&["deps", "--workspace", workspace, "--job", "job_bach"], 1, "did you mean `job_batch`?"),
        (&["deps", "--workspace", workspace, "--job", "nope"], 1, "no job `nope`"),
        (&["set", workspace, "--job", "job_bach", "retryTimes=1"], 1, "`job_batch`"),
        (&["remap", workspace, "--map", map, "--dry-run", "--strict"], 1, "map entries that match nothing"),
    ];
    for (args, status, message) in cases {
        let output = run(args);
        assert_eq!(code(&output), *status, "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
    }
    // The API's own body is kept as the service writes it, the suggestion on a line of its own.
    let export = run(cases[0].0);
    let first = stderr(&export).lines().next().unwrap().to_owned();
    assert!(serde_json::from_str::<serde_json::Value>(&first).unwrap()["error_code"] == "DLF.0100", "{first}");
    let remap = run(&["remap", workspace, "--map", map, "--dry-run", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&remap.stdout).unwrap();
    assert_eq!(
        report["unmatched"][0],
        serde_json::json!({"section": "connection", "name": "dws_lnk", "nearest": "dws_link"})
    );
    assert_eq!(
        report["unmatched"][1],
        serde_json::json!({"section": "params", "name": "bizdat", "nearest": "bizdate"})
    );
}

/// The commands agree: an existing output is a usage error (2) in each,
/// a missing output folder is named, `--quiet` silences every command's
/// output but errors, and counts are worded as counts.
#[test]
fn outputs_quiet_and_wording_are_the_same_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let workspace = workspace.to_str().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "mine").unwrap();
    let text = text.to_str().unwrap();
    let missing = dir.path().join("nodir/x.zip");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["pack", workspace, "-o", text],
        vec!["export", "--workspace", workspace, "--job", "job_batch", "-o", text],
    ] {
        let output = run(&args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert_eq!(std::fs::read_to_string(text).unwrap(), "mine");
    }
    for args in [
        vec!["pack", workspace, "-o", missing],
        vec!["export", "--workspace", workspace, "--job", "job_batch", "-o", missing],
    ] {
        let output = run(&args);
        assert_eq!(code(&output), 2, "{args:?}");
        assert!(
            stderr(&output).contains("folder") && stderr(&output).contains("nodir"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let zip = dir.path().join("x.zip");
    let zip = zip.to_str().unwrap();
    let quiet = run(&["--quiet", "export", "--workspace", workspace, "--job", "job_batch", "-o", zip]);
    assert_eq!(code(&quiet), 0);
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty(), "{quiet:?}");
    let loud = run(&["export", "--workspace", workspace, "--job", "job_batch", "-o", zip]);
    assert!(String::from_utf8_lossy(&loud.stdout).contains("job_batch.job"));
    // `set` counts the whole bundle.
    let out = dir.path().join("y.zip");
    let set =
        run(&["set", zip, "-o", out.to_str().unwrap(), "--job", "job_batch", "--node", "DWS_SQL", "retryTimes=2"]);
    assert!(stderr(&set).contains("1 of 2 definitions changed"), "{}", stderr(&set));
}

/// A console export becomes a workspace in one step.
#[test]
fn unpack_converts_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let out = dir.path().join("ws");
    let output = run(&["unpack", &zip, "-d", out.to_str().unwrap(), "--layout", "single"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let files: Vec<String> = snapshot(&out).into_keys().collect();
    assert_eq!(files, ["jobs/job_batch.job", "jobs/job_stream.job", "scripts/dws_sql.script"]);
}

/// `get`: a whole node, an element of a list, and a script's text as it is.
#[test]
fn get_prints_nodes_list_elements_and_raw_text() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let workspace = workspace.to_str().unwrap();
    let out = |args: &[&str]| {
        let output = run(args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(out(&["get", workspace, "--job", "job_batch", "nodes.0.name"]), "\"DWS_SQL\"\n");
    let node: serde_json::Value =
        serde_json::from_str(&out(&["get", workspace, "--job", "job_batch", "--node", "DWS_SQL"])).unwrap();
    assert_eq!(node["type"], "DWSSQL");
    let script = std::fs::read_to_string(Path::new(workspace).join("scripts/dws_sql.script")).unwrap();
    let content = serde_json::from_str::<serde_json::Value>(&script).unwrap()["content"].as_str().unwrap().to_owned();
    assert_eq!(out(&["get", workspace, "--script", "dws_sql", "content", "--raw"]), content);
    assert_eq!(code(&run(&["get", workspace, "--job", "job_batch", "nodes.9.name"])), 1);
}

/// `export --workspace` on an unpacked batch export says what the folder is
/// and how to convert it, instead of "needs script … which the workspace
/// does not have".
#[test]
fn export_from_an_unpacked_batch_export_names_the_conversion() {
    let dir = tempfile::tempdir().unwrap();
    let zip = write_bundle(dir.path(), &batch_entries());
    let unpacked = dir.path().join("unpacked");
    assert_eq!(code(&run(&["unpack", &zip, "-d", unpacked.to_str().unwrap()])), 0);
    let out = dir.path().join("out.zip");
    let output =
        run(&["export", "--workspace", unpacked.to_str().unwrap(), "--job", "job_batch", "-o", out.to_str().unwrap()]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("unpacked batch export") && stderr(&output).contains("--layout single"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

/// pre-commit names changed definition files one by one: each is checked
/// with the definitions of its folder (so its references resolve), and
/// only its own findings are reported.
#[test]
fn validate_checks_a_definition_file_with_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("ws");
    for entry in walkdir::WalkDir::new("examples/workspace").into_iter().map(Result::unwrap) {
        let target = copy.join(entry.path().strip_prefix("examples/workspace").unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let job = copy.join("jobs/job_batch.job");
    let text = std::fs::read_to_string(&job).unwrap().replace("\"dws_sql\"", "\"dws_sqll\"");
    std::fs::write(&job, text).unwrap();
    let (job, other) = (job.to_str().unwrap(), copy.join("jobs/job_stream.job"));
    let output = run(&["validate", job, other.to_str().unwrap()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("DLFB0302") && stdout.contains("did you mean `dws_sql`?"), "{stdout}");
    assert!(stdout.contains("job_stream.job: valid"), "{stdout}");
    let output = run(&["validate", copy.join("scripts/dws_sql.script").to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", String::from_utf8_lossy(&output.stdout));
}

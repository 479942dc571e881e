//! `dlf-bundle validate x.zip | head -1` panicked ("failed printing to
//! stdout: Broken pipe") once `head` had read its line. A reader that stops
//! reading ends the output, not the command: no panic, and the exit status
//! is still the verdict. The same for standard error.

use crate::common::{RawEntry, batch_entries, raw_zip};
use std::process::{Command, Stdio};

#[cfg(unix)]
#[test]
fn a_closed_standard_output_leaves_the_verdict_and_its_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let valid = dir.path().join("valid.zip");
    std::fs::write(&valid, raw_zip(&batch_entries())).unwrap();
    let invalid = dir.path().join("invalid.zip");
    let mut entries = batch_entries();
    entries.push(RawEntry::new("jobs/job_batch/broken.script", "{"));
    std::fs::write(&invalid, raw_zip(&entries)).unwrap();
    let (valid, invalid) = (valid.to_str().unwrap(), invalid.to_str().unwrap());
    let table: [(&[&str], i32); 8] = [
        (&["validate", valid], 0),
        (&["validate", invalid], 1),
        (&["validate", "--format", "json", invalid], 1),
        (&["list", valid], 0),
        (&["explain", "--list"], 0),
        (&["deps", valid], 0),
        (&["completions", "bash"], 0),
        (&["man"], 0),
    ];
    for (args, status) in table {
        // The reading ends are closed before the tool writes: every write
        // fails. Then standard error too, as in `2>&1 | head -1`.
        let closed = || {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            Stdio::from(writer)
        };
        let output = Command::new(env!("CARGO_BIN_EXE_dlf-bundle"))
            .args(args)
            .stdout(closed())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(status), "{args:?}: {stderr}");
        let both = Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).args(args).stdout(closed()).stderr(closed()).status();
        assert_eq!(both.unwrap().code(), Some(status), "{args:?} with standard error closed too");
    }
}

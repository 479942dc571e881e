//! A job file renamed inside a batch folder (`jobs/job_batch/job_daily.job`)
//! made `validate` read the folder as a workspace and report DLFB0004
//! "mixes the batch layout with the single layout" at `jobs/job_daily.job`,
//! a path that does not exist, while `pack` named the real problem. A
//! folder that holds a definition no workspace would (a script in a job's
//! folder) is an export, and every command gives its one diagnosis.

use dlf_bundle::diagnostic::Code;
use dlf_bundle::validate::{ValidateOptions, validate_dir};
use std::process::Command;

#[test]
fn validate_and_pack_give_the_same_diagnosis() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["jobs", "jobs/job_batch"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
    }
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    std::fs::copy(examples.join("jobs/job_batch.job"), dir.path().join("jobs/job_batch/job_daily.job")).unwrap();
    std::fs::copy(examples.join("scripts/dws_sql.script"), dir.path().join("jobs/job_batch/dws_sql.script")).unwrap();
    let found = validate_dir(dir.path(), &ValidateOptions::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, Code::NotALayout);
    assert_eq!(found[0].entry.as_deref(), Some("jobs/job_batch/job_daily.job"));
    assert!(found[0].message.contains("names the folder after the job"), "{found:?}");
    let out = dir.path().join("out.zip");
    let pack = Command::new(env!("CARGO_BIN_EXE_dlf-bundle"))
        .args(["pack", dir.path().to_str().unwrap(), "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&pack.stderr).contains(&found[0].message), "{pack:?}");
}

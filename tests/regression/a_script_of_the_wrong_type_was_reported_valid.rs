//! A `DWSSQL` node whose `scriptName` named a `HiveSQL` script was valid:
//! nothing compared the node's type with its script's. It is an error on
//! the `scriptName` value, with its line, in zips, files, folders and
//! bundles in memory alike.

use crate::common::{RawEntry, raw_zip};
use dlf_bundle::diagnostic::Code;
use dlf_bundle::validate::{ValidateOptions, validate_archive, validate_bundle, validate_dir, validate_file};
use dlf_bundle::{Bundle, ReadOptions};

const JOB: &str = "{\n  \"name\": \"a\",\n  \"processType\": \"BATCH\",\n  \"schedule\": {\"type\": \"EXECUTE_ONCE\"},\n  \"nodes\": [{\"name\": \"n\", \"type\": \"DWSSQL\", \"location\": {\"x\": 0, \"y\": 0},\n    \"properties\": [{\"name\": \"scriptName\", \"value\": \"s\"}]}]\n}\n";
const HIVE: &str = r#"{"name":"s","type":"HiveSQL","content":"select 1;","connectionName":"hive"}"#;

#[test]
fn a_dws_sql_node_running_a_hive_sql_script() {
    let zip = raw_zip(&[RawEntry::new("jobs/a/a.job", JOB), RawEntry::new("jobs/a/s.script", HIVE)]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.zip");
    std::fs::write(&file, &zip).unwrap();
    let unpacked = dir.path().join("unpacked");
    for folder in ["", "jobs", "jobs/a"] {
        std::fs::create_dir(unpacked.join(folder)).unwrap();
    }
    std::fs::write(unpacked.join("jobs/a/a.job"), JOB).unwrap();
    std::fs::write(unpacked.join("jobs/a/s.script"), HIVE).unwrap();
    let options = ValidateOptions::default();
    let bundle = Bundle::from_slice_with(&zip, &ReadOptions::default()).unwrap();
    for (how, found) in [
        ("archive", validate_archive(&zip, &options)),
        ("file", validate_file(&file, &options)),
        ("folder", validate_dir(&unpacked, &options)),
        ("bundle", validate_bundle(&bundle, &options)),
    ] {
        let mismatch =
            found.iter().find(|d| d.code == Code::ScriptTypeMismatch).unwrap_or_else(|| panic!("{how}: {found:?}"));
        assert!(mismatch.message.contains("DWSSQL") && mismatch.message.contains("HiveSQL"), "{how}: {mismatch:?}");
        assert_eq!(mismatch.pointer.as_deref(), Some("/nodes/0/properties/0/value"), "{how}");
        assert_eq!((mismatch.line, mismatch.column), (Some(6), Some(52)), "{how}: {mismatch:?}");
    }
}

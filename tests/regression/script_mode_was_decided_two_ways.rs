//! Reference extraction read `statementOrScript` without regard to case and
//! took an absent one as script mode (FORMAT.md §4.3), but DLFB0209 fired
//! only on an exact `SCRIPT`: a node without the property, or with
//! `script`, in script mode without a script was not reported.

use crate::common::{RawEntry, raw_zip};
use dlf_bundle::diagnostic::Code;
use dlf_bundle::validate::{ValidateOptions, validate_archive};

#[test]
fn a_node_in_script_mode_without_a_script_is_reported_however_the_mode_is_written() {
    for mode in ["", r#"{"name":"statementOrScript","value":"script"}"#] {
        let job = format!(
            r#"{{"name":"a","processType":"BATCH","schedule":{{"type":"EXECUTE_ONCE"}},
                "nodes":[{{"name":"n","type":"HiveSQL","location":{{"x":0,"y":0}},"properties":[{mode}]}}]}}"#
        );
        let found = validate_archive(&raw_zip(&[RawEntry::new("jobs/a/a.job", job)]), &ValidateOptions::default());
        assert!(found.iter().any(|d| d.code == Code::ScriptModeWithoutScript), "{mode}: {found:?}");
    }
}

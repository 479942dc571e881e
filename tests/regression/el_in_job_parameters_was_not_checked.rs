//! The EL syntax rule covered node properties only, so a job parameter
//! `#{DateUtil.format(Job.planTime,"yyyyMMdd"}` (where most EL lives)
//! passed.

use crate::common::{RawEntry, raw_zip};
use dlf_bundle::diagnostic::Code;
use dlf_bundle::validate::{ValidateOptions, validate_archive};

#[test]
fn a_malformed_expression_in_a_job_parameter_is_an_error() {
    let job = r##"{"name":"a","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"nodes":[],
        "params":[{"name":"day","value":"#{DateUtil.format(Job.planTime,\"yyyyMMdd\"}"}]}"##;
    let found = validate_archive(&raw_zip(&[RawEntry::new("jobs/a/a.job", job)]), &ValidateOptions::default());
    let error = found.iter().find(|d| d.code == Code::MalformedEl).unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(error.pointer.as_deref(), Some("/params/0/value"));
    assert!(error.line.is_some());
}

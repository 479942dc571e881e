//! `validate` checked the envelope of a job, not what its nodes contain:
//! an SMN node with no topic, message type or message, a REST API node with
//! method `FETCH`, no URL and a Basic credential in its headers, and an OBS
//! Manager node with action `MOVE` and no path were each `valid (0 errors,
//! 0 warnings)`.

use crate::common::{RawEntry, raw_zip};
use dlf_bundle::diagnostic::{Code, Severity};
use dlf_bundle::validate::{ValidateOptions, validate_archive};

fn findings(node: &str) -> Vec<(Code, String)> {
    let job = format!(r#"{{"name":"a","processType":"BATCH","schedule":{{"type":"EXECUTE_ONCE"}},"nodes":[{node}]}}"#);
    let zip = raw_zip(&[RawEntry::new("jobs/a/a.job", job)]);
    validate_archive(&zip, &ValidateOptions::default())
        .into_iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| (d.code, d.message))
        .collect()
}

fn node(node_type: &str, properties: &str) -> String {
    format!(r#"{{"name":"n","type":"{node_type}","location":{{"x":0,"y":0}},"properties":[{properties}]}}"#)
}

#[test]
fn an_smn_node_without_topic_message_type_and_message() {
    let found = findings(&node("SMN", r#"{"name":"subject","value":"alert"}"#));
    for property in ["topic", "messageType", "message"] {
        assert!(
            found.iter().any(|(code, message)| *code == Code::MissingField && message.contains(property)),
            "{property}: {found:?}"
        );
    }
}

#[test]
fn a_rest_api_node_with_fetch_no_url_and_a_basic_credential() {
    let found = findings(&node(
        "RESTAPI",
        r#"{"name":"method","value":"FETCH"},{"name":"headers","value":"Authorization=Basic dXNlcjpwYXNzd29yZA=="}"#,
    ));
    let codes: Vec<Code> = found.iter().map(|(code, _)| *code).collect();
    assert!(codes.contains(&Code::ValueNotAllowed), "{found:?}");
    assert!(found.iter().any(|(code, message)| *code == Code::MissingField && message.contains("url")), "{found:?}");
    assert!(codes.contains(&Code::LiteralCredential), "{found:?}");
    assert!(found.iter().all(|(_, message)| !message.contains("dXNlcjpwYXNzd29yZA==")), "{found:?}");
}

#[test]
fn an_obs_manager_node_that_moves_without_a_path() {
    let found = findings(&node("OBSManager", r#"{"name":"action","value":"MOVE"}"#));
    assert!(
        found.iter().any(|(code, message)| *code == Code::ValueNotAllowed && message.contains("MOVE")),
        "{found:?}"
    );
    assert!(found.iter().any(|(code, message)| *code == Code::MissingField && message.contains("path")), "{found:?}");
}

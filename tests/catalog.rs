//! The catalog as a specification: for every node type it describes, a
//! valid node passes `validate` and the JSON Schema, and each defect of each
//! rule fails both, with the code, the pointer and the message naming the
//! node type and property; the object fields FORMAT.md requires; literal
//! credentials; the README's table of node types.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, clippy::too_many_lines)]

use crate::common::{RawEntry, raw_zip};
use dlf_bundle::DefinitionKind;
use dlf_bundle::Diagnostic;
use dlf_bundle::catalog::{self, Condition, FieldSpec, Form, Presence};
use dlf_bundle::diagnostic::{Code, Severity};
use dlf_bundle::model::NodeType;
use dlf_bundle::validate::{ValidateOptions, validate_archive};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::sync::LazyLock;

const TOPIC: &str = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts";

/// A value of `form` the service accepts.
fn valid_value(form: Form) -> String {
    match form {
        Form::OneOf(values) | Form::Known(values) => values[0].to_owned(),
        Form::Integer { min, .. } | Form::ZeroOr { min, .. } => min.to_string(),
        Form::Boolean => "true".into(),
        Form::Url => "https://example.com/api?x=1".into(),
        Form::ObsPath | Form::StoragePath => "obs://dlf-bucket/path/".into(),
        Form::TopicUrn => TOPIC.into(),
        Form::KeyValueLines => "a=1\nb=two".into(),
        Form::Cron => "0 20 1 * * ?".into(),
        Form::Time => "2024-01-01T00:00:00+08".into(),
        Form::Period => "1 hours".into(),
        _ => "value".into(),
    }
}

/// A value of `form` the service refuses, and the code that says so.
fn invalid_value(form: Form) -> Option<(String, Code)> {
    Some(match form {
        Form::OneOf(values) => (format!("NOT_{}", values[0]), Code::ValueNotAllowed),
        Form::Integer { max, .. } | Form::ZeroOr { max, .. } => ((max + 1).to_string(), Code::NumberOutOfRange),
        Form::Boolean => ("maybe".into(), Code::MalformedValue),
        Form::Url => ("ftp://example.com/".into(), Code::MalformedValue),
        Form::ObsPath | Form::StoragePath => ("s3://bucket/path".into(), Code::MalformedValue),
        Form::TopicUrn => ("alerts".into(), Code::MalformedValue),
        Form::KeyValueLines => ("novalue".into(), Code::MalformedValue),
        Form::Cron => ("0 20 1 * *".into(), Code::MalformedCron),
        Form::Time => ("2024-01-01 00:00".into(), Code::MalformedTime),
        Form::Period => ("often".into(), Code::MalformedValue),
        Form::Bounded(max) => ("v".repeat(max + 1), Code::TextTooLong),
        _ => return None,
    })
}

/// Rows whose requirement and form hold wherever the node has them.
fn unconditional(rows: impl Iterator<Item = &'static FieldSpec>) -> Vec<&'static FieldSpec> {
    rows.filter(|row| row.when.is_empty()).collect()
}

/// The properties of a valid node: every required row (an unconditional
/// one, or one under `Is`/`IsNot` conditions the node meets) with a valid value.
fn valid_properties(node_type: &str) -> Vec<(String, String)> {
    let spec = NodeType::from(node_type).spec().unwrap();
    let mut properties: Vec<(String, String)> = Vec::new();
    for row in spec.rows() {
        let applies = row.when.iter().all(|condition| matches!(condition, Condition::IsNot(..)));
        if row.presence == Presence::Required && applies && !properties.iter().any(|(name, _)| name == row.name) {
            properties.push((row.name.to_owned(), valid_value(row.form)));
        }
    }
    properties
}

fn node_json(node_type: &str, properties: &[(String, Value)]) -> Value {
    let properties: Vec<Value> = properties.iter().map(|(name, value)| json!({"name": name, "value": value})).collect();
    json!({"name": "n", "type": node_type, "location": {"x": "0", "y": "0"}, "properties": properties})
}

#[allow(clippy::needless_pass_by_value, reason = "the nodes are moved into the job")]
fn job_json(nodes: Vec<Value>) -> Value {
    json!({
        "name": "a", "processType": "BATCH", "nodes": nodes,
        "schedule": {"type": "CRON", "cron": {"startTime": "2024-01-01T00:00:00+08", "expression": "0 20 1 * * ?"}},
    })
}

/// The errors of a batch bundle holding the job alone.
fn errors(job: &Value) -> Vec<Diagnostic> {
    let zip = raw_zip(&[RawEntry::new("jobs/a/a.job", serde_json::to_vec_pretty(job).unwrap())]);
    validate_archive(&zip, &ValidateOptions::default()).into_iter().filter(|d| d.severity == Severity::Error).collect()
}

static JOB_SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| schema_for(DefinitionKind::Job));

fn schema_for(kind: DefinitionKind) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&dlf_bundle::catalog::schema(kind)).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn strings(properties: &[(String, String)]) -> Vec<(String, Value)> {
    properties.iter().map(|(name, value)| (name.clone(), Value::from(value.as_str()))).collect()
}

/// Every node type the catalog describes with verified property names.
fn described_types() -> Vec<&'static str> {
    catalog::node_types().into_iter().filter(|(_, spec)| spec.verified).map(|(names, _)| names[0]).collect()
}

#[test]
fn a_valid_node_of_every_type_passes_validate_and_the_schema() {
    for node_type in described_types() {
        let job = job_json(vec![node_json(node_type, &strings(&valid_properties(node_type)))]);
        assert_eq!(errors(&job), [], "{node_type}: {job}");
        assert!(JOB_SCHEMA.is_valid(&job), "{node_type}: the schema refuses {job}");
    }
}

#[test]
fn a_missing_required_property_is_an_error_at_the_node_in_both() {
    for node_type in described_types() {
        let spec = NodeType::from(node_type).spec().unwrap();
        let valid = valid_properties(node_type);
        for row in unconditional(spec.rows()).into_iter().filter(|row| row.presence == Presence::Required) {
            let without: Vec<(String, String)> = valid.iter().filter(|(name, _)| name != row.name).cloned().collect();
            let job = job_json(vec![node_json(node_type, &strings(&without))]);
            let found = errors(&job);
            let missing = found.iter().find(|d| d.code == Code::MissingField).unwrap_or_else(|| {
                panic!("{node_type} without `{}`: {found:?}", row.name);
            });
            assert_eq!(missing.pointer.as_deref(), Some("/nodes/0/properties"), "{missing:?}");
            assert!(missing.message.contains(node_type) && missing.message.contains(row.name), "{missing:?}");
            assert!(missing.line.is_some(), "{missing:?}");
            assert!(!JOB_SCHEMA.is_valid(&job), "{node_type} without `{}`: the schema accepts it", row.name);
        }
    }
}

#[test]
fn a_value_of_the_wrong_form_is_an_error_at_the_value_in_both() {
    for node_type in described_types() {
        let spec = NodeType::from(node_type).spec().unwrap();
        let valid = valid_properties(node_type);
        for row in unconditional(spec.rows()) {
            let Some((bad, code)) = invalid_value(row.form) else { continue };
            let mut properties: Vec<(String, String)> =
                valid.iter().filter(|(name, _)| name != row.name).cloned().collect();
            properties.push((row.name.to_owned(), bad.clone()));
            let index = properties.len() - 1;
            let job = job_json(vec![node_json(node_type, &strings(&properties))]);
            let found = errors(&job);
            let error = found.iter().find(|d| d.code == code).unwrap_or_else(|| {
                panic!("{node_type} `{}` = `{bad}`: expected {code}, got {found:?}", row.name);
            });
            assert_eq!(error.pointer, Some(format!("/nodes/0/properties/{index}/value")), "{error:?}");
            assert!(error.message.contains(node_type) && error.message.contains(row.name), "{error:?}");
            assert!(!JOB_SCHEMA.is_valid(&job), "{node_type} `{}` = `{bad}`: the schema accepts it", row.name);
            // EL or a parameter stands for a value known only when the job runs.
            let last = properties.len() - 1;
            properties[last].1 = "${value}".into();
            let dynamic = job_json(vec![node_json(node_type, &strings(&properties))]);
            assert_eq!(errors(&dynamic), [], "{node_type} `{}` = `${{value}}`", row.name);
        }
    }
}

#[test]
fn enumerations_name_the_nearest_value() {
    let cases = [("RESTAPI", "method", "post", "POST"), ("SMN", "messageType", "templat", "TEMPLATE")];
    for (node_type, name, value, nearest) in cases {
        let mut properties = valid_properties(node_type);
        properties.retain(|(n, _)| n != name);
        properties.push((name.to_owned(), value.to_owned()));
        let found = errors(&job_json(vec![node_json(node_type, &strings(&properties))]));
        let error = found.iter().find(|d| d.code == Code::ValueNotAllowed).unwrap();
        assert!(error.hint.contains(&format!("did you mean `{nearest}`?")), "{error:?}");
    }
}

#[test]
fn a_property_value_that_is_not_a_string_is_an_error_in_both() {
    for value in [json!(3), json!(true), json!({"a": 1})] {
        let job = job_json(vec![node_json("Dummy", &[("p".to_owned(), value.clone())])]);
        let found = errors(&job);
        assert!(
            found
                .iter()
                .any(|d| d.code == Code::NotAString && d.pointer.as_deref() == Some("/nodes/0/properties/0/value")),
            "{value}: {found:?}"
        );
        assert!(!JOB_SCHEMA.is_valid(&job), "{value}");
    }
    let mut job = job_json(vec![node_json("Dummy", &[])]);
    job["params"] = json!([{"name": "p", "value": 2024}]);
    assert!(errors(&job).iter().any(|d| d.code == Code::NotAString && d.pointer.as_deref() == Some("/params/0/value")));
}

/// Script mode, decided one way everywhere: absent or `SCRIPT` in any case
/// runs the script; a mode the service does not know is an error.
#[test]
fn script_mode_is_decided_one_way() {
    let cases: &[(Option<&str>, bool, Option<Code>)] = &[
        (None, true, None),
        (Some("SCRIPT"), true, None),
        (Some("script"), true, Some(Code::ValueNotAllowed)),
        (Some("STATEMENT"), false, None),
        (Some("inline"), false, Some(Code::ValueNotAllowed)),
    ];
    for &(mode, script, error) in cases {
        assert_eq!(catalog::script_mode(mode), script, "{mode:?}");
        let mut properties = vec![];
        if let Some(mode) = mode {
            properties.push(("statementOrScript".to_owned(), Value::from(mode)));
        }
        let zip = raw_zip(&[RawEntry::new(
            "jobs/a/a.job",
            serde_json::to_vec(&job_json(vec![node_json("HiveSQL", &properties)])).unwrap(),
        )]);
        let found = validate_archive(&zip, &ValidateOptions::default());
        let warned = found.iter().any(|d| d.code == Code::ScriptModeWithoutScript);
        assert_eq!(warned, script, "{mode:?}: a node in script mode without `scriptName` is warned about: {found:?}");
        assert_eq!(found.iter().find(|d| d.severity == Severity::Error).map(|d| d.code), error, "{mode:?}: {found:?}");
    }
}

/// The fields FORMAT.md §3–§5 requires, each missing from an otherwise valid job.
#[test]
fn required_fields_of_the_job_and_its_structures() {
    let base = || {
        let mut node = node_json("Dummy", &[]);
        node["conditions"] = json!([{"preNodeName": "m", "expression": "#{true}"}]);
        node["cronTrigger"] =
            json!({"startTime": "2024-01-01T00:00:00+08", "expression": "0 0 * * * ?", "period": "1 hours"});
        node["eventTrigger"] = json!({"eventType": "DIS", "channel": "dis-1"});
        let mut upstream = node_json("Dummy", &[]);
        upstream["name"] = json!("m");
        let mut job = job_json(vec![node, upstream]);
        job["schedule"]["cron"]["dependJobs"] = json!({"jobs": ["b"]});
        job["params"] = json!([{"name": "p", "value": "v"}]);
        job
    };
    assert_eq!(errors(&base()), []);
    let cases: &[(&str, &str)] = &[
        ("/name", ""),
        ("/processType", ""),
        ("/schedule/type", "/schedule"),
        ("/schedule/cron/startTime", "/schedule/cron"),
        ("/schedule/cron/expression", "/schedule/cron"),
        ("/schedule/cron/dependJobs/jobs", "/schedule/cron/dependJobs"),
        ("/params/0/value", "/params/0"),
        ("/params/0/name", "/params/0"),
        ("/nodes/0/conditions/0/preNodeName", "/nodes/0/conditions/0"),
        ("/nodes/0/conditions/0/expression", "/nodes/0/conditions/0"),
        ("/nodes/0/cronTrigger/period", "/nodes/0/cronTrigger"),
        ("/nodes/0/cronTrigger/expression", "/nodes/0/cronTrigger"),
        ("/nodes/0/eventTrigger/eventType", "/nodes/0/eventTrigger"),
        ("/nodes/0/eventTrigger/channel", "/nodes/0/eventTrigger"),
        ("/nodes/0/location", "/nodes/0"),
    ];
    for (field, parent) in cases {
        let mut job = base();
        let (at, key) = field.rsplit_once('/').unwrap();
        job.pointer_mut(if at.is_empty() { "" } else { at }).unwrap().as_object_mut().unwrap().remove(key);
        let found = errors(&job);
        let missing =
            found.iter().find(|d| d.code == Code::MissingField).unwrap_or_else(|| panic!("{field}: {found:?}"));
        assert_eq!(missing.pointer.as_deref().unwrap_or(""), *parent, "{field}: {missing:?}");
        assert!(missing.message.contains(key), "{field}: {missing:?}");
        assert!(!JOB_SCHEMA.is_valid(&job), "{field}: the schema accepts a job without it");
    }
}

/// Fields of the wrong form or out of range, in `validate` and the schema alike.
#[test]
fn node_and_job_fields_of_the_wrong_form() {
    let cases: &[(&str, Value, Code)] = &[
        ("/nodes/0/pollingInterval", json!(61), Code::NumberOutOfRange),
        ("/nodes/0/maxExecutionTime", json!(4), Code::NumberOutOfRange),
        ("/nodes/0/retryTimes", json!(6), Code::NumberOutOfRange),
        ("/nodes/0/retryInterval", json!(121), Code::NumberOutOfRange),
        ("/nodes/0/failPolicy", json!("RETRY"), Code::ValueNotAllowed),
        ("/nodes/0/execTimeOutRetry", json!("yes"), Code::MalformedValue),
        ("/processType", json!("STREAM"), Code::ValueNotAllowed),
        ("/logPath", json!("s3://logs"), Code::MalformedValue),
        ("/targetStatus", json!("DONE"), Code::ValueNotAllowed),
        ("/basicConfig", json!({"priority": 3}), Code::NumberOutOfRange),
        ("/basicConfig", json!({"instanceTimeout": 2}), Code::NumberOutOfRange),
        ("/schedule/cron/expression", json!("0 20 1 * *"), Code::MalformedCron),
        ("/schedule/cron/endTime", json!("tomorrow"), Code::MalformedTime),
        ("/schedule/cron/intervalType", json!("fortnights"), Code::ValueNotAllowed),
        ("/params", json!([{"name": "p", "value": "v", "type": "global"}]), Code::ValueNotAllowed),
    ];
    for (field, value, code) in cases {
        let mut job = job_json(vec![node_json("Dummy", &[])]);
        let (at, key) = field.rsplit_once('/').unwrap();
        job.pointer_mut(if at.is_empty() { "" } else { at })
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert(key.into(), value.clone());
        let found = errors(&job);
        assert!(found.iter().any(|d| d.code == *code), "{field} = {value}: expected {code}, got {found:?}");
        assert!(!JOB_SCHEMA.is_valid(&job), "{field} = {value}: the schema accepts it");
        // Within the range, or one of the values: valid.
    }
    let mut fine = job_json(vec![node_json("Dummy", &[])]);
    fine["nodes"][0]["retryTimes"] = json!("5");
    fine["basicConfig"] = json!({"priority": 2, "instanceTimeout": 0});
    assert_eq!(errors(&fine), []);
    assert!(JOB_SCHEMA.is_valid(&fine));
}

/// Scripts: their fields, and those their type requires.
#[test]
fn scripts_and_resources_against_the_catalog_and_the_schema() {
    let scripts = schema_for(DefinitionKind::Script);
    let resources = schema_for(DefinitionKind::Resource);
    let cases: &[(DefinitionKind, Value, Option<Code>)] = &[
        (
            DefinitionKind::Script,
            json!({"name": "s", "type": "DWSSQL", "content": "select 1", "connectionName": "c"}),
            None,
        ),
        (
            DefinitionKind::Script,
            json!({"name": "s", "type": "DWSSQL", "content": "select 1"}),
            Some(Code::MissingField),
        ),
        (
            DefinitionKind::Script,
            json!({"name": "s", "type": "DLISQL", "content": "select 1", "connectionName": "c"}),
            Some(Code::MissingField),
        ),
        (
            DefinitionKind::Script,
            json!({"name": "s", "type": "DLISQL", "content": "x", "connectionName": "c", "queueName": "q"}),
            None,
        ),
        (DefinitionKind::Script, json!({"name": "s", "type": "FlinkSQL", "content": "select 1"}), None),
        (
            DefinitionKind::Script,
            json!({"name": "s", "type": "Shell", "content": "x", "connectionName": "c", "targetStatus": "X"}),
            Some(Code::ValueNotAllowed),
        ),
        (
            DefinitionKind::Script,
            json!({"name": "s", "type": "Shell", "content": "x", "connectionName": "c", "description": "d".repeat(256)}),
            Some(Code::TextTooLong),
        ),
        (DefinitionKind::Resource, json!({"name": "r", "type": "jar", "location": "obs://bucket/r.jar"}), None),
        (DefinitionKind::Resource, json!({"name": "r", "type": "jar", "location": "hdfs:///user/r.jar"}), None),
        (
            DefinitionKind::Resource,
            json!({"name": "r", "type": "jar", "location": "r.jar"}),
            Some(Code::MalformedValue),
        ),
        (DefinitionKind::Resource, json!({"name": "r", "type": "jar"}), Some(Code::MissingField)),
    ];
    for (kind, definition, code) in cases {
        let (path, validator) = match kind {
            DefinitionKind::Script => ("scripts/s.script", &scripts),
            _ => ("resources/r.resource", &resources),
        };
        let zip = raw_zip(&[RawEntry::new(path, serde_json::to_vec(definition).unwrap())]);
        let found: Vec<Code> = validate_archive(&zip, &ValidateOptions::default())
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code)
            .collect();
        assert_eq!(found.first().copied(), *code, "{definition}: {found:?}");
        assert_eq!(validator.is_valid(definition), code.is_none(), "{definition}: the schema disagrees");
    }
}

/// Every valid sample and the examples validate against the schemas.
#[test]
fn the_valid_samples_and_the_examples_pass_the_schemas() {
    let mut files: Vec<(DefinitionKind, std::path::PathBuf)> = Vec::new();
    for kind in DefinitionKind::ALL {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace").join(kind.folder());
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            files.push((kind, entry.path()));
        }
    }
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if samples.is_dir() {
        for entry in std::fs::read_dir(&samples).unwrap().flatten() {
            let name = entry.file_name().into_string().unwrap();
            let kind = if name.ends_with(".script.json") || name.contains("-script-") {
                DefinitionKind::Script
            } else if name.contains("-resource-") && !name.contains("list-") {
                DefinitionKind::Resource
            } else if name.contains("-job-")
                && !name.contains("cdm")
                && !name.contains("import")
                && !name.contains("list")
                && !name.contains("check")
            {
                DefinitionKind::Job
            } else {
                continue;
            };
            let malformed =
                ["MALFORMED", "NONCONFORMANT", "FRAGMENT", "datatracex"].iter().any(|tag| name.contains(tag));
            if !malformed && !name.contains("list-") {
                files.push((kind, entry.path()));
            }
        }
    } else {
        eprintln!("skipping the samples: {} is absent", samples.display());
    }
    let validators = DefinitionKind::ALL.map(|kind| (kind, schema_for(kind)));
    for (kind, path) in files {
        let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let validator = &validators.iter().find(|(k, _)| *k == kind).unwrap().1;
        let problems: Vec<String> =
            validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    }
}

/// Literal credentials: found in node properties, job parameters, scripts
/// and script arguments, never shown; EL, parameters, masks and empty
/// values are not credentials.
#[test]
fn literal_credentials_are_found_and_never_shown() {
    let secret = "s3cr3tP4ssw0rd";
    // (property name, value, found?)
    let properties: &[(&str, String, bool)] = &[
        ("headers", "Authorization=Basic dXNlcjpwYXNzd29yZA==".into(), true),
        (
            "headers",
            "Content-Type=application/json\nProxy-Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.x".into(),
            true,
        ),
        ("headers", "X-Auth-Token=MIIZ8AYJKoZIhvcNAQcCoIIZ4TCCGd0CAQExDTALBglg".into(), true),
        ("headers", "Authorization=#{Env.get(\"auth\")}".into(), false),
        // Spellings looked for in properties, not in script contents (one SIMD pass there).
        ("headers", format!("AUTHORIZATION: Bearer {secret}"), true),
        ("arguments", format!("dbPwd={secret}"), true),
        ("body", format!("sk = \"{secret}{secret}\""), true),
        // Not `Name=value` lines, and a credential: the form's finding does not quote it either.
        ("headers", format!("Authorization: Bearer {secret}"), true),
        ("password", "12345678".into(), true),
        ("headers", "Authorization=Bearer ${token}".into(), false),
        ("headers", "Content-Type=application/json".into(), false),
        ("url", format!("https://admin:{secret}@api.example.com/v1"), true),
        ("url", "https://api.example.com/v1?token=${token}".into(), false),
        ("url", format!("https://api.example.com/v1?access_token={secret}"), true),
        ("arguments", format!("--password={secret}"), true),
        ("arguments", format!("--token {secret}"), true),
        ("arguments", "--password=******".into(), false),
        ("arguments", "--password=".into(), false),
        ("body", format!("{{\"user\": \"u\", \"password\": \"{secret}\"}}"), true),
        ("body", format!("{{\"apiKey\": \"{secret}\"}}"), true),
        ("body", "{\"password\": \"#{Env.get('db_password')}\"}".into(), false),
        ("body", format!("{{\"ak\": \"AKIDEXAMPLEAKEXAMPLE\", \"sk\": \"{secret}{secret}\"}}"), true),
        ("body", format!("HUAWEICLOUD_SDK_SK={secret}"), true),
        ("body", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----".into(), true),
        ("body", "select id, task_key, password_hint from t".into(), false),
        ("password", secret.into(), true),
        ("db_pwd", secret.into(), true),
        ("password", "${db_password}".into(), false),
        ("password", "******".into(), false),
        ("password", "Add password here".into(), false),
        ("password", String::new(), false),
    ];
    for (name, value, found) in properties {
        let mut properties = strings(&valid_properties("RESTAPI"));
        properties.retain(|(n, _)| n != name);
        properties.push(((*name).to_owned(), Value::from(value.as_str())));
        let job = job_json(vec![node_json("RESTAPI", &properties)]);
        let zip = raw_zip(&[RawEntry::new("jobs/a/a.job", serde_json::to_vec(&job).unwrap())]);
        let diagnostics = validate_archive(&zip, &ValidateOptions::default());
        for diagnostic in &diagnostics {
            assert!(!diagnostic.message.contains(secret) && !diagnostic.hint.contains(secret), "{diagnostic:?}");
        }
        let credentials: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code == Code::LiteralCredential).collect();
        assert_eq!(!credentials.is_empty(), *found, "`{name}` = `{value}`: {credentials:?}");
        for diagnostic in credentials {
            assert_eq!(diagnostic.severity, Severity::Warning);
            assert!(!diagnostic.message.contains(secret) && !diagnostic.hint.contains(secret), "{diagnostic:?}");
            assert!(!diagnostic.message.contains("dXNlcjpwYXNzd29yZA=="), "{diagnostic:?}");
            assert!(diagnostic.pointer.as_deref().is_some_and(|p| p.ends_with("/value")), "{diagnostic:?}");
        }
    }
    // A number under a secret's name is a credential too, and not repeated.
    let mut job = job_json(vec![node_json("Dummy", &[("db_password".to_owned(), json!(87_654_321))])]);
    job["params"] = json!([{"name": "api_token", "value": 87_654_321}]);
    let zip = raw_zip(&[RawEntry::new("jobs/a/a.job", serde_json::to_vec(&job).unwrap())]);
    let found = validate_archive(&zip, &ValidateOptions::default());
    assert_eq!(found.iter().filter(|d| d.code == Code::LiteralCredential).count(), 2, "{found:?}");
    assert!(found.iter().all(|d| !d.message.contains("87654321") && !d.hint.contains("87654321")), "{found:?}");
    // A value the console marks sensitive is a credential whatever its name.
    let mut job = job_json(vec![node_json("Dummy", &[])]);
    job["nodes"][0]["properties"] = json!([{"name": "conn", "value": secret, "value_is_sensitive": true}]);
    job["params"] = json!([{"name": "db_password", "value": secret}, {"name": "day", "value": "#{Job.planTime}"}]);
    let zip = raw_zip(&[RawEntry::new("jobs/a/a.job", serde_json::to_vec(&job).unwrap())]);
    let found: Vec<Option<String>> = validate_archive(&zip, &ValidateOptions::default())
        .into_iter()
        .filter(|d| d.code == Code::LiteralCredential)
        .map(|d| d.pointer)
        .collect();
    assert_eq!(found, [Some("/params/0/value".to_owned()), Some("/nodes/0/properties/0/value".to_owned())]);
    // Scripts: (content, found?).
    for (content, expected) in [
        (format!("mysql -uroot -p{secret} -e 'select 1'\nexport DB_PASSWORD={secret}"), true),
        ("export DB_PASSWORD=$DB_PASSWORD_FROM_VAULT\nselect * from t where token = ${token};".to_owned(), false),
        (format!("conn = connect(url='jdbc:mysql://etl:{secret}@db:3306/dw')"), true),
        (format!("curl -H \"X-Auth-Token: {secret}\" https://iam.example.com"), true),
        (format!("key = \"-----BEGIN PRIVATE KEY-----\\n{secret}\\n-----END PRIVATE KEY-----\""), true),
        (format!("--conf spark.hadoop.fs.obs.secret.key={secret}"), true),
        (format!("{{\"Authorization\":\"Bearer x{secret}\",\"password\":\"{secret}\"}}"), true),
        (format!("git clone https://{secret}:x-oauth-basic@github.com/o/r"), true),
        ("conn = pymysql.connect(host=h, user=u, password=pwd)".to_owned(), false),
        ("password=os.environ[\"DB_PASSWORD\"]\npassword=get_pw()".to_owned(), false),
        ("print(\"Token: refreshed\")\necho \"Password: incorrect\"".to_owned(), false),
        ("{\"password\": password}".to_owned(), false),
        ("select * from users where password = :pwd and token = @tok".to_owned(), false),
        ("cd $PWD; PWD=/opt/app".to_owned(), false),
        ("-H \"X-Auth-Token: $T\" -H \"Accept: */*\"".to_owned(), false),
    ] {
        let script = json!({"name": "s", "type": "Shell", "content": content, "connectionName": "c"});
        let zip = raw_zip(&[RawEntry::new("scripts/s.script", serde_json::to_vec(&script).unwrap())]);
        let found: Vec<Diagnostic> = validate_archive(&zip, &ValidateOptions::default())
            .into_iter()
            .filter(|d| d.code == Code::LiteralCredential)
            .collect();
        assert_eq!(!found.is_empty(), expected, "{content}: {found:?}");
        assert!(
            found.iter().all(|d| !d.message.contains(&secret[2..]) && d.pointer.as_deref() == Some("/content")),
            "{found:?}"
        );
    }
}

/// The README's table of node types is the catalog's.
#[test]
fn the_readme_table_of_node_types_is_generated_from_the_catalog() {
    let mut table =
        String::from("| node type | runs scripts | required properties | enumerations |\n|---|---|---|---|\n");
    for (names, spec) in catalog::node_types() {
        let names = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let scripts = spec.scripts.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        let describe = |row: &FieldSpec| {
            let when = row.conditions();
            if when.is_empty() { format!("`{}`", row.name) } else { format!("`{}` ({when})", row.name) }
        };
        let mut required: Vec<String> = Vec::new();
        for row in spec.properties.iter().filter(|row| row.presence != Presence::Optional) {
            let text = match row.presence {
                Presence::Expected => format!("`{}` ({}; missing: a warning)", row.name, row.conditions()),
                _ => describe(row),
            };
            if !required.contains(&text) {
                required.push(text);
            }
        }
        let enums: Vec<String> = spec
            .properties
            .iter()
            .filter_map(|row| match row.form {
                Form::OneOf(values) => {
                    let values: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
                    Some(format!("`{}`: {}", row.name, values.join(", ")))
                }
                _ => None,
            })
            .collect();
        let required = if spec.verified { required.join("; ") } else { "(unverified: nothing asserted)".into() };
        let _ = writeln!(table, "| {names} | {scripts} | {required} | {} |", enums.join("; "));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find("<!-- node types: generated -->\n").expect("the README marks the table") + 31;
    let end = readme[start..].find("<!-- end of node types -->").unwrap() + start;
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, format!("{}{table}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert_eq!(readme[start..end], table, "the README's table of node types: regenerate it with UPDATE_README=1");
}

//! Promotion: the map file, and remap's rewrite of a bundle value by value.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use dlf_bundle::error::RequestPart;
use dlf_bundle::model::Document;
use dlf_bundle::remap::{Map, apply};
use dlf_bundle::resolve::ReferenceOptions;
use dlf_bundle::resolve::{Status, bundle_dependencies};
use dlf_bundle::{Bundle, DefinitionKind, ErrorKind, Layout};
use std::collections::BTreeSet;
use std::process::Command;

fn job(text: &str) -> Bundle {
    let mut bundle = Bundle::new(Layout::Single);
    let document = Document::parse(DefinitionKind::Job, text.as_bytes().to_vec()).unwrap();
    bundle.insert("jobs/j.job", document).unwrap();
    bundle
}

fn node(node_type: &str, properties: &[(&str, &str)]) -> String {
    let properties: Vec<String> =
        properties.iter().map(|(k, v)| format!("{{\"name\": \"{k}\", \"value\": \"{v}\"}}")).collect();
    format!(
        "{{\n  \"name\": \"j\",\n  \"nodes\": [\n    {{\"name\": \"n\", \"type\": \"{node_type}\", \"properties\": [{}]}}\n  ]\n}}\n",
        properties.join(", ")
    )
}

/// Node type, its properties, the map, and the section expected to rename.
type Row<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);

/// One row per section and the node type that names the object.
#[test]
fn each_section_rewrites_where_its_objects_are_named() {
    let table: &[Row<'_>] = &[
        ("DWSSQL", &[("connectionName", "c_dev")], "[connection]\nc_dev = \"c_prod\"", "connection"),
        ("DLISQL", &[("queueName", "q_dev")], "[dli_queue]\nq_dev = \"q_prod\"", "dli_queue"),
        ("DLISpark", &[("clusterName", "q_dev")], "[dli_queue]\nq_dev = \"q_prod\"", "dli_queue"),
        ("CDMJob", &[("clusterName", "cdm_dev")], "[cdm_cluster]\ncdm_dev = \"cdm_prod\"", "cdm_cluster"),
        ("RESTAPI", &[("agentName", "cdm_dev")], "[cdm_cluster]\ncdm_dev = \"cdm_prod\"", "cdm_cluster"),
        ("MRSSpark", &[("clusterName", "mrs_dev")], "[mrs_cluster]\nmrs_dev = \"mrs_prod\"", "mrs_cluster"),
        ("DISTransferTask", &[("streamName", "s_dev")], "[dis_stream]\ns_dev = \"s_prod\"", "dis_stream"),
        ("SMN", &[("topic", "urn:dev")], "[smn_topic]\n\"urn:dev\" = \"urn:prod\"", "smn_topic"),
        ("HiveSQL", &[("database", "db_dev")], "[database]\ndb_dev = \"db_prod\"", "database"),
        ("OBSManager", &[("path", "obs://dev/x")], "[obs_path]\n\"obs://dev/\" = \"obs://prod/\"", "obs_path"),
    ];
    for (node_type, properties, map, kind) in table {
        let text = node(node_type, properties);
        let mut bundle = job(&text);
        let report = apply(&mut bundle, &map.parse::<Map>().unwrap()).unwrap();
        assert_eq!(report.changes.len(), 1, "{node_type}: {report:?}");
        let change = &report.changes[0];
        assert_eq!(
            (change.kind.as_str(), change.pointer.as_str()),
            (*kind, "/nodes/0/properties/0/value"),
            "{node_type}"
        );
        let written =
            String::from_utf8(bundle.get("jobs/j.job").unwrap().document().unwrap().bytes().into_owned()).unwrap();
        assert_eq!(written, text.replace(&change.from, &change.to), "{node_type}: one value, in place");
    }
}

#[test]
fn a_property_that_names_nothing_of_the_kind_is_left_alone() {
    // A Shell node's `queueName` is no DLI queue.
    let text = node("Shell", &[("queueName", "q_dev")]);
    let mut bundle = job(&text);
    let report = apply(&mut bundle, &"[dli_queue]\nq_dev = \"q_prod\"".parse().unwrap()).unwrap();
    assert!(report.changes.is_empty(), "{report:?}");
}

#[test]
fn job_level_values_params_and_per_job_params() {
    let text = r#"{"name":"j","logPath":"obs://dev-logs/j/","basicConfig":{"owner":"alice"},"schedule":{"type":"CRON","cron":{"expression":"0 0 1 * * ?","expressionTimeZone":"Asia/Shanghai","dependJobs":{"otherWorkSpaceJobs":[{"workSpace":"ws_dev","jobName":"up"}]}}},"params":[{"name":"env","value":"dev"},{"name":"day","value":"1"}]}"#;
    let map = "[obs_path]\n\"obs://dev-logs/\" = \"obs://prod-logs/\"\n[owner]\nalice = \"bob\"\n[time_zone]\n\"Asia/Shanghai\" = \"Europe/Berlin\"\n[other_workspace]\nws_dev = \"ws_prod\"\n[params]\nenv = \"prod\"\nday = \"2\"\n[jobs.j.params]\nday = \"3\"\n";
    let mut bundle = job(text);
    let report = apply(&mut bundle, &map.parse().unwrap()).unwrap();
    let changed: Vec<(&str, &str)> = report.changes.iter().map(|c| (c.pointer.as_str(), c.to.as_str())).collect();
    assert_eq!(
        changed,
        [
            ("/logPath", "obs://prod-logs/j/"),
            ("/basicConfig/owner", "bob"),
            ("/schedule/cron/expressionTimeZone", "Europe/Berlin"),
            ("/schedule/cron/dependJobs/otherWorkSpaceJobs/0/workSpace", "ws_prod"),
            ("/params/0/value", "prod"),
            ("/params/1/value", "3"),
        ]
    );
    assert!(report.unmapped.is_empty(), "{:?}", report.unmapped);
}

#[test]
fn dev_to_prod_and_back_gives_the_original_bytes_and_an_empty_map_changes_nothing() {
    let text = node("DWSSQL", &[("connectionName", "c_dev"), ("database", "db_dev")]);
    let original = job(&text).to_vec().unwrap();
    let mut bundle = job(&text);
    apply(&mut bundle, &"[connection]\nc_dev = \"c_prod\"\n[database]\ndb_dev = \"db_prod\"".parse().unwrap()).unwrap();
    let prod = Bundle::from_slice(&bundle.to_vec().unwrap()).unwrap();
    let mut back = prod.clone();
    apply(&mut back, &"[connection]\nc_prod = \"c_dev\"\n[database]\ndb_prod = \"db_dev\"".parse().unwrap()).unwrap();
    assert_eq!(back.to_vec().unwrap(), original);
    let mut untouched = job(&text);
    let report = apply(&mut untouched, &Map::default()).unwrap();
    assert!(report.changes.is_empty());
    assert_eq!(untouched.to_vec().unwrap(), original);
}

#[test]
fn the_unmapped_list_is_what_deps_reports_minus_what_is_mapped() {
    let bundle = Bundle::from_dir("examples/workspace", &dlf_bundle::ReadOptions::default()).unwrap();
    let external: BTreeSet<(String, String)> = bundle_dependencies(&bundle, &ReferenceOptions::default())
        .unwrap()
        .iter()
        .flat_map(|job| job.dependencies.iter())
        .filter(|d| d.status == Status::External && d.reference.target.kind_str() != "cdm_job")
        .map(|d| (d.reference.target.kind_str().to_owned(), d.reference.target.name().to_owned()))
        .collect();
    let mut mapped = bundle.clone();
    let report = apply(&mut mapped, &"[connection]\ndws_link = \"x\"".parse().unwrap()).unwrap();
    let unmapped: BTreeSet<(String, String)> =
        report.unmapped.iter().map(|u| (u.kind.as_str().to_owned(), u.name.clone())).collect();
    let expected: BTreeSet<(String, String)> =
        external.into_iter().filter(|(kind, name)| !(kind == "connection" && name == "dws_link")).collect();
    assert_eq!(unmapped, expected);
}

/// A workspace keeps its DataArts directories as sub-folders; remap edits
/// its files in place, changing only the bytes of the values it renames.
#[test]
fn a_workspace_with_sub_folders_is_remapped_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("jobs/job_batch.job", "jobs/team/daily/job_batch.job"),
        ("jobs/job_stream.job", "jobs/job_stream.job"),
        ("scripts/dws_sql.script", "scripts/sql/dws/dws_sql.script"),
    ];
    for (from, to) in files {
        std::fs::create_dir_all(dir.path().join(to).parent().unwrap()).unwrap();
        std::fs::copy(std::path::Path::new("examples/workspace").join(from), dir.path().join(to)).unwrap();
    }
    let map: Map = "[connection]\ndws_link = \"dws_prod\"\n".parse().unwrap();
    let mut workspace = dlf_bundle::Workspace::open(dir.path()).unwrap();
    let report = dlf_bundle::remap::apply_workspace(&mut workspace, &map).unwrap();
    let entries: BTreeSet<&str> = report.changes.iter().map(|c| c.entry.as_str()).collect();
    assert_eq!(entries, BTreeSet::from(["jobs/team/daily/job_batch.job", "scripts/sql/dws/dws_sql.script"]));
    assert!(report.unmapped.iter().all(|u| u.name != "dws_link"));
    assert!(report.unmapped.iter().any(|u| u.entries == ["jobs/job_stream.job"]));

    let bin = env!("CARGO_BIN_EXE_dlf-bundle");
    let map_file = dir.path().join("map.toml");
    std::fs::write(&map_file, "[connection]\ndws_link = \"dws_prod\"\n").unwrap();
    let run = |extra: &[&str]| {
        Command::new(bin).arg("remap").arg(dir.path()).arg("--map").arg(&map_file).args(extra).output().unwrap()
    };
    assert_eq!(run(&["-o", "elsewhere"]).status.code(), Some(2), "a workspace is remapped in place");
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    for (from, to) in files {
        let before = std::fs::read_to_string(std::path::Path::new("examples/workspace").join(from)).unwrap();
        let after = std::fs::read_to_string(dir.path().join(to)).unwrap();
        assert_eq!(after, before.replace("\"dws_link\"", "\"dws_prod\""), "{to}");
    }
}

#[test]
fn map_errors_give_the_position_of_the_key() {
    let table = [
        (
            "[connection]\na = \"b\"\n[conection]\nx = \"y\"\n",
            "`conection` is not a map section",
            (3, 2),
            Some("connection"),
        ),
        ("[connection]\na = 1\n", "`a` must map to a string", (2, 1), None),
        ("[jobs.j.parms]\na = \"b\"\n", "`parms` is not a section of a job", (1, 9), Some("params")),
        ("[connection]\n  \"dws dev\" = []\n", "`dws dev` must map to a string", (2, 3), None),
        ("[connection\n", "not valid TOML", (1, 12), None),
    ];
    for (text, message, (line, column), nearest) in table {
        let error = text.parse::<Map>().unwrap_err();
        assert!(error.message().contains(message), "{text:?}: {error}");
        assert!(!error.message().contains("line"), "the position is not in the message: {error}");
        assert_eq!(error.position().map(|at| (at.line, at.column)), Some((line, column)), "{text:?}");
        let ErrorKind::InvalidRequest { part: RequestPart::Map, nearest: found } = error.kind() else {
            panic!("{error:?}")
        };
        assert_eq!(found.as_deref(), nearest, "{text:?}");
    }
}

#[test]
fn the_command_writes_nothing_when_strict_or_dry_and_refuses_bad_maps() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_dlf-bundle");
    let zip = dir.path().join("dev.zip");
    job(&node("DWSSQL", &[("connectionName", "c_dev"), ("queueName", "q")])).write_to_path(&zip).unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(&map, "[connection]\nc_dev = \"c_prod\"\n").unwrap();
    let out = dir.path().join("prod.zip");
    let run = |args: &[&std::ffi::OsStr]| Command::new(bin).args(args).output().unwrap();
    let (zip_s, map_s, out_s) = (zip.as_os_str(), map.as_os_str(), out.as_os_str());
    let remap = std::ffi::OsStr::new("remap");
    let flag = |f: &'static str| std::ffi::OsStr::new(f);
    let output = run(&[remap, zip_s, flag("--map"), map_s, flag("-o"), out_s, flag("--format"), flag("json")]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["changes"][0]["to"], "c_prod");
    assert!(out.exists());
    std::fs::remove_file(&out).unwrap();
    // A DWS SQL node's queueName is not a DLI queue, so nothing is unmapped: strict passes.
    assert_eq!(run(&[remap, zip_s, flag("--map"), map_s, flag("--dry-run")]).status.code(), Some(0));
    assert!(!out.exists(), "a dry run writes nothing");
    job(&node("DLISQL", &[("queueName", "q_dev")])).write_to_path(&zip).unwrap();
    let strict = run(&[remap, zip_s, flag("--map"), map_s, flag("-o"), out_s, flag("--strict")]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(!out.exists(), "strict with unmapped objects writes nothing");
    std::fs::write(&map, "[nope]\n").unwrap();
    assert_eq!(run(&[remap, zip_s, flag("--map"), map_s, flag("-o"), out_s]).status.code(), Some(2));
    assert_eq!(run(&[remap, zip_s, flag("--map"), map_s]).status.code(), Some(2), "-o is required for a bundle");
}

#[test]
fn the_import_request_asks_the_service_for_what_it_can_rename() {
    let text = r#"{"name":"j","nodes":[
        {"name":"a","type":"DWSSQL","properties":[{"name":"connectionName","value":"c"}]},
        {"name":"b","type":"HiveSQL","properties":[{"name":"connectionName","value":"c"}]},
        {"name":"d","type":"CDMJob","properties":[{"name":"clusterName","value":"cdm"}]},
        {"name":"e","type":"DLISQL","properties":[{"name":"queueName","value":"q"}]}]}"#;
    let map: Map = "[connection]\nc = \"c2\"\n[cdm_cluster]\ncdm = \"cdm2\"\n[dli_queue]\nq = \"q2\"\n[database]\nsame = \"same\"\n[params]\nenv = \"prod\"\n[jobs.j.params]\nday = \"1\"\n"
        .parse()
        .unwrap();
    let (request, offline) = dlf_bundle::remap::ImportRequest::new(&job(text), &map, "obs://b/j.zip").unwrap();
    let body = serde_json::to_value(
        request
            .same_name_policy(dlf_bundle::remap::SameNamePolicy::Overwrite)
            .target_status(Some(dlf_bundle::remap::TargetStatus::Production)),
    )
    .unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "path": "obs://b/j.zip",
            "sameNamePolicy": "OVERWRITE",
            "resources": [
                {"name": "c", "type": "DWS_CONNECTION", "replace": "c2"},
                {"name": "c", "type": "MRS_HIVE_CONNECTION", "replace": "c2"},
                {"name": "cdm", "type": "CDM_CLUSTER", "replace": "cdm2"},
            ],
            "params": {"env": "prod"},
            "jobsParam": [{"name": "j", "params": {"day": "1"}}],
            "targetStatus": "PRODUCTION",
        })
    );
    // Mapped to itself: nothing to do; a queue: only an offline rewrite can.
    assert_eq!(offline, [("dli_queue", "q".to_owned())]);
}

mod never_changes_what_the_map_does_not_name {
    use super::*;
    use dlf_bundle::json::Value;
    use dlf_bundle::remap::Section;
    use proptest::prelude::*;
    use proptest::sample::select;
    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    /// Names both environments use, so a map names some and not others.
    const POOL: [&str; 6] = ["a", "b", "dev", "obs://dev/x/", "obs://dev/", "Asia/Shanghai"];
    const NODE_TYPES: [&str; 9] =
        ["DWSSQL", "HiveSQL", "DLISQL", "DLISpark", "CDMJob", "RESTAPI", "Shell", "DISTransferTask", "OBSManager"];
    const PROPERTIES: [&str; 9] =
        ["connectionName", "queueName", "clusterName", "database", "agentName", "streamName", "path", "sql", "args"];
    const SECTIONS: [Section; 11] = [
        Section::Connection,
        Section::DliQueue,
        Section::CdmCluster,
        Section::MrsCluster,
        Section::DisStream,
        Section::SmnTopic,
        Section::Database,
        Section::ObsPath,
        Section::OtherWorkspace,
        Section::TimeZone,
        Section::Owner,
    ];

    fn quoted(text: &str) -> String {
        serde_json::Value::from(text).to_string()
    }

    fn node() -> impl Strategy<Value = String> {
        (select(&NODE_TYPES[..]), prop::collection::btree_map(select(&PROPERTIES[..]), select(&POOL[..]), 0..5))
            .prop_map(|(node_type, properties)| {
                let properties: Vec<String> = properties
                    .iter()
                    .map(|(k, v)| format!("{{\"name\": {}, \"value\": {}}}", quoted(k), quoted(v)))
                    .collect();
                format!(r#"{{"type": "{node_type}", "properties": [{}]}}"#, properties.join(", "))
            })
    }

    /// A job naming pool values everywhere remap looks, and parameters.
    fn job_text() -> impl Strategy<Value = String> {
        let params = prop::collection::btree_map(select(&POOL[..3]), select(&POOL[..]), 0..3);
        (prop::collection::vec(node(), 1..4), params, select(&POOL[..]), select(&POOL[..])).prop_map(
            |(nodes, params, log_path, zone)| {
                let nodes: Vec<String> = nodes
                    .iter()
                    .enumerate()
                    .map(|(i, node)| node.replacen('{', &format!("{{\"name\": \"n{i}\", "), 1))
                    .collect();
                let params: Vec<String> =
                    params.iter().map(|(k, v)| format!("{{\"name\": {}, \"value\": {}}}", quoted(k), quoted(v))).collect();
                format!(
                    "{{\"name\": \"j\", \"logPath\": {}, \"basicConfig\": {{\"owner\": {}}},\n \"schedule\": {{\"type\": \"CRON\", \"cron\": {{\"expression\": \"0 0 * * * ?\", \"expressionTimeZone\": {}}}}},\n \"params\": [{}],\n \"nodes\": [\n  {}\n ]\n}}\n",
                    quoted(log_path),
                    quoted(log_path),
                    quoted(zone),
                    params.join(", "),
                    nodes.join(",\n  ")
                )
            },
        )
    }

    /// A map naming some pool values in some sections, and some parameters.
    fn map_text() -> impl Strategy<Value = String> {
        let section = (select(&SECTIONS[..]), prop::collection::btree_map(select(&POOL[..]), "[a-z]{1,3}", 1..3));
        (prop::collection::vec(section, 0..4), prop::collection::btree_map(select(&POOL[..3]), "[a-z]{1,3}", 0..2))
            .prop_map(|(sections, params)| {
                let mut merged: BTreeMap<&str, BTreeMap<&str, String>> = BTreeMap::new();
                for (section, names) in &sections {
                    merged.entry(section.as_str()).or_default().extend(names.iter().map(|(k, v)| (*k, v.clone())));
                }
                merged.entry("params").or_default().extend(params.iter().map(|(k, v)| (*k, v.clone())));
                let mut text = String::new();
                for (section, names) in &merged {
                    writeln!(text, "[{section}]").unwrap();
                    for (key, value) in names {
                        writeln!(text, "{} = {}", quoted(key), quoted(value)).unwrap();
                    }
                }
                text
            })
    }

    /// Every string leaf, by pointer.
    fn leaves(value: &Value, pointer: &str, out: &mut BTreeMap<String, String>) {
        match value {
            Value::Object(object) => {
                for (key, member) in object.iter() {
                    leaves(member, &format!("{pointer}/{key}"), out);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    leaves(item, &format!("{pointer}/{index}"), out);
                }
            }
            other => {
                out.insert(pointer.to_owned(), dlf_bundle::json::to_string_compact(other));
            }
        }
    }

    fn leaves_of(bundle: &Bundle) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        leaves(&bundle.get("jobs/j.job").unwrap().document().unwrap().definition().to_value(), "", &mut out);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn remap_never_changes_a_value_the_map_does_not_name(text in job_text(), map in map_text()) {
            let map: Map = map.parse().unwrap();
            let mut bundle = job(&text);
            let before = leaves_of(&bundle);
            let report = apply(&mut bundle, &map).unwrap();
            let after = leaves_of(&bundle);
            let document = bundle.get("jobs/j.job").unwrap().document().unwrap();
            let written = dlf_bundle::model::Definition::from_slice(DefinitionKind::Job, &document.bytes()).unwrap();
            prop_assert_eq!(&written, document.definition(), "the bytes written read back as the remapped job");
            prop_assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "same shape");
            let changed: Vec<&String> = before.keys().filter(|pointer| before[*pointer] != after[*pointer]).collect();
            prop_assert_eq!(changed.len(), report.changes.len(), "one change reported per value changed");
            for change in &report.changes {
                let old = serde_json::from_str::<String>(&before[&change.pointer]).unwrap();
                let new = serde_json::from_str::<String>(&after[&change.pointer]).unwrap();
                prop_assert_eq!((&old, &new), (&change.from, &change.to));
                let named = if change.kind == Section::Params {
                    let name_pointer = change.pointer.replace("/value", "/name");
                    let name = serde_json::from_str::<String>(&before[&name_pointer]).unwrap();
                    map.param("j", &name) == Some(new.as_str())
                } else {
                    SECTIONS.iter().any(|s| *s == change.kind && map.rename(*s, &old) == Some(new.clone()))
                };
                prop_assert!(named, "{:?} is not something the map names", change);
            }
        }
    }
}

/// A batch bundle of one job whose DLI SQL node runs `s`, with `s` and a
/// script `unused` that no job runs, each entry's text given.
fn batch_zip(job: &str, script: &str, unused: &str) -> Vec<u8> {
    crate::common::raw_zip(&[
        crate::common::RawEntry::new("jobs/j/j.job", job).deflated(),
        crate::common::RawEntry::new("jobs/j/s.script", script).deflated(),
        crate::common::RawEntry::new("jobs/j/unused.script", unused).deflated(),
    ])
}

const JOB: &str = r#"{"name": "j", "nodes": [{"name": "n", "type": "DLISQL", "properties": [{"name": "scriptName", "value": "s"}, {"name": "queueName", "value": "q"}]}]}"#;
const SCRIPT: &str =
    r#"{"name": "s", "type": "DLISQL", "content": "select ${day}", "connectionName": "c", "queueName": "q"}"#;
const UNUSED: &str = r#"{"name": "unused", "type": "DLISQL", "content": "select 1", "queueName": "q_unused"}"#;

/// The streamed remap reads each entry once, taking the scripts' needs for
/// the unmapped list from that pass: its report is the in-memory remap's
/// and the dry run's, for maps that touch the job, the script, or nothing.
#[test]
fn streamed_in_memory_and_dry_run_remaps_report_the_same() {
    let bundle = Bundle::from_slice(&batch_zip(JOB, SCRIPT, UNUSED)).unwrap();
    let maps = ["", "[dli_queue]\nq = \"q_prod\"", "[connection]\nc = \"c_prod\"", "[connection]\nc2 = \"x\""];
    for text in maps {
        let map: Map = text.parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let streamed = dlf_bundle::remap::write_remapped(&bundle, &map, dir.path().join("out.zip")).unwrap();
        let (_, in_memory) = dlf_bundle::remap::to_vec_remapped(&bundle, &map).unwrap();
        let dry = dlf_bundle::remap::report(&bundle, &map).unwrap();
        let mut applied = bundle.clone();
        let applied = apply(&mut applied, &map).unwrap();
        assert_eq!(streamed, in_memory, "{text}");
        assert_eq!(streamed, dry, "{text}");
        assert_eq!(streamed, applied, "{text}");
        // The script's needs come through the job that runs it; the unused
        // script's are nobody's.
        let unmapped: BTreeSet<(String, Vec<String>)> =
            streamed.unmapped.iter().map(|u| (u.name.clone(), u.entries.clone())).collect();
        assert!(unmapped.iter().all(|(name, _)| name != "q_unused"), "{text}: {unmapped:?}");
        let script_queue = ("q".to_owned(), vec!["jobs/j/j.job".to_owned(), "jobs/j/s.script".to_owned()]);
        assert_eq!(unmapped.contains(&script_queue), !text.contains("dli_queue"), "{text}: {unmapped:?}");
        assert!(unmapped.iter().any(|(name, _)| name == "day"), "the script's variable: {unmapped:?}");
    }
}

/// What does not parse: the entry it is in, whether the remap fails, and
/// the entry its error names. A remap that fails writes no output.
#[test]
fn a_definition_that_does_not_parse_fails_the_remap_only_when_used_or_touched() {
    let broken = "{\"name\": ";
    let table: &[(&str, [&str; 3], &str, Option<&str>)] = &[
        ("the job, untouched by the map", [broken, SCRIPT, UNUSED], "[connection]\nc = \"c2\"", Some("jobs/j/j.job")),
        ("the script the job runs", [JOB, broken, UNUSED], "[connection]\nzz = \"z2\"", Some("jobs/j/s.script")),
        ("a script nobody runs, untouched", [JOB, SCRIPT, broken], "[connection]\nc = \"c2\"", None),
    ];
    for (what, [job, script, unused], map, failing) in table {
        let bundle = Bundle::from_slice(&batch_zip(job, script, unused)).unwrap();
        let map: Map = map.parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.zip");
        let result = dlf_bundle::remap::write_remapped(&bundle, &map, &out);
        if let Some(entry) = failing {
            let error = result.unwrap_err();
            assert_eq!(error.entry().map(dlf_bundle::error::EntryRef::name), Some(*entry), "{what}: {error}");
            assert!(!out.exists(), "{what}: no partial output");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{what}: no temporary file left");
        } else {
            result.unwrap();
            let written = Bundle::open(&out).unwrap();
            assert_eq!(written.get("jobs/j/unused.script").unwrap().bytes().unwrap().as_ref(), unused.as_bytes());
        }
    }
}

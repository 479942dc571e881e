//! Validation: for every rule, a minimal bundle that triggers it and one
//! that does not.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use crate::common::{RawEntry, raw_zip, resource_json, script_json};
use dlf_bundle::diagnostic::{Code, Severity};
use dlf_bundle::plan::preview;
use dlf_bundle::validate::{ValidateOptions, validate_archive, validate_dir, validate_file};

/// A complete, valid batch job with one DWS SQL node using script `s`.
fn job(name: &str) -> String {
    job_with(
        name,
        r#"{"name":"n1","type":"DWSSQL","location":{"x":"0","y":"0"},"properties":[{"name":"scriptName","value":"s"}]}"#,
        "",
    )
}

fn job_with(name: &str, nodes: &str, extra: &str) -> String {
    format!(
        r#"{{"name":"{name}","processType":"BATCH","directory":"/etl","nodes":[{nodes}],
            "schedule":{{"type":"CRON","cron":{{"startTime":"2024-01-01T00:00:00+08","expression":"0 20 1 * * ?"}}}}{extra}}}"#
    )
}

fn node(name: &str, extra: &str) -> String {
    format!(r#"{{"name":"{name}","type":"Dummy","location":{{"x":"0","y":"0"}},"properties":[]{extra}}}"#)
}

/// A node whose property `p` holds `value` (JSON-escaped), plus `extra` fields.
fn el_node(name: &str, value: &str, extra: &str) -> String {
    node(name, extra).replace(r#""properties":[]"#, &format!(r#""properties":[{{"name":"p","value":"{value}"}}]"#))
}

/// A valid batch bundle with job `a` and its script `s`, plus `extra` entries.
fn bundle(job_text: &str, extra: Vec<RawEntry>) -> Vec<u8> {
    let mut entries =
        vec![RawEntry::new("jobs/a/a.job", job_text.as_bytes()), RawEntry::new("jobs/a/s.script", script_json("s"))];
    entries.extend(extra);
    raw_zip(&entries)
}

fn codes(archive: &[u8], options: &ValidateOptions) -> Vec<&'static str> {
    validate_archive(archive, options).iter().map(|d| d.code.as_str()).collect()
}

struct Rule {
    code: &'static str,
    triggers: Vec<u8>,
    passes: Vec<u8>,
}

fn rule(code: &'static str, triggers: Vec<u8>, passes: Vec<u8>) -> Rule {
    Rule { code, triggers, passes }
}

fn with_node(nodes: &[String]) -> Vec<u8> {
    bundle(&job_with("a", &[nodes.join(","), job_node()].join(","), ""), vec![])
}

/// An SMN topic URN.
const TOPIC: &str = "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:alerts";

/// A node of `node_type` with these properties (values JSON-escaped here).
fn typed_node(node_type: &str, properties: &[(&str, &str)]) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!(r#"{{"name":"{name}","value":{}}}"#, serde_json::to_string(value).unwrap()))
        .collect();
    node("x", "")
        .replace("Dummy", node_type)
        .replace(r#""properties":[]"#, &format!(r#""properties":[{}]"#, properties.join(",")))
}

fn job_node() -> String {
    r#"{"name":"n1","type":"DWSSQL","location":{"x":"0","y":"0"},"properties":[{"name":"scriptName","value":"s"}]}"#
        .into()
}

#[allow(clippy::too_many_lines, reason = "one row per rule")]
fn rules() -> Vec<Rule> {
    let valid = bundle(&job("a"), vec![]);
    vec![
        rule("DLFB0001", b"not a zip".to_vec(), valid.clone()),
        rule("DLFB0002", bundle(&job("a"), vec![RawEntry::new("../x.job", b"{}")]), valid.clone()),
        rule(
            "DLFB0003",
            bundle(&job("a"), vec![RawEntry::new("jobs/a/big.script", vec![b' '; 4 << 20]).deflated()]),
            valid.clone(),
        ),
        rule(
            "DLFB0011",
            raw_zip(&[RawEntry::new("w/jobs/a/a.job", job("a")), RawEntry::new("w/jobs/a/s.script", script_json("s"))]),
            valid.clone(),
        ),
        rule(
            "DLFB0012",
            bundle(
                &job("a"),
                vec![RawEntry::new(encoding_rs::GBK.encode("jobs/a/数据.script").0.as_ref(), script_json("数据"))],
            ),
            bundle(&job("a"), vec![RawEntry::new("jobs/a/数据.script", script_json("数据"))]),
        ),
        rule("DLFB0004", raw_zip(&[RawEntry::new("jobs/a/b.job", b"{}")]), valid.clone()),
        rule("DLFB0005", bundle("{\"name\":", vec![]), valid.clone()),
        rule("DLFB0006", bundle(r#"{"name":"a","nodes":{}}"#, vec![]), valid.clone()),
        rule("DLFB0010", bundle(&job("a"), vec![RawEntry::new("notes.txt", b"hi")]), valid.clone()),
        rule(
            "DLFB0015",
            raw_zip(&[RawEntry::new("./jobs/a/a.job", job("a")), RawEntry::new("./jobs/a/s.script", script_json("s"))]),
            valid.clone(),
        ),
        rule("DLFB0016", bundle(&format!("\u{feff}{}", job("a")), vec![]), valid.clone()),
        rule("DLFB0013", bundle(&job("a"), vec![RawEntry::new("jobs/a/S.script", script_json("S"))]), valid.clone()),
        rule("DLFB0101", bundle(r#"{"name":"a","nodes":[]}"#, vec![]), valid.clone()),
        rule(
            "DLFB0101",
            with_node(&[r#"{"name":"x","type":"Dummy","properties":[]}"#.into()]),
            with_node(&[node("x", "")]),
        ),
        rule("DLFB0107", bundle(&job("a").replace("\"BATCH\"", "\"STREAMING\""), vec![]), valid.clone()),
        rule("DLFB0102", with_node(&[node("x", "").replace("Dummy", "QuantumSQL")]), with_node(&[node("x", "")])),
        rule(
            "DLFB0107",
            with_node(&[node("x", r#","failPolicy":"RETRY""#)]),
            with_node(&[node("x", r#","failPolicy":"IGNORE""#)]),
        ),
        rule(
            "DLFB0103",
            with_node(&[node("x", r#","pollingInterval":61"#)]),
            with_node(&[node("x", r#","pollingInterval":60"#)]),
        ),
        rule(
            "DLFB0103",
            with_node(&[node("x", r#","maxExecutionTime":"4""#)]),
            with_node(&[node("x", r#","maxExecutionTime":"5""#)]),
        ),
        rule("DLFB0103", with_node(&[node("x", r#","retryTimes":6"#)]), with_node(&[node("x", r#","retryTimes":5"#)])),
        rule(
            "DLFB0103",
            with_node(&[node("x", r#","retryInterval":"soon""#)]),
            with_node(&[node("x", r#","retryInterval":120"#)]),
        ),
        rule("DLFB0104", with_node(&[node("bad name", "")]), with_node(&[node("好_name", "")])),
        rule(
            "DLFB0104",
            bundle(
                &job("a")
                    .replace(r#""type":"CRON""#, r#""type":"CRON"},"params":[{"name":"a b","value":"1"}],"x":{"y":1"#),
                vec![],
            ),
            bundle(
                &job("a")
                    .replace(r#""type":"CRON""#, r#""type":"CRON"},"params":[{"name":"a_b","value":"1"}],"x":{"y":1"#),
                vec![],
            ),
        ),
        rule(
            "DLFB0104",
            bundle(
                &job("a"),
                vec![RawEntry::new(
                    "jobs/a/r23456789012345678901234567890123.resource",
                    resource_json("r23456789012345678901234567890123"),
                )],
            ),
            bundle(&job("a"), vec![RawEntry::new("jobs/a/r.resource", resource_json("r"))]),
        ),
        rule(
            "DLFB0105",
            bundle(
                &job_with("a", &job_node(), &format!(r#","params":[{{"name":"p","value":"{}"}}]"#, "v".repeat(1025))),
                vec![],
            ),
            valid.clone(),
        ),
        rule("DLFB0106", bundle(&job("a").replace("/etl", "etl"), vec![]), valid.clone()),
        rule(
            "DLFB0106",
            bundle(&job("a").replace("/etl", "/a/b/c/d/e/f/g/h/i/j/k"), vec![]),
            bundle(&job("a").replace("/etl", "/数据/etl-1/"), vec![]),
        ),
        rule(
            "DLFB0101",
            with_node(&[typed_node("SMN", &[("topic", TOPIC), ("subject", "s"), ("messageType", "NORMAL")])]),
            with_node(&[typed_node(
                "SMN",
                &[("topic", TOPIC), ("subject", "s"), ("messageType", "NORMAL"), ("message", "m")],
            )]),
        ),
        rule(
            "DLFB0107",
            with_node(&[typed_node("RESTAPI", &[("url", "https://example.com/api"), ("method", "FETCH")])]),
            with_node(&[typed_node("RESTAPI", &[("url", "https://example.com/api"), ("method", "GET")])]),
        ),
        rule(
            "DLFB0108",
            with_node(&[typed_node(
                "SMN",
                &[("topic", "alerts"), ("subject", "s"), ("messageType", "NORMAL"), ("message", "m")],
            )]),
            with_node(&[typed_node(
                "SMN",
                &[("topic", TOPIC), ("subject", "s"), ("messageType", "NORMAL"), ("message", "m")],
            )]),
        ),
        rule(
            "DLFB0109",
            with_node(&[node("x", "").replace(r#""properties":[]"#, r#""properties":[{"name":"k","value":3}]"#)]),
            with_node(&[node("x", "").replace(r#""properties":[]"#, r#""properties":[{"name":"k","value":"3"}]"#)]),
        ),
        rule(
            "DLFB0110",
            with_node(&[typed_node(
                "RESTAPI",
                &[
                    ("url", "https://example.com/api"),
                    ("method", "GET"),
                    ("headers", "Authorization=Basic dXNlcjpwYXNzd29yZA=="),
                ],
            )]),
            with_node(&[typed_node(
                "RESTAPI",
                &[
                    ("url", "https://example.com/api"),
                    ("method", "GET"),
                    ("headers", r#"Authorization=#{Env.get("auth")}"#),
                ],
            )]),
        ),
        rule(
            "DLFB0307",
            raw_zip(&[
                RawEntry::new("jobs/a/a.job", job("a")),
                RawEntry::new(
                    "jobs/a/s.script",
                    r#"{"name":"s","type":"HiveSQL","content":"select 1;","connectionName":"hive"}"#,
                ),
            ]),
            valid.clone(),
        ),
        rule("DLFB0201", with_node(&[node("x", ""), node("x", "")]), with_node(&[node("x", ""), node("y", "")])),
        rule(
            "DLFB0202",
            with_node(&[node("x", r#","preNodeName":["ghost"]"#)]),
            with_node(&[node("x", r#","preNodeName":["n1"]"#)]),
        ),
        rule(
            "DLFB0202",
            with_node(&[node("x", r##","conditions":[{"preNodeName":"ghost","expression":"#{true}"}]"##)]),
            with_node(&[node("x", r##","conditions":[{"preNodeName":"n1","expression":"#{true}"}]"##)]),
        ),
        rule(
            "DLFB0203",
            with_node(&[node("x", r#","preNodeName":["y"]"#), node("y", r#","preNodeName":["x"]"#)]),
            with_node(&[node("x", r#","preNodeName":["y"]"#), node("y", "")]),
        ),
        rule("DLFB0203", with_node(&[node("x", r#","preNodeName":["x"]"#)]), with_node(&[node("x", "")])),
        rule(
            "DLFB0203",
            with_node(&[
                node("x", r#","preNodeName":["z","nowhere"]"#),
                node("y", r#","preNodeName":["x"]"#),
                node("z", r#","preNodeName":["y"]"#),
                node("w", r#","preNodeName":["x"]"#),
            ]),
            with_node(&[
                node("x", r#","preNodeName":["nowhere"]"#),
                node("y", r#","preNodeName":["x"]"#),
                node("z", r#","preNodeName":["x"]"#),
                node("w", r#","preNodeName":["y","z"]"#),
            ]),
        ),
        rule(
            "DLFB0203",
            with_node(&[node("x", r#","preNodeName":["y"]"#), node("y", ""), node("y", r#","preNodeName":["x"]"#)]),
            with_node(&[node("x", r#","preNodeName":["y"]"#), node("y", ""), node("y", "")]),
        ),
        rule("DLFB0204", bundle(&job("a").replace("0 20 1 * * ?", "20 1 * * ?"), vec![]), valid.clone()),
        rule("DLFB0204", bundle(&job("a").replace("0 20 1 * * ?", "5 20 1 * * ?"), vec![]), valid.clone()),
        rule(
            "DLFB0204",
            bundle(&job("a").replace("0 20 1 * * ?", "0 20 1 * 3 ?"), vec![]),
            bundle(&job("a").replace("0 20 1 * * ?", "0 0/30 * ? * 2,4"), vec![]),
        ),
        rule(
            "DLFB0205",
            bundle(&job("a").replace("2024-01-01T00:00:00+08", "2024-01-01 00:00"), vec![]),
            bundle(&job("a").replace("+08", "+0800"), vec![]),
        ),
        rule(
            "DLFB0206",
            bundle(&job_with("a", &[job_node(), node("x", "")].join(","), r#","singleNodeJobFlag":true"#), vec![]),
            bundle(&job_with("a", &job_node(), r#","singleNodeJobFlag":"true""#), vec![]),
        ),
        rule(
            "DLFB0207",
            with_node(&[node("x", "")
                .replace(r#""properties":[]"#, r#""properties":[{"name":"k","value":"1"},{"name":"k","value":"2"}]"#)]),
            with_node(&[node("x", "")
                .replace(r#""properties":[]"#, r#""properties":[{"name":"k","value":"1"},{"name":"j","value":"2"}]"#)]),
        ),
        rule(
            "DLFB0208",
            bundle(
                &job_with("a", &(0..201).map(|i| node(&format!("n{i}"), "")).collect::<Vec<_>>().join(","), ""),
                vec![],
            ),
            bundle(
                &job_with("a", &(0..200).map(|i| node(&format!("n{i}"), "")).collect::<Vec<_>>().join(","), ""),
                vec![],
            ),
        ),
        rule(
            "DLFB0209",
            with_node(&[node("x", "")
                .replace("Dummy", "DLISQL")
                .replace(r#""properties":[]"#, r#""properties":[{"name":"statementOrScript","value":"SCRIPT"}]"#)]),
            with_node(&[node("x", "")
                .replace("Dummy", "DLISQL")
                .replace(r#""properties":[]"#, r#""properties":[{"name":"statementOrScript","value":"STATEMENT"}]"#)]),
        ),
        rule(
            "DLFB0210",
            bundle(
                &job_with("a", &job_node(), "").replace(
                    r#""cron":{"startTime":"2024-01-01T00:00:00+08","expression":"0 20 1 * * ?"}"#,
                    r#""x":1"#,
                ),
                vec![],
            ),
            valid.clone(),
        ),
        rule(
            "DLFB0211",
            with_node(&[el_node("x", r#"#{Evn.get(\"db\")}"#, "")]),
            with_node(&[el_node("x", r#"#{Env.get(\"db\")}"#, "")]),
        ),
        rule(
            "DLFB0212",
            with_node(&[el_node("x", r#"#{DateUtil.format(Job.planTime, \"yyyyMMdd\"}"#, "")]),
            with_node(&[el_node("x", r#"#{DateUtil.format(Job.planTime, \"yyyyMMdd\")}"#, "")]),
        ),
        rule(
            "DLFB0213",
            with_node(&[node("up", ""), el_node("x", r#"#{Job.getNodeOutput(\"up\")}"#, "")]),
            with_node(&[node("up", ""), el_node("x", r#"#{Job.getNodeOutput(\"up\")}"#, r#","preNodeName":["up"]"#)]),
        ),
        rule(
            "DLFB0214",
            with_node(&[el_node("x", "#{DateUtil.format(Job.planTime)}", "")]),
            with_node(&[el_node("x", r#"#{DateUtil.format(Job.planTime, \"yyyy\")}"#, "")]),
        ),
        rule("DLFB0301", bundle(&job("a"), vec![RawEntry::new("jobs/a/t.script", script_json("u"))]), valid.clone()),
        rule(
            "DLFB0302",
            bundle(
                &job_with(
                    "a",
                    &[job_node(), job_node().replace("n1", "n2").replace(r#""value":"s""#, r#""value":"gone""#)]
                        .join(","),
                    "",
                ),
                vec![],
            ),
            valid.clone(),
        ),
        rule("DLFB0303", raw_zip(&[RawEntry::new("jobs/a/a.job", job("a"))]), valid.clone()),
        rule(
            "DLFB0304",
            bundle(&job("a"), vec![RawEntry::new("jobs/a/unused.script", script_json("unused"))]),
            valid.clone(),
        ),
        rule(
            "DLFB0305",
            bundle(
                &job("a"),
                vec![
                    RawEntry::new("jobs/b/b.job", job("b")),
                    RawEntry::new(
                        "jobs/b/s.script",
                        String::from_utf8(script_json("s")).unwrap().replace("select 1", "select 2"),
                    ),
                ],
            ),
            bundle(
                &job("a"),
                vec![RawEntry::new("jobs/b/b.job", job("b")), RawEntry::new("jobs/b/s.script", script_json("s"))],
            ),
        ),
        rule(
            "DLFB0306",
            bundle(
                &job_with("a", &job_node(), "")
                    .replace(r#""expression""#, r#""dependJobs":{"jobs":["up"]},"expression""#),
                vec![],
            ),
            bundle(
                &job_with("a", &job_node(), "")
                    .replace(r#""expression""#, r#""dependJobs":{"jobs":["b"]},"expression""#),
                vec![RawEntry::new("jobs/b/b.job", job("b")), RawEntry::new("jobs/b/s.script", script_json("s"))],
            ),
        ),
    ]
}

#[test]
fn the_valid_baseline_has_no_diagnostics() {
    let diagnostics = validate_archive(&bundle(&job("a"), vec![]), &ValidateOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn every_rule_triggers_and_passes() {
    for rule in rules() {
        let options = ValidateOptions::default();
        let triggered = codes(&rule.triggers, &options);
        assert!(
            triggered.contains(&rule.code),
            "{} not triggered: {:?}",
            rule.code,
            validate_archive(&rule.triggers, &options)
        );
        let passed = codes(&rule.passes, &options);
        assert!(
            !passed.contains(&rule.code),
            "{} triggered on the passing bundle: {:?}",
            rule.code,
            validate_archive(&rule.passes, &options)
        );
    }
}

/// A file is read by another path (its directory while the file is read
/// whole): every rule's bundles give the same diagnostics from a file.
#[test]
fn files_validate_as_their_bytes_do() {
    let dir = tempfile::tempdir().unwrap();
    let options = ValidateOptions::default();
    for (number, rule) in rules().into_iter().enumerate() {
        for archive in [rule.triggers, rule.passes] {
            let path = dir.path().join(format!("{number}.zip"));
            std::fs::write(&path, &archive).unwrap();
            let mut from_file = validate_file(&path, &options);
            for diagnostic in &mut from_file {
                assert_eq!(
                    diagnostic.file.take(),
                    Some(path.display().to_string()),
                    "{}: the file is named",
                    rule.code
                );
            }
            assert_eq!(from_file, validate_archive(&archive, &options), "{}", rule.code);
        }
    }
}

/// An unpacked bundle validates as its zip does: the same codes, entries,
/// pointers, lines and columns (rules of the zip container aside, and
/// DLFB0004: a folder of nested definitions is a workspace, not a bad layout;
/// and GBK names and case collisions, which names on disk cannot carry alike).
#[test]
fn folders_validate_as_their_zips_do() {
    use std::io::Read;
    let options = ValidateOptions::default();
    let key = |d: &dlf_bundle::Diagnostic| (d.code, d.entry.clone(), d.pointer.clone(), d.line, d.column);
    let mut compared = 0;
    for rule in rules()
        .into_iter()
        .filter(|rule| rule.code > "DLFB0004" && !["DLFB0012", "DLFB0013", "DLFB0015"].contains(&rule.code))
    {
        for archive in [rule.triggers, rule.passes] {
            let dir = tempfile::tempdir().unwrap();
            let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(&archive)) else { continue };
            let mut extracted = true;
            for index in 0..zip.len() {
                let mut file = zip.by_index(index).unwrap();
                let Some(relative) = file.enclosed_name() else {
                    extracted = false;
                    break;
                };
                let path = dir.path().join(relative);
                if file.is_dir() {
                    std::fs::create_dir_all(&path).unwrap();
                    continue;
                }
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                let mut data = Vec::new();
                file.read_to_end(&mut data).unwrap();
                std::fs::write(path, data).unwrap();
            }
            if !extracted {
                continue;
            }
            let mut from_dir: Vec<_> = validate_dir(dir.path(), &options).iter().map(key).collect();
            let mut from_zip: Vec<_> = validate_archive(&archive, &options).iter().map(key).collect();
            from_dir.sort();
            from_zip.sort();
            assert_eq!(from_dir, from_zip, "{}", rule.code);
            compared += 1;
        }
    }
    assert!(compared > 40, "only {compared} bundles compared");
}

#[test]
fn every_code_is_tested() {
    let tested: Vec<&str> = rules().iter().map(|r| r.code).collect();
    let untested: Vec<&str> = Code::ALL
        .iter()
        .map(|code| code.as_str())
        // DLFB05xx are plan's codes, each with its row in tests/plan.rs.
        .filter(|code| !tested.contains(code) && *code != "DLFB0014" && !code.starts_with("DLFB05"))
        .collect();
    assert!(untested.is_empty(), "codes without a rule row: {untested:?}");
}

#[test]
fn strict_names_refuse_chinese() {
    let archive = with_node(&[node("节点", "")]);
    assert!(!codes(&archive, &ValidateOptions::default()).contains(&"DLFB0104"));
    assert!(codes(&archive, &ValidateOptions::default().strict_names(true)).contains(&"DLFB0104"));
}

#[test]
fn import_limits_are_warnings() {
    // Pseudo-random letters: compressible enough to stay under the ratio limit.
    let mut seed: u32 = 1;
    let content: String = (0..11 << 20)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + u8::try_from((seed >> 16) % 26).unwrap())
        })
        .collect();
    let archive = raw_zip(&[
        RawEntry::new("jobs/a/a.job", job("a")),
        RawEntry::new("jobs/a/s.script", format!(r#"{{"name":"s","type":"DWSSQL","content":"{content}"}}"#)).deflated(),
    ]);
    let options = ValidateOptions::default();
    let diagnostics = validate_archive(&archive, &options);
    let limit = diagnostics.iter().find(|d| d.code == "DLFB0014").unwrap();
    assert_eq!(limit.severity, Severity::Warning);
    assert!(limit.message.contains("10 MB"), "{limit:?}");
    assert!(diagnostics.iter().any(|d| d.code == "DLFB0105"), "content over 4 MB: {diagnostics:?}");
}

#[test]
fn diagnostics_carry_entry_pointer_and_hint() {
    let archive = with_node(&[node("x", r#","preNodeName":["ghost"]"#)]);
    let diagnostics = validate_archive(&archive, &ValidateOptions::default());
    let d = diagnostics.iter().find(|d| d.code == "DLFB0202").unwrap();
    assert_eq!(d.entry.as_deref(), Some("jobs/a/a.job"));
    assert_eq!(d.pointer.as_deref(), Some("/nodes/0/preNodeName/0"));
    assert!(d.message.contains("`ghost`"));
    assert!(!d.hint.is_empty());
}

#[test]
fn check_previews_jobs_and_scripts() {
    let archive = bundle(&job_with("a", &job_node(), r#","params":[{"name":"day","value":"1"}]"#), vec![]);
    let bundle = dlf_bundle::Bundle::from_slice(&archive).unwrap();
    let report = serde_json::to_value(preview(&bundle).unwrap()).unwrap();
    assert_eq!(
        report,
        serde_json::json!({"jobs": [{"name": "a", "path": "/etl", "params": {"day": "1"}}], "scripts": [{"name": "s", "path": "/"}]})
    );
}

/// Whether any node reaches itself through `preNodeName` edges: reachability
/// by repeated relaxation, slow and plainly right, as the oracle.
fn has_cycle(edges: &[(usize, Vec<usize>)], vertices: usize) -> bool {
    let mut reach = vec![vec![false; vertices]; vertices];
    for (node, upstream) in edges {
        for &u in upstream {
            reach[*node][u] = true;
        }
    }
    for via in 0..vertices {
        for from in 0..vertices {
            for to in 0..vertices {
                reach[from][to] |= reach[from][via] && reach[via][to];
            }
        }
    }
    (0..vertices).any(|v| reach[v][v])
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// DLFB0203 is raised exactly when the nodes form a cycle, whatever the
    /// graph: self-loops, repeated names (one vertex), edges to no node.
    #[test]
    fn a_cycle_is_reported_exactly_when_the_nodes_have_one(
        edges in proptest::collection::vec((0..5_usize, proptest::collection::vec(0..6_usize, 0..3)), 1..7)
    ) {
        let names = ["p", "q", "r", "s", "t", "nowhere"];
        let nodes: Vec<String> = edges
            .iter()
            .map(|(name, upstream)| {
                let upstream: Vec<String> = upstream.iter().map(|&u| format!("\"{}\"", names[u])).collect();
                node(names[*name], &format!(r#","preNodeName":[{}]"#, upstream.join(",")))
            })
            .collect();
        let known: Vec<(usize, Vec<usize>)> =
            edges.iter().map(|(n, up)| (*n, up.iter().copied().filter(|&u| u < 5).collect())).collect();
        let reported = codes(&with_node(&nodes), &ValidateOptions::default()).contains(&"DLFB0203");
        proptest::prop_assert_eq!(reported, has_cycle(&known, 5), "{:?}", edges);
    }
}

/// A bundle read into memory validates as its zip does, for the rules on
/// definitions and across files (DLFB0101 on): the same codes, entries and
/// pointers.
#[test]
fn bundles_in_memory_validate_as_their_zips_do() {
    use dlf_bundle::validate::validate_bundle;
    let options = ValidateOptions::default();
    let key = |d: &dlf_bundle::Diagnostic| (d.code, d.entry.clone(), d.pointer.clone());
    let mut compared = Vec::new();
    for rule in rules().into_iter().filter(|rule| rule.code >= "DLFB0101") {
        for archive in [rule.triggers, rule.passes] {
            let Ok(bundle) = dlf_bundle::Bundle::from_slice(&archive) else { continue };
            let of_definitions = |d: &&dlf_bundle::Diagnostic| d.code.as_str() >= "DLFB0101";
            let in_memory: Vec<_> = validate_bundle(&bundle, &options).iter().filter(of_definitions).map(key).collect();
            let from_zip: Vec<_> =
                validate_archive(&archive, &options).iter().filter(of_definitions).map(key).collect();
            assert_eq!(in_memory, from_zip, "{}", rule.code);
            compared.push(rule.code);
        }
    }
    assert!(compared.contains(&"DLFB0305"), "the copies rule is among those compared: {compared:?}");
}

/// A `scriptName` typo points at the value, names the script the bundle
/// holds, and says how to add one as fits the input.
#[test]
fn a_missing_script_names_the_nearest_and_the_way_to_add_one() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["jobs", "scripts"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
    }
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    let job =
        std::fs::read_to_string(examples.join("jobs/job_batch.job")).unwrap().replace("\"dws_sql\"", "\"dws_sqll\"");
    std::fs::write(dir.path().join("jobs/job_batch.job"), &job).unwrap();
    std::fs::copy(examples.join("scripts/dws_sql.script"), dir.path().join("scripts/dws_sql.script")).unwrap();
    let found = validate_dir(dir.path(), &ValidateOptions::default());
    let missing = found.iter().find(|d| d.code == Code::MissingDependency).unwrap();
    assert_eq!(missing.pointer.as_deref(), Some("/nodes/0/properties/0/value"));
    assert!(missing.hint.starts_with("did you mean `dws_sql`?"), "{missing:?}");
    assert!(missing.hint.contains("add `scripts/dws_sqll.script` to the"), "{missing:?}");
    let zip = raw_zip(&[
        RawEntry::new("jobs/job_batch/job_batch.job", job),
        RawEntry::new("jobs/job_batch/dws_sql.script", std::fs::read(examples.join("scripts/dws_sql.script")).unwrap()),
    ]);
    let found = validate_archive(&zip, &ValidateOptions::default());
    let missing = found.iter().find(|d| d.code == Code::MissingDependency).unwrap();
    assert!(missing.hint.contains("export again with dependencies"), "{missing:?}");
    assert_eq!(missing.suggestion.as_deref(), Some("dws_sql"), "the value to write at the pointer");
}

/// Where the nearest valid value is known, the finding carries it as the
/// value to write at its pointer; where none is close, it carries none.
#[test]
fn findings_suggest_the_value_to_write() {
    let table = [
        (job("a").replace("\"DWSSQL\"", "\"DWSSql\""), Code::UnknownEnumValue, Some("DWSSQL")),
        (job("a").replace("\"DWSSQL\"", "\"Zzzzzzzz\""), Code::UnknownEnumValue, None),
        (
            job_with("a", &typed_node("RESTAPI", &[("url", "https://x.example"), ("method", "GETT")]), ""),
            Code::ValueNotAllowed,
            Some("GET"),
        ),
        (job_with("a", &node("x", r#","failPolicy":"FAIL_CHILDD""#), ""), Code::ValueNotAllowed, Some("FAIL_CHILD")),
    ];
    for (text, code, suggestion) in table {
        let found = validate_archive(&bundle(&text, vec![]), &ValidateOptions::default());
        let finding = found.iter().find(|d| d.code == code).unwrap_or_else(|| panic!("{code}: {found:?}"));
        assert_eq!(finding.suggestion.as_deref(), suggestion, "{finding:?}");
        assert!(finding.pointer.is_some(), "{finding:?}");
    }
}

/// A mistyped node type names the nearest one, and its script is not then
/// reported unused (no follow-on finding for a node of an unknown type).
#[test]
fn an_unknown_node_type_names_the_nearest_and_causes_nothing_else() {
    let archive = bundle(&job("a").replace("\"DWSSQL\"", "\"DWSSql\""), vec![]);
    let found = validate_archive(&archive, &ValidateOptions::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, Code::UnknownEnumValue);
    assert!(found[0].hint.starts_with("did you mean `DWSSQL`?"), "{:?}", found[0]);
    assert!(!found[0].hint.contains("HiveSQL"), "names the nearest, not the list: {:?}", found[0]);
}

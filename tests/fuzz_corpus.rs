//! Replays the committed fuzz corpus and every past crash on stable Rust,
//! through the same checks the fuzz targets run.
#![allow(clippy::unwrap_used, clippy::panic)]
#![allow(clippy::disallowed_methods, reason = "writes the seed corpus into the repository's own folder")]

use crate::common::{RawEntry, batch_entries, job_json, raw_zip, resource_json, script_json};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Every file of `corpus/<target>` and `regressions/<target>`.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for folder in ["corpus", "regressions"] {
        let dir = fuzz_dir().join(folder).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            out.push((path.clone(), std::fs::read(path).unwrap()));
        }
    }
    out
}

fn replay(target: &str, check: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "no committed inputs for {target}");
    for (path, data) in inputs {
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
    }
}

#[test]
fn read_bundle_corpus_replays() {
    replay("read_bundle", crate::fuzz_support::read_target);
}

#[test]
fn json_model_corpus_replays() {
    replay("json_model", crate::fuzz_support::json_target);
}

#[test]
fn edit_corpus_replays() {
    replay("edit", crate::fuzz_support::edit_target);
}

#[test]
fn expression_corpus_replays() {
    replay("expression", crate::fuzz_support::expression_target);
}

#[test]
fn diff_corpus_replays() {
    replay("diff", crate::fuzz_support::diff_target);
}

#[test]
fn round_trip_corpus_replays() {
    replay("round_trip", crate::fuzz_support::round_trip_target);
}

/// Writes the seed corpus (run with `--ignored` after changing the seeds).
#[test]
#[ignore = "writes files; run by hand to regenerate the seed corpus"]
fn write_seed_corpus() {
    let write = |target: &str, name: &str, data: &[u8]| {
        let dir = fuzz_dir().join("corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), data).unwrap();
    };
    let wrapped: Vec<RawEntry> = batch_entries()
        .into_iter()
        .map(|mut e| {
            e.name = [b"export/".as_slice(), &e.name].concat();
            e
        })
        .collect();
    let (gbk, _, _) = encoding_rs::GBK.encode("jobs/作业/作业.job");
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("batch.zip", raw_zip(&batch_entries())),
        ("batch-deflated.zip", raw_zip(&batch_entries().into_iter().map(RawEntry::deflated).collect::<Vec<_>>())),
        (
            "single.zip",
            raw_zip(&[
                RawEntry::new("jobs/myJob.job", job_json("myJob")),
                RawEntry::new("scripts/s.script", script_json("s")),
                RawEntry::new("resources/r.resource", resource_json("r")),
            ]),
        ),
        ("wrapped.zip", raw_zip(&wrapped)),
        (
            "directory-entries.zip",
            raw_zip(&[
                RawEntry::new("jobs/", b""),
                RawEntry::new("jobs/a/", b""),
                RawEntry::new("jobs/a/a.job", job_json("a")),
            ]),
        ),
        ("gbk-name.zip", raw_zip(&[RawEntry::new(gbk.as_ref(), job_json("作业"))])),
        ("stray-file.zip", raw_zip(&[RawEntry::new("jobs/a/a.job", job_json("a")), RawEntry::new("readme.txt", b"x")])),
        (
            "macos-metadata.zip",
            raw_zip(
                &[
                    batch_entries(),
                    vec![
                        RawEntry::new("__MACOSX/x/jobs/job_batch/._job_batch.job", b"\x00\x05\x16\x07"),
                        RawEntry::new("jobs/.DS_Store", b"Bud1"),
                    ],
                ]
                .concat(),
            ),
        ),
        ("dot-slash.zip", raw_zip(&[RawEntry::new("./", b""), RawEntry::new("./jobs/a/a.job", job_json("a"))])),
        ("empty-definition.zip", raw_zip(&[RawEntry::new("jobs/a/a.job", b"")])),
        ("written-by-us.zip", dlf_bundle::Bundle::from_slice(&raw_zip(&batch_entries())).unwrap().to_vec().unwrap()),
    ];
    for (name, data) in seeds {
        write("read_bundle", name, &data);
    }
    let json_seeds: &[(&str, &str)] = &[
        (
            "job.json",
            r#"{"name":"j","processType":"BATCH","nodes":[{"name":"n","type":"HiveSQL","location":{"x":"-45.5","y":7},"properties":[{"name":"scriptName","value":"s","value_is_sensitive":false}]}],"schedule":{"type":"CRON","cron":{"expression":"0 20 1 * * ?","dependJobs":{"jobs":["up"]}}},"resouces":[]}"#,
        ),
        (
            "script.json",
            r#"{"name":"s","type":"DWSSQL","content":"select '中文'\n","currentDatabase":"db","configuration":{}}"#,
        ),
        ("resource.json", r#"{"name":"r","type":"jar","location":"obs://b/r.jar","dependFiles":["obs://b/x.jar"]}"#),
        ("numbers.json", "[0,-0,1.5e10,1E-3,-12.50,123456789012345678901234567890]"),
        ("escapes.json", r#"{"a":"\u00e9\ud83d\ude00\n\t\"\\\/","b":null,"c":true}"#),
        ("nulls.json", r#"{"name":null,"nodes":null,"schedule":{"cron":null}}"#),
    ];
    for (name, text) in json_seeds {
        write("json_model", name, text.as_bytes());
        // An edit script (enter the first member, set a number; add a key), then the document.
        write("edit", name, &[&[3, 0, 0, 1, 7, 0, 0, 0, 4, 1, b'k', 9, 0, 0, 0][..], text.as_bytes()].concat());
    }
    let expression_seeds: &[(&str, &str)] = &[
        ("format.el", r#"dt=#{DateUtil.format(DateUtil.addDays(Job.planTime, -1), "yyyyMMdd")}"#),
        ("conditional.el", r#"#{StringUtil.isNotEmpty(Job.getParam('x')) ? Job.getParam("x") : "d"}"#),
        ("operators.el", "#{(a + b) * -c % 2 >= 1 && !d || e[0].f != null}"),
        ("braces.el", r#"a #{Env.get("}")} b #{Evn.get("x")} #{open"#),
        (
            "map.toml",
            "[connection]\ndws_dev = \"dws_prod\"\n[obs_path]\n\"obs://dev/\" = \"obs://prod/\"\n[jobs.j.params]\nbizdate = \"1\"\n",
        ),
    ];
    for (name, text) in expression_seeds {
        write("expression", name, text.as_bytes());
    }
    for (i, seed) in
        [&b""[..], b"\x00\x01batch", b"\x01\x02\x03\x04job_a\x00n1\x00HiveSQL", &[0x55; 64]].iter().enumerate()
    {
        write("round_trip", &format!("seed{i}"), seed);
        // The same bytes twice: two bundles, the second often like the first.
        write("diff", &format!("seed{i}"), &[*seed, *seed].concat());
    }
}

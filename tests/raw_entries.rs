//! Entries stay raw from reader to writer: what `diff`, `remap` and `set`
//! must and must not conclude from the bytes as stored, and that what they
//! copy untouched is the input's entry, byte for byte.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "the tests lay out folders for other tools to zip")]

use crate::common::{RawEntry, raw_zip};
use dlf_bundle::diff::{DiffOptions, diff};
use dlf_bundle::model::Document;
use dlf_bundle::remap::{self, Map};
use dlf_bundle::resolve::{ReferenceOptions, bundle_dependencies};
use dlf_bundle::{Bundle, DefinitionKind, Layout};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// `jobs` jobs in the batch layout: job `i` runs script `s{i}` on
/// connection `conn_{i % 3}` and, from the second on, depends on job
/// `i / 2` (a tree, so a change reaches some jobs and not others).
fn generated(jobs: usize) -> Bundle {
    let mut bundle = Bundle::new(Layout::Batch);
    for i in 0..jobs {
        let depend = if i == 0 { String::new() } else { format!(r#","dependJobs":{{"jobs":["j{}"]}}"#, i / 2) };
        let job = format!(
            r#"{{"name":"j{i}","processType":"BATCH","schedule":{{"type":"CRON","cron":{{"startTime":"2026-01-01T00:00:00+08","expression":"0 0 2 * * ?"{depend}}}}},"params":[{{"name":"bizdate","value":"{i}"}}],"nodes":[{{"name":"load","type":"DWSSQL","location":{{"x":0,"y":0}},"properties":[{{"name":"scriptName","value":"s{i}"}},{{"name":"connectionName","value":"conn_{c}"}},{{"name":"database","value":"db"}}]}}]}}"#,
            c = i % 3
        );
        let script = format!(
            r#"{{"name":"s{i}","type":"DWSSQL","content":"select {i} from t;\nselect 2;","connectionName":"conn_{c}","database":"db"}}"#,
            c = i % 3
        );
        bundle
            .insert(&format!("jobs/j{i}/j{i}.job"), Document::parse(DefinitionKind::Job, job.into_bytes()).unwrap())
            .unwrap();
        let script = Document::parse(DefinitionKind::Script, script.into_bytes()).unwrap();
        bundle.insert(&format!("jobs/j{i}/s{i}.script"), script).unwrap();
    }
    bundle
}

/// Each entry of a zip as stored: method, CRC-32, sizes and compressed bytes.
fn raw_entries(zip: &[u8]) -> BTreeMap<String, (u16, u32, u64, u64, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index_raw(index).unwrap();
            let mut compressed = Vec::new();
            let stored = (
                match file.compression() {
                    zip::CompressionMethod::Stored => 0,
                    _ => 8,
                },
                file.crc32(),
                file.compressed_size(),
                file.size(),
            );
            let name = file.name().unwrap().into_owned();
            file.read_to_end(&mut compressed).unwrap();
            (name, (stored.0, stored.1, stored.2, stored.3, compressed))
        })
        .collect()
}

fn has(program: &str, version: &str) -> bool {
    Command::new(program).arg(version).output().is_ok_and(|output| output.status.success())
}

#[test]
fn a_bundle_and_its_rezip_by_another_compressor_diff_as_equal() {
    let dir = tempfile::tempdir().unwrap();
    let original = generated(6);
    original.unpack(dir.path().join("unpacked"), dlf_bundle::UnpackOptions::default()).unwrap();
    let python = "import os, sys, zipfile\n\
        method = zipfile.ZIP_STORED if sys.argv[2] == 'stored' else zipfile.ZIP_DEFLATED\n\
        with zipfile.ZipFile(sys.argv[1], 'w', method) as z:\n\
        \x20   for root, _, files in os.walk('jobs'):\n\
        \x20       for f in sorted(files): z.write(os.path.join(root, f))\n";
    // (tool, program and version flag, command run in the unpacked folder)
    let rows: [(&str, (&str, &str), Vec<String>); 4] = [
        ("Info-ZIP zip -9", ("zip", "-v"), vec!["zip".into(), "-qr9".into(), "../out.zip".into(), "jobs".into()]),
        (
            "Info-ZIP zip -0 (stored)",
            ("zip", "-v"),
            vec!["zip".into(), "-qr0".into(), "../out.zip".into(), "jobs".into()],
        ),
        (
            "Python zipfile, deflated",
            ("python3", "--version"),
            vec!["python3".into(), "-c".into(), python.into(), "../out.zip".into(), "deflated".into()],
        ),
        (
            "Python zipfile, stored",
            ("python3", "--version"),
            vec!["python3".into(), "-c".into(), python.into(), "../out.zip".into(), "stored".into()],
        ),
    ];
    for (tool, (program, version), command) in rows {
        if !has(program, version) {
            eprintln!("skipped: {tool} ({program} is not installed)");
            continue;
        }
        let out = dir.path().join("out.zip");
        let _ = std::fs::remove_file(&out);
        let status = Command::new(&command[0]).args(&command[1..]).current_dir(dir.path().join("unpacked")).status();
        assert!(status.unwrap().success(), "{tool}");
        let rezipped = Bundle::open(&out).unwrap();
        let result = diff(&original, &rezipped, &DiffOptions::new()).unwrap();
        assert!(result.is_empty(), "{tool}: {result:?}");
        // And the other way round, against the bundle as written and read back.
        let written = Bundle::from_slice(&original.to_vec().unwrap()).unwrap();
        assert!(diff(&rezipped, &written, &DiffOptions::new()).unwrap().is_empty(), "{tool}");
    }
}

/// `data` with some letters changed to their neighbour (`b` and `c` differ
/// in bit 0) so that its CRC-32 stays the same: the flips' CRC differences
/// are vectors of GF(2)^32, and 40 of them are linearly dependent.
fn same_crc_other_bytes(data: &[u8], positions: &[usize]) -> Vec<u8> {
    let zero = crc32fast::hash(&vec![0; data.len()]);
    let flip = |position: usize| {
        let mut single = vec![0; data.len()];
        single[position] = 1;
        crc32fast::hash(&single) ^ zero
    };
    // Gaussian elimination, each row remembering (a bit per position) which
    // flips it combines.
    assert!(positions.len() <= 64);
    let mut rows: Vec<(u32, u64)> = Vec::new();
    for (index, &position) in positions.iter().enumerate() {
        let (mut value, mut combined) = (flip(position), 1u64 << index);
        for (pivot, members) in &rows {
            if value ^ pivot < value {
                value ^= pivot;
                combined ^= members;
            }
        }
        if value == 0 {
            let mut forged = data.to_vec();
            for (bit, &position) in positions.iter().enumerate() {
                if combined >> bit & 1 == 1 {
                    forged[position] ^= 1;
                }
            }
            return forged;
        }
        rows.push((value, combined));
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    }
    panic!("no dependent set of flips among {} positions", positions.len());
}

#[test]
fn a_forged_entry_with_the_same_crc_and_sizes_is_a_change() {
    let job = |letters: &str| {
        format!(r#"{{"name":"j","processType":"BATCH","schedule":{{"type":"EXECUTE_ONCE"}},"description":"{letters}","nodes":[]}}"#)
            .into_bytes()
    };
    let original = job(&"b".repeat(48));
    let start = original.windows(3).position(|w| w == b"bbb").unwrap();
    let forged = same_crc_other_bytes(&original, &(start..start + 48).collect::<Vec<_>>());
    assert_ne!(forged, original);
    assert_eq!(crc32fast::hash(&forged), crc32fast::hash(&original), "the forgery holds");
    assert_eq!(forged.len(), original.len());
    // Stored: the same method, CRC-32 and sizes in both headers.
    let old = Bundle::from_slice(&raw_zip(&[RawEntry::new("jobs/j.job", original)])).unwrap();
    let new = Bundle::from_slice(&raw_zip(&[RawEntry::new("jobs/j.job", forged)])).unwrap();
    let result = diff(&old, &new, &DiffOptions::new()).unwrap();
    assert_eq!(result.jobs.changed.len(), 1, "{result:?}");
    assert_eq!(result.jobs.changed[0].changes[0].path, "/description");
}

/// Identical entries are compared a stretch of the archive at a time: a
/// forgery in the middle of a stretch is still a change, whether the
/// bundles are read from memory or from files.
#[test]
fn a_forged_entry_among_many_is_a_change_from_memory_and_from_files() {
    let job = |name: &str, letters: &str| {
        format!(r#"{{"name":"{name}","processType":"BATCH","schedule":{{"type":"EXECUTE_ONCE"}},"description":"{letters}","nodes":[]}}"#)
            .into_bytes()
    };
    let names: Vec<String> = (0..40).map(|index| format!("j{index:02}")).collect();
    let originals: Vec<Vec<u8>> = names.iter().map(|name| job(name, &"b".repeat(48))).collect();
    let forged_index = 21;
    let original = &originals[forged_index];
    let start = original.windows(3).position(|w| w == b"bbb").unwrap();
    let forged = same_crc_other_bytes(original, &(start..start + 48).collect::<Vec<_>>());
    assert_eq!((crc32fast::hash(&forged), forged.len()), (crc32fast::hash(original), original.len()));
    let zip = |contents: &dyn Fn(usize) -> Vec<u8>| {
        let entries: Vec<RawEntry> = names
            .iter()
            .enumerate()
            .map(|(index, name)| RawEntry::new(format!("jobs/{name}.job"), contents(index)))
            .collect();
        raw_zip(&entries)
    };
    let old_zip = zip(&|index| originals[index].clone());
    let new_zip = zip(&|index| if index == forged_index { forged.clone() } else { originals[index].clone() });
    let dir = tempfile::tempdir().unwrap();
    let (old_path, new_path) = (dir.path().join("old.zip"), dir.path().join("new.zip"));
    std::fs::write(&old_path, &old_zip).unwrap();
    std::fs::write(&new_path, &new_zip).unwrap();
    let rows: [(&str, Bundle, Bundle); 2] = [
        ("memory", Bundle::from_slice(&old_zip).unwrap(), Bundle::from_slice(&new_zip).unwrap()),
        ("files", Bundle::open(&old_path).unwrap(), Bundle::open(&new_path).unwrap()),
    ];
    for (source, old, new) in rows {
        let result = diff(&old, &new, &DiffOptions::new()).unwrap();
        let changed: Vec<&str> = result.jobs.changed.iter().map(|changed| changed.name.as_str()).collect();
        assert_eq!(changed, ["j21"], "{source}");
        assert!(diff(&old, &old, &DiffOptions::new()).unwrap().is_empty(), "{source}: a bundle and itself");
    }
}

/// Differing pairs are inflated from stretches of both archives read at
/// once; entries in another order in NEW (or scattered) still pair by name.
#[test]
fn the_changes_are_found_whatever_order_either_archive_keeps() {
    let old = generated(30);
    let old_zip = old.to_vec().unwrap();
    let changed = |path: &str, data: &[u8]| {
        let text = String::from_utf8(data.to_vec()).unwrap();
        match path {
            "jobs/j3/j3.job" | "jobs/j17/j17.job" => text.replace("conn_", "link_"),
            "jobs/j9/s9.script" => text.replace("select 2", "select 3"),
            _ => text,
        }
    };
    let entries: Vec<(String, Vec<u8>)> =
        old.iter().map(|entry| (entry.path().to_owned(), entry.bytes().unwrap().into_owned())).collect();
    let in_order: Vec<RawEntry> = entries.iter().map(|(path, data)| RawEntry::new(path, changed(path, data))).collect();
    let reversed: Vec<RawEntry> = in_order.iter().rev().cloned().collect();
    let mut interleaved: Vec<RawEntry> = in_order.iter().step_by(2).cloned().collect();
    interleaved.extend(in_order.iter().skip(1).step_by(2).cloned());
    let dir = tempfile::tempdir().unwrap();
    for (order, entries) in [("in order", &in_order), ("reversed", &reversed), ("interleaved", &interleaved)] {
        let new_zip = raw_zip(entries);
        let path = dir.path().join("new.zip");
        std::fs::write(&path, &new_zip).unwrap();
        let old_path = dir.path().join("old.zip");
        std::fs::write(&old_path, &old_zip).unwrap();
        let sides = [
            ("memory", Bundle::from_slice(&old_zip).unwrap(), Bundle::from_slice(&new_zip).unwrap()),
            ("files", Bundle::open(&old_path).unwrap(), Bundle::open(&path).unwrap()),
        ];
        for (source, old, new) in sides {
            let result = diff(&old, &new, &DiffOptions::new()).unwrap();
            let names = |changed: &[dlf_bundle::diff::Changed]| -> Vec<String> {
                changed.iter().map(|changed| changed.name.clone()).collect()
            };
            assert_eq!(names(&result.jobs.changed), ["j17", "j3"], "{order}, {source}");
            assert_eq!(names(&result.scripts.changed), ["s9"], "{order}, {source}");
            let paths: Vec<&str> =
                result.jobs.changed.iter().flat_map(|c| c.changes.iter().map(|c| c.path.as_str())).collect();
            assert_eq!(paths, ["/nodes/load/properties/connectionName"; 2], "{order}, {source}");
        }
    }
}

#[test]
fn remap_streamed_writes_what_remap_in_memory_writes_and_copies_untouched_entries_raw() {
    let dir = tempfile::tempdir().unwrap();
    let zip = generated(30).to_vec().unwrap();
    let input = Bundle::from_slice(&zip).unwrap();
    let rows: [(&str, &str); 4] = [
        ("one connection of three", "[connection]\nconn_1 = \"conn_1_prod\"\n"),
        ("every connection", "[connection]\nconn_0 = \"p0\"\nconn_1 = \"p1\"\nconn_2 = \"p2\"\n"),
        ("nothing matches", "[connection]\nnope = \"p\"\n"),
        ("a parameter of every job", "[params]\nbizdate = \"20260101\"\n"),
    ];
    for (case, map) in rows {
        let map: Map = map.parse().unwrap();
        let out = dir.path().join("out.zip");
        let streamed_report = remap::write_remapped(&input, &map, &out).unwrap();
        let streamed = std::fs::read(&out).unwrap();
        let mut in_memory = Bundle::from_slice(&zip).unwrap();
        let report = remap::apply(&mut in_memory, &map).unwrap();
        assert_eq!(streamed_report, report, "{case}: one report");
        assert_eq!(remap::report(&input, &map).unwrap(), report, "{case}: the dry run's report");
        assert_eq!(streamed, in_memory.to_vec().unwrap(), "{case}: the same bytes");
        assert_eq!(
            remap::write_remapped(&input, &map, &out).map(|_| std::fs::read(&out).unwrap()).unwrap(),
            streamed,
            "{case}: deterministic"
        );
        let changed: BTreeSet<&str> = report.changes.iter().map(|change| change.entry.as_str()).collect();
        let (before, after) = (raw_entries(&zip), raw_entries(&streamed));
        assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "{case}");
        for (name, stored) in &before {
            assert_eq!(stored == &after[name], !changed.contains(name.as_str()), "{case}: {name}");
        }
        // What diff sees between input and output is exactly what remap changed.
        let output = Bundle::from_slice(&streamed).unwrap();
        let result = diff(&input, &output, &DiffOptions::new()).unwrap();
        let diffed: BTreeSet<String> = [(&result.jobs, "j"), (&result.scripts, "s")]
            .iter()
            .flat_map(|(kind, _)| kind.changed.iter().map(|c| c.name.clone()))
            .collect();
        let remapped: BTreeSet<String> =
            changed.iter().map(|entry| Path::new(entry).file_stem().unwrap().to_str().unwrap().to_owned()).collect();
        assert_eq!(diffed, remapped, "{case}");
    }
}

/// A parameter whose value is a number is set to the map's string by the
/// general editor (no string to splice): streamed, the bytes are still
/// those of the bundle remapped in memory.
#[test]
fn a_number_parameter_set_by_a_streamed_remap_is_written_as_in_memory() {
    let job = r#"{"name":"j","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"params":[{"name":"retries","value":7}],"nodes":[]}"#;
    let zip = crate::common::raw_zip(&[crate::common::RawEntry::new("jobs/j.job", job)]);
    let map: Map = "[params]\nretries = \"8\"\n".parse().unwrap();
    let input = Bundle::from_slice(&zip).unwrap();
    let (streamed, report) = remap::to_vec_remapped(&input, &map).unwrap();
    let mut in_memory = Bundle::from_slice(&zip).unwrap();
    assert_eq!(remap::apply(&mut in_memory, &map).unwrap(), report);
    assert_eq!(streamed, in_memory.to_vec().unwrap());
    let written = Bundle::from_slice(&streamed).unwrap();
    let text = written.get("jobs/j.job").unwrap().bytes().unwrap().into_owned();
    let value: serde_json::Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(value["params"][0]["value"], "8");
}

#[test]
fn the_jobs_a_change_affects_are_those_full_resolution_finds() {
    let bundle = generated(40);
    let zip = bundle.to_vec().unwrap();
    // Users by full resolution: who references what, then downstream.
    let mut users: BTreeMap<(DefinitionKind, String), BTreeSet<String>> = BTreeMap::new();
    for job in bundle_dependencies(&bundle, &ReferenceOptions::default()).unwrap() {
        for dependency in &job.dependencies {
            if let Some((kind, name)) = dependency.reference.target.definition()
                && !(kind == DefinitionKind::Job && name == job.job)
            {
                users.entry((kind, name.to_owned())).or_default().insert(job.job.clone());
            }
        }
    }
    let downstream = |kind: DefinitionKind, name: &str| {
        let mut found = BTreeSet::new();
        let mut queue: Vec<String> = users.get(&(kind, name.to_owned())).into_iter().flatten().cloned().collect();
        while let Some(job) = queue.pop() {
            if found.insert(job.clone()) {
                queue.extend(users.get(&(DefinitionKind::Job, job)).into_iter().flatten().cloned());
            }
        }
        found.remove(name);
        found.into_iter().collect::<Vec<_>>()
    };
    for (kind, name, path) in [
        (DefinitionKind::Job, "j1", "jobs/j1/j1.job"),
        (DefinitionKind::Job, "j5", "jobs/j5/j5.job"),
        (DefinitionKind::Job, "j39", "jobs/j39/j39.job"),
        (DefinitionKind::Script, "s2", "jobs/j2/s2.script"),
    ] {
        let mut changed = Bundle::from_slice(&zip).unwrap();
        let entry = changed.get_mut(path).unwrap();
        let bytes = String::from_utf8(entry.bytes().unwrap().into_owned()).unwrap();
        let edited = if kind == DefinitionKind::Job {
            bytes.replace(r#""database","value":"db""#, r#""database","value":"db2""#)
        } else {
            bytes.replace("select 2;", "select 3;")
        };
        *entry.document_mut().unwrap() = Document::parse(kind, edited.into_bytes()).unwrap();
        let result = diff(&bundle, &changed, &DiffOptions::new()).unwrap();
        let kind_changes = if kind == DefinitionKind::Job { &result.jobs } else { &result.scripts };
        assert_eq!(kind_changes.changed.len(), 1, "{name}: {result:?}");
        assert_eq!(kind_changes.changed[0].affected, downstream(kind, name), "{name}");
    }
}

#[test]
fn set_copies_every_entry_it_does_not_edit_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.zip");
    std::fs::write(&input, generated(20).to_vec().unwrap()).unwrap();
    let output = dir.path().join("out.zip");
    let status = Command::new(env!("CARGO_BIN_EXE_dlf-bundle"))
        .args(["set", input.to_str().unwrap(), "--job", "j7", "--node", "load", "retryTimes=3", "-o"])
        .arg(&output)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let (before, after) = (raw_entries(&std::fs::read(&input).unwrap()), raw_entries(&std::fs::read(&output).unwrap()));
    let differing: Vec<&String> = before.keys().filter(|name| before[*name] != after[*name]).collect();
    assert_eq!(differing, ["jobs/j7/j7.job"]);
}

/// A name JSON writes escaped (`q"1` is `"q\"1"` in the file) is still found
/// by the byte search that picks the jobs a change can reach.
#[test]
fn a_job_named_with_a_quote_is_still_found_among_the_affected() {
    let job = |name: &str, depend: &str, database: &str| {
        let text = format!(
            r#"{{"name":{},"processType":"BATCH","schedule":{{"type":"CRON","cron":{{"startTime":"2026-01-01T00:00:00+08","expression":"0 0 2 * * ?"{depend}}}}},"nodes":[{{"name":"n","type":"Dummy","location":{{"x":0,"y":0}},"properties":[{{"name":"database","value":"{database}"}}]}}]}}"#,
            serde_json::to_string(name).unwrap()
        );
        Document::parse(DefinitionKind::Job, text.into_bytes()).unwrap()
    };
    let build = |database: &str| {
        let mut bundle = Bundle::new(Layout::Single);
        bundle.insert("jobs/q\"1.job", job("q\"1", "", database)).unwrap();
        bundle.insert("jobs/user.job", job("user", r#","dependJobs":{"jobs":["q\"1"]}"#, "db")).unwrap();
        Bundle::from_slice(&bundle.to_vec().unwrap()).unwrap()
    };
    let result = diff(&build("db"), &build("db2"), &DiffOptions::new()).unwrap();
    assert_eq!(result.jobs.changed.len(), 1, "{result:?}");
    assert_eq!(result.jobs.changed[0].name, "q\"1");
    assert_eq!(result.jobs.changed[0].affected, ["user"]);
}

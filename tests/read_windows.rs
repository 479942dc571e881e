//! Archive files are read by position, a window of a few MiB at a time;
//! archives in memory are read as one window. Both must read and refuse
//! alike, whichever window a hazard falls in.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common::{RawEntry, batch_entries, script_json};
use dlf_bundle::{Bundle, ErrorKind, ReadOptions};

/// Stored bytes that do not compress and never hold a zip signature.
fn padding(name: &str, seed: u64, bytes: usize) -> RawEntry {
    let mut state = seed;
    let data = (0..bytes)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            // Letters only: no `PK` can appear.
            b'a' + u8::try_from((state >> 33) % 26).unwrap()
        })
        .collect::<Vec<u8>>();
    RawEntry::new(format!("jobs/job_batch/{name}.bin"), data)
}

/// Over three windows of padding, with `hazard` at `position` among them.
fn large_archive(hazard: Option<RawEntry>, position: usize) -> Vec<u8> {
    let mut entries = batch_entries();
    for part in 0..6 {
        entries.push(padding(&format!("pad{part}"), part, 2 << 20));
    }
    if let Some(hazard) = hazard {
        entries.insert(position.min(entries.len()), hazard);
    }
    crate::common::raw_zip(&entries)
}

fn hazards() -> Vec<(&'static str, RawEntry)> {
    let entry = |name: &str| RawEntry::new(format!("jobs/job_batch/{name}.script"), script_json(name));
    let mut bad_crc = entry("crc");
    bad_crc.declared_crc = Some(0xDEAD_BEEF);
    let mut size_lie = entry("lie");
    size_lie.declared_size = Some(4);
    let mut local_name = entry("shown");
    local_name.local_name = Some(b"jobs/job_batch/hidden.script".to_vec());
    let mut local_method = entry("m");
    local_method.local_method = Some(8);
    let mut bad_descriptor = entry("dd");
    bad_descriptor.flags = 1 << 3;
    bad_descriptor.descriptor_crc = Some(0xDEAD_BEEF);
    let mut good_descriptor = entry("gd").deflated();
    good_descriptor.flags = 1 << 3;
    let mut unlisted = entry("hidden");
    unlisted.unlisted = true;
    let mut overrun = entry("overrun");
    overrun.declared_compressed = Some(u32::try_from(script_json("overrun").len()).unwrap() + 10);
    let mut far_overrun = entry("far");
    far_overrun.declared_compressed = Some(5 << 20);
    let mut shares_first = entry("copy");
    shares_first.offset_of_entry = Some(0);
    let mut metadata_crc = RawEntry::new("__MACOSX/jobs/job_batch/._job_batch.job", [0, 5, 22, 7, 0, 2, 0, 0]);
    metadata_crc.declared_crc = Some(1);
    vec![
        ("CRC-32 mismatch", bad_crc),
        ("declared size lies", size_lie),
        ("local header names another file", local_name),
        ("local header, other method", local_method),
        ("data descriptor disagrees", bad_descriptor),
        ("data descriptor agrees", good_descriptor),
        ("entry left out of the directory", unlisted),
        ("data runs into the next entry", overrun),
        ("data runs over a window into later entries", far_overrun),
        ("record points at the first entry's local header", shares_first),
        ("damaged macOS metadata", metadata_crc),
    ]
}

/// What a read gives, comparable across the two paths: each definition's
/// path and bytes, or the error's kind and message.
type Outcome = Result<Vec<(String, Vec<u8>)>, (ErrorKind, String)>;

fn outcome(read: dlf_bundle::Result<Bundle>) -> Outcome {
    read.map(|bundle| bundle.iter().map(|e| (e.path().to_owned(), e.document().unwrap().bytes().to_vec())).collect())
        .map_err(|e| (e.kind().clone(), e.to_string()))
}

#[test]
fn files_read_in_windows_read_and_refuse_as_memory_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jobs.zip");
    let options = ReadOptions::new();
    let mut cases = vec![("no hazard".to_owned(), large_archive(None, 0))];
    for (name, hazard) in hazards() {
        // After the first definitions, in the middle window, and last.
        for position in [4, 7, usize::MAX] {
            cases.push((format!("{name} at {position}"), large_archive(Some(hazard.clone()), position)));
        }
    }
    for (name, archive) in cases {
        std::fs::write(&path, &archive).unwrap();
        let from_memory = outcome(crate::common::read_with(&archive, &options));
        let from_file = outcome(crate::common::open_with(&path, &options));
        assert_eq!(from_file, from_memory, "{name}");
        // Diagnostics of a file name it; the rest must be the same.
        let validated = |found: Vec<dlf_bundle::Diagnostic>| {
            found.into_iter().map(|d| (d.code, d.entry, d.line, d.message)).collect::<Vec<_>>()
        };
        let validate_options = dlf_bundle::validate::ValidateOptions::default();
        assert_eq!(
            validated(dlf_bundle::validate::validate_file(&path, &validate_options)),
            validated(dlf_bundle::validate::validate_archive(&archive, &validate_options)),
            "{name}"
        );
        if name.starts_with("no hazard") || name.starts_with("data descriptor agrees") {
            assert!(from_memory.is_ok(), "{name}: {from_memory:?}");
        } else {
            assert!(from_memory.is_err(), "{name} is read");
        }
    }
}

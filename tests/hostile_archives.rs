//! The safe reader against hostile and broken archives: one row per hazard,
//! each refused with the right kind of error naming the entry.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::too_many_lines, reason = "the case table is one long list on purpose")]

use crate::common::{
    RawEntry, batch_entries, job_json, raw_zip, raw_zip_with_adjusted_prefix, raw_zip_with_prefix, script_json,
};
use dlf_bundle::error::{Corruption, EntryRef, HeaderField, Limit, NameProblem, Unsupported, ZipHeader};
use dlf_bundle::{ErrorKind, Limits, ReadOptions};

struct Case {
    name: &'static str,
    archive: Vec<u8>,
    limits: Limits,
    kind: ErrorKind,
    /// The entry the error must name (`None`: archive-wide error).
    entry: Option<&'static str>,
}

fn case(name: &'static str, archive: Vec<u8>, kind: ErrorKind, entry: Option<&'static str>) -> Case {
    Case { name, archive, limits: Limits::default(), kind, entry }
}

fn with(mut entries: Vec<RawEntry>, extra: RawEntry) -> Vec<u8> {
    entries.push(extra);
    raw_zip(&entries)
}

fn evil_name(name: &'static str) -> Vec<u8> {
    with(batch_entries(), RawEntry::new(name, job_json("evil")))
}

fn cases() -> Vec<Case> {
    let valid = raw_zip(&batch_entries());
    let mut symlink = RawEntry::new("jobs/job_batch/link.script", b"/etc/passwd");
    symlink.mode = 0o120_777;
    let mut fifo = RawEntry::new("jobs/job_batch/fifo.script", b"");
    fifo.mode = 0o010_644;
    let mut encrypted = RawEntry::new("jobs/job_batch/secret.script", script_json("secret"));
    encrypted.flags = 1;
    let mut bzip2 = RawEntry::new("jobs/job_batch/b.script", script_json("b"));
    bzip2.method = 12;
    let mut bad_crc = RawEntry::new("jobs/job_batch/crc.script", script_json("crc"));
    bad_crc.declared_crc = Some(0xDEAD_BEEF);
    let mut size_lie = RawEntry::new("jobs/job_batch/lie.script", script_json("lie"));
    size_lie.declared_size = Some(4);
    let mut deflated_short_lie = RawEntry::new("jobs/job_batch/short.script", script_json("short")).deflated();
    deflated_short_lie.declared_size = Some(4);
    let mut deflated_long_lie = RawEntry::new("jobs/job_batch/long.script", script_json("long")).deflated();
    deflated_long_lie.declared_size = Some(4096);
    let mut flagged_not_utf8 = RawEntry::new(b"jobs/job_batch/\xff\xfe.script", script_json("x"));
    flagged_not_utf8.flags = 1 << 11;
    let mut overlap = RawEntry::new("jobs/job_batch/copy.script", script_json("dws_sql"));
    overlap.offset_of_entry = Some(0);
    let bomb = RawEntry::new("jobs/job_batch/bomb.script", vec![b' '; 4 << 20]).deflated();
    let mut duplicate =
        raw_zip(&[RawEntry::new("jobs/a/a.job", job_json("a")), RawEntry::new("jobs/b/b.job", job_json("b"))]);
    // Rename the second entry to the first's name in both headers.
    let positions: Vec<usize> =
        (0..duplicate.len() - 12).filter(|&at| &duplicate[at..at + 12] == b"jobs/b/b.job").collect();
    for at in positions {
        duplicate[at..at + 12].copy_from_slice(b"jobs/a/a.job");
    }
    let mut other_local_name = RawEntry::new("jobs/job_batch/shown.script", script_json("shown"));
    other_local_name.local_name = Some(b"jobs/job_batch/other.script".to_vec());
    let mut other_local_method = RawEntry::new("jobs/job_batch/m.script", script_json("m"));
    other_local_method.local_method = Some(8);
    let mut other_local_crc = RawEntry::new("jobs/job_batch/c.script", script_json("c"));
    other_local_crc.local_crc = Some(0);
    let mut bad_descriptor = RawEntry::new("jobs/job_batch/dd.script", script_json("dd"));
    bad_descriptor.flags = 1 << 3;
    bad_descriptor.descriptor_crc = Some(0xDEAD_BEEF);
    let mut wide_without_field = RawEntry::new("jobs/job_batch/w.script", script_json("w"));
    wide_without_field.flags = 1 << 3;
    wide_without_field.wide_descriptor = true;
    let mut field_but_narrow = RawEntry::new("jobs/job_batch/n.script", script_json("n"));
    field_but_narrow.flags = 1 << 3;
    field_but_narrow.local_zip64_field = true;
    let mut unlisted = RawEntry::new("jobs/job_batch/hidden.script", script_json("hidden"));
    unlisted.unlisted = true;
    let mut overrun = RawEntry::new("jobs/job_batch/overrun.script", script_json("overrun"));
    overrun.declared_compressed = Some(u32::try_from(script_json("overrun").len()).unwrap() + 10);
    let mut overrun_first = vec![overrun.clone()];
    overrun_first.extend(batch_entries());
    let mut count_lie = valid.clone();
    let end_record = count_lie.len() - 22;
    count_lie[end_record + 8..end_record + 12].copy_from_slice(&[2, 0, 2, 0]);
    let mut split = valid.clone();
    split[end_record + 4] = 1; // this is disk 1 of a split archive
    let mut directory_misplaced = valid.clone();
    let declared = u32::from_le_bytes(directory_misplaced[end_record + 16..end_record + 20].try_into().unwrap());
    directory_misplaced[end_record + 16..end_record + 20].copy_from_slice(&(declared + 3).to_le_bytes());
    let deep_json = format!("{}{}", "[".repeat(200), "]".repeat(200));

    vec![
        case("not a zip", b"name,value\n".to_vec(), ErrorKind::NotAZip, None),
        case("empty file", Vec::new(), ErrorKind::NotAZip, None),
        case("truncated", valid[..valid.len() / 2].to_vec(), ErrorKind::NotAZip, None),
        case(
            "parent directory",
            evil_name("../evil.job"),
            ErrorKind::InsecureName(NameProblem::ParentDirectory),
            Some("../evil.job"),
        ),
        case(
            "parent inside",
            evil_name("jobs/../../evil.job"),
            ErrorKind::InsecureName(NameProblem::ParentDirectory),
            Some("jobs/../../evil.job"),
        ),
        case(
            "absolute path",
            evil_name("/jobs/evil.job"),
            ErrorKind::InsecureName(NameProblem::Absolute),
            Some("/jobs/evil.job"),
        ),
        case(
            "drive letter",
            evil_name("C:/jobs/evil.job"),
            ErrorKind::InsecureName(NameProblem::Colon),
            Some("C:/jobs/evil.job"),
        ),
        case(
            "backslash",
            evil_name("jobs\\evil\\evil.job"),
            ErrorKind::InsecureName(NameProblem::Backslash),
            Some("jobs\\evil\\evil.job"),
        ),
        case(
            "NUL byte",
            evil_name("jobs/evil\0.job"),
            ErrorKind::InsecureName(NameProblem::ControlCharacter),
            Some("jobs/evil\0.job"),
        ),
        case(
            "control character",
            evil_name("jobs/ev\x07il.job"),
            ErrorKind::InsecureName(NameProblem::ControlCharacter),
            Some("jobs/ev\x07il.job"),
        ),
        case(
            "empty component",
            evil_name("jobs//evil.job"),
            ErrorKind::InsecureName(NameProblem::EmptyComponent),
            Some("jobs//evil.job"),
        ),
        case(
            "dot component",
            evil_name("jobs/./evil.job"),
            ErrorKind::InsecureName(NameProblem::CurrentDirectory),
            Some("jobs/./evil.job"),
        ),
        case("empty name", evil_name(""), ErrorKind::InsecureName(NameProblem::Empty), Some("")),
        case(
            "too deep",
            evil_name("a/b/jobs/evil/evil.job"),
            ErrorKind::InsecureName(NameProblem::TooDeep),
            Some("a/b/jobs/evil/evil.job"),
        ),
        case(
            "flagged UTF-8, is not",
            with(batch_entries(), flagged_not_utf8),
            ErrorKind::UndecodableName { utf8_flag: true },
            None,
        ),
        case("duplicate entry names", duplicate, ErrorKind::DuplicateEntry, Some("jobs/a/a.job")),
        case(
            "record points at another's local header",
            with(batch_entries(), overlap),
            ErrorKind::HeaderMismatch { header: ZipHeader::Local, field: HeaderField::Name },
            Some("jobs/job_batch/copy.script"),
        ),
        case(
            "local header names another file",
            with(batch_entries(), other_local_name),
            ErrorKind::HeaderMismatch { header: ZipHeader::Local, field: HeaderField::Name },
            Some("jobs/job_batch/shown.script"),
        ),
        case(
            "local header, other method",
            with(batch_entries(), other_local_method),
            ErrorKind::HeaderMismatch { header: ZipHeader::Local, field: HeaderField::Method },
            Some("jobs/job_batch/m.script"),
        ),
        case(
            "local header, other CRC-32",
            with(batch_entries(), other_local_crc),
            ErrorKind::HeaderMismatch { header: ZipHeader::Local, field: HeaderField::Sizes },
            Some("jobs/job_batch/c.script"),
        ),
        case(
            "data descriptor disagrees",
            with(batch_entries(), bad_descriptor),
            ErrorKind::HeaderMismatch { header: ZipHeader::DataDescriptor, field: HeaderField::Sizes },
            Some("jobs/job_batch/dd.script"),
        ),
        case(
            "descriptor with 8-byte sizes, no Zip64 field",
            with(batch_entries(), wide_without_field),
            ErrorKind::HeaderMismatch { header: ZipHeader::DataDescriptor, field: HeaderField::Sizes },
            Some("jobs/job_batch/w.script"),
        ),
        case(
            "descriptor with 4-byte sizes, Zip64 field",
            with(batch_entries(), field_but_narrow),
            ErrorKind::HeaderMismatch { header: ZipHeader::DataDescriptor, field: HeaderField::Sizes },
            Some("jobs/job_batch/n.script"),
        ),
        case(
            "data runs into the next entry",
            raw_zip(&overrun_first),
            ErrorKind::Overlap { other: Some("jobs/job_batch/overrun.script".into()) },
            Some("jobs/job_batch/dws_sql.script"),
        ),
        case(
            "data runs into the directory",
            with(batch_entries(), overrun),
            ErrorKind::Overlap { other: None },
            Some("jobs/job_batch/overrun.script"),
        ),
        case(
            "entry left out of the directory",
            with(batch_entries(), unlisted),
            // Right after the listed entries' local records (30-byte header, name, data).
            ErrorKind::UnlistedEntry {
                offset: batch_entries().iter().map(|entry| 30 + entry.name.len() + entry.data.len()).sum::<usize>()
                    as u64,
            },
            None,
        ),
        case("entry count lie", count_lie, ErrorKind::Corrupt(Corruption::EntryCount { declared: 2, listed: 3 }), None),
        case("split archive", split, ErrorKind::SplitArchive, None),
        case(
            "directory offset past the directory",
            directory_misplaced,
            ErrorKind::Corrupt(Corruption::Directory),
            None,
        ),
        case(
            "symlink",
            with(batch_entries(), symlink),
            ErrorKind::UnsupportedEntry(Unsupported::Symlink),
            Some("jobs/job_batch/link.script"),
        ),
        case(
            "fifo",
            with(batch_entries(), fifo),
            ErrorKind::UnsupportedEntry(Unsupported::SpecialFile { mode: 0o010_644 }),
            Some("jobs/job_batch/fifo.script"),
        ),
        case(
            "encrypted",
            with(batch_entries(), encrypted),
            ErrorKind::UnsupportedEntry(Unsupported::Encrypted),
            Some("jobs/job_batch/secret.script"),
        ),
        case(
            "bzip2",
            with(batch_entries(), bzip2),
            ErrorKind::UnsupportedEntry(Unsupported::Method { method: 12 }),
            Some("jobs/job_batch/b.script"),
        ),
        case(
            "prepended data",
            raw_zip_with_prefix(b"#!/bin/sh\nexit 0\n", &batch_entries()),
            ErrorKind::PrependedData { bytes: 17 },
            None,
        ),
        case(
            "appended data",
            [valid.clone(), b"%PDF-1.7 polyglot".to_vec()].concat(),
            ErrorKind::TrailingData { bytes: 17 },
            None,
        ),
        case(
            "prepended data, offsets adjusted",
            raw_zip_with_adjusted_prefix(b"MZ\x90\0 self-extractor stub", &batch_entries()),
            ErrorKind::PrependedData { bytes: 24 },
            None,
        ),
        case(
            "CRC mismatch",
            with(batch_entries(), bad_crc),
            ErrorKind::Corrupt(Corruption::Crc32),
            Some("jobs/job_batch/crc.script"),
        ),
        case(
            "size lie",
            with(batch_entries(), size_lie),
            ErrorKind::Corrupt(Corruption::Size { declared: 4 }),
            Some("jobs/job_batch/lie.script"),
        ),
        case(
            "deflated data longer than declared",
            with(batch_entries(), deflated_short_lie),
            ErrorKind::Corrupt(Corruption::Size { declared: 4 }),
            Some("jobs/job_batch/short.script"),
        ),
        case(
            "deflated data shorter than declared",
            with(batch_entries(), deflated_long_lie),
            ErrorKind::Corrupt(Corruption::Size { declared: 4096 }),
            Some("jobs/job_batch/long.script"),
        ),
        case(
            "ratio bomb",
            with(batch_entries(), bomb),
            ErrorKind::LimitExceeded { limit: Limit::Ratio, max: 200 },
            Some("jobs/job_batch/bomb.script"),
        ),
        Case {
            limits: Limits::default().max_entry_bytes(10),
            ..case(
                "entry over the size limit",
                valid.clone(),
                ErrorKind::LimitExceeded { limit: Limit::EntryBytes, max: 10 },
                Some("jobs/job_batch/dws_sql.script"),
            )
        },
        Case {
            limits: Limits::default().max_total_bytes(100),
            ..case(
                "total over the limit",
                valid.clone(),
                ErrorKind::LimitExceeded { limit: Limit::TotalBytes, max: 100 },
                Some("jobs/job_batch/job_batch.job"),
            )
        },
        Case {
            limits: Limits::default().max_entries(2),
            ..case("too many entries", valid.clone(), ErrorKind::LimitExceeded { limit: Limit::Entries, max: 2 }, None)
        },
        Case {
            limits: Limits::default().max_archive_bytes(100),
            ..case(
                "archive too large",
                valid.clone(),
                ErrorKind::LimitExceeded { limit: Limit::ArchiveBytes, max: 100 },
                None,
            )
        },
        case(
            "invalid JSON",
            with(batch_entries(), RawEntry::new("jobs/bad/bad.job", b"{\"name\": \"bad\",}")),
            ErrorKind::Json,
            Some("jobs/bad/bad.job"),
        ),
        case(
            "duplicate JSON key",
            with(batch_entries(), RawEntry::new("jobs/bad/bad.job", b"{\"name\":\"a\",\"name\":\"b\"}")),
            ErrorKind::Json,
            Some("jobs/bad/bad.job"),
        ),
        case(
            "deep JSON",
            with(batch_entries(), RawEntry::new("jobs/bad/bad.job", format!("{{\"x\":{deep_json}}}"))),
            ErrorKind::Json,
            Some("jobs/bad/bad.job"),
        ),
        case(
            "invalid UTF-8 in JSON",
            with(batch_entries(), RawEntry::new("jobs/bad/bad.job", b"{\"name\":\"b\xffd\"}")),
            ErrorKind::Json,
            Some("jobs/bad/bad.job"),
        ),
        case(
            "nodes as a string",
            with(batch_entries(), RawEntry::new("jobs/bad/bad.job", b"{\"name\":\"bad\",\"nodes\":\"none\"}")),
            ErrorKind::WrongType { field: "nodes".into(), expected: "an array", found: "a string" },
            Some("jobs/bad/bad.job"),
        ),
        case(
            "mixed layouts",
            with(batch_entries(), RawEntry::new("scripts/s.script", script_json("s"))),
            ErrorKind::Layout,
            Some("scripts/s.script"),
        ),
        case(
            "job folder without its job",
            with(batch_entries(), RawEntry::new("jobs/orphan/s.script", script_json("s"))),
            ErrorKind::Layout,
            Some("jobs/orphan/s.script"),
        ),
        case(
            "job file named unlike its folder",
            raw_zip(&[RawEntry::new("jobs/a/b.job", job_json("b"))]),
            ErrorKind::Layout,
            Some("jobs/a/b.job"),
        ),
        case("no definitions", raw_zip(&[RawEntry::new("readme.txt", b"hi")]), ErrorKind::Layout, None),
    ]
}

#[test]
fn hostile_archives_are_refused_naming_the_entry() {
    let mut mismatches = Vec::new();
    for case in cases() {
        let options = ReadOptions::new().limits(case.limits);
        let Err(error) = crate::common::read_with(&case.archive, &options) else {
            panic!("{}: accepted", case.name);
        };
        eprintln!("{:<32} {error}", case.name);
        if error.kind() != &case.kind {
            mismatches.push(format!("{}: expected {:?}, got {:?}: {error}", case.name, case.kind, error.kind()));
            continue;
        }
        if let Some(entry) = case.entry {
            assert_eq!(error.entry().map(EntryRef::name), Some(entry), "{}: {error}", case.name);
            assert!(error.to_string().starts_with("entry `"), "{}: {error}", case.name);
            assert!(
                !error.to_string().chars().any(char::is_control),
                "{}: raw control character in {error:?}",
                case.name
            );
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Files take another path (the directory is read while the file is read
/// whole); it must refuse the same archives the same way.
#[test]
fn hostile_archive_files_are_refused_alike() {
    let dir = tempfile::tempdir().unwrap();
    for (number, case) in cases().into_iter().enumerate() {
        let path = dir.path().join(format!("{number}.zip"));
        std::fs::write(&path, &case.archive).unwrap();
        let options = ReadOptions::new().limits(case.limits);
        let from_memory = crate::common::read_with(&case.archive, &options).unwrap_err();
        let from_file = crate::common::open_with(&path, &options).unwrap_err();
        assert_eq!(from_file.kind(), from_memory.kind(), "{}: {from_file}", case.name);
        if !matches!(case.kind, ErrorKind::LimitExceeded { .. }) {
            assert_eq!(from_file.to_string(), from_memory.to_string(), "{}", case.name);
        }
    }
}

#[test]
fn entries_with_data_descriptors_that_agree_are_read() {
    let mut entries = batch_entries();
    for entry in &mut entries {
        entry.flags = 1 << 3;
    }
    entries[0] = entries[0].clone().deflated();
    // Zip64 descriptors (8-byte sizes) where the local header has a Zip64 field.
    entries[1].local_zip64_field = true;
    entries[1].wide_descriptor = true;
    let archive = raw_zip(&entries);
    assert_eq!(crate::common::read(&archive).unwrap().len(), 3);
    crate::fuzz_support::read_target(&archive);
}

#[test]
fn json_errors_carry_line_and_column() {
    let archive =
        with(batch_entries(), RawEntry::new("jobs/bad/bad.job", b"{\n  \"name\": \"bad\",\n  \"nodes\": [,]\n}"));
    let error = crate::common::read(&archive).unwrap_err();
    assert_eq!(error.position(), Some(dlf_bundle::error::Position::new(3, 13)), "{error}");
}

#[test]
fn wrong_type_errors_name_the_field_path() {
    let job = br#"{"name":"bad","nodes":[{"name":"n","properties":{"scriptName":"s"}}]}"#;
    let archive = with(batch_entries(), RawEntry::new("jobs/bad/bad.job", job));
    let error = crate::common::read(&archive).unwrap_err();
    let expected =
        ErrorKind::WrongType { field: "nodes[0].properties".into(), expected: "an array", found: "an object" };
    assert_eq!(error.kind(), &expected);
    assert!(error.message().contains("`nodes[0].properties`: expected an array, found an object"), "{error}");
    assert_eq!(error.position(), Some(dlf_bundle::error::Position::new(1, 49)), "{error}");
}

#[test]
fn every_truncation_of_a_valid_bundle_is_an_error() {
    let valid = raw_zip(&batch_entries());
    assert!(crate::common::read(&valid).is_ok());
    for length in 0..valid.len() {
        assert!(crate::common::read(&valid[..length]).is_err(), "prefix of {length} bytes accepted");
    }
}

/// Both kinds of archive: stored entries with sizes in the local headers
/// (as hand-built here), and this crate's own output (deflated, with data
/// descriptors).
#[test]
fn every_single_byte_flip_is_an_error_or_a_read_that_another_reader_agrees_with() {
    let own = crate::common::read(&raw_zip(&batch_entries())).unwrap().to_vec().unwrap();
    for valid in [raw_zip(&batch_entries()), own] {
        for at in 0..valid.len() {
            let mut flipped = valid.clone();
            flipped[at] ^= 0x55;
            // Either outcome is acceptable for some bytes (e.g. timestamps), but
            // no panic, and what reads must read alike with another zip reader.
            crate::fuzz_support::read_target(&flipped);
        }
    }
}

/// The reader checks where entry data lies while it plans the layout, on two
/// tasks of the thread pool; reading from inside a pool (one thread or
/// several) must neither deadlock nor change the outcome, failures included.
#[test]
fn reading_inside_thread_pools_neither_deadlocks_nor_changes_outcomes() {
    use rayon::prelude::*;
    let outcomes = || -> Vec<Result<usize, ErrorKind>> {
        cases()
            .par_iter()
            .map(|case| {
                let options = ReadOptions::new().limits(case.limits);
                crate::common::read_with(&case.archive, &options).map(|b| b.len()).map_err(|e| e.kind().clone())
            })
            .chain(rayon::iter::once(
                crate::common::read(&raw_zip(&batch_entries())).map(|b| b.len()).map_err(|e| e.kind().clone()),
            ))
            .collect()
    };
    let expected = outcomes();
    assert!(expected.contains(&Err(ErrorKind::Layout)));
    assert!(expected.last().is_some_and(Result::is_ok));
    for threads in [1, 2, 5] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        assert_eq!(pool.install(outcomes), expected, "{threads} threads");
    }
}

//! Packing a folder: the streaming `BundleDir::to_zip` writes exactly what
//! `Bundle::from_dir` + `to_vec` writes, refuses what it refuses (naming the
//! file), and warns as it warns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "tests build fixture folders in fresh temporary folders")]

use crate::common::{job_json, script_json};
use dlf_bundle::error::Limit;
use dlf_bundle::{Bundle, BundleDir, ErrorKind, Limits, Packed, ReadOptions};
use std::path::Path;

fn folder(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

fn batch_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("jobs/a/a.job", job_json("a")),
        ("jobs/a/s.script", script_json("s")),
        ("jobs/b/b.job", job_json("b")),
        ("jobs/b/s.script", script_json("s")),
    ]
}

fn warnings_of(warnings: &[dlf_bundle::diagnostic::Warning]) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

/// The warnings of names and layout, which a read gives before any
/// definition is parsed; packing reads every file, and says more.
fn structural(warnings: &[dlf_bundle::diagnostic::Warning]) -> Vec<String> {
    use dlf_bundle::diagnostic::WarningKind;
    let of_contents =
        |w: &&dlf_bundle::diagnostic::Warning| matches!(w.kind, WarningKind::ByteOrderMark | WarningKind::NameMismatch);
    warnings.iter().filter(|w| !of_contents(w)).map(ToString::to_string).collect()
}

/// Every way of packing `dir` (streamed into memory or a file, or read whole
/// first): the same bytes and warnings, or the same error.
fn pack_both_ways(dir: &Path, limits: &Limits) -> Result<(Vec<u8>, Packed), dlf_bundle::Error> {
    let options = ReadOptions::new().limits(*limits);
    let streamed = BundleDir::open(dir, &options).and_then(|folder| {
        let mut zip = Vec::new();
        folder.write_zip(&mut zip).map(|packed| (zip, packed))
    });
    let in_memory = Bundle::from_dir(dir, &options).and_then(|bundle| bundle.parse_all().map(|()| bundle));
    // Streamed into a file too: the same bytes, or the same error and no file.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("out.zip");
    let into_file = BundleDir::open(dir, &options).and_then(|folder| folder.zip_to_path(&file));
    match (&streamed, &into_file) {
        (Ok((zip, packed)), Ok(report)) => {
            assert_eq!(&std::fs::read(&file).unwrap(), zip, "the same bytes into a file");
            assert_eq!(report.definitions, packed.definitions);
            assert_eq!(warnings_of(&report.warnings), warnings_of(&packed.warnings));
        }
        (Err(streamed), Err(into_file)) => {
            assert_eq!(streamed.kind(), into_file.kind(), "{streamed} / {into_file}");
            assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "no file, no temporary file left");
        }
        _ => panic!("outcomes differ: {:?} / {:?}", streamed.as_ref().err(), into_file.as_ref().err()),
    }
    match (&streamed, &in_memory) {
        (Ok((zip, packed)), Ok(bundle)) => {
            assert_eq!(zip, &bundle.to_vec().unwrap(), "same bytes");
            assert_eq!(packed.definitions, bundle.len());
            assert_eq!(structural(&packed.warnings), warnings_of(bundle.warnings()));
        }
        (Err(streamed), Err(in_memory)) => {
            assert_eq!(streamed.kind(), in_memory.kind(), "{streamed} / {in_memory}");
            assert_eq!(streamed.file(), in_memory.file(), "{streamed} / {in_memory}");
        }
        _ => panic!("outcomes differ: {:?} / {:?}", streamed.as_ref().err(), in_memory.as_ref().err()),
    }
    streamed
}

#[test]
fn streaming_and_in_memory_packing_write_the_same_bytes() {
    let dir = folder(&batch_files());
    let (zip, packed) = pack_both_ways(dir.path(), &Limits::default()).unwrap();
    assert_eq!(packed.definitions, 4);
    let read = Bundle::from_slice(&zip).unwrap();
    let paths: Vec<&str> = read.iter().map(dlf_bundle::Entry::path).collect();
    assert_eq!(paths, ["jobs/a/a.job", "jobs/a/s.script", "jobs/b/b.job", "jobs/b/s.script"]);
}

#[test]
fn the_seed_workspace_packs_the_same_both_ways() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workspace");
    pack_both_ways(&seed, &Limits::default()).unwrap();
}

#[test]
fn warnings_are_the_same_both_ways() {
    let dir = folder(&[
        ("export/jobs/a/a.job", job_json("a")),
        ("export/jobs/a/notes.txt", b"stray".to_vec()),
        ("export/jobs/b/b.job", job_json("inner_name")),
    ]);
    let (_, packed) = pack_both_ways(dir.path(), &Limits::default()).unwrap();
    let warnings = warnings_of(&packed.warnings);
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].contains("wrapped in the folder `export/`"), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("notes.txt") && w.contains("ignored")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("file `b.job` holds job `inner_name`")), "{warnings:?}");
}

#[test]
fn a_byte_order_mark_is_the_same_warning_both_ways() {
    let mut files = batch_files();
    files[2].1 = [b"\xEF\xBB\xBF".as_slice(), &job_json("b")].concat();
    let dir = folder(&files);
    let (_, packed) = pack_both_ways(dir.path(), &Limits::default()).unwrap();
    assert_eq!(
        warnings_of(&packed.warnings),
        ["entry `jobs/b/b.job`: starts with a UTF-8 byte order mark (EF BB BF); read as if it were absent"]
    );
}

#[test]
fn broken_definitions_are_refused_naming_the_file_both_ways() {
    let wrong_type = br#"{"name":"b","nodes":{"name":"n"}}"#.to_vec();
    let wrong = |field: &str, expected, found| ErrorKind::WrongType { field: field.into(), expected, found };
    let cases: [(&str, Vec<u8>, ErrorKind); 3] = [
        ("jobs/b/b.job", b"{\"name\": \"b\",".to_vec(), ErrorKind::Json),
        ("jobs/b/b.job", wrong_type, wrong("nodes", "an array", "an object")),
        ("jobs/b/s.script", b"[1, 2]".to_vec(), wrong("", "an object", "an array")),
    ];
    for (path, bytes, kind) in cases {
        let mut files = batch_files();
        files.retain(|(p, _)| *p != path);
        files.push((path, bytes));
        let dir = folder(&files);
        let error = pack_both_ways(dir.path(), &Limits::default()).unwrap_err();
        assert_eq!(error.kind(), &kind, "{path}: {error}");
        assert_eq!(error.file(), Some(dir.path().join(path).as_path()), "{error}");
        assert!(error.to_string().starts_with("file `"), "{error}");
    }
}

#[test]
fn limits_apply_both_ways() {
    let dir = folder(&batch_files());
    let small_files = Limits::default().max_entry_bytes(40);
    let error = pack_both_ways(dir.path(), &small_files).unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::LimitExceeded { limit: Limit::EntryBytes, max: 40 }, "{error}");
    let few_files = Limits::default().max_entries(3);
    let error = pack_both_ways(dir.path(), &few_files).unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::LimitExceeded { limit: Limit::Entries, max: 3 }, "{error}");
    // The running total is shared by the threads: the entry named is the one
    // whose reading crossed the limit, which depends on thread timing.
    let small_total = ReadOptions::new().limits(Limits::default().max_total_bytes(200));
    let total_limit = ErrorKind::LimitExceeded { limit: Limit::TotalBytes, max: 200 };
    let streamed =
        BundleDir::open(dir.path(), &small_total).and_then(|folder| folder.write_zip(std::io::sink())).unwrap_err();
    assert_eq!(streamed.kind(), &total_limit, "{streamed}");
    assert_eq!(
        Bundle::from_dir(dir.path(), &small_total).and_then(|b| b.parse_all()).unwrap_err().kind(),
        &total_limit
    );
}

#[test]
fn the_first_broken_file_in_name_order_is_the_one_reported() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for index in 0..300 {
        let job = format!("job_{index:03}");
        files.push((format!("jobs/{job}/{job}.job"), job_json(&job)));
    }
    files[120].1 = b"{".to_vec();
    files[250].1 = b"{".to_vec();
    let borrowed: Vec<(&str, Vec<u8>)> = files.iter().map(|(p, b)| (p.as_str(), b.clone())).collect();
    let dir = folder(&borrowed);
    for threads in [1, 2, 7] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let error = pool.install(|| pack_both_ways(dir.path(), &Limits::default())).unwrap_err();
        let expected = dir.path().join("jobs/job_120/job_120.job");
        assert_eq!(error.file(), Some(expected.as_path()), "{threads} threads: {error}");
    }
}

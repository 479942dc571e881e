//! Archives as users re-zip them: macOS metadata, `./` prefixes, empty
//! files, and no follow-on diagnostics from a definition that failed to parse.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::{RawEntry, batch_entries, job_json, raw_zip};
use dlf_bundle::Bundle;
use dlf_bundle::diagnostic::WarningKind;
use dlf_bundle::validate::{ValidateOptions, validate_archive};

const APPLE_DOUBLE: &[u8] = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ";

fn paths(bundle: &Bundle) -> Vec<&str> {
    bundle.iter().map(dlf_bundle::Entry::path).collect()
}

fn codes(archive: &[u8]) -> Vec<String> {
    validate_archive(archive, &ValidateOptions::default()).iter().map(|d| d.code.to_string()).collect()
}

/// Finder / ditto re-zips: the metadata is ignored with one warning, at
/// any depth, beside the real files and beside a wrapper folder.
#[test]
fn macos_metadata_is_ignored_with_one_warning() {
    let table: [(&str, Vec<RawEntry>); 3] = [
        (
            "__MACOSX deeper than any layout",
            vec![
                RawEntry::new("__MACOSX/export/jobs/job_batch/._job_batch.job", APPLE_DOUBLE),
                RawEntry::new("__MACOSX/export/jobs/job_stream/._job_stream.job", APPLE_DOUBLE),
            ],
        ),
        ("AppleDouble beside the real files", vec![RawEntry::new("jobs/job_batch/._job_batch.job", APPLE_DOUBLE)]),
        ("Finder's .DS_Store", vec![RawEntry::new("jobs/.DS_Store", b"Bud1"), RawEntry::new(".DS_Store", b"Bud1")]),
    ];
    for (what, metadata) in table {
        for wrapped in [false, true] {
            let mut entries = batch_entries();
            entries.extend(metadata.iter().cloned());
            if wrapped {
                for entry in
                    entries.iter_mut().filter(|e| !e.name.starts_with(b"__MACOSX") && !e.name.starts_with(b".DS"))
                {
                    entry.name = [b"export/".as_slice(), &entry.name].concat();
                }
            }
            let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                paths(&bundle),
                ["jobs/job_batch/dws_sql.script", "jobs/job_batch/job_batch.job", "jobs/job_stream/job_stream.job"],
                "{what}, wrapped: {wrapped}"
            );
            let notes: Vec<&str> = bundle
                .warnings()
                .iter()
                .filter(|w| w.kind == WarningKind::MacMetadata)
                .map(|w| w.message.as_str())
                .collect();
            let expected = format!("{} macOS metadata entries", metadata.len());
            assert!(notes.len() == 1 && notes[0].starts_with(&expected), "{what}: {notes:?}");
        }
    }
    // Metadata is still held to every other name rule.
    let mut hostile = batch_entries();
    hostile.push(RawEntry::new("__MACOSX/../../escape", b"x"));
    assert!(Bundle::from_slice(&raw_zip(&hostile)).is_err());
}

/// `bsdtar -cf x.zip .`: a leading `./` is stripped with a warning, and
/// the `./` entry itself is ignored.
#[test]
fn a_leading_dot_slash_is_stripped() {
    let mut entries: Vec<RawEntry> = batch_entries()
        .into_iter()
        .map(|mut entry| {
            entry.name = [b"./".as_slice(), &entry.name].concat();
            entry
        })
        .collect();
    entries.insert(0, RawEntry::new("./", b""));
    let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap();
    assert_eq!(paths(&bundle)[1], "jobs/job_batch/job_batch.job");
    assert!(
        bundle
            .warnings()
            .iter()
            .any(|w| w.kind == WarningKind::CurrentDirectoryPrefix && w.message.starts_with("3 entry names"))
    );
    assert!(Bundle::from_slice(&raw_zip(&[RawEntry::new("./../escape.job", b"{}")])).is_err(), "still checked after");
}

#[test]
fn an_empty_definition_is_reported_as_an_empty_file() {
    let archive = raw_zip(&[RawEntry::new("jobs/a/a.job", b"")]);
    let found = validate_archive(&archive, &ValidateOptions::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("the file is empty (0 bytes)"), "{}", found[0].message);
    let spaces = raw_zip(&[RawEntry::new("jobs/a/a.job", b"  \n")]);
    assert!(validate_archive(&spaces, &ValidateOptions::default())[0].message.contains("only whitespace (3 bytes)"));
}

/// A definition that failed to parse has its diagnostic and causes no other.
#[test]
fn no_follow_on_diagnostics_from_a_definition_that_did_not_parse() {
    let using_s = br#"{"name":"a","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"nodes":[{"name":"n","type":"DWSSQL","location":{"x":0,"y":0},"properties":[{"name":"scriptName","value":"s"}]}]}"#;
    let broken_script =
        raw_zip(&[RawEntry::new("jobs/a.job", using_s.as_slice()), RawEntry::new("scripts/s.script", b"{\"name\":")]);
    assert_eq!(codes(&broken_script), ["DLFB0005"], "no DLFB0302 or DLFB0303: the script is there");
    let broken_job = raw_zip(&[
        RawEntry::new("jobs/a/a.job", b"{\"name\": \"a\","),
        RawEntry::new("jobs/a/s.script", crate::common::script_json("s")),
        RawEntry::new("jobs/b/b.job", job_json("b")),
    ]);
    assert_eq!(codes(&broken_job), ["DLFB0005"], "no DLFB0304: the broken job may use the script");
}

/// A wrapper folder named `jobs` (Windows "Extract All", then a re-zip) is
/// recognised when the names one level down form a layout and the names as
/// they are do not; a batch job folder that happens to be called `jobs` is not one.
#[test]
fn a_wrapper_folder_named_jobs() {
    let wrapped: Vec<RawEntry> = batch_entries()
        .into_iter()
        .map(|mut entry| {
            entry.name = [b"jobs/".as_slice(), &entry.name].concat();
            entry
        })
        .collect();
    let bundle = Bundle::from_slice(&raw_zip(&wrapped)).unwrap();
    assert_eq!(paths(&bundle)[1], "jobs/job_batch/job_batch.job");
    assert!(bundle.warnings().iter().any(|w| w.kind == WarningKind::WrapperFolder));
    let job_folder_named_jobs = raw_zip(&[RawEntry::new("jobs/jobs/jobs.job", job_json("jobs"))]);
    let bundle = Bundle::from_slice(&job_folder_named_jobs).unwrap();
    assert_eq!(paths(&bundle), ["jobs/jobs/jobs.job"], "a real batch layout stays as it is");
    assert!(bundle.warnings().iter().all(|w| w.kind != WarningKind::WrapperFolder));
}

/// .NET Framework and PowerShell 5 write `\` separators: converted when the
/// archive was made on Windows or every name uses them, and only when the
/// converted name passes every rule.
#[test]
fn backslash_separators_are_converted_where_windows_wrote_them() {
    let backslashed: Vec<RawEntry> = batch_entries()
        .into_iter()
        .map(|mut entry| {
            entry.name = String::from_utf8(entry.name).unwrap().replace('/', "\\").into_bytes();
            entry
        })
        .collect();
    let bundle = Bundle::from_slice(&raw_zip(&backslashed)).unwrap();
    assert_eq!(paths(&bundle)[1], "jobs/job_batch/job_batch.job");
    assert!(
        bundle.warnings().iter().any(|w| w.kind == WarningKind::Backslashes && w.message.starts_with("3 entry names"))
    );
    assert!(codes(&raw_zip(&backslashed)).contains(&"DLFB0015".to_owned()));
    let traversal = raw_zip(&[RawEntry::new("..\\..\\evil.job", job_json("evil"))]);
    assert!(Bundle::from_slice(&traversal).is_err(), "`..\\..\\evil` stays refused as traversal");
    // A Unix archive mixing `/` and a `\` in a name: the backslash stays, and is refused.
    let mut mixed = batch_entries();
    mixed.push(RawEntry::new("jobs/job_batch\\x.script", b"{}"));
    assert!(Bundle::from_slice(&raw_zip(&mixed)).is_err());
}

/// A bundle zipped again among other files: the message points to it.
#[test]
fn a_bundle_inside_a_zip_is_pointed_to() {
    let inner = raw_zip(&batch_entries());
    let outer = raw_zip(&[RawEntry::new("README.txt", b"how to import"), RawEntry::new("export/jobs.zip", inner)]);
    let error = Bundle::from_slice(&outer).unwrap_err().to_string();
    assert!(error.contains("`export/jobs.zip` looks like a bundle inside this zip"), "{error}");
}

/// Old Notepad saves UTF-8 with a byte order mark: read with a warning, kept
/// when the file is written back unchanged or with a value edited.
#[test]
fn a_byte_order_mark_is_accepted_with_a_warning_and_kept() {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let job = br#"{"name":"a","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"nodes":[{"name":"n","type":"DWSSQL","location":{"x":0,"y":0},"properties":[{"name":"scriptName","value":"s"}]}]}"#;
    let with_bom = [BOM, job.as_slice()].concat();
    let archive = raw_zip(&[
        RawEntry::new("jobs/a/a.job", with_bom.clone()),
        RawEntry::new("jobs/a/s.script", [BOM, &crate::common::script_json("s")].concat()),
    ]);
    let bundle = Bundle::from_slice(&archive).unwrap();
    // Validation reads the contents and says so, once per entry.
    assert_eq!(codes(&archive), ["DLFB0016", "DLFB0016"]);

    let written = Bundle::from_slice(&bundle.to_vec().unwrap()).unwrap();
    assert_eq!(
        written.get("jobs/a/a.job").unwrap().document().unwrap().bytes(),
        with_bom.as_slice(),
        "unchanged: kept"
    );

    let mut edited = bundle;
    edited.job_mut("a").unwrap().unwrap().node_mut("n").unwrap().set_property("scriptName", "t");
    let (bytes, rendering) = edited.get("jobs/a/a.job").unwrap().document().unwrap().render();
    assert_eq!(rendering, dlf_bundle::model::Rendering::Edited);
    let expected = [BOM, String::from_utf8_lossy(job).replace(r#""value":"s""#, r#""value":"t""#).as_bytes()].concat();
    assert_eq!(bytes.as_ref(), expected.as_slice(), "only the value changed; the mark stays");
}

//! What the reader accepts: both layouts, directory entries, one wrapper
//! folder, GBK names, and the warnings it gives for odd but readable input.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common::{RawEntry, batch_entries, job_json, raw_zip, resource_json, script_json};
use dlf_bundle::validate::{ValidateOptions, validate_archive};
use dlf_bundle::{Bundle, DefinitionKind, Layout};

fn paths(bundle: &Bundle) -> Vec<&str> {
    bundle.iter().map(dlf_bundle::Entry::path).collect()
}

fn warnings(bundle: &Bundle) -> Vec<String> {
    bundle.warnings().iter().map(ToString::to_string).collect()
}

#[test]
fn batch_layout_is_detected() {
    let bundle = Bundle::from_slice(&raw_zip(&batch_entries())).unwrap();
    assert_eq!(bundle.layout(), Layout::Batch);
    assert_eq!(
        paths(&bundle),
        ["jobs/job_batch/dws_sql.script", "jobs/job_batch/job_batch.job", "jobs/job_stream/job_stream.job"]
    );
    let script = bundle.get("jobs/job_batch/dws_sql.script").unwrap();
    assert_eq!(
        (script.kind(), script.job_folder(), script.name()),
        (DefinitionKind::Script, Some("job_batch"), "dws_sql")
    );
    assert!(bundle.warnings().is_empty(), "{:?}", warnings(&bundle));
}

#[test]
fn single_layout_is_detected() {
    let archive = raw_zip(&[
        RawEntry::new("jobs/myJob.job", job_json("myJob")),
        RawEntry::new("scripts/CS_PROCESS_TRIP.script", script_json("CS_PROCESS_TRIP")),
        RawEntry::new("resources/udf.resource", resource_json("udf")),
    ]);
    let bundle = Bundle::from_slice(&archive).unwrap();
    assert_eq!(bundle.layout(), Layout::Single);
    assert_eq!(bundle.jobs().map(Result::unwrap).count(), 1);
    assert_eq!(bundle.scripts().map(Result::unwrap).count(), 1);
    assert_eq!(bundle.resources().map(Result::unwrap).count(), 1);
}

#[test]
fn resources_beside_a_batch_job_are_read() {
    let mut entries = batch_entries();
    entries.push(RawEntry::new("jobs/job_batch/udf.resource", resource_json("udf")));
    let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap();
    assert_eq!(bundle.resources().map(Result::unwrap).next().unwrap().0.job_folder(), Some("job_batch"));
}

#[test]
fn directory_entries_are_tolerated() {
    let mut entries = vec![RawEntry::new("jobs/", b""), RawEntry::new("jobs/job_batch/", b"")];
    entries.extend(batch_entries());
    let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap();
    assert_eq!(bundle.len(), 3);
}

#[test]
fn one_wrapper_folder_is_stripped_with_a_warning() {
    let entries: Vec<RawEntry> = batch_entries()
        .into_iter()
        .map(|mut e| {
            e.name = [b"export-2026/".as_slice(), &e.name].concat();
            e
        })
        .collect();
    let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap();
    assert_eq!(paths(&bundle)[1], "jobs/job_batch/job_batch.job");
    assert!(warnings(&bundle)[0].contains("wrapped in the folder `export-2026/`"));
}

#[test]
fn gbk_names_without_the_utf8_flag_are_decoded_with_a_warning() {
    let (gbk, _, _) = encoding_rs::GBK.encode("jobs/测试作业/测试作业.job");
    let archive = raw_zip(&[RawEntry::new(gbk.as_ref(), job_json("测试作业"))]);
    let bundle = Bundle::from_slice(&archive).unwrap();
    assert_eq!(paths(&bundle), ["jobs/测试作业/测试作业.job"]);
    assert!(warnings(&bundle)[0].contains("GBK"), "{:?}", warnings(&bundle));
}

#[test]
fn utf8_names_without_the_flag_are_accepted_silently() {
    let archive = raw_zip(&[RawEntry::new("jobs/作业/作业.job", job_json("作业"))]);
    let bundle = Bundle::from_slice(&archive).unwrap();
    assert_eq!(bundle.jobs().map(Result::unwrap).next().unwrap().1.name.as_deref(), Some("作业"));
    assert!(bundle.warnings().is_empty());
}

#[test]
fn case_collisions_are_a_warning() {
    let mut entries = batch_entries();
    entries.push(RawEntry::new("jobs/job_batch/DWS_SQL.script", script_json("DWS_SQL")));
    let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap();
    assert!(warnings(&bundle).iter().any(|w| w.contains("case-insensitive")), "{:?}", warnings(&bundle));
}

#[test]
fn each_colliding_name_is_warned_about_once_against_the_one_before_it() {
    let mut entries = batch_entries();
    entries.push(RawEntry::new("jobs/job_batch/DWS_SQL.script", script_json("DWS_SQL")));
    entries.push(RawEntry::new("jobs/job_batch/Dws_Sql.script", script_json("Dws_Sql")));
    let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap();
    let collisions: Vec<String> = warnings(&bundle).into_iter().filter(|w| w.contains("case-insensitive")).collect();
    assert_eq!(collisions.len(), 2, "{collisions:?}");
    assert!(
        collisions[0].contains("jobs/job_batch/DWS_SQL.script")
            && collisions[0].contains("`jobs/job_batch/dws_sql.script`")
    );
    assert!(
        collisions[1].contains("jobs/job_batch/Dws_Sql.script")
            && collisions[1].contains("`jobs/job_batch/DWS_SQL.script`")
    );
}

#[test]
fn a_batch_folder_holds_exactly_its_own_job() {
    let job = |name: &str, path: &str| RawEntry::new(path, job_json(name));
    let script = |path: &str| RawEntry::new(path, script_json("s"));
    // (case, entries, the message's words, the entry it names)
    let cases: Vec<(&str, Vec<RawEntry>, &str, &str)> = vec![
        (
            "a folder without a job",
            vec![job("a", "jobs/a/a.job"), script("jobs/b/s.script")],
            "`jobs/b/` has no `b.job`",
            "jobs/b/s.script",
        ),
        ("a job in another's folder", vec![job("a", "jobs/b/a.job")], "`a.job` is in folder `jobs/b/`", "jobs/b/a.job"),
        (
            "two jobs in a folder",
            vec![job("a", "jobs/a/a.job"), job("c", "jobs/a/c.job")],
            "holds more than one",
            "jobs/a/c.job",
        ),
        (
            "the first folder by name is reported",
            vec![job("z", "jobs/z/y.job"), script("jobs/m/s.script"), job("a", "jobs/a/a.job")],
            "`jobs/m/` has no `m.job`",
            "jobs/m/s.script",
        ),
    ];
    for (case, entries, words, entry) in cases {
        let error = Bundle::from_slice(&raw_zip(&entries)).unwrap_err();
        assert_eq!(error.entry().map(dlf_bundle::error::EntryRef::name), Some(entry), "{case}: {error}");
        assert!(error.to_string().contains(words), "{case}: {error}");
    }
}

#[test]
fn stray_files_are_reported_and_ignored() {
    let mut entries = batch_entries();
    entries.push(RawEntry::new("cdms/cluster-1/cdm_job.json", b"{}"));
    let bundle = Bundle::from_slice(&raw_zip(&entries)).unwrap();
    assert_eq!(bundle.len(), 3);
    assert!(warnings(&bundle)[0].contains("cdms/cluster-1/cdm_job.json"));
}

#[test]
fn a_stem_that_differs_from_the_name_inside_is_found_by_validation_not_the_reader() {
    let mut entries = batch_entries();
    entries.push(RawEntry::new("jobs/job_batch/other.script", script_json("renamed")));
    let zip = raw_zip(&entries);
    // The reader looks at names only; what a definition holds is validation's.
    let bundle = Bundle::from_slice(&zip).unwrap();
    assert!(warnings(&bundle).is_empty(), "{:?}", warnings(&bundle));
    let found = validate_archive(&zip, &ValidateOptions::default());
    assert!(
        found
            .iter()
            .any(|d| d.code.as_str() == "DLFB0301" && d.entry.as_deref() == Some("jobs/job_batch/other.script")),
        "{found:?}"
    );
}

#[test]
fn stored_and_deflated_entries_read_alike() {
    let deflated: Vec<RawEntry> = batch_entries().into_iter().map(RawEntry::deflated).collect();
    let a = Bundle::from_slice(&raw_zip(&batch_entries())).unwrap();
    let b = Bundle::from_slice(&raw_zip(&deflated)).unwrap();
    assert_eq!(crate::common::contents(&a), crate::common::contents(&b));
}

#[test]
fn a_definition_without_required_fields_still_loads() {
    let archive = raw_zip(&[RawEntry::new("jobs/bare/bare.job", b"{}")]);
    let bundle = Bundle::from_slice(&archive).unwrap();
    let (entry, job) = bundle.jobs().map(Result::unwrap).next().unwrap();
    assert_eq!((job.name.as_deref(), entry.name()), (None, "bare"));
}

#[test]
#[allow(clippy::disallowed_methods, reason = "the test lays out folders")]
fn a_folder_reads_as_a_bundle_or_as_a_workspace_after_one_listing() {
    use dlf_bundle::{BundleDir, ReadOptions, Workspace};
    let table: [(&str, &[&str], Option<Layout>); 4] = [
        ("single layout", &["jobs/a.job", "scripts/s.script"], Some(Layout::Single)),
        ("batch layout", &["jobs/a/a.job", "jobs/a/s.script"], Some(Layout::Batch)),
        ("workspace sub-folders", &["jobs/team/a.job", "scripts/etl/s.script"], None),
        ("a definition a bundle would leave out", &["jobs/a.job", "scripts/etl/s.script"], None),
    ];
    for (case, files, expected) in table {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let text = if path.extension().is_some_and(|e| e == "job") { job_json(&stem) } else { script_json(&stem) };
            std::fs::write(&path, text).unwrap();
        }
        let options = ReadOptions::default();
        let folder = BundleDir::open_unless_workspace(dir.path(), &options).unwrap();
        assert_eq!(folder.map(|folder| folder.layout()), expected, "{case}");
        assert_eq!(Workspace::is_workspace(dir.path(), &options).unwrap(), expected.is_none(), "{case}");
    }
}

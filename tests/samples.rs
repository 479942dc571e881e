//! Every real-world sample in `../shared/samples/` (read in place, never
//! copied): definitions round-trip exactly; malformed ones fail with a line
//! and column; non-conforming ones fail naming the field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::diagnostic::Severity;
use dlf_bundle::error::Position;
use dlf_bundle::json;
use dlf_bundle::model::{Definition, Document};
use dlf_bundle::validate::{ValidateOptions, validate_bundle};
use dlf_bundle::{Bundle, DefinitionKind, ErrorKind, Layout};
use std::path::PathBuf;

const JOBS: &[&str] = &[
    "datatracex-test-job-hivesql-script-and-python-statement.json",
    "gophertelekomcloud-acc-job-shell-node_reconstructed.json",
    "kinjo886-console-style-job-cdmjob-chinese-directory_reconstructed.json",
    "kinjo886-console-style-job-python-node_reconstructed.json",
    "otc-doc-create-job-request-hivesql-review-approvers.json",
    "otc-doc-create-job-request-hivesql.json",
    "otc-doc-edit-job-request-hivesql-with-id-approvers.json",
    "otc-doc-edit-job-request-hivesql-with-id.json",
    "otc-doc-show-job-response-hivesql.json",
    "otc-doc-show-job-response-realtime-dis-csjob-dlisql.json",
    "tf-acc-batch-job-dlisql-upstream_reconstructed.json",
    "tf-acc-batch-job-dlisql-with-dependjobs_reconstructed.json",
    "tf-acc-realtime-job-restapi-node_reconstructed.json",
];
const SCRIPTS: &[&str] = &[
    "dwtoolkit-code2script-etl-load_data.script.json",
    "dwtoolkit-code2script-query1.script.json",
    "gophertelekomcloud-acc-script-shell_reconstructed.json",
    "otc-doc-create-script-request-shell-review-approvers.json",
    "otc-doc-create-script-request-shell.json",
    "otc-doc-show-script-response-dlisql-legacy.json",
    "otc-doc-show-script-response-sparksql.json",
    "tf-doc-script-dlisql-with-configuration_reconstructed.json",
];
const RESOURCES: &[&str] = &["otc-doc-create-resource-request-jar.json", "otc-doc-show-resource-response-jar.json"];
/// Not valid JSON as published: (file, line and column where Python's `json` also stops).
const MALFORMED: &[(&str, usize, usize)] = &[
    ("otc-doc-edit-job-request-realtime-MALFORMED.json", 92, 33),
    ("otc-doc-system-task-response-MALFORMED.json", 15, 13),
    ("otc-doc-list-resources-response-legacy-MALFORMED.json", 6, 13),
    ("otc-doc-cdm-driver-config-values-FRAGMENT.json", 1, 23),
];
/// Tool-made job files whose `properties` is an object.
const NONCONFORMANT_JOBS: &[&str] =
    &["dwtoolkit-jobgen-etl-load_data-NONCONFORMANT.job.json", "dwtoolkit-jobgen-query1-NONCONFORMANT.job.json"];

fn samples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

fn definitions() -> Vec<(DefinitionKind, &'static str)> {
    let tag = |kind: DefinitionKind, names: &'static [&'static str]| names.iter().map(move |name| (kind, *name));
    tag(DefinitionKind::Job, JOBS)
        .chain(tag(DefinitionKind::Script, SCRIPTS))
        .chain(tag(DefinitionKind::Resource, RESOURCES))
        .collect()
}

#[test]
fn every_sample_is_classified() {
    let Some(dir) = samples_dir() else { return };
    let mut known: Vec<&str> = definitions().iter().map(|(_, name)| *name).collect();
    known.extend(MALFORMED.iter().map(|(name, ..)| *name));
    known.extend(NONCONFORMANT_JOBS);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let is_api_payload = ["list-", "import-", "batch-export", "check-job", "cdm-", "system-task"]
            .iter()
            .any(|marker| name.contains(marker));
        assert!(
            std::path::Path::new(&name).extension().is_none_or(|e| e != "json")
                || is_api_payload
                || known.contains(&name.as_str()),
            "sample {name} is not covered by this test"
        );
    }
}

#[test]
fn definition_samples_round_trip_losslessly() {
    let Some(dir) = samples_dir() else { return };
    for (kind, name) in definitions() {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let document = Document::parse(kind, bytes.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(document.bytes().as_ref(), bytes.as_slice(), "{name}: unchanged bytes");

        // Model -> JSON gives the same tree: keys, order, scalar forms.
        let original = json::parse(&bytes).unwrap();
        let from_model = document.definition().to_value();
        assert_eq!(json::to_string_compact(&from_model), json::to_string_compact(&original), "{name}");

        // Canonical text -> model -> identical text.
        let canonical = json::to_vec_pretty(&from_model);
        let reparsed = Definition::from_slice(kind, &canonical).unwrap();
        assert_eq!(json::to_vec_pretty(&reparsed.to_value()), canonical, "{name}: canonical form is stable");
        assert_eq!(&reparsed, document.definition(), "{name}: model equality");
    }
}

#[test]
fn definition_samples_survive_a_bundle_round_trip() {
    let Some(dir) = samples_dir() else { return };
    for layout in [Layout::Batch, Layout::Single] {
        let mut bundle = Bundle::new(layout);
        for (i, (kind, name)) in definitions().into_iter().enumerate() {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            let document = Document::parse(kind, bytes).unwrap();
            let stem = format!("sample{i}");
            let path = match kind {
                DefinitionKind::Job => layout.path_for(kind, &stem, None),
                _ => layout.path_for(kind, &stem, Some("sample0")),
            };
            bundle.insert(&path, document).unwrap();
        }
        let zip = bundle.to_vec().unwrap();
        let back = Bundle::from_slice(&zip).unwrap();
        assert_eq!(back.layout(), layout);
        assert_eq!(back.len(), bundle.len());
        for (a, b) in bundle.iter().zip(back.iter()) {
            assert_eq!(a.path(), b.path());
            assert_eq!(a.document().unwrap().bytes(), b.document().unwrap().bytes(), "{}", a.path());
        }
        assert_eq!(back.to_vec().unwrap(), zip, "rewriting a read bundle gives identical bytes");
    }
}

#[test]
fn malformed_samples_fail_with_line_and_column() {
    let Some(dir) = samples_dir() else { return };
    for &(name, line, column) in MALFORMED {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let error = Document::parse(DefinitionKind::Job, bytes).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Json, "{name}: {error}");
        assert_eq!(error.position(), Some(Position::new(line, column)), "{name}: {error}");
    }
}

#[test]
fn nonconforming_job_samples_fail_naming_the_field() {
    let Some(dir) = samples_dir() else { return };
    for name in NONCONFORMANT_JOBS {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let error = Document::parse(DefinitionKind::Job, bytes).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::WrongType { .. }), "{name}: {error}");
        assert!(error.message().contains("properties"), "{name}: {error}");
        assert!(error.position().is_some(), "{name}: {error}");
    }
}

/// Samples that are fragments of a definition (only `nodes`), not whole ones.
const FRAGMENTS: &[&str] = &["datatracex-test-job-hivesql-script-and-python-statement.json"];

#[test]
fn valid_samples_validate_without_errors() {
    let Some(dir) = samples_dir() else { return };
    for (kind, name) in definitions().into_iter().filter(|(_, name)| !FRAGMENTS.contains(name)) {
        let document = Document::parse(kind, std::fs::read(dir.join(name)).unwrap()).unwrap();
        let stem = document.name().unwrap().to_owned();
        let mut bundle = Bundle::new(Layout::Single);
        bundle.insert(&Layout::Single.path_for(kind, &stem, None), document).unwrap();
        let errors: Vec<String> = validate_bundle(&bundle, &ValidateOptions::default())
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn malformed_and_nonconforming_samples_fail_validation_naming_the_entry() {
    let Some(dir) = samples_dir() else { return };
    let bad = MALFORMED.iter().map(|(name, ..)| *name).chain(NONCONFORMANT_JOBS.iter().copied());
    for name in bad {
        let archive = crate::common::raw_zip(&[crate::common::RawEntry::new(
            "jobs/bad/bad.job",
            std::fs::read(dir.join(name)).unwrap(),
        )]);
        let diagnostics = dlf_bundle::validate::validate_archive(&archive, &ValidateOptions::default());
        let error =
            diagnostics.iter().find(|d| d.severity == Severity::Error).unwrap_or_else(|| panic!("{name}: no error"));
        assert_eq!(error.entry.as_deref(), Some("jobs/bad/bad.job"), "{name}: {error}");
        assert!(["DLFB0005", "DLFB0006"].contains(&error.code.as_str()), "{name}: {error}");
    }
}

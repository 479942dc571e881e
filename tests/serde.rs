//! `serde` through the lossless model: what a serializer is given is the
//! JSON that was read, keys in order, strings as strings, numbers as numbers.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::{Job, Resource, Script};
use std::path::PathBuf;

#[test]
fn every_sample_comes_back_as_the_same_json_value() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if !dir.is_dir() {
        eprintln!("skipping: ../shared/samples is not present");
        return;
    }
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok(reference) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let back = if name.contains("script") {
            serde_json::from_str::<Script>(&text).map(|s| serde_json::to_value(&s).unwrap())
        } else if name.contains("resource") {
            serde_json::from_str::<Resource>(&text).map(|r| serde_json::to_value(&r).unwrap())
        } else {
            serde_json::from_str::<Job>(&text).map(|j| serde_json::to_value(&j).unwrap())
        };
        // Samples of other shapes (list responses) may not be definitions.
        let Ok(back) = back else { continue };
        assert_eq!(back, reference, "{name}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} samples checked");
}

#[test]
fn key_order_strings_and_number_forms_survive() {
    let text = r#"{"zeta":1,"name":"j","location":{"x":"-45.5","y":7},"retry":60.0,"big":18446744073709551615}"#;
    let job: Job = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&job).unwrap(), text);
    assert_eq!(job.extra.keys().collect::<Vec<_>>(), ["zeta", "location", "retry", "big"]);
}

#[test]
fn wrong_types_and_unrepresentable_numbers_are_errors() {
    let error = serde_json::from_str::<Job>(r#"{"nodes":"x"}"#).unwrap_err();
    assert!(error.to_string().contains("`nodes`: expected an array, found a string"), "{error}");
    let job = Job::from_slice(br#"{"name":"j","x":1e400}"#).unwrap();
    let error = serde_json::to_value(&job).unwrap_err();
    assert!(error.to_string().contains("1e400"), "{error}");
    assert!(serde_json::from_str::<Job>(r#"{"a":1,"a":2}"#).is_err());
}

#[test]
fn a_job_reads_from_another_serde_format() {
    let text = "name = \"daily\"\nprocessType = \"BATCH\"\nlogPath = \"obs://logs/\"\n\n[schedule]\ntype = \"EXECUTE_ONCE\"\n\n[[nodes]]\nname = \"load\"\ntype = \"HiveSQL\"\nretryTimes = 2\n";
    let job: Job = toml::from_str(text).unwrap();
    assert_eq!(job.name.as_deref(), Some("daily"));
    assert_eq!(job.node("load").unwrap().retry_times.as_ref().and_then(dlf_bundle::model::Scalar::as_i64), Some(2));
    assert_eq!(
        serde_json::to_string(&job).unwrap(),
        r#"{"name":"daily","processType":"BATCH","logPath":"obs://logs/","schedule":{"type":"EXECUTE_ONCE"},"nodes":[{"name":"load","type":"HiveSQL","retryTimes":2}]}"#
    );
}

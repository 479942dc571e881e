//! An end record whose entry count is 65,535, the Zip64 placeholder, with
//! no Zip64 record and fewer entries in the directory, was refused as
//! "65535 entries; the limit is 25000". It is a damaged archive (Info-ZIP
//! and 7-Zip report it so): the refusal says what is wrong with it. The
//! entry limit still holds while the records are read.

use crate::common::{batch_entries, raw_zip, with_end_record_fields};
use dlf_bundle::error::{Corruption, Limit};
use dlf_bundle::{Bundle, ErrorKind, Limits, ReadOptions};

/// `archive` with both entry counts of its end record set to `count`.
fn with_end_record_count(archive: Vec<u8>, count: u16) -> Vec<u8> {
    with_end_record_fields(archive, &[8, 10], count)
}

#[test]
fn the_placeholder_count_is_not_taken_as_a_count() {
    let archive = with_end_record_count(raw_zip(&batch_entries()), 0xFFFF);
    let error = Bundle::from_slice(&archive).unwrap_err();
    let listed = batch_entries().len() as u64;
    assert_eq!(error.kind(), &ErrorKind::Corrupt(Corruption::EntryCount { declared: 65_535, listed }));
    assert!(error.message().contains("Zip64 placeholder"), "{error}");
    assert!(!error.to_string().contains("the limit"), "{error}");

    let few = ReadOptions::new().limits(Limits::default().max_entries(2));
    let error = Bundle::from_slice_with(&archive, &few).unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::LimitExceeded { limit: Limit::Entries, max: 2 });
    assert!(!error.to_string().contains("65535"), "{error}");

    // Any other count that disagrees with the directory is damage too.
    let miscounted = with_end_record_count(raw_zip(&batch_entries()), 7);
    assert!(matches!(Bundle::from_slice(&miscounted).unwrap_err().kind(), ErrorKind::Corrupt(_)));
}

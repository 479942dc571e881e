//! Fuzz finding `macos-metadata-crc-unchecked` (`fuzz/regressions/read_bundle/`):
//! macOS metadata entries (`__MACOSX/`, `._*`, `.DS_Store`) were left out
//! before inflating, so a damaged one went unnoticed where every other
//! reader reports a bad CRC. They are still never placed, but inflated and
//! checked like every entry; their sizes count against the limits too.

use crate::common::{RawEntry, batch_entries, raw_zip};
use dlf_bundle::error::{Corruption, Limit};
use dlf_bundle::validate::{ValidateOptions, validate_archive};
use dlf_bundle::{Bundle, ErrorKind, Limits, ReadOptions};

#[test]
fn ignored_entries_are_inflated_and_checked() {
    for name in ["jobs/.DS_Store", "__MACOSX/x/jobs/job_batch/._job_batch.job", "jobs/job_batch/._job_batch.job"] {
        let mut damaged = RawEntry::new(name, b"Bud1");
        damaged.declared_crc = Some(0x1234_5678);
        let mut entries = batch_entries();
        entries.push(damaged);
        let archive = raw_zip(&entries);
        let error = Bundle::from_slice(&archive).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Corrupt(Corruption::Crc32), "{name}: {error}");
        assert_eq!(error.entry().map(dlf_bundle::error::EntryRef::name), Some(name));
        let found = validate_archive(&archive, &ValidateOptions::default());
        assert!(found.iter().any(|d| d.code == "DLFB0001" && d.entry.as_deref() == Some(name)), "{found:?}");
    }
    let mut large = batch_entries();
    large.push(RawEntry::new("jobs/.DS_Store", vec![0; 4096]));
    let small = ReadOptions::new().limits(Limits::default().max_entry_bytes(1024));
    let error = Bundle::from_slice_with(&raw_zip(&large), &small).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::LimitExceeded { limit: Limit::EntryBytes, .. }), "{error}");
}

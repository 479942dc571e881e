//! An end record whose disk numbers were 65,535, the Zip64 placeholder, in
//! an archive without a Zip64 record, was read as a single-part archive.
//! Without a Zip64 record 65,535 is a disk number: the archive is one part
//! of a split one, as the `zip` crate reads it (found by fuzzing
//! `read_bundle`). With a Zip64 record the placeholder still reads (a row
//! of `tests/rezip_tools.rs` patches a Zip64 archive Info-ZIP wrote).

use crate::common::{batch_entries, raw_zip, with_end_record_fields};
use dlf_bundle::{Bundle, ErrorKind};

#[test]
fn the_placeholder_disk_number_without_zip64_is_a_split_archive() {
    for (disk, split) in [(0, false), (1, true), (0xFFFF, true)] {
        let archive = with_end_record_fields(raw_zip(&batch_entries()), &[4, 6], disk);
        let read = Bundle::from_slice(&archive);
        assert_eq!(
            read.as_ref().err().map(|e| e.kind().clone()),
            split.then_some(ErrorKind::SplitArchive),
            "disk {disk}"
        );
    }
}

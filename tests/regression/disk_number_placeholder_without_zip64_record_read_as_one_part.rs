//! An end record whose disk numbers were 65,535, the Zip64 placeholder, in
//! an archive without a Zip64 record, was read as a single-part archive.
//! Without a Zip64 record 65,535 is a disk number: the archive is one part
//! of a split one, as the `zip` crate reads it (found by fuzzing
//! `read_bundle`). With a Zip64 record the placeholder still reads.

use crate::common::{batch_entries, raw_zip};
use dlf_bundle::{Bundle, ErrorKind};

/// `archive` with both disk numbers of its end record set to `disk`.
fn with_disk_numbers(mut archive: Vec<u8>, disk: u16) -> Vec<u8> {
    let end = archive.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    archive[end + 4..end + 6].copy_from_slice(&disk.to_le_bytes());
    archive[end + 6..end + 8].copy_from_slice(&disk.to_le_bytes());
    archive
}

#[test]
fn the_placeholder_disk_number_without_zip64_is_a_split_archive() {
    for (disk, split) in [(0, false), (1, true), (0xFFFF, true)] {
        let archive = with_disk_numbers(raw_zip(&batch_entries()), disk);
        let read = Bundle::from_slice(&archive);
        assert_eq!(
            read.as_ref().err().map(|e| e.kind().clone()),
            split.then_some(ErrorKind::SplitArchive),
            "disk {disk}"
        );
    }
}

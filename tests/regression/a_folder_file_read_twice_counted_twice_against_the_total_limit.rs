//! A folder bundle's files are read lazily and, when their documents are not
//! kept, read again; each read was added to the running total, so a bundle
//! well under `max_total_bytes` hit the limit after a few passes.

use dlf_bundle::{Bundle, Limits, ReadOptions};

#[test]
fn rereading_a_folder_does_not_spend_the_total_limit() {
    let bytes: u64 = walkdir::WalkDir::new("examples/workspace")
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum();
    let mut limits = Limits::default();
    limits.max_total_bytes = bytes + bytes / 2;
    let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::new().limits(limits)).unwrap();
    for _ in 0..5 {
        for entry in bundle.iter() {
            entry.to_value().unwrap();
        }
    }
}

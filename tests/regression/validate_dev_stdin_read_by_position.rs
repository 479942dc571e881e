//! `validate /dev/stdin` broke when files were first read by position: a
//! pipe cannot be. What cannot be read by position is read whole, the
//! archive limit counted as it is read (a pipe has no size to check first).

use crate::common::{batch_entries, raw_zip};
use dlf_bundle::error::Limit;
use dlf_bundle::{Bundle, ErrorKind, Limits, ReadOptions};

#[cfg(unix)]
#[test]
fn archives_are_read_from_pipes_within_the_limit() {
    let valid = raw_zip(&batch_entries());
    let dir = tempfile::tempdir().unwrap();
    let limited = ErrorKind::LimitExceeded { limit: Limit::ArchiveBytes, max: 100 };
    let table = [(Limits::default(), None), (Limits::default().max_archive_bytes(100), Some(limited))];
    for (number, (limits, expected)) in table.into_iter().enumerate() {
        let fifo = dir.path().join(format!("pipe{number}"));
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            eprintln!("skipping: `mkfifo` is not available");
            return;
        }
        let writer = {
            let (fifo, valid) = (fifo.clone(), valid.clone());
            // The reader may stop early (at the limit): a broken pipe is fine.
            std::thread::spawn(move || drop(std::fs::write(fifo, valid)))
        };
        let read = Bundle::open_with(&fifo, &ReadOptions::new().limits(limits));
        writer.join().unwrap();
        assert_eq!(read.as_ref().err().map(dlf_bundle::Error::kind), expected.as_ref(), "{:?}", read.as_ref().err());
    }
}

//! Written bundles were 0600, the mode of the temporary file they were
//! renamed from; they get the mode of any new file (0666 less the umask).

use dlf_bundle::{Bundle, Job, Layout};

#[cfg(unix)]
#[test]
fn a_written_bundle_has_the_mode_of_a_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut bundle = Bundle::new(Layout::Single);
    bundle.add_job(Job::new("j")).unwrap();
    bundle.write_to_path(dir.path().join("jobs.zip")).unwrap();
    let mode = std::fs::metadata(dir.path().join("jobs.zip")).unwrap().permissions().mode() & 0o777;
    let mut probe = std::fs::File::create(dir.path().join("probe")).unwrap();
    std::io::Write::write_all(&mut probe, b"x").unwrap();
    let new_file_mode = probe.metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, new_file_mode, "0666 less the umask");
}

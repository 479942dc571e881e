//! `remap` spliced its renames into the bytes as first read, so an edit
//! made before (a `set_property`, or an earlier remap) vanished from the
//! written file while the definition in memory still had it.

use dlf_bundle::remap::{self, Map};
use dlf_bundle::{Bundle, ReadOptions};

#[test]
fn an_edit_then_a_remap_keeps_both() {
    let mut bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default()).unwrap();
    bundle.job_mut("job_batch").unwrap().unwrap().node_mut("DWS_SQL").unwrap().set_property("database", "edited_db");
    let first: Map = "[connection]\ndws_link = \"dws_prod\"\n".parse().unwrap();
    let second: Map = "[connection]\ndws_prod = \"dws_final\"\n".parse().unwrap();
    // Streamed, from the edited bundle.
    let (zip, _) = remap::to_vec_remapped(&bundle, &first).unwrap();
    let written = Bundle::from_slice(&zip).unwrap();
    let job = String::from_utf8(written.get("jobs/job_batch.job").unwrap().bytes().unwrap().into_owned()).unwrap();
    assert!(job.contains("edited_db") && job.contains("dws_prod"), "{job}");
    // In memory, twice.
    remap::apply(&mut bundle, &first).unwrap();
    remap::apply(&mut bundle, &second).unwrap();
    let job = String::from_utf8(bundle.get("jobs/job_batch.job").unwrap().bytes().unwrap().into_owned()).unwrap();
    assert!(job.contains("edited_db") && job.contains("dws_final") && !job.contains("dws_link"), "{job}");
}

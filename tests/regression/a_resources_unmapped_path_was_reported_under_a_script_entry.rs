//! `remap` reported the unmapped objects a job needs through a resource
//! under the entry a script of that name would have (`jobs/j/lib.script`),
//! an entry the bundle does not hold, in bundles and in workspaces.

#![allow(clippy::disallowed_methods, reason = "the test lays out a fresh temporary workspace")]

use dlf_bundle::remap::{self, Map};
use dlf_bundle::{Bundle, Workspace};

const JOB: &str = r#"{"name":"j","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"nodes":[{"name":"spark","type":"MRSSpark","properties":[{"name":"resourcePath","value":"lib"}]}]}"#;
const RESOURCE: &str = r#"{"name":"lib","type":"jar","location":"obs://dev-bucket/lib.jar"}"#;

#[test]
fn a_resources_unmapped_path_is_reported_under_the_resource() {
    let map: Map = "[connection]\nunused = \"x\"\n".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in [("jobs/j.job", JOB), ("resources/lib.resource", RESOURCE)] {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let batch = crate::common::raw_zip(&[
        crate::common::RawEntry::new("jobs/j/j.job", JOB),
        crate::common::RawEntry::new("jobs/j/lib.resource", RESOURCE),
    ]);
    let mut workspace = Workspace::open(dir.path()).unwrap();
    let rows = [
        ("batch bundle", remap::report(&Bundle::from_slice(&batch).unwrap(), &map).unwrap(), "jobs/j/lib.resource"),
        ("workspace", remap::apply_workspace(&mut workspace, &map).unwrap(), "resources/lib.resource"),
    ];
    for (input, report, entry) in rows {
        let unmapped = report.unmapped.iter().find(|object| object.name == "obs://dev-bucket/lib.jar");
        assert_eq!(unmapped.map(|object| object.entries.clone()), Some(vec![entry.to_owned()]), "{input}");
    }
}

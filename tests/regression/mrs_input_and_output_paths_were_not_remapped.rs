//! MRS nodes' `input` and `output` OBS paths were not references, so
//! `remap [obs_path]` left them as they were.

use dlf_bundle::model::NodeType;
use dlf_bundle::remap::{Map, apply};
use dlf_bundle::{Bundle, Job, Layout, Node};

#[test]
fn mrs_input_and_output_obs_paths_are_remapped() {
    let mut job = Job::new("a");
    job.nodes = Some(vec![
        Node::new("n", NodeType::MapReduce)
            .with_property("clusterName", "mrs")
            .with_property("jobName", "wordcount")
            .with_property("resourcePath", "obs://dev-bucket/wc.jar")
            .with_property("parameters", "")
            .with_property("input", "obs://dev-bucket/in/")
            .with_property("output", "hdfs:///tmp/out"),
    ]);
    let mut bundle = Bundle::new(Layout::Batch);
    bundle.add_job(job).unwrap();
    let map: Map = "[obs_path]\n\"obs://dev-bucket/\" = \"obs://prod-bucket/\"\n".parse().unwrap();
    let report = apply(&mut bundle, &map).unwrap();
    let changed: Vec<(&str, &str)> = report.changes.iter().map(|c| (c.pointer.as_str(), c.to.as_str())).collect();
    assert!(changed.contains(&("/nodes/0/properties/4/value", "obs://prod-bucket/in/")), "{changed:?}");
    assert!(changed.contains(&("/nodes/0/properties/2/value", "obs://prod-bucket/wc.jar")), "{changed:?}");
    assert!(!changed.iter().any(|(pointer, _)| pointer.starts_with("/nodes/0/properties/5")), "HDFS is no OBS path");
}

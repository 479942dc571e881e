//! A Shell or Python node's `arguments` were not read as its script's
//! parameters (only SQL nodes' `scriptArgs` were): a script's `${day}` given
//! by `arguments` was reported as an environment variable the target needs.

use dlf_bundle::model::{NodeType, ScriptType};
use dlf_bundle::resolve::bundle_dependencies;
use dlf_bundle::resolve::{EnvironmentKind, ReferenceOptions, Target};
use dlf_bundle::{Bundle, Job, Layout, Node, Script};

#[test]
fn arguments_define_the_parameters_of_shell_and_python_scripts() {
    for (node_type, script_type) in [(NodeType::Shell, ScriptType::Shell), (NodeType::Python, ScriptType::Python)] {
        let mut job = Job::new("a");
        job.nodes = Some(vec![
            Node::new("n", node_type.clone())
                .with_property("scriptName", "s")
                .with_property("connectionName", "host")
                .with_property("arguments", "day=2024-01-01 --region=cn"),
        ]);
        let mut bundle = Bundle::new(Layout::Batch);
        bundle.add_job(job).unwrap();
        bundle.add_script(Some("a"), Script::new("s", script_type, "echo ${day} ${region} ${other}")).unwrap();
        let variables: Vec<String> = bundle_dependencies(&bundle, &ReferenceOptions::default()).unwrap()[0]
            .dependencies
            .iter()
            .filter_map(|d| match &d.reference.target {
                Target::Environment { kind: EnvironmentKind::EnvVariable, name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(variables, ["other"], "{node_type}");
    }
}

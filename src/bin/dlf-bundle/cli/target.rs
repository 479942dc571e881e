//! What `set` and `get` share: the job, node, script or resource chosen in
//! a bundle or workspace.

use super::common::Failure;
use dlf_bundle::json::{Object, Value};
use dlf_bundle::model::Document;
use dlf_bundle::validate::EditScope;
use dlf_bundle::{Bundle, DefinitionKind, Workspace};

/// `--job NAME [--node NAME] | --script NAME | --resource NAME`.
#[derive(clap::Args)]
pub struct Selector {
    /// The job to edit.
    #[arg(long, value_name = "NAME", required_unless_present_any = ["script", "resource"])]
    #[arg(conflicts_with_all = ["script", "resource"])]
    job: Option<String>,
    /// A node of that job: paths are relative to the node.
    #[arg(long, value_name = "NAME", requires = "job")]
    node: Option<String>,
    /// The script to edit (in a batch bundle, every copy).
    #[arg(long, value_name = "NAME", conflicts_with = "resource")]
    script: Option<String>,
    /// The resource to edit (in a batch bundle, every copy).
    #[arg(long, value_name = "NAME")]
    resource: Option<String>,
}

impl Selector {
    pub fn kind_and_name(&self) -> (DefinitionKind, &str) {
        match (&self.job, &self.script, &self.resource) {
            (Some(job), ..) => (DefinitionKind::Job, job),
            (None, Some(script), _) => (DefinitionKind::Script, script),
            (None, None, Some(resource)) => (DefinitionKind::Resource, resource),
            // clap requires one of the three.
            (None, None, None) => (DefinitionKind::Job, ""),
        }
    }

    /// What the paths are relative to: a job, one of its nodes, a script or a resource.
    pub fn edit_scope(&self) -> EditScope {
        match (self.kind_and_name().0, &self.node) {
            (DefinitionKind::Job, Some(_)) => EditScope::Node,
            (DefinitionKind::Job, None) => EditScope::Job,
            (DefinitionKind::Script, _) => EditScope::Script,
            (DefinitionKind::Resource, _) => EditScope::Resource,
        }
    }

    /// The paths of the chosen definition's entries, or an error listing
    /// the nearest names.
    pub fn entries(&self, bundle: &Bundle) -> Result<Vec<String>, Failure> {
        let (kind, name) = self.kind_and_name();
        let paths: Vec<String> =
            bundle.iter().filter(|e| e.kind() == kind && e.name() == name).map(|e| e.path().to_owned()).collect();
        if paths.is_empty() {
            let names: Vec<&str> = bundle.iter().filter(|e| e.kind() == kind).map(dlf_bundle::Entry::name).collect();
            return Err(not_found(kind.as_str(), name, &names));
        }
        Ok(paths)
    }

    /// Within a job's JSON, the node object the paths are relative to (the
    /// job itself without `--node`).
    pub fn scope<'a>(&self, root: &'a mut Value) -> Result<&'a mut Value, Failure> {
        let Some(node) = &self.node else { return Ok(root) };
        let nodes = root.as_object().and_then(|o| o.get("nodes")).and_then(Value::as_array).unwrap_or_default();
        let names: Vec<String> = nodes.iter().filter_map(node_name).map(str::to_owned).collect();
        let index = names.iter().position(|n| n == node);
        let Some(index) = index else {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            return Err(not_found("node", node, &names));
        };
        match root {
            Value::Object(job) => match job.get_mut("nodes") {
                Some(Value::Array(nodes)) => nodes.get_mut(index).ok_or_else(|| not_found("node", node, &[])),
                _ => Err(not_found("node", node, &[])),
            },
            _ => Err(not_found("node", node, &[])),
        }
    }

    /// The same, read only.
    pub fn scope_of<'a>(&self, root: &'a Value) -> Result<&'a Value, Failure> {
        let Some(node) = &self.node else { return Ok(root) };
        let nodes = root.as_object().and_then(|o| o.get("nodes")).and_then(Value::as_array).unwrap_or_default();
        nodes.iter().find(|n| node_name(n) == Some(node.as_str())).ok_or_else(|| {
            let names: Vec<&str> = nodes.iter().filter_map(node_name).collect();
            not_found("node", node, &names)
        })
    }
}

fn node_name(node: &Value) -> Option<&str> {
    node.as_object().and_then(|o: &Object| o.get("name")).and_then(Value::as_str)
}

/// "no job `x`; the nearest are `a`, `b`".
fn not_found(what: &str, name: &str, names: &[&str]) -> Failure {
    let mut ranked: Vec<(usize, &str)> = names.iter().map(|n| (strsim::levenshtein(name, n), *n)).collect();
    ranked.sort_unstable();
    ranked.dedup_by(|a, b| a.1 == b.1);
    let nearest: Vec<String> = ranked.iter().take(3).map(|(_, n)| format!("`{n}`")).collect();
    let hint =
        if nearest.is_empty() { format!("there is no {what}") } else { format!("the nearest: {}", nearest.join(", ")) };
    Failure::Message(format!("no {what} `{name}`; {hint}"))
}

impl Selector {
    /// The chosen definition of a workspace, read for changing.
    pub fn workspace_document<'a>(&self, workspace: &'a mut Workspace) -> Result<&'a mut Document, Failure> {
        let (kind, name) = self.kind_and_name();
        if !workspace.contains(kind, name) {
            let names: Vec<&str> = workspace.names(kind).collect();
            return Err(not_found(kind.as_str(), name, &names));
        }
        workspace.load_mut(kind, name)?.ok_or_else(|| not_found(kind.as_str(), name, &[]))
    }
}

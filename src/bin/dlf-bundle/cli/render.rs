//! Drawings for people: a bundle's entries as a tree, and dependency graphs
//! in Graphviz DOT and Mermaid.

use dlf_bundle::Bundle;
use dlf_bundle::resolve::Target;
use dlf_bundle::resolve::{JobDependencies, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One drawn node: its identifier, label and shape class.
struct Vertex {
    id: String,
    label: String,
    class: &'static str,
    status: Status,
}

/// Jobs, their needs and the edges between them, with stable identifiers.
struct Graph {
    vertices: BTreeMap<(String, String), Vertex>,
    edges: Vec<(String, String, String)>,
}

impl Graph {
    fn build(jobs: &[JobDependencies]) -> Self {
        let mut graph = Self { vertices: BTreeMap::new(), edges: Vec::new() };
        for job in jobs {
            let from = graph.vertex("job", &job.job, Status::Present);
            for dependency in &job.dependencies {
                let target = &dependency.reference.target;
                let class = match target {
                    Target::Script(_) => "script",
                    Target::Resource(_) => "resource",
                    Target::Job(_) => "job",
                    // `Target` may grow: anything else is drawn as the environment is.
                    _ => "environment",
                };
                let label = match target {
                    Target::Environment { kind, name, .. } => format!("{}: {name}", kind.as_str()),
                    other => other.name().to_owned(),
                };
                let to = graph.vertex_labelled(class, target.kind_str(), &label, dependency.status);
                let source = match &dependency.via_script {
                    Some(script) => graph.vertex("script", script, Status::Present),
                    None => from.clone(),
                };
                let edge_label = dependency.reference.node.clone().unwrap_or_default();
                if !graph.edges.iter().any(|(a, b, _)| *a == source && *b == to) {
                    graph.edges.push((source, to, edge_label));
                }
            }
        }
        graph
    }

    fn vertex(&mut self, class: &'static str, name: &str, status: Status) -> String {
        self.vertex_labelled(class, class, name, status)
    }

    fn vertex_labelled(&mut self, class: &'static str, kind: &str, label: &str, status: Status) -> String {
        let next = self.vertices.len();
        let vertex = self.vertices.entry((kind.to_owned(), label.to_owned())).or_insert_with(|| Vertex {
            id: format!("n{next}"),
            label: label.to_owned(),
            class,
            status,
        });
        if status == Status::Missing {
            vertex.status = Status::Missing;
        }
        vertex.id.clone()
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT: jobs as boxes, scripts as notes, resources as folders,
/// environment objects as grey ellipses; missing objects in red.
pub fn to_dot(jobs: &[JobDependencies]) -> String {
    let graph = Graph::build(jobs);
    let mut out = String::from("digraph dependencies {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    let mut vertices: Vec<&Vertex> = graph.vertices.values().collect();
    vertices.sort_by_key(|v| v.id[1..].parse::<usize>().unwrap_or(0));
    for vertex in vertices {
        let shape = match vertex.class {
            "job" => "box",
            "script" => "note",
            "resource" => "folder",
            _ => "ellipse",
        };
        let style = match vertex.status {
            Status::Missing => ", color=red, fontcolor=red, style=dashed",
            Status::External => ", color=gray40, fontcolor=gray25",
            Status::Present => "",
        };
        let _ = writeln!(out, "  {} [label=\"{}\", shape={shape}{style}];", vertex.id, escape(&vertex.label));
    }
    for (from, to, label) in &graph.edges {
        let _ = writeln!(out, "  {from} -> {to} [label=\"{}\"];", escape(label));
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart with the same shapes and colours as [`to_dot`].
pub fn to_mermaid(jobs: &[JobDependencies]) -> String {
    let graph = Graph::build(jobs);
    let mut out = String::from("flowchart LR\n");
    let mut vertices: Vec<&Vertex> = graph.vertices.values().collect();
    vertices.sort_by_key(|v| v.id[1..].parse::<usize>().unwrap_or(0));
    for vertex in &vertices {
        let label = vertex.label.replace('"', "#quot;");
        let shape = match vertex.class {
            "job" => format!("[\"{label}\"]"),
            "script" => format!("[/\"{label}\"/]"),
            "resource" => format!("[(\"{label}\")]"),
            _ => format!("([\"{label}\"])"),
        };
        let _ = writeln!(out, "  {}{shape}", vertex.id);
    }
    for (from, to, label) in &graph.edges {
        if label.is_empty() {
            let _ = writeln!(out, "  {from} --> {to}");
        } else {
            let _ = writeln!(out, "  {from} -->|\"{}\"| {to}", label.replace('"', "#quot;"));
        }
    }
    out.push_str("  classDef missing stroke:#d00,color:#d00,stroke-dasharray:4\n");
    out.push_str("  classDef external stroke:#888,color:#555\n");
    for vertex in &vertices {
        match vertex.status {
            Status::Missing => {
                let _ = writeln!(out, "  class {} missing", vertex.id);
            }
            Status::External => {
                let _ = writeln!(out, "  class {} external", vertex.id);
            }
            Status::Present => {}
        }
    }
    out
}

/// A bundle's entries drawn as a tree, one line each, the way the API
/// documentation draws a bundle.
pub fn tree(bundle: &Bundle) -> String {
    #[derive(Default)]
    struct Folder<'a>(BTreeMap<&'a str, Folder<'a>>);
    fn draw(folder: &Folder<'_>, prefix: &str, out: &mut String) {
        let count = folder.0.len();
        for (i, (name, child)) in folder.0.iter().enumerate() {
            let last = i + 1 == count;
            out.push_str(prefix);
            out.push_str(if last { "└── " } else { "├── " });
            out.push_str(name);
            out.push('\n');
            draw(child, &format!("{prefix}{}", if last { "    " } else { "│   " }), out);
        }
    }
    let mut root = Folder::default();
    for entry in bundle.iter() {
        let mut folder = &mut root;
        for part in entry.path().split('/') {
            folder = folder.0.entry(part).or_default();
        }
    }
    let mut out = String::new();
    for (name, child) in &root.0 {
        out.push_str(name);
        out.push('\n');
        draw(child, "", &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use dlf_bundle::model::ScriptType;
    use dlf_bundle::{Bundle, Job, Layout, Script};

    #[test]
    fn a_batch_bundle_is_drawn_as_the_api_documentation_draws_it() -> dlf_bundle::Result<()> {
        let mut bundle = Bundle::new(Layout::Batch);
        bundle.add_job(Job::new("job_batch"))?;
        bundle.add_script(Some("job_batch"), Script::new("dws_sql", ScriptType::DwsSql, "select 1;"))?;
        bundle.add_job(Job::new("job_stream"))?;
        let drawn = "jobs\n├── job_batch\n│   ├── dws_sql.script\n│   └── job_batch.job\n└── job_stream\n    └── job_stream.job\n";
        assert_eq!(super::tree(&bundle), drawn);
        Ok(())
    }
}

//! Micro-benchmarks of the library's hot paths (`cargo bench`).
//! Whole-command comparisons with other tools: `benches/compare/run.sh`.
#![allow(missing_docs, clippy::unwrap_used, clippy::format_collect)]

use dlf_bundle::export::{ExportOptions, export};
use dlf_bundle::model::{Document, NodeType, ScriptType};
use dlf_bundle::validate::{ValidateOptions, validate_archive};
use dlf_bundle::{Bundle, DefinitionKind, Job, Layout, Node, Script, Workspace};

fn main() {
    divan::main();
}

/// `jobs` jobs of 8 nodes, each SQL node with its own ~6 KB script.
fn workspace(jobs: usize) -> Workspace {
    let mut workspace = Workspace::new();
    for j in 0..jobs {
        let mut job = Job::new(format!("job_{j:05}"));
        let nodes = (0..8)
            .map(|n| {
                let script = format!("job_{j:05}_s{n}");
                let content: String =
                    (0..60).map(|i| format!("select c{i}, sum(v) from t{n} where d = '{j}';\n")).collect();
                workspace.insert(Script::new(script.clone(), ScriptType::HiveSql, content).into()).unwrap();
                Node::new(format!("node_{n}"), NodeType::HiveSql).with_property("scriptName", &script)
            })
            .collect();
        job.nodes = Some(nodes);
        workspace.insert(job.into()).unwrap();
    }
    workspace
}

/// A batch bundle of `jobs` jobs, exported 100 at a time (the API's limit)
/// and merged.
fn bundle_bytes(jobs: usize) -> Vec<u8> {
    let workspace = workspace(jobs);
    let names: Vec<String> = (0..jobs).map(|j| format!("job_{j:05}")).collect();
    let mut bundle = Bundle::new(Layout::Batch);
    for chunk in names.chunks(100) {
        for entry in export(&workspace, chunk, &ExportOptions::default()).unwrap().bundle.iter() {
            bundle.insert(entry.path(), entry.document().unwrap().clone()).unwrap();
        }
    }
    bundle.to_vec().unwrap()
}

#[divan::bench]
fn parse_job(bencher: divan::Bencher) {
    let text = Job::from_slice(&bundle_job_text()).unwrap().to_vec();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| Document::parse(DefinitionKind::Job, text.clone()).unwrap());
}

fn bundle_job_text() -> Vec<u8> {
    let bundle = Bundle::from_slice(&bundle_bytes(1)).unwrap();
    bundle.jobs().map(Result::unwrap).next().unwrap().0.document().unwrap().bytes().into_owned()
}

#[divan::bench(args = [10, 100])]
fn read_bundle(bencher: divan::Bencher, jobs: usize) {
    let zip = bundle_bytes(jobs);
    bencher.counter(divan::counter::BytesCount::new(zip.len())).bench(|| {
        let bundle = Bundle::from_slice(&zip).unwrap();
        bundle.parse_all().unwrap();
        bundle
    });
}

#[divan::bench(args = [10, 100])]
fn validate(bencher: divan::Bencher, jobs: usize) {
    let zip = bundle_bytes(jobs);
    let options = ValidateOptions::default();
    bencher.bench(|| validate_archive(&zip, &options));
}

#[divan::bench(args = [10, 100])]
fn write_bundle(bencher: divan::Bencher, jobs: usize) {
    let bundle = Bundle::from_slice(&bundle_bytes(jobs)).unwrap();
    bencher.bench(|| bundle.to_vec().unwrap());
}

#[divan::bench]
fn export_100_of_200(bencher: divan::Bencher) {
    let workspace = workspace(200);
    let names: Vec<String> = (0..100).map(|j| format!("job_{j:05}")).collect();
    let options = ExportOptions::default().layout(Layout::Batch);
    bencher.bench(|| export(&workspace, &names, &options).unwrap());
}

/// The bundle read back with one value changed in every job, written with
/// format-preserving edits (`edited`) or every changed job canonically.
fn changed_bundles(jobs: usize) -> (Bundle, Bundle) {
    let mut edited = Bundle::from_slice(&bundle_bytes(jobs)).unwrap();
    for job in edited.jobs_mut() {
        job.unwrap().log_path = Some("obs://changed-logs/".into());
    }
    let mut canonical = Bundle::new(edited.layout());
    for entry in edited.iter() {
        let document = if entry.kind() == DefinitionKind::Job {
            Document::from(entry.document().unwrap().definition().clone())
        } else {
            entry.document().unwrap().clone()
        };
        canonical.insert(entry.path(), document).unwrap();
    }
    (edited, canonical)
}

#[divan::bench(args = [100, 1000])]
fn write_one_change_per_job_edited(bencher: divan::Bencher, jobs: usize) {
    let (edited, _) = changed_bundles(jobs);
    bencher.bench(|| edited.to_vec().unwrap());
}

#[divan::bench(args = [100, 1000])]
fn write_one_change_per_job_canonical(bencher: divan::Bencher, jobs: usize) {
    let (_, canonical) = changed_bundles(jobs);
    bencher.bench(|| canonical.to_vec().unwrap());
}

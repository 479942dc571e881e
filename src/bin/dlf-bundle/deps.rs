//! `dlf-bundle deps`: what each job needs, and whether it is there.

use crate::common::{Failure, LimitArgs, Outcome, print_json, print_warnings};
use crate::input::{self, Opened};
use clap::ValueEnum;
use dlf_bundle::reference::{ParamStyle, ReferenceOptions, Target};
use dlf_bundle::render;
use dlf_bundle::resolve::{self, JobDependencies};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A bundle to inspect (or use --workspace).
    #[arg(required_unless_present = "workspace", conflicts_with = "workspace")]
    bundle: Option<PathBuf>,
    /// A workspace folder to inspect instead of a bundle.
    #[arg(long)]
    workspace: Option<PathBuf>,
    /// Only these jobs (default: all).
    #[arg(long = "job", value_name = "NAME")]
    jobs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DepsFormat::Text)]
    format: DepsFormat,
    /// How variables are written: `${name}` (plain) or `${dlf.name}` (dlf).
    #[arg(long, value_enum, default_value_t = Style::Plain)]
    param_style: Style,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum Style {
    Plain,
    Dlf,
}

#[derive(Clone, Copy, ValueEnum)]
enum DepsFormat {
    Text,
    Json,
    Dot,
    Mermaid,
}

pub fn run(args: &Args) -> Outcome {
    let options = ReferenceOptions::default().param_style(match args.param_style {
        Style::Plain => ParamStyle::Plain,
        Style::Dlf => ParamStyle::Dlf,
    });
    let read = args.limits.read_options();
    // A folder is read as what it is: a workspace, or an unpacked export of
    // either layout (whose scripts sit in the job folders).
    let opened = match (&args.bundle, &args.workspace) {
        (_, Some(dir)) => input::open(dir, &read)?,
        (Some(path), None) => Opened::Bundle(input::open_bundle(path, &read)?),
        (None, None) => return Ok(ExitCode::SUCCESS),
    };
    let report = match &opened {
        Opened::Workspace(workspace) => {
            resolve::workspace_dependencies(workspace, &args.jobs, &options).map_err(Failure::api)?
        }
        Opened::Bundle(bundle) => {
            print_warnings(bundle.warnings());
            let mut report = resolve::bundle_dependencies(bundle, &options);
            if !args.jobs.is_empty() {
                report.retain(|job| args.jobs.contains(&job.job));
            }
            report
        }
    };
    match args.format {
        DepsFormat::Text => print_text(&report),
        DepsFormat::Json => print_json(&DepsReport::new(&report))?,
        DepsFormat::Dot => print!("{}", render::to_dot(&report)),
        DepsFormat::Mermaid => print!("{}", render::to_mermaid(&report)),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(report: &[JobDependencies]) {
    for job in report {
        println!("{}", job.job);
        if job.dependencies.is_empty() {
            println!("  (needs nothing)");
        }
        for dependency in &job.dependencies {
            let reference = &dependency.reference;
            let mut context = match &reference.node {
                Some(node) => format!("node {node} ({})", reference.via),
                None => reference.via.clone(),
            };
            if let Some(script) = &dependency.via_script {
                context = format!("{context}, via script {script}");
            }
            if let Target::Environment { import_type: Some(import_type), .. } = &reference.target {
                context = format!("{context}, import type {import_type}");
            }
            if reference.probable {
                context.push_str(", probable");
            }
            println!(
                "  {:<20} {:<32} {:<9} {context}",
                reference.target.kind_str(),
                reference.target.name(),
                dependency.status.as_str()
            );
        }
    }
}

#[derive(Serialize)]
struct DepsReport<'a> {
    jobs: Vec<DepsJob<'a>>,
}

#[derive(Serialize)]
struct DepsJob<'a> {
    job: &'a str,
    dependencies: Vec<DepsEntry<'a>>,
}

#[derive(Serialize)]
struct DepsEntry<'a> {
    kind: &'static str,
    name: &'a str,
    status: &'static str,
    node: Option<&'a str>,
    via: &'a str,
    via_script: Option<&'a str>,
    import_type: Option<&'static str>,
    probable: bool,
}

impl<'a> DepsReport<'a> {
    fn new(report: &'a [JobDependencies]) -> Self {
        let jobs = report
            .iter()
            .map(|job| DepsJob {
                job: &job.job,
                dependencies: job
                    .dependencies
                    .iter()
                    .map(|d| DepsEntry {
                        kind: d.reference.target.kind_str(),
                        name: d.reference.target.name(),
                        status: d.status.as_str(),
                        node: d.reference.node.as_deref(),
                        via: &d.reference.via,
                        via_script: d.via_script.as_deref(),
                        import_type: match &d.reference.target {
                            Target::Environment { import_type, .. } => *import_type,
                            _ => None,
                        },
                        probable: d.reference.probable,
                    })
                    .collect(),
            })
            .collect();
        Self { jobs }
    }
}

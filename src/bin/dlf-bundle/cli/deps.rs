//! `dlf-bundle deps`: what each job needs, and whether it is there.

use super::common::ExitCode;
use super::common::{Failure, LimitArgs, Outcome, print, print_json, print_line, print_warnings};
use super::input::{self, Opened};
use super::render;
use clap::ValueEnum;
use dlf_bundle::DefinitionKind;
use dlf_bundle::resolve::{self, JobDependencies};
use dlf_bundle::resolve::{ParamStyle, ReferenceOptions, Target};
use serde::Serialize;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  dlf-bundle deps jobs.zip\n  dlf-bundle deps --workspace ws --job job_batch --format mermaid\n  dlf-bundle deps jobs.zip --used-by connection:dws_link\n\nExit status: 0 readable; 1 unsafe, corrupt or invalid; 2 usage or a missing input."
)]
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
    /// Only the jobs and nodes that use this object, as KIND:NAME
    /// (`script:dws_sql`, `connection:dws_link`, `job:job_load`).
    #[arg(long, value_name = "KIND:NAME")]
    used_by: Option<String>,
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
    let jobs: Vec<String> = match &opened {
        Opened::Workspace(workspace) => workspace.names(DefinitionKind::Job).map(str::to_owned).collect(),
        Opened::Bundle(bundle) => {
            bundle.iter().filter(|e| e.kind() == DefinitionKind::Job).map(|e| e.name().to_owned()).collect()
        }
    };
    // A job asked for that is not there is an error naming the nearest.
    if let Some(unknown) = args.jobs.iter().find(|job| !jobs.contains(job)) {
        let nearest = dlf_bundle::name::nearest(unknown, jobs.iter().map(String::as_str));
        let hint = nearest.map(|nearest| format!("; did you mean `{nearest}`?")).unwrap_or_default();
        return Err(Failure::Message(format!("no job `{unknown}`{hint}")));
    }
    let report = match &opened {
        Opened::Workspace(workspace) => {
            resolve::workspace_dependencies(workspace, &args.jobs, &options).map_err(Failure::api)?
        }
        Opened::Bundle(bundle) => {
            print_warnings(bundle.warnings());
            let mut report = resolve::bundle_dependencies(bundle, &options)?;
            if !args.jobs.is_empty() {
                report.retain(|job| args.jobs.contains(&job.job));
            }
            report
        }
    };
    if let Some(object) = &args.used_by {
        return used_by(&report, object, args.format);
    }
    match args.format {
        DepsFormat::Text => print_text(&report)?,
        DepsFormat::Json => print_json(&DepsReport::new(&report))?,
        DepsFormat::Dot => print(render::to_dot(&report))?,
        DepsFormat::Mermaid => print(render::to_mermaid(&report))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `job  node N (property), via script S` for a dependency.
fn context(dependency: &dlf_bundle::resolve::Dependency) -> String {
    let reference = &dependency.reference;
    let mut context = match &reference.node {
        Some(node) => format!("node {node} ({})", reference.via),
        None => reference.via.clone(),
    };
    if let Some(script) = &dependency.via_script {
        context = format!("{context}, via script {script}");
    }
    context
}

/// `--used-by KIND:NAME`: where one object is used.
fn used_by(report: &[JobDependencies], object: &str, format: DepsFormat) -> Outcome {
    let Some((kind, name)) = object.split_once(':') else {
        return Err(Failure::Usage(format!("--used-by `{object}`: give KIND:NAME, e.g. script:dws_sql")));
    };
    let kinds: std::collections::BTreeSet<&str> =
        report.iter().flat_map(|job| job.dependencies.iter().map(|d| d.reference.target.kind_str())).collect();
    let known = ["script", "resource", "job"].contains(&kind)
        || dlf_bundle::resolve::EnvironmentKind::ALL.iter().any(|k| k.as_str() == kind);
    if !known {
        return Err(Failure::Usage(format!(
            "--used-by `{object}`: `{kind}` is not a kind (this input has {})",
            kinds.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let mut places: Vec<(&str, &dlf_bundle::resolve::Dependency)> = report
        .iter()
        .flat_map(|job| job.dependencies.iter().map(move |d| (job.job.as_str(), d)))
        .filter(|(_, d)| d.reference.target.kind_str() == kind && d.reference.target.name() == name)
        .collect();
    places.dedup_by(|a, b| a.0 == b.0 && context(a.1) == context(b.1));
    match format {
        DepsFormat::Json => {
            let used: Vec<serde_json::Value> = places
                .iter()
                .map(|(job, d)| {
                    serde_json::json!({"job": job, "node": d.reference.node, "via": d.reference.via, "via_script": d.via_script})
                })
                .collect();
            print_json(&serde_json::json!({"object": {"kind": kind, "name": name}, "used_by": used}))?;
        }
        _ if places.is_empty() => print_line(format_args!("{kind} `{name}` is used by no job"))?,
        _ => {
            print_line(format_args!("{kind} `{name}` is used by:"))?;
            for (job, dependency) in &places {
                print_line(format_args!("  {job:<32} {}", context(dependency)))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(report: &[JobDependencies]) -> Result<(), Failure> {
    for job in report {
        print_line(&job.job)?;
        if job.dependencies.is_empty() {
            print_line("  (needs nothing)")?;
        }
        let mut printed = std::collections::HashSet::new();
        for dependency in &job.dependencies {
            let reference = &dependency.reference;
            let mut context = context(dependency);
            if let Target::Environment { import_type: Some(import_type), .. } = &reference.target {
                context = format!("{context}, import type {import_type}");
            }
            if reference.probable {
                context.push_str(", probable");
            }
            let line = format!(
                "  {:<20} {:<32} {:<9} {context}",
                reference.target.kind_str(),
                reference.target.name(),
                dependency.status.as_str()
            );
            // The same object at the same place is one line.
            if printed.insert(line.clone()) {
                print_line(line)?;
            }
        }
    }
    Ok(())
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

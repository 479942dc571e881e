//! `dlf-bundle list`: read a bundle through the safe reader and list its definitions.

use super::common::ExitCode;
use super::common::{Format, LimitArgs, Outcome, WarningReport, print_json, print_line, print_warnings};
use super::input;
use serde::Serialize;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  dlf-bundle list jobs.zip --format json\n\nExit status: 0 readable; 1 unsafe, corrupt or invalid; 2 usage or a missing input."
)]
pub struct Args {
    /// The bundle (`jobs.zip` or `DLF_<job>.zip`).
    bundle: PathBuf,
    #[command(flatten)]
    limits: LimitArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Serialize)]
struct ListReport<'a> {
    layout: &'static str,
    entries: Vec<ListEntry<'a>>,
    warnings: Vec<WarningReport<'a>>,
}

#[derive(Serialize)]
struct ListEntry<'a> {
    path: &'a str,
    kind: &'static str,
    name: &'a str,
}

pub fn run(args: &Args) -> Outcome {
    let bundle = input::open_bundle(&args.bundle, &args.limits.read_options())?;
    match args.format {
        Format::Text => {
            print_line(format_args!("layout: {}", bundle.layout().as_str()))?;
            for entry in bundle.iter() {
                print_line(format_args!("{:<8} {:<60} {}", entry.kind().as_str(), entry.path(), entry.name()))?;
            }
            print_warnings(bundle.warnings());
        }
        Format::Json => print_json(&ListReport {
            layout: bundle.layout().as_str(),
            entries: bundle
                .iter()
                .map(|entry| ListEntry { path: entry.path(), kind: entry.kind().as_str(), name: entry.name() })
                .collect(),
            warnings: bundle.warnings().iter().map(WarningReport::from).collect(),
        })?,
    }
    Ok(ExitCode::SUCCESS)
}

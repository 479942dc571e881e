//! `dlf-bundle check`: preview an import as the service's check-file call does.

use super::common::ExitCode;
use super::common::{Format, LimitArgs, Outcome, print_json, print_line};
use super::input;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  dlf-bundle check jobs.zip --format json\n\nExit status: 0 readable; 1 unsafe, corrupt or invalid; 2 usage or a missing input."
)]
pub struct Args {
    /// The bundle.
    bundle: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: &Args) -> Outcome {
    let bundle = input::open_bundle(&args.bundle, &args.limits.read_options())?;
    let report = dlf_bundle::plan::preview(&bundle)?;
    match args.format {
        Format::Json => print_json(&report)?,
        Format::Text => {
            for job in &report.jobs {
                let params: Vec<String> = job.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                print_line(format_args!("job     {:<40} {:<30} {}", job.name, job.path, params.join(" ")))?;
            }
            for script in &report.scripts {
                print_line(format_args!("script  {:<40} {}", script.name, script.path))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `dlf-bundle import-request`: the ImportJob body that asks the service to
//! rename environment objects on import.

use super::common::ExitCode;
use super::common::{LimitArgs, Outcome, Policy, note, print_json, read_map};
use super::input;
use clap::ValueEnum;
use dlf_bundle::remap::{ImportRequest, SameNamePolicy, TargetStatus};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  dlf-bundle import-request jobs.zip --map prod.toml --path obs://bucket/jobs.zip\n\nExit status: 0; 1 unreadable bundle; 2 usage, a missing input or a map that cannot be read."
)]
pub struct Args {
    /// The bundle to import.
    bundle: PathBuf,
    /// The map: a TOML file of `[section]` tables, old name = new name.
    #[arg(long, value_name = "MAP.toml")]
    map: PathBuf,
    /// The OBS path the bundle is uploaded to.
    #[arg(long, value_name = "OBS_PATH")]
    path: String,
    /// What the service does with objects whose name the target holds.
    #[arg(long, value_enum, default_value_t = Policy::Skip)]
    same_name_policy: Policy,
    /// The state of the imported jobs.
    #[arg(long, value_enum)]
    target_status: Option<Status>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum Status {
    Saved,
    Submitted,
    Production,
}

pub fn run(args: &Args) -> Outcome {
    let map = read_map(&args.map)?;
    let bundle = input::open_bundle(&args.bundle, &args.limits.read_options())?;
    let (request, offline) = ImportRequest::new(&bundle, &map, &args.path)?;
    let policy = SameNamePolicy::from(args.same_name_policy);
    let status = args.target_status.map(|status| match status {
        Status::Saved => TargetStatus::Saved,
        Status::Submitted => TargetStatus::Submitted,
        Status::Production => TargetStatus::Production,
    });
    print_json(&request.same_name_policy(policy).target_status(status))?;
    if !offline.is_empty() {
        let names: Vec<String> = offline.iter().map(|(kind, name)| format!("{kind} `{name}`")).collect();
        note(format!("the service cannot rename {}: rewrite these offline with remap", names.join(", ")));
    }
    Ok(ExitCode::SUCCESS)
}

//! `dlf-bundle get`: print a value of a job, node, script or resource as JSON.

use super::common::ExitCode;
use super::common::{Failure, LimitArgs, Outcome, print};
use super::input::{self, Opened};
use super::target::Selector;
use dlf_bundle::json;
use dlf_bundle::model::FieldPath;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  dlf-bundle get jobs.zip --job job_batch schedule.cron.expression\n  dlf-bundle get jobs.zip --job job_batch nodes.0.name\n  dlf-bundle get jobs.zip --job job_batch --node load\n  dlf-bundle get jobs.zip --script dws_sql content --raw > dws_sql.sql\n\nExit status: 0; 1 when unset or unknown; 2 usage or a missing input."
)]
pub struct Args {
    /// A bundle, or a folder of either layout or a workspace.
    target: PathBuf,
    #[command(flatten)]
    selector: Selector,
    /// The field: `retryTimes`, `schedule.cron.expression`, `nodes.0.name`,
    /// `property.NAME`, `param.NAME` (default: the whole job, node, script or resource).
    path: Option<String>,
    /// Print a string as its text (a script's `content` as it runs), not as JSON.
    #[arg(long)]
    raw: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: &Args) -> Outcome {
    let field: Option<FieldPath> = args.path.as_deref().map(str::parse).transpose()?;
    let (value, shown) = match input::open(&args.target, &args.limits.read_options())? {
        Opened::Bundle(bundle) => {
            let paths = args.selector.entries(&bundle)?;
            let entry =
                paths.first().and_then(|path| bundle.get(path)).ok_or_else(|| Failure::Message("no entry".into()))?;
            (entry.document()?.definition().to_value(), entry.path().to_owned())
        }
        Opened::Workspace(mut workspace) => {
            let document = args.selector.workspace_document(&mut workspace)?;
            (document.definition().to_value(), document.name().unwrap_or_default().to_owned())
        }
    };
    let scope = args.selector.scope_of(&value)?;
    let found = match &field {
        Some(field) => {
            field.get(scope).ok_or_else(|| Failure::Message(format!("`{field}` is not set in `{shown}`")))?
        }
        None => scope,
    };
    match found.as_str() {
        Some(text) if args.raw => print(text)?,
        _ if args.raw => return Err(Failure::Message("--raw prints a string; the value is not one".into())),
        _ => print(String::from_utf8_lossy(&json::to_vec_pretty(found)))?,
    }
    Ok(ExitCode::SUCCESS)
}

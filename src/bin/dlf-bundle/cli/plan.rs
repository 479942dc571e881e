//! `dlf-bundle plan`: what an import would do in the target workspace, and
//! what would make it or the first run fail, checked offline.

use super::common::ExitCode;
use super::common::{Failure, LimitArgs, Outcome, Paint, Policy, plural, print, print_json, read_map};
use super::input;
use clap::ValueEnum;
use dlf_bundle::diagnostic::Severity;
use dlf_bundle::plan::{self, Action, Inventory, Plan, PlanOptions};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  dlf-bundle plan jobs.zip --target prod-inventory.json --target list-jobs.json --map prod.toml\n\nExit status: 0 no errors; 1 errors (or an unreadable bundle); 2 usage, or an inventory or map that cannot be read."
)]
pub struct Args {
    /// The bundle to import (or a bundle or workspace folder).
    bundle: PathBuf,
    /// What the target holds: an inventory file, or a List Jobs, List
    /// Scripts or List Resources response body (repeatable; merged).
    #[arg(long = "target", value_name = "INVENTORY.json", required = true)]
    targets: Vec<PathBuf>,
    /// Remap the bundle with this map first, as it would be imported.
    #[arg(long, value_name = "MAP.toml")]
    map: Option<PathBuf>,
    /// What the import does with objects whose name the target holds.
    #[arg(long, value_enum, default_value_t = Policy::Skip)]
    same_name_policy: Policy,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlanFormat {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &Args) -> Outcome {
    let mut inventory = Inventory::default();
    for path in &args.targets {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Usage(format!("cannot read the inventory `{}`: {e}", path.display())))?;
        let part = Inventory::from_slice(&bytes)
            .map_err(|e| Failure::Usage(format!("inventory `{}`: {e}", path.display())))?;
        inventory.merge(part);
    }
    let mut options = PlanOptions::new().same_name_policy(args.same_name_policy.into());
    if let Some(map) = &args.map {
        options = options.map(read_map(map)?);
    }
    let bundle = input::open_bundle(&args.bundle, &args.limits.read_options())?;
    let planned = plan::plan(&bundle, &inventory, &options)?;
    match args.format {
        PlanFormat::Json => print_json(&planned)?,
        PlanFormat::Text => print(text(&planned, &Paint::stdout()))?,
        PlanFormat::Markdown => print(markdown(&planned))?,
    }
    Ok(if planned.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn action_str(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Overwrite => "overwrite",
        Action::Skip => "skip",
    }
}

/// Counts: "3 to create (1 not checked), 0 to overwrite, 1 to skip; 2 errors, 1 warning, 0 notes".
fn summary(planned: &Plan) -> String {
    let counts = &planned.summary;
    let not_checked =
        if counts.not_checked > 0 { format!(" ({} not checked)", counts.not_checked) } else { String::new() };
    format!(
        "{} to create{not_checked}, {} to overwrite, {} to skip; {}, {}, {}",
        counts.create,
        counts.overwrite,
        counts.skip,
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.notes, "note")
    )
}

/// `create`, or `create (not checked)` for a kind no inventory listed.
fn action_shown(object: &dlf_bundle::plan::PlannedObject) -> String {
    let action = action_str(object.action);
    if object.checked { action.to_owned() } else { format!("{action} (not checked)") }
}

fn not_checked(planned: &Plan) -> Option<String> {
    let kinds: Vec<&str> = planned.not_checked.iter().map(|kind| kind.as_str()).collect();
    (!kinds.is_empty()).then(|| format!("not checked (no inventory lists them): {}", kinds.join(", ")))
}

fn text(planned: &Plan, paint: &Paint) -> String {
    let mut out = String::new();
    for object in &planned.objects {
        let _ = writeln!(out, "  {:<9} {} {}", action_shown(object), object.kind, object.name);
    }
    for problem in &planned.problems {
        let style = match problem.severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        let label = paint.paint(style, &format!("{}[{}]", problem.severity.as_str(), problem.code));
        let _ = writeln!(out, "{label}: {}", problem.message);
    }
    if let Some(line) = not_checked(planned) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", summary(planned));
    out
}

/// A review comment: the summary, the problems, then the objects.
fn markdown(planned: &Plan) -> String {
    let mut out = format!("## Import plan\n\n{}\n", summary(planned));
    if !planned.problems.is_empty() {
        out.push_str("\n| severity | code | object | problem |\n|---|---|---|---|\n");
        for problem in &planned.problems {
            let object = problem.object.as_ref().map(|o| format!("{} `{}`", o.kind, o.name)).unwrap_or_default();
            let message = problem.message.replace('|', "\\|");
            let _ = writeln!(out, "| {} | `{}` | {object} | {message} |", problem.severity.as_str(), problem.code);
        }
    }
    if let Some(line) = not_checked(planned) {
        let _ = writeln!(out, "\n{line}");
    }
    out.push_str("\n<details><summary>Objects</summary>\n\n| action | kind | name |\n|---|---|---|\n");
    for object in &planned.objects {
        let _ = writeln!(out, "| {} | {} | `{}` |", action_shown(object), object.kind, object.name);
    }
    out.push_str("\n</details>\n");
    out
}

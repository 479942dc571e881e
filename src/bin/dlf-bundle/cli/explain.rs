//! `dlf-bundle explain`: what a diagnostic code means and how to fix it,
//! as `rustc --explain` does.

use super::common::ExitCode;
use super::common::{Failure, Format, Outcome, print_json, print_line};
use dlf_bundle::diagnostic::Code;
use serde::Serialize;

#[derive(clap::Args)]
#[command(
    arg_required_else_help = true,
    after_help = "Examples:\n  dlf-bundle explain DLFB0302\n  dlf-bundle explain --list --format json\n\nExit status: 0; 2 for an unknown code."
)]
pub struct Args {
    /// The code, e.g. DLFB0302.
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    code: Option<String>,
    /// List every code with its severity and title.
    #[arg(long)]
    list: bool,
    /// Output format of --list.
    #[arg(long, value_enum, default_value_t = Format::Text, requires = "list")]
    format: Format,
}

#[derive(Serialize)]
struct CodeEntry {
    code: Code,
    severity: &'static str,
    title: &'static str,
}

pub fn run(args: &Args) -> Outcome {
    if args.list {
        match args.format {
            Format::Json => {
                let codes: Vec<CodeEntry> = Code::ALL
                    .iter()
                    .map(|&code| CodeEntry { code, severity: code.severity().as_str(), title: code.title() })
                    .collect();
                print_json(&codes)?;
            }
            Format::Text => {
                for code in Code::ALL {
                    print_line(format_args!("{code}  {:<7}  {}", code.severity().as_str(), code.title()))?;
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let text = args.code.as_deref().unwrap_or_default();
    let code: Code =
        text.parse().map_err(|e| Failure::Usage(format!("{e}; `dlf-bundle explain --list` lists them")))?;
    print_line(format_args!("{code} ({}): {}\n\n{}", code.severity().as_str(), code.title(), code.explanation()))?;
    let rows = code.catalog_rows();
    if !rows.is_empty() {
        print_line(format_args!("\nWhat it checks (from the catalog):"))?;
        for row in rows {
            print_line(format_args!("  {row}"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `dlf-bundle validate`: offline validation with precise diagnostics.

use crate::common::{Format, LimitArgs, Outcome, Paint, print_json};
use dlf_bundle::validate::{self, Diagnostic, Severity, ValidateOptions};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Bundles to validate.
    #[arg(required = true)]
    bundles: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Apply the older ASCII-only naming rule.
    #[arg(long)]
    strict_names: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Serialize)]
struct ValidationReport {
    path: String,
    valid: bool,
    diagnostics: Vec<Diagnostic>,
}

pub fn run(args: &Args) -> Outcome {
    let mut options = ValidateOptions::default().strict_names(args.strict_names);
    options.read = args.limits.read_options();
    let mut failed = false;
    let mut reports = Vec::new();
    for path in &args.bundles {
        let diagnostics = validate::validate_file(path, &options);
        let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
        failed |= errors > 0 || (args.deny_warnings && warnings > 0);
        reports.push(ValidationReport { path: path.display().to_string(), valid: errors == 0, diagnostics });
    }
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Bundles<'a> {
                bundles: &'a [ValidationReport],
            }
            print_json(&Bundles { bundles: &reports })?;
        }
        Format::Text => print_text(&reports),
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// In the manner of rustc: `error[CODE]: message`, `--> location`, `= hint:`.
fn print_text(reports: &[ValidationReport]) {
    let paint = Paint::stdout();
    for ValidationReport { path, valid, diagnostics } in reports {
        for d in diagnostics {
            let style = match d.severity {
                Severity::Error => "1;31",
                Severity::Warning => "1;33",
                Severity::Info => "1;36",
            };
            println!(
                "{}{}",
                paint.paint(style, &format!("{}[{}]", d.severity.as_str(), d.code)),
                paint.paint("1", &format!(": {}", d.message))
            );
            let location = match (&d.entry, &d.pointer) {
                (Some(entry), Some(pointer)) => format!("{path}: {entry}#{pointer}"),
                (Some(entry), None) => format!("{path}: {entry}"),
                _ => path.clone(),
            };
            println!("  {} {location}", paint.paint("1;34", "-->"));
            println!("   {} {}", paint.paint("1;34", "= hint:"), d.hint);
            println!();
        }
        let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count();
        let verdict = if *valid { paint.paint("1;32", "valid") } else { paint.paint("1;31", "invalid") };
        let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
        let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
        println!("{path}: {verdict} ({}, {})", plural(errors, "error"), plural(warnings, "warning"));
    }
}

//! `dlf-bundle`: list, pack, unpack, export, validate DataArts Factory job bundles.

use clap::{Parser, Subcommand, ValueEnum};
use dlf_bundle::{Bundle, Layout, Limits, UnpackOptions};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "dlf-bundle", version, about = "Read, check and write DataArts Studio (DLF) job export bundles")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a bundle through the safe reader and list its definitions.
    List {
        /// The bundle (`jobs.zip` or `DLF_<job>.zip`).
        bundle: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Extract a bundle into a folder, all or nothing.
    Unpack {
        /// The bundle.
        bundle: PathBuf,
        /// Destination folder (created when missing).
        #[arg(short = 'd', long = "dir")]
        dir: PathBuf,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Zip an unpacked bundle folder, deterministically.
    Pack {
        /// Folder holding `jobs/` (and `scripts/`, `resources/` in the single layout).
        dir: PathBuf,
        /// Output zip, written atomically.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Layout the folder must have.
        #[arg(long, value_enum)]
        layout: Option<LayoutArg>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    Batch,
    Single,
}

impl From<LayoutArg> for Layout {
    fn from(layout: LayoutArg) -> Self {
        match layout {
            LayoutArg::Batch => Layout::Batch,
            LayoutArg::Single => Layout::Single,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

fn run(command: Command) -> dlf_bundle::Result<ExitCode> {
    match command {
        Command::List { bundle, format } => {
            let bundle = Bundle::open(&bundle)?;
            print_list(&bundle, format);
        }
        Command::Unpack { bundle, dir, force } => {
            let bundle = Bundle::open(&bundle)?;
            print_warnings(&bundle);
            bundle.unpack(&dir, UnpackOptions::default().force(force))?;
            eprintln!("unpacked {} definitions into {}", bundle.len(), dir.display());
        }
        Command::Pack { dir, output, layout } => {
            let bundle = Bundle::from_dir(&dir, &Limits::default())?;
            print_warnings(&bundle);
            if let Some(expected) = layout.map(Layout::from)
                && expected != bundle.layout()
            {
                eprintln!(
                    "error: `{}` holds a {} layout bundle, not {}",
                    dir.display(),
                    bundle.layout().as_str(),
                    expected.as_str()
                );
                return Ok(ExitCode::from(1));
            }
            bundle.write_to_path(&output)?;
            eprintln!("packed {} definitions into {}", bundle.len(), output.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_warnings(bundle: &Bundle) {
    for warning in bundle.warnings() {
        eprintln!("warning: {warning}");
    }
}

fn print_list(bundle: &Bundle, format: Format) {
    match format {
        Format::Text => {
            println!("layout: {}", bundle.layout().as_str());
            for entry in bundle.iter() {
                println!("{:<8} {:<60} {}", entry.kind().as_str(), entry.path(), entry.name());
            }
            print_warnings(bundle);
        }
        Format::Json => {
            let report = ListReport {
                layout: bundle.layout().as_str(),
                entries: bundle
                    .iter()
                    .map(|entry| ListEntry { path: entry.path(), kind: entry.kind().as_str(), name: entry.name() })
                    .collect(),
                warnings: bundle.warnings().iter().map(WarningReport::from).collect(),
            };
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        }
    }
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

#[derive(Serialize)]
struct WarningReport<'a> {
    entry: Option<&'a str>,
    message: &'a str,
}

impl<'a> From<&'a dlf_bundle::Warning> for WarningReport<'a> {
    fn from(warning: &'a dlf_bundle::Warning) -> Self {
        Self { entry: warning.entry.as_deref(), message: &warning.message }
    }
}

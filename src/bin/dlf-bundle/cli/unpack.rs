//! `dlf-bundle unpack`: extract a bundle into a folder, all or nothing.

use super::common::ExitCode;
use super::common::{Failure, LayoutArg, LimitArgs, Outcome, note, plural, print_warnings};
use super::input;
use dlf_bundle::resolve::ReferenceOptions;
use dlf_bundle::{Bundle, Layout, UnpackOptions};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  dlf-bundle unpack jobs.zip --dir jobs\n  dlf-bundle unpack jobs.zip --dir workspace --layout single\n\nExit status: 0; 1 unsafe, corrupt or invalid (nothing extracted); 2 usage or a missing input."
)]
pub struct Args {
    /// The bundle.
    bundle: PathBuf,
    /// Destination folder (created when missing).
    #[arg(short = 'd', long = "dir")]
    dir: PathBuf,
    /// Replace files that already exist.
    #[arg(long)]
    force: bool,
    /// Extract definitions that do not parse too, to repair them (the
    /// archive itself must still be safe and intact).
    #[arg(long, conflicts_with = "layout")]
    allow_invalid: bool,
    /// Convert to this layout while unpacking (`single`: the workspace form
    /// to keep in git, `jobs/`, `scripts/`, `resources/`).
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: &Args) -> Outcome {
    let options = UnpackOptions::default().force(args.force);
    if args.allow_invalid {
        let (files, warnings) = Bundle::unpack_unparsed(&args.bundle, &args.dir, &args.limits.read_options(), options)
            .map_err(|error| refused_overwrite(error, args.force))?;
        print_warnings(&warnings);
        note(format!("unpacked {files} files into {} (not parsed)", args.dir.display()));
        return Ok(ExitCode::SUCCESS);
    }
    let bundle = input::open_bundle(&args.bundle, &args.limits.read_options())?;
    print_warnings(bundle.warnings());
    // Without --allow-invalid, a definition that does not parse stops the
    // unpack before anything is written.
    bundle.parse_all()?;
    let converted = match args.layout.map(Layout::from) {
        Some(layout) if layout != bundle.layout() => Some(bundle.to_layout(layout, &ReferenceOptions::default())?),
        _ => None,
    };
    let unpacked = converted.as_ref().unwrap_or(&bundle);
    unpacked.unpack(&args.dir, options).map_err(|error| refused_overwrite(error, args.force))?;
    let count = unpacked.len();
    note(format!("unpacked {} into {}", plural(count, "definition"), args.dir.display()));
    Ok(ExitCode::SUCCESS)
}

/// A file the unpack would replace without `--force` is a usage error, as
/// an existing output is in `pack` and `export`.
fn refused_overwrite(error: dlf_bundle::Error, force: bool) -> Failure {
    match error.kind() {
        dlf_bundle::ErrorKind::AlreadyExists if !force => {
            Failure::Usage(format!("{error} (pass --force to replace existing files)"))
        }
        _ => Failure::Input(error),
    }
}

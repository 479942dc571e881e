//! `dlf-bundle unpack`: extract a bundle into a folder, all or nothing.

use crate::common::{LimitArgs, Outcome, leave_to_exit, note, print_warnings};
use crate::input;
use dlf_bundle::{Bundle, UnpackOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  dlf-bundle unpack jobs.zip --dir jobs\n\nExit status: 0; 1 unsafe, corrupt or invalid (nothing extracted); 2 usage or a missing input."
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
    #[arg(long)]
    allow_invalid: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: &Args) -> Outcome {
    let options = UnpackOptions::default().force(args.force);
    if args.allow_invalid {
        let (files, warnings) = Bundle::unpack_unparsed(&args.bundle, &args.dir, &args.limits.read_options(), options)?;
        print_warnings(&warnings);
        note(format!("unpacked {files} files into {} (not parsed)", args.dir.display()));
        return Ok(ExitCode::SUCCESS);
    }
    let bundle = input::open_bundle(&args.bundle, &args.limits.read_options())?;
    print_warnings(bundle.warnings());
    bundle.unpack(&args.dir, options)?;
    note(format!("unpacked {} definitions into {}", bundle.len(), args.dir.display()));
    leave_to_exit(bundle);
    Ok(ExitCode::SUCCESS)
}

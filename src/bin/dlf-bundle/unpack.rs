//! `dlf-bundle unpack`: extract a bundle into a folder, all or nothing.

use crate::common::{Outcome, leave_to_exit, print_warnings};
use dlf_bundle::{Bundle, UnpackOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The bundle.
    bundle: PathBuf,
    /// Destination folder (created when missing).
    #[arg(short = 'd', long = "dir")]
    dir: PathBuf,
    /// Replace files that already exist.
    #[arg(long)]
    force: bool,
}

pub fn run(args: &Args) -> Outcome {
    let bundle = Bundle::open(&args.bundle)?;
    print_warnings(bundle.warnings());
    bundle.unpack(&args.dir, UnpackOptions::default().force(args.force))?;
    eprintln!("unpacked {} definitions into {}", bundle.len(), args.dir.display());
    leave_to_exit(bundle);
    Ok(ExitCode::SUCCESS)
}

//! `dlf-bundle pack`: zip an unpacked bundle folder, deterministically.

use crate::common::{LayoutArg, LimitArgs, Outcome, leave_to_exit, print_warnings};
use dlf_bundle::reference::ReferenceOptions;
use dlf_bundle::{Bundle, BundleDir, Layout};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Folder holding `jobs/` (and `scripts/`, `resources/` in the single layout).
    dir: PathBuf,
    /// Output zip, written atomically.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Layout of the zip (default: the folder's); the other layout is converted.
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: &Args) -> Outcome {
    let options = args.limits.read_options();
    let folder = BundleDir::open(&args.dir, &options)?;
    let definitions = match args.layout.map(Layout::from) {
        Some(target) if target != folder.layout() => {
            let bundle = Bundle::from_bundle_dir(folder)?;
            print_warnings(bundle.warnings());
            let converted = bundle.to_layout(target, &ReferenceOptions::default())?;
            converted.write_to_path(&args.output)?;
            let definitions = converted.len();
            leave_to_exit((bundle, converted));
            definitions
        }
        // Same layout: zipped as it is read, never held whole in memory.
        _ => {
            let packed = folder.to_zip()?;
            print_warnings(&packed.warnings);
            packed.write_to_path(&args.output)?;
            packed.definitions
        }
    };
    eprintln!("packed {definitions} definitions into {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}

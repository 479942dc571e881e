//! `dlf-bundle pack`: zip an unpacked bundle folder, deterministically.

use super::common::ExitCode;
use super::common::{LayoutArg, LimitArgs, Outcome, Output, note, print_warnings};
use dlf_bundle::resolve::ReferenceOptions;
use dlf_bundle::{Bundle, BundleDir, Layout};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  dlf-bundle pack jobs -o jobs.zip\n  dlf-bundle pack ws --layout batch -o - > jobs.zip\n\nExit status: 0; 1 a file that is unsafe or does not parse; 2 usage, a missing input, or an output that is an input or not a zip (without --force)."
)]
pub struct Args {
    /// Folder holding `jobs/` (and `scripts/`, `resources/` in the single layout).
    dir: PathBuf,
    /// Output zip, written atomically (`-`: standard output).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Layout of the zip (default: the folder's); the other layout is converted.
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    #[command(flatten)]
    limits: LimitArgs,
    /// Replace an existing output file that is not a zip.
    #[arg(long)]
    force: bool,
}

pub fn run(args: &Args) -> Outcome {
    let output = Output::checked(&args.output, &[&args.dir], args.force)?;
    let options = args.limits.read_options();
    let folder = BundleDir::open(&args.dir, &options)?;
    let definitions = match args.layout.map(Layout::from) {
        Some(target) if target != folder.layout() => {
            let bundle = Bundle::from_bundle_dir(folder)?;
            print_warnings(bundle.warnings());
            let converted = bundle.to_layout(target, &ReferenceOptions::default())?;
            output.write_bundle(&converted)?;
            converted.len()
        }
        // Same layout: zipped as it is read, never held whole in memory.
        // Into the file as it is compressed: memory holds neither the bundle nor the zip.
        _ => {
            if let Some(path) = output.file() {
                let report = folder.zip_to_path(path)?;
                print_warnings(&report.warnings);
                report.definitions
            } else {
                // Whole before the first byte goes out: a refused folder writes nothing.
                let mut zip = Vec::new();
                let packed = folder.write_zip(&mut zip)?;
                print_warnings(&packed.warnings);
                output.write(|| Ok(zip), |_| Ok(()))?;
                packed.definitions
            }
        }
    };
    note(format!("packed {definitions} definitions into {}", output.display()));
    Ok(ExitCode::SUCCESS)
}

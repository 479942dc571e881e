//! `dlf-bundle export`: export jobs from an unpacked workspace, as the
//! batch-export API does.

use crate::common::{Failure, LayoutArg, Outcome, leave_to_exit};
use dlf_bundle::Workspace;
use dlf_bundle::export::{self, ExportOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Workspace folder: `jobs/*.job`, `scripts/*.script`, `resources/*.resource`.
    #[arg(long)]
    workspace: PathBuf,
    /// A job to export (repeat for several; at most 100).
    #[arg(long = "job", value_name = "NAME", required = true)]
    jobs: Vec<String>,
    /// Export only the `.job` files (the API's `exportDepend=false`).
    #[arg(long)]
    no_depend: bool,
    /// `batch` (`jobs.zip`) or `single` (`DLF_<job>.zip`, one job).
    #[arg(long, value_enum, default_value_t = LayoutArg::Batch)]
    layout: LayoutArg,
    /// Also export the jobs the named jobs depend on, transitively.
    #[arg(long)]
    with_upstream: bool,
    /// Output zip, written atomically.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
}

pub fn run(args: &Args) -> Outcome {
    let workspace = Workspace::open(&args.workspace)?;
    let options = ExportOptions::default()
        .export_depend(!args.no_depend)
        .layout(args.layout.into())
        .with_upstream(args.with_upstream);
    let export = export::export(&workspace, &args.jobs, &options).map_err(Failure::api)?;
    for note in &export.notes {
        eprintln!("note: {note}");
    }
    export.bundle.write_to_path(&args.output)?;
    let output = &args.output;
    let name = output.file_name().map_or_else(|| output.display().to_string(), |n| n.to_string_lossy().into_owned());
    // One write: the tree of a 100-job export is hundreds of lines.
    print!("{name}\n{}", dlf_bundle::render::tree(&export.bundle));
    leave_to_exit((workspace, export));
    Ok(ExitCode::SUCCESS)
}

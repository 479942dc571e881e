//! `dlf-bundle export`: export jobs from an unpacked workspace, as the
//! batch-export API does.

use super::common::ExitCode;
use super::common::{
    Failure, LayoutArg, Outcome, Output, note, plural, print, print_error, print_line, quiet, write_file,
};
use dlf_bundle::export::{self, ExportOptions};
use dlf_bundle::{BundleDir, DefinitionKind, Layout, ReadOptions, Workspace};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  dlf-bundle export --workspace ws --job job_batch -o jobs.zip\n  dlf-bundle export --workspace ws --all --split 50 -o batches\n\nExit status: 0; 1 unreadable files; 2 usage, or the API's error JSON on standard error (DLF.3051, DLF.0100, DLF.6201, DLF.6241)."
)]
#[allow(clippy::struct_excessive_bools, reason = "command-line switches")]
pub struct Args {
    /// Workspace folder: `jobs/*.job`, `scripts/*.script`, `resources/*.resource`.
    #[arg(long)]
    workspace: PathBuf,
    /// A job to export (repeat for several; at most 100).
    #[arg(long = "job", value_name = "NAME", required_unless_present = "all", conflicts_with = "all")]
    jobs: Vec<String>,
    /// Export every job of the workspace.
    #[arg(long)]
    all: bool,
    /// With --all: batches of at most N jobs in import order, written as
    /// OUTDIR/batch-001.zip, … and OUTDIR/plan.json (-o names the folder).
    #[arg(long, value_name = "N", requires = "all", num_args = 0..=1, default_missing_value = "100")]
    split: Option<usize>,
    /// Export only the `.job` files (the API's `exportDepend=false`).
    #[arg(long)]
    no_depend: bool,
    /// `batch` (`jobs.zip`) or `single` (`DLF_<job>.zip`, one job).
    #[arg(long, value_enum, default_value_t = LayoutArg::Batch)]
    layout: LayoutArg,
    /// Also export the jobs the named jobs depend on, transitively.
    #[arg(long)]
    with_upstream: bool,
    /// Output zip, written atomically (with --split: a new or empty folder).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Replace an existing output file that is not a zip.
    #[arg(long)]
    force: bool,
}

pub fn run(args: &Args) -> Outcome {
    refuse_batch_export(&args.workspace)?;
    let workspace = Workspace::open(&args.workspace)?;
    let options = ExportOptions::default()
        .export_depend(!args.no_depend)
        .layout(args.layout.into())
        .with_upstream(args.with_upstream);
    if let Some(batch_size) = args.split {
        return split(&workspace, batch_size, &options, &args.output);
    }
    let output = Output::checked(&args.output, &[&args.workspace], args.force)?;
    let jobs: Vec<String> =
        if args.all { workspace.names(DefinitionKind::Job).map(str::to_owned).collect() } else { args.jobs.clone() };
    let export = export::export(&workspace, &jobs, &options)
        .map_err(|error| Failure::api_naming(error, |kind| workspace.names(kind)))?;
    for noted in &export.notes {
        note(format!("note: {noted}"));
    }
    output.write_bundle(&export.bundle)?;
    let path = &args.output;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    // One write: the tree of a 100-job export is hundreds of lines; on
    // standard error when the zip goes to standard output.
    if !quiet() {
        let tree = format!("{name}\n{}", super::render::tree(&export.bundle));
        if output.is_stdout() {
            print_error(tree.trim_end_matches('\n'));
        } else {
            print(tree)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A folder in the batch layout (an unpacked `jobs.zip`) is no workspace:
/// its scripts sit in the job folders, where a workspace never looks. Said
/// with the commands that convert it, instead of "needs script … which the
/// workspace does not have".
fn refuse_batch_export(dir: &Path) -> Result<(), Failure> {
    let Ok(Some(folder)) = BundleDir::open_unless_workspace(dir, &ReadOptions::default()) else { return Ok(()) };
    if folder.layout() != Layout::Batch {
        return Ok(());
    }
    let shown = dir.display();
    Err(Failure::Usage(format!(
        "`{shown}` is an unpacked batch export (`jobs/<job>/<job>.job` with the job's scripts beside it), not a \
         workspace; convert it first:\n  dlf-bundle pack {shown} -o jobs.zip\n  dlf-bundle unpack jobs.zip -d workspace --layout single"
    )))
}

/// `{"batches": [{"file", "jobs"}]}`, in import order.
#[derive(serde::Serialize)]
struct SplitPlan<'a> {
    batches: Vec<SplitBatch<'a>>,
}

#[derive(serde::Serialize)]
struct SplitBatch<'a> {
    file: &'a str,
    jobs: &'a [String],
}

/// Writes the batches and `plan.json` into `dir`, which must be new or
/// empty so that no batch of an earlier run is taken for one of this run.
fn split(workspace: &Workspace, batch_size: usize, options: &ExportOptions, dir: &Path) -> Outcome {
    // One batch in memory at a time: planned first, then each built, written and dropped.
    let groups = export::batch_jobs(workspace, batch_size, options).map_err(Failure::api)?;
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Failure::Message(format!(
                    "`{}` is not empty: give a new or empty folder for the batches",
                    dir.display()
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir(dir)
                .map_err(|e| Failure::Message(format!("cannot create `{}`: {e}", dir.display())))?;
        }
        Err(e) => return Err(Failure::Message(format!("cannot read `{}`: {e}", dir.display()))),
    }
    let files: Vec<String> = (0..groups.len()).map(export::Batch::file_name).collect();
    for (file, jobs) in files.iter().zip(&groups) {
        let bundle = export::export_batch(workspace, jobs, options).map_err(Failure::api)?;
        bundle.write_to_path(dir.join(file))?;
        if !quiet() {
            print_line(format_args!("{file}: {}", plural(jobs.len(), "job")))?;
        }
    }
    let plan = SplitPlan { batches: files.iter().zip(&groups).map(|(file, jobs)| SplitBatch { file, jobs }).collect() };
    let text =
        serde_json::to_vec_pretty(&plan).map_err(|e| Failure::Message(format!("cannot write plan.json: {e}")))?;
    // Written last, and whole or not at all: its presence says every batch was written.
    write_file(&dir.join("plan.json"), &text)?;
    if !quiet() {
        print_line(format_args!("plan.json: {} in import order", plural(groups.len(), "batch")))?;
    }
    Ok(ExitCode::SUCCESS)
}

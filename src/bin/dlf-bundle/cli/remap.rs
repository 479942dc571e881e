//! `dlf-bundle remap`: rewrite connections, queues, clusters, buckets and
//! parameters for another environment, value by value.

use super::common::ExitCode;
use super::common::{
    Addressed, Failure, Format, LimitArgs, Outcome, Output, note, print_error, print_with, read_map, shortened,
};
use super::input::{self, Opened};
use dlf_bundle::UnpackOptions;
use dlf_bundle::remap;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  dlf-bundle remap dev.zip --map prod.toml -o prod.zip\n\nExit status: 0; 1 unreadable bundle, or --strict with unmapped objects (nothing written); 2 usage, a missing input or a map that cannot be read."
)]
pub struct Args {
    /// A bundle (written to -o), a bundle folder (edited in place, or written to -o DIR) or a workspace folder (edited in place).
    target: PathBuf,
    /// The map: a TOML file of `[section]` tables, old name = new name.
    #[arg(long, value_name = "MAP.toml")]
    map: PathBuf,
    /// The new bundle (or, for a folder, a new folder).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    /// Report what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Fail (exit 1, nothing written) when the bundle references an object the map does not name, or the map names one the bundle does not use.
    #[arg(long)]
    strict: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    limits: LimitArgs,
    /// Replace an existing output file that is not a zip.
    #[arg(long)]
    force: bool,
}

pub fn run(args: &Args) -> Outcome {
    let folder = args.target.is_dir();
    if !folder && args.output.is_none() && !args.dry_run {
        return Err(Failure::Usage("a bundle is not rewritten in place: give -o OUT.zip (or --dry-run)".into()));
    }
    let map = read_map(&args.map)?;
    let zip_output = match &args.output {
        Some(path) if !folder => Some(Output::checked(path, &[&args.target], args.force)?),
        _ => None,
    };
    let mut opened = input::open(&args.target, &args.limits.read_options())?;
    if matches!(opened, Opened::Workspace(_)) && args.output.is_some() {
        return Err(Failure::Usage(
            "a workspace folder is remapped in place (keep it in git): drop -o, or use --dry-run".into(),
        ));
    }
    // A zip written from a zip streams: the report comes from the writing,
    // unless it must be seen first (--strict, --dry-run).
    let streamed = matches!(opened, Opened::Bundle(_)) && zip_output.is_some() && !args.strict && !args.dry_run;
    let report = match &mut opened {
        Opened::Bundle(bundle) if streamed => {
            if let Some(path) = zip_output.as_ref().and_then(Output::file) {
                remap::write_remapped(bundle, &map, path)?
            } else {
                let (zip, report) = remap::to_vec_remapped(bundle, &map)?;
                write_stdout(&zip)?;
                report
            }
        }
        Opened::Bundle(bundle) if zip_output.is_some() || args.dry_run => remap::report(bundle, &map)?,
        Opened::Bundle(bundle) => remap::apply(bundle, &map)?,
        Opened::Workspace(workspace) => remap::apply_workspace(workspace, &map)?,
    };
    // With `-o -` the zip goes to standard output, and the report beside it
    // (where a failure to write has nowhere left to be told).
    if zip_output.as_ref().is_some_and(Output::is_stdout) {
        drop(render(&report, args.format, &mut std::io::BufWriter::new(std::io::stderr().lock())));
    } else {
        print_with(|out| render(&report, args.format, out))?;
    }
    if args.strict && !(report.unmapped.is_empty() && report.unmatched.is_empty()) {
        print_error(format_args!(
            "error: {} objects the map does not name and {} map entries that match nothing; nothing written",
            report.unmapped.len(),
            report.unmatched.len()
        ));
        return Ok(ExitCode::from(1));
    }
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    match (&opened, &args.output) {
        (Opened::Bundle(_), Some(_)) if streamed => {}
        (Opened::Bundle(bundle), Some(output)) if folder => bundle.unpack(output, UnpackOptions::default())?,
        (Opened::Bundle(bundle), Some(_)) => match zip_output.as_ref().and_then(Output::file) {
            Some(path) => drop(remap::write_remapped(bundle, &map, path)?),
            None => write_stdout(&remap::to_vec_remapped(bundle, &map)?.0)?,
        },
        (Opened::Bundle(bundle), None) => {
            bundle.write_changes_to_dir(&args.target)?;
        }
        (Opened::Workspace(workspace), _) => {
            workspace.save()?;
        }
    }
    note(format!("{} values rewritten", report.changes.len()));
    Ok(ExitCode::SUCCESS)
}

/// The report in `format`, written as it is made (at 10,000 jobs it holds
/// 120,000 rewrites).
fn render(report: &remap::Report, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if matches!(format, Format::Json) {
        serde_json::to_writer_pretty(&mut *out, &Addressed { addressing: "index", report })?;
        return writeln!(out);
    }
    for change in &report.changes {
        let (entry, pointer, kind, from, to) = (&change.entry, &change.pointer, change.kind, &change.from, &change.to);
        writeln!(out, "{entry}#{pointer}  {kind}  {from} -> {to}")?;
    }
    for object in &report.unmapped {
        writeln!(out, "unmapped {} `{}` ({})", object.kind, object.name, shortened(&object.entries))?;
    }
    for entry in &report.unmatched {
        let nearest = entry.nearest.as_ref().map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        writeln!(out, "unmatched map entry [{}] `{}`: no value of the input{nearest}", entry.section, entry.name)?;
    }
    out.flush()
}

/// The zip on standard output (`-o -`).
fn write_stdout(zip: &[u8]) -> Result<(), Failure> {
    std::io::Write::write_all(&mut std::io::stdout().lock(), zip)
        .map_err(|e| Failure::Message(format!("cannot write to standard output: {e}")))
}

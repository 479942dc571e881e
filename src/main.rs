//! `dlf-bundle`: list, pack, unpack, export, validate DataArts Factory job bundles.

use clap::{Parser, Subcommand, ValueEnum};
use dlf_bundle::export::{self, ExportOptions};
use dlf_bundle::resolve::{self, JobDependencies, ResolveOptions, Target};
use dlf_bundle::validate::{self, Diagnostic, Severity, ValidateOptions};
use dlf_bundle::{Bundle, BundleDir, Layout, Limits, ReadOptions, UnpackOptions, Workspace, write};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        #[command(flatten)]
        limits: LimitArgs,
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
        /// Layout of the zip (default: the folder's); the other layout is converted.
        #[arg(long, value_enum)]
        layout: Option<LayoutArg>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Export jobs from an unpacked workspace, as the batch-export API does.
    Export {
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
    },
    /// Validate bundles offline, with precise diagnostics.
    Validate {
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
    },
    /// Preview an import as the service's check-file call does.
    Check {
        /// The bundle.
        bundle: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show what each job needs: scripts, resources, jobs, environment objects.
    Deps {
        /// A bundle to inspect (or use --workspace).
        #[arg(required_unless_present = "workspace", conflicts_with = "workspace")]
        bundle: Option<PathBuf>,
        /// A workspace folder to inspect instead of a bundle.
        #[arg(long)]
        workspace: Option<PathBuf>,
        /// Only these jobs of the workspace (default: all).
        #[arg(long = "job", value_name = "NAME", requires = "workspace")]
        jobs: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DepsFormat::Text)]
        format: DepsFormat,
    },
}

/// Reader limits that trusted, very large inputs may raise.
#[derive(clap::Args)]
struct LimitArgs {
    /// Most entries accepted (default 25,000: a full 100-job export is about 20,100).
    #[arg(long, value_name = "N")]
    max_entries: Option<usize>,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        let limits = Limits::default();
        match self.max_entries {
            Some(max) => limits.max_entries(max),
            None => limits,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DepsFormat {
    Text,
    Json,
    Dot,
    Mermaid,
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
        // Errors of API-shaped requests are answered as the service would.
        Err(error) => {
            if let Some(body) = error.to_api_json() {
                eprintln!("{body}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {error}");
                ExitCode::from(1)
            }
        }
    }
}

fn run(command: Command) -> dlf_bundle::Result<ExitCode> {
    match command {
        Command::List { bundle, format, limits } => {
            let bundle = Bundle::open_with(&bundle, &ReadOptions::new().limits(limits.limits()))?;
            print_list(&bundle, format);
            leave_to_exit(bundle);
        }
        Command::Unpack { bundle, dir, force } => {
            let bundle = Bundle::open(&bundle)?;
            print_warnings(bundle.warnings());
            bundle.unpack(&dir, UnpackOptions::default().force(force))?;
            eprintln!("unpacked {} definitions into {}", bundle.len(), dir.display());
            leave_to_exit(bundle);
        }
        Command::Pack { dir, output, layout, limits } => {
            let folder = BundleDir::open(&dir, &limits.limits())?;
            let definitions = match layout.map(Layout::from) {
                Some(target) if target != folder.layout() => {
                    let bundle = folder.into_bundle()?;
                    print_warnings(bundle.warnings());
                    let converted = export::convert(&bundle, target, &ResolveOptions::default())?;
                    converted.write_to_path(&output)?;
                    let definitions = converted.len();
                    leave_to_exit((bundle, converted));
                    definitions
                }
                // Same layout: zipped as it is read, never held whole in memory.
                _ => {
                    let packed = folder.to_zip()?;
                    print_warnings(&packed.warnings);
                    write::write_atomically(&output, &packed.zip)?;
                    packed.definitions
                }
            };
            eprintln!("packed {definitions} definitions into {}", output.display());
        }
        Command::Export { workspace, jobs, no_depend, layout, with_upstream, output } => {
            let workspace = Workspace::open(&workspace)?;
            let options =
                ExportOptions::default().export_depend(!no_depend).layout(layout.into()).with_upstream(with_upstream);
            let export = export::export(&workspace, &jobs, &options)?;
            for note in &export.notes {
                eprintln!("note: {note}");
            }
            export.bundle.write_to_path(&output)?;
            let name =
                output.file_name().map_or_else(|| output.display().to_string(), |n| n.to_string_lossy().into_owned());
            // One write: the tree of a 100-job export is hundreds of lines.
            print!("{name}\n{}", export.bundle.tree());
            leave_to_exit((workspace, export));
        }
        Command::Validate { bundles, format, deny_warnings, strict_names, limits } => {
            let options = ValidateOptions::default().strict_names(strict_names).limits(limits.limits());
            let mut failed = false;
            let mut reports = Vec::new();
            for path in &bundles {
                let diagnostics = validate::validate_file(path, &options);
                let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
                let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
                failed |= errors > 0 || (deny_warnings && warnings > 0);
                reports.push(ValidationReport { path: path.display().to_string(), valid: errors == 0, diagnostics });
            }
            print_validation(&reports, format);
            return Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS });
        }
        Command::Check { bundle, format } => {
            let bundle = Bundle::open(&bundle)?;
            let report = validate::check(&bundle);
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
                Format::Text => {
                    for job in &report.jobs {
                        let params: Vec<String> = job.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        println!("job     {:<40} {:<30} {}", job.name, job.path, params.join(" "));
                    }
                    for script in &report.scripts {
                        println!("script  {:<40} {}", script.name, script.path);
                    }
                }
            }
        }
        Command::Deps { bundle, workspace, jobs, format } => {
            let options = ResolveOptions::default();
            let report = match (bundle, workspace) {
                (_, Some(dir)) => resolve::workspace_dependencies(&Workspace::open(&dir)?, &jobs, &options)?,
                (Some(path), None) => {
                    let bundle = Bundle::open(&path)?;
                    print_warnings(bundle.warnings());
                    resolve::bundle_dependencies(&bundle, &options)
                }
                (None, None) => Vec::new(),
            };
            print_deps(&report, format);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Hands a large value to process exit instead of dropping it: the command
/// is done, and the OS takes the memory back at once, where freeing thousands
/// of parsed definitions one by one took 25 ms of a 0.3 s `pack`.
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

fn print_warnings(warnings: &[dlf_bundle::Warning]) {
    for warning in warnings {
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
            print_warnings(bundle.warnings());
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

fn print_deps(report: &[JobDependencies], format: DepsFormat) {
    match format {
        DepsFormat::Text => {
            for job in report {
                println!("{}", job.job);
                if job.dependencies.is_empty() {
                    println!("  (needs nothing)");
                }
                for dependency in &job.dependencies {
                    let reference = &dependency.reference;
                    let mut context = match &reference.node {
                        Some(node) => format!("node {node} ({})", reference.via),
                        None => reference.via.clone(),
                    };
                    if let Some(script) = &dependency.via_script {
                        context = format!("{context}, via script {script}");
                    }
                    if let Target::Environment { import_type: Some(import_type), .. } = &reference.target {
                        context = format!("{context}, import type {import_type}");
                    }
                    if reference.probable {
                        context.push_str(", probable");
                    }
                    println!(
                        "  {:<20} {:<32} {:<9} {context}",
                        reference.target.kind_str(),
                        reference.target.name(),
                        dependency.status.as_str()
                    );
                }
            }
        }
        DepsFormat::Json => {
            let jobs: Vec<DepsJob<'_>> = report
                .iter()
                .map(|job| DepsJob {
                    job: &job.job,
                    dependencies: job
                        .dependencies
                        .iter()
                        .map(|d| DepsEntry {
                            kind: d.reference.target.kind_str(),
                            name: d.reference.target.name(),
                            status: d.status.as_str(),
                            node: d.reference.node.as_deref(),
                            via: &d.reference.via,
                            via_script: d.via_script.as_deref(),
                            import_type: match &d.reference.target {
                                Target::Environment { import_type, .. } => *import_type,
                                _ => None,
                            },
                            probable: d.reference.probable,
                        })
                        .collect(),
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&DepsReport { jobs }).unwrap_or_default());
        }
        DepsFormat::Dot => print!("{}", dlf_bundle::graph::to_dot(report)),
        DepsFormat::Mermaid => print!("{}", dlf_bundle::graph::to_mermaid(report)),
    }
}

#[derive(Serialize)]
struct DepsReport<'a> {
    jobs: Vec<DepsJob<'a>>,
}

#[derive(Serialize)]
struct DepsJob<'a> {
    job: &'a str,
    dependencies: Vec<DepsEntry<'a>>,
}

#[derive(Serialize)]
struct DepsEntry<'a> {
    kind: &'static str,
    name: &'a str,
    status: &'static str,
    node: Option<&'a str>,
    via: &'a str,
    via_script: Option<&'a str>,
    import_type: Option<&'static str>,
    probable: bool,
}

#[derive(Serialize)]
struct ValidationReport {
    path: String,
    valid: bool,
    diagnostics: Vec<Diagnostic>,
}

fn print_validation(reports: &[ValidationReport], format: Format) {
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Bundles<'a> {
                bundles: &'a [ValidationReport],
            }
            println!("{}", serde_json::to_string_pretty(&Bundles { bundles: reports }).unwrap_or_default());
        }
        Format::Text => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let paint =
                |code: &str, text: &str| if colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() };
            for ValidationReport { path, valid, diagnostics } in reports {
                for d in diagnostics {
                    let style = match d.severity {
                        Severity::Error => "1;31",
                        Severity::Warning => "1;33",
                        Severity::Info => "1;36",
                    };
                    println!(
                        "{}{}",
                        paint(style, &format!("{}[{}]", d.severity.as_str(), d.code)),
                        paint("1", &format!(": {}", d.message))
                    );
                    let location = match (&d.entry, &d.pointer) {
                        (Some(entry), Some(pointer)) => format!("{path}: {entry}#{pointer}"),
                        (Some(entry), None) => format!("{path}: {entry}"),
                        _ => path.clone(),
                    };
                    println!("  {} {location}", paint("1;34", "-->"));
                    println!("   {} {}", paint("1;34", "= hint:"), d.hint);
                    println!();
                }
                let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count();
                let verdict = if *valid { paint("1;32", "valid") } else { paint("1;31", "invalid") };
                let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
                let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
                println!("{path}: {verdict} ({}, {})", plural(errors, "error"), plural(warnings, "warning"));
            }
        }
    }
}

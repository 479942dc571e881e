//! The `dlf-bundle` command: list, pack, unpack, export, validate and
//! explain DataArts Factory job bundles. One module per command; `common`
//! holds what they share. Built into the binary (`main.rs`) and into the
//! Python package's extension, whose `dlf-bundle` entry point calls [`run`].

mod check;
mod common;
mod deps;
mod diff;
mod explain;
mod export;
mod get;
mod import_request;
mod input;
mod list;
mod pack;
mod plan;
mod remap;
mod render;
mod schema;
mod set;
mod target;
mod unpack;
mod validate;

use clap::{CommandFactory, Parser, Subcommand};
use common::ExitCode;

#[derive(Parser)]
#[command(
    name = "dlf-bundle",
    version,
    about = "Read, check and write DataArts Studio (DLF) job export bundles",
    after_help = "Exit status, for every command: 0 success; 1 findings (invalid or unsafe input, differences with \
                  --exit-code, plan problems); 2 usage errors, unreadable inputs, malformed config or map files \
                  (and export's API-shaped request errors). Each command's --help gives its own."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour: auto (on a terminal, unless `NO_COLOR` is set), always (for CI logs that render it), never.
    #[arg(long, value_enum, global = true, default_value_t = common::ColorChoice::Auto)]
    color: common::ColorChoice,
    /// Print errors only: no summaries, warnings or notes.
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Read a bundle through the safe reader and list its definitions.
    List(list::Args),
    /// Extract a bundle into a folder, all or nothing.
    Unpack(unpack::Args),
    /// Zip an unpacked bundle folder, deterministically.
    Pack(pack::Args),
    /// Export jobs from an unpacked workspace, as the batch-export API does.
    Export(export::Args),
    /// Validate bundles offline, with precise diagnostics.
    Validate(validate::Args),
    /// Preview an import as the service's check-file call does.
    Check(check::Args),
    /// Check an import against what the target workspace holds, before running it.
    Plan(plan::Args),
    /// Show what each job needs: scripts, resources, jobs, environment objects.
    Deps(deps::Args),
    /// Compare two bundles or folders by meaning, for review.
    Diff(diff::Args),
    /// Explain a diagnostic code, or list every code.
    Explain(explain::Args),
    /// Print the JSON Schema of job, script or resource files, for editors.
    Schema(schema::Args),
    /// Change values of a job, node, script or resource, keeping every other byte.
    Set(set::Args),
    /// Print a value of a job, node, script or resource as JSON.
    Get(get::Args),
    /// Rewrite environment-bound names (connections, queues, buckets, parameters) for another environment.
    Remap(remap::Args),
    /// Print a shell completion script: `dlf-bundle completions bash > /etc/bash_completion.d/dlf-bundle`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `dlf-bundle man > dlf-bundle.1`; with
    /// `--all -o DIR`, write it and one page per subcommand (`dlf-bundle-validate.1`, …).
    Man {
        /// Write a page for every subcommand too.
        #[arg(long, requires = "output")]
        all: bool,
        /// The folder the pages are written into (with --all).
        #[arg(short = 'o', long = "output", value_name = "DIR", requires = "all")]
        output: Option<std::path::PathBuf>,
    },
    /// Print the ImportJob request body that asks the service to rename objects on import.
    ImportRequest(import_request::Args),
}

/// The completion script for `shell`. `clap_complete` names bash's functions
/// from the binary's name and mangles a hyphenated one two ways (the cases
/// it matches are not the names it sets, so nothing completes past the
/// subcommand): bash's script is made for a name without the hyphen, then
/// registered for `dlf-bundle`.
fn completions(shell: clap_complete::Shell) -> String {
    let name = if shell == clap_complete::Shell::Bash { "dlfbundle" } else { "dlf-bundle" };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), name, &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    if shell != clap_complete::Shell::Bash {
        return script;
    }
    script
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("complete ") {
                line.replace(" dlfbundle", " dlf-bundle").replace("-F _dlf-bundle", "-F _dlfbundle")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// One page, made in memory (the generator fails on a closed pipe).
fn manual_page(command: clap::Command) -> Result<String, common::Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|e| common::Failure::Message(format!("cannot write the manual page: {e}")))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// `dlf-bundle.1` and `dlf-bundle-<subcommand>.1` for each subcommand, in
/// `dir`, each written whole.
fn manual_pages(dir: &std::path::Path) -> Result<(), common::Failure> {
    if !dir.is_dir() {
        return Err(common::Failure::Usage(format!("-o `{}` is no folder: create it first", dir.display())));
    }
    let mut command = Cli::command();
    command.build();
    common::write_file(&dir.join("dlf-bundle.1"), manual_page(command.clone())?.as_bytes())?;
    for sub in command.get_subcommands().filter(|sub| sub.get_name() != "help") {
        let name = format!("dlf-bundle-{}", sub.get_name());
        let page = manual_page(sub.clone().name(name.clone()).display_name(name.clone()).bin_name(name.clone()))?;
        common::write_file(&dir.join(format!("{name}.1")), page.as_bytes())?;
    }
    Ok(())
}

/// Runs the command line `args` (the program's name first) and returns its
/// exit status (0, 1 or 2); clap exits the process itself for `--help`,
/// `--version` and usage errors.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    common::set_global(cli.color, cli.quiet);
    let outcome = match cli.command {
        Command::List(args) => list::run(&args),
        Command::Unpack(args) => unpack::run(&args),
        Command::Pack(args) => pack::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Deps(args) => deps::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Set(args) => set::run(&args),
        Command::Get(args) => get::run(&args),
        Command::Remap(args) => remap::run(&args),
        Command::ImportRequest(args) => import_request::run(&args),
        // Made in memory, then printed: the generators panic, or fail, on a closed pipe.
        Command::Completions { shell } => common::print(completions(shell)).map(|()| ExitCode::SUCCESS),
        Command::Man { output: None, .. } => {
            manual_page(Cli::command()).and_then(common::print).map(|()| ExitCode::SUCCESS)
        }
        Command::Man { output: Some(dir), .. } => manual_pages(&dir).map(|()| ExitCode::SUCCESS),
    };
    outcome.unwrap_or_else(common::Failure::report).code()
}

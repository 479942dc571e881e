//! What every command shares: output formats, colour, reader limits, the
//! ways a command fails and their exit codes, and writing reports.

use clap::ValueEnum;
use dlf_bundle::diagnostic::Warning;
use dlf_bundle::export::ApiError;
use dlf_bundle::{Layout, Limits, ReadOptions};
use serde::Serialize;
use std::io::{IsTerminal, Write as _};
use std::path::Path;

/// Output of the commands that report in text or JSON.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `--layout batch|single`.
#[derive(Clone, Copy, ValueEnum)]
pub enum LayoutArg {
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

/// Reader limits that trusted, very large inputs may raise.
#[derive(clap::Args)]
pub struct LimitArgs {
    /// Most entries accepted (default 25,000: a full 100-job export is about 20,100).
    #[arg(long, value_name = "N")]
    max_entries: Option<usize>,
}

impl LimitArgs {
    pub fn read_options(&self) -> ReadOptions {
        let limits = Limits::default();
        ReadOptions::new().limits(match self.max_entries {
            Some(max) => limits.max_entries(max),
            None => limits,
        })
    }
}

/// Why a command failed, which decides what it prints and its exit code.
pub enum Failure {
    /// Unreadable, unsafe or invalid input: `error: …`, exit 1.
    Input(dlf_bundle::Error),
    /// A request the service would refuse: its error body on stderr (and
    /// on a line of its own, the nearest name when one is unknown), exit 2.
    Api(ApiError, Option<String>),
    /// Anything else that stops the command, such as a name the input does
    /// not have or a report that cannot be written: exit 1.
    Message(String),
    /// The command line asks for something that does not exist: exit 2.
    Usage(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Input(error) => write!(f, "{error}"),
            Self::Api(error, _) => write!(f, "{}: {}", error.error_code, error.error_msg),
            Self::Message(message) | Self::Usage(message) => f.write_str(message),
        }
    }
}

impl From<dlf_bundle::Error> for Failure {
    fn from(error: dlf_bundle::Error) -> Self {
        Self::Input(error)
    }
}

impl Failure {
    /// An error of a call that mirrors the service's API, answered as the
    /// service would when it has a code for it.
    pub fn api(error: dlf_bundle::Error) -> Self {
        ApiError::from_error(&error).map_or(Self::Input(error), |body| Self::Api(body, None))
    }

    /// [`Failure::api`], with the nearest of `names` (by kind) when the
    /// error is a definition the workspace does not have.
    pub fn api_naming<'a, N: Iterator<Item = &'a str>>(
        error: dlf_bundle::Error,
        names: impl Fn(dlf_bundle::DefinitionKind) -> N,
    ) -> Self {
        let suggestion = match error.kind() {
            dlf_bundle::ErrorKind::NotFound { kind, name } => dlf_bundle::name::nearest(name, names(*kind))
                .map(|nearest| format!("hint: no {} `{name}`; did you mean `{nearest}`?", kind.as_str())),
            _ => None,
        };
        match Self::api(error) {
            Self::Api(body, _) => Self::Api(body, suggestion),
            other => other,
        }
    }

    pub fn report(self) -> ExitCode {
        match self {
            Self::Input(error) => {
                print_error(format_args!("error: {error}"));
                match error.kind() {
                    dlf_bundle::ErrorKind::AlreadyExists => {
                        print_error("  = hint: pass --force to replace existing files");
                    }
                    dlf_bundle::ErrorKind::LimitExceeded { limit: dlf_bundle::error::Limit::Entries, max } => {
                        print_error(format_args!(
                            "  = hint: a real export can be this large: pass --max-entries N (above {max}) to accept it"
                        ));
                    }
                    _ => {
                        if let Some(hint) = error.hint() {
                            print_error(format_args!("  = hint: {hint}"));
                        }
                    }
                }
                ExitCode::from(1)
            }
            Self::Api(body, suggestion) => {
                print_error(body.to_json());
                if let Some(suggestion) = suggestion {
                    print_error(suggestion);
                }
                ExitCode::from(2)
            }
            Self::Message(message) => {
                print_error(format_args!("error: {message}"));
                ExitCode::from(1)
            }
            Self::Usage(message) => {
                print_error(format_args!("error: {message}"));
                ExitCode::from(2)
            }
        }
    }
}

pub type Outcome = Result<ExitCode, Failure>;

/// A command's exit status: 0 success, 1 findings, 2 usage or unreadable
/// input. Ours rather than `std::process::ExitCode`, whose number cannot be
/// read back, so that the Python entry point can return it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCode(u8);

impl ExitCode {
    pub const SUCCESS: Self = Self(0);

    /// The number the process exits with.
    pub fn code(self) -> u8 {
        self.0
    }
}

impl From<u8> for ExitCode {
    fn from(code: u8) -> Self {
        Self(code)
    }
}

/// Prints `report` as pretty JSON on stdout, serialised as it is written:
/// a report of 10,000 jobs is never held whole, as text or as a tree.
pub fn print_json(report: &impl Serialize) -> Result<(), Failure> {
    print_with(|out| {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    })
}

/// Writes `text` on standard output. A reader that stops reading (`| head`,
/// `| grep -q`) ends the output, not the command: the verdict and its exit
/// status stand, and nothing panics.
pub fn print(text: impl std::fmt::Display) -> Result<(), Failure> {
    print_with(|out| write!(out, "{text}"))
}

/// What `write` writes, on standard output through a buffer, as [`print`].
pub fn print_with(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Message(format!("cannot write to standard output: {error}")))
        }
        _ => Ok(()),
    }
}

/// Writes `text` and a newline on standard error; when even that fails
/// there is nowhere left to say so, and the exit status still tells.
pub fn print_error(text: impl std::fmt::Display) {
    drop(writeln!(std::io::stderr().lock(), "{text}"));
}

/// [`print`] and a newline.
pub fn print_line(text: impl std::fmt::Display) -> Result<(), Failure> {
    print(format_args!("{text}\n"))
}

/// A summary or note on standard error, unless `--quiet`.
pub fn note(text: impl std::fmt::Display) {
    if !quiet() {
        print_error(text);
    }
}

pub fn print_warnings(warnings: &[Warning]) {
    if quiet() {
        return;
    }
    for warning in warnings {
        print_error(format_args!("warning: {warning}"));
    }
}

/// `{"entry", "message"}`, as `list` reports warnings.
#[derive(Serialize)]
pub struct WarningReport<'a> {
    entry: Option<&'a str>,
    message: &'a str,
}

impl<'a> From<&'a Warning> for WarningReport<'a> {
    fn from(warning: &'a Warning) -> Self {
        Self { entry: warning.entry.as_deref(), message: &warning.message }
    }
}

/// ANSI styles for a terminal; plain text elsewhere and under `NO_COLOR`.
pub struct Paint {
    enabled: bool,
}

/// `--color auto|always|never`.
#[derive(Clone, Copy, Default, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// The global options, set once by `main`.
static GLOBAL: std::sync::OnceLock<(ColorChoice, bool)> = std::sync::OnceLock::new();

/// Records `--color` and `--quiet` for every command.
pub fn set_global(color: ColorChoice, quiet: bool) {
    let _ = GLOBAL.set((color, quiet));
}

/// `--quiet`: errors only, no summaries or notes.
pub fn quiet() -> bool {
    GLOBAL.get().is_some_and(|(_, quiet)| *quiet)
}

impl Paint {
    pub fn stdout() -> Self {
        let enabled = match GLOBAL.get().map_or(ColorChoice::Auto, |(color, _)| *color) {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Self { enabled }
    }

    pub fn paint(&self, style: &str, text: &str) -> String {
        if self.enabled { format!("\x1b[{style}m{text}\x1b[0m") } else { text.to_owned() }
    }
}

/// Reads and parses a promotion map; what is wrong with it is a usage error.
pub fn read_map(path: &std::path::Path) -> Result<dlf_bundle::remap::Map, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read the map `{}`: {e}", path.display())))?;
    text.parse().map_err(|e| Failure::Usage(format!("map `{}`: {e}", path.display())))
}

/// `--same-name-policy skip|overwrite`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Policy {
    Skip,
    Overwrite,
}

impl From<Policy> for dlf_bundle::remap::SameNamePolicy {
    fn from(policy: Policy) -> Self {
        match policy {
            Policy::Skip => Self::Skip,
            Policy::Overwrite => Self::Overwrite,
        }
    }
}

/// Where a command writes a zip: a file, written atomically, or `-` for
/// standard output.
pub struct Output<'a> {
    path: &'a Path,
}

impl<'a> Output<'a> {
    /// Checks `path` before anything is read or written: it is none of the
    /// command's `inputs` and no file inside an input folder (`export -o
    /// workspace/jobs/a.job` would replace a definition with a zip), and an
    /// existing file there is a zip unless `force`.
    pub fn checked(path: &'a Path, inputs: &[&Path], force: bool) -> Result<Self, Failure> {
        if path.as_os_str() == "-" {
            return Ok(Self { path });
        }
        let output = path.canonicalize().ok();
        for input in inputs {
            let Ok(input) = input.canonicalize() else { continue };
            if output.as_ref().is_some_and(|output| *output == input || output.starts_with(&input)) {
                return Err(Failure::Usage(format!(
                    "-o `{}` is {} the input `{}`: write somewhere else",
                    path.display(),
                    if output.as_ref() == Some(&input) { "" } else { "inside" },
                    input.display()
                )));
            }
        }
        if path.is_dir() {
            return Err(Failure::Usage(format!("-o `{}` is a folder: name the zip file to write", path.display())));
        }
        if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty() && !parent.is_dir()) {
            return Err(Failure::Usage(format!(
                "-o `{}`: folder `{}` does not exist; create it first",
                path.display(),
                parent.display()
            )));
        }
        if !force && path.is_file() && !is_zip(path) {
            return Err(Failure::Usage(format!(
                "file `{}` exists and is not a zip: pass --force to replace it",
                path.display()
            )));
        }
        Ok(Self { path })
    }

    /// The file to write, `None` for standard output.
    pub fn file(&self) -> Option<&Path> {
        (!self.is_stdout()).then_some(self.path)
    }

    /// `true` for `-`: standard output carries the zip, so reports go to standard error.
    pub fn is_stdout(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// Writes the zip `zip()` gives to standard output, or `write` writes it to the file.
    pub fn write(
        &self,
        zip: impl FnOnce() -> dlf_bundle::Result<Vec<u8>>,
        write: impl FnOnce(&Path) -> dlf_bundle::Result<()>,
    ) -> Result<(), Failure> {
        if self.is_stdout() {
            let bytes = zip()?;
            return std::io::Write::write_all(&mut std::io::stdout().lock(), &bytes)
                .map_err(|e| Failure::Message(format!("cannot write to standard output: {e}")));
        }
        Ok(write(self.path)?)
    }

    /// Writes a bundle.
    pub fn write_bundle(&self, bundle: &dlf_bundle::Bundle) -> Result<(), Failure> {
        self.write(|| bundle.to_vec(), |path| bundle.write_to_path(path))
    }

    /// The path, for messages.
    pub fn display(&self) -> std::path::Display<'_> {
        self.path.display()
    }
}

/// A report as JSON, with `"addressing"` first, saying how its pointers name
/// list elements: `index` (RFC 6901, `/nodes/0/properties/3/value`: `remap`)
/// or `name` (`/nodes/load/properties/connectionName`: `diff`); the report's
/// fields follow.
#[derive(Serialize)]
pub struct Addressed<'a, T> {
    pub addressing: &'static str,
    #[serde(flatten)]
    pub report: &'a T,
}

/// A list as a line of text shows it: the first few, then "and N more"
/// (JSON keeps lists whole).
pub fn shortened(items: &[String]) -> String {
    const SHOWN: usize = 3;
    match items.len().checked_sub(SHOWN) {
        Some(rest) if rest > 0 => format!("{} and {rest} more", items.get(..SHOWN).unwrap_or(items).join(", ")),
        _ => items.join(", "),
    }
}

/// "1 job", "3 jobs", "2 batches".
pub fn plural(count: usize, word: &str) -> String {
    match count {
        1 => format!("1 {word}"),
        _ if word.ends_with("ch") || word.ends_with('s') => format!("{count} {word}es"),
        _ => format!("{count} {word}s"),
    }
}

/// Writes a report or schema to `path` whole or not at all (a temporary
/// file beside it, renamed), with the mode a new file gets.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let folder = path.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dlf-bundle-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let write = || -> std::io::Result<()> {
        let mut file = builder.tempfile_in(folder)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| Failure::Message(format!("cannot write `{}`: {e}", path.display())))
}

/// Starts like a zip: a local header, or the end record of an empty one.
fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path).and_then(|mut file| std::io::Read::read_exact(&mut file, &mut head)).is_ok()
        && (head == *b"PK\x03\x04" || head == *b"PK\x05\x06")
}

//! `dlf-bundle validate`: offline validation with precise diagnostics, for
//! people (text), programs (JSON) and CI (SARIF, GitHub annotations, JUnit).

use super::common::ExitCode;
use super::common::{Failure, LimitArgs, Outcome, Paint, plural, print, print_json, quiet};
use super::input;
use clap::ValueEnum;
use dlf_bundle::Diagnostic;
use dlf_bundle::diagnostic::{Code, Severity};
use dlf_bundle::validate::{Config, ValidateOptions, Validation};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  dlf-bundle validate jobs.zip\n  dlf-bundle validate workspace/ --format sarif > dlf.sarif\n  curl -s $URL | dlf-bundle validate -\n\nSettings: dlf-bundle.toml in the working directory or the nearest parent (or --config).\nExit status: 0 no errors (and no warnings with --deny-warnings); 1 findings; 2 usage, a missing input or a malformed config."
)]
pub struct Args {
    /// Bundles (zip files), folders (unpacked exports or workspaces), or `-` for standard input.
    #[arg(required = true)]
    bundles: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    format: ValidateFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Apply the older ASCII-only naming rule.
    #[arg(long)]
    strict_names: bool,
    /// The settings file (default: the nearest dlf-bundle.toml).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum ValidateFormat {
    Text,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Serialize)]
struct ValidationReport {
    path: String,
    /// No error (and, with `--deny-warnings`, no warning), and the input was read.
    valid: bool,
    /// Why the input could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    diagnostics: Vec<Diagnostic>,
    /// How many findings the settings suppressed.
    suppressed: usize,
    #[serde(skip)]
    suppressed_findings: Vec<Diagnostic>,
    #[serde(skip)]
    definitions: Vec<Arc<str>>,
}

/// What the reports are judged by: warnings fail with `--deny-warnings`,
/// and the settings file found, if any.
struct Verdict<'a> {
    deny_warnings: bool,
    settings: Option<&'a Path>,
}

impl Verdict<'_> {
    /// A diagnostic's severity as this run counts it.
    fn fails(&self, d: &Diagnostic) -> bool {
        d.severity == Severity::Error || (self.deny_warnings && d.severity == Severity::Warning)
    }
}

pub fn run(args: &Args) -> Outcome {
    let mut options = ValidateOptions::default().strict_names(args.strict_names);
    options.read = args.limits.read_options();
    let (settings, config) = config(args.config.as_deref())?;
    let verdict = Verdict { deny_warnings: args.deny_warnings, settings: settings.as_deref() };
    let mut reports = Vec::new();
    let mut folders = BTreeMap::new();
    for path in &args.bundles {
        let report = match validate_input(path, &options, &mut folders) {
            Ok(validation) => {
                let (diagnostics, suppressed_findings) = config.partition(validation.diagnostics);
                let valid = !diagnostics.iter().any(|d| verdict.fails(d));
                ValidationReport {
                    path: path.display().to_string(),
                    valid,
                    error: None,
                    suppressed: suppressed_findings.len(),
                    diagnostics,
                    suppressed_findings,
                    definitions: validation.definitions,
                }
            }
            Err(error) => ValidationReport {
                path: path.display().to_string(),
                valid: false,
                error: Some(error),
                diagnostics: Vec::new(),
                suppressed: 0,
                suppressed_findings: Vec::new(),
                definitions: Vec::new(),
            },
        };
        reports.push(report);
    }
    // Every format is written whole, unreadable inputs reported in it.
    match args.format {
        ValidateFormat::Json => {
            #[derive(Serialize)]
            struct Bundles<'a> {
                bundles: &'a [ValidationReport],
            }
            print_json(&Bundles { bundles: &reports })?;
        }
        ValidateFormat::Text => print(text(&reports, &verdict, &Paint::stdout()))?,
        ValidateFormat::Sarif => print_json(&sarif(&reports, &verdict))?,
        ValidateFormat::Github => print(github(&reports, &verdict))?,
        ValidateFormat::Junit => print(junit(&reports, &verdict))?,
    }
    if reports.iter().any(|report| report.error.is_some()) {
        return Ok(ExitCode::from(2));
    }
    Ok(if reports.iter().all(|report| report.valid) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `--config FILE`, else the nearest `dlf-bundle.toml`, else none; a file
/// that cannot be read or parsed is a usage error naming it.
fn config(explicit: Option<&Path>) -> Result<(Option<PathBuf>, Config), Failure> {
    let found = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => std::env::current_dir().ok().and_then(|dir| Config::find(&dir)),
    };
    match found {
        Some(path) => {
            let config = Config::read(&path).map_err(|e| Failure::Usage(e.to_string()))?;
            Ok((Some(path), config))
        }
        None => Ok((None, Config::default())),
    }
}

/// One input: `-` (standard input, a zip), a folder, or a zip file. An
/// input that is missing or cannot be read is its own error, reported in
/// every format (exit 2), not a finding.
/// A definition file's folder (the one holding its `jobs/`, `scripts/` or
/// `resources/`) and its path there: a `.job`, `.script` or `.resource`
/// named alone (as pre-commit names changed files) is validated with the
/// definitions beside it, so its references resolve.
fn definition_in_folder(path: &Path) -> Option<(PathBuf, String)> {
    let extension = path.extension()?.to_str()?;
    if !["job", "script", "resource"].contains(&extension) || !path.is_file() {
        return None;
    }
    let absolute = std::path::absolute(path).ok()?;
    let top = absolute.ancestors().skip(1).find(|dir| {
        dir.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| ["jobs", "scripts", "resources"].contains(&name))
    })?;
    let root = top.parent()?.to_path_buf();
    let relative = absolute.strip_prefix(&root).ok()?;
    let entry: Vec<&str> = relative.components().filter_map(|part| part.as_os_str().to_str()).collect();
    Some((root, entry.join("/")))
}

fn validate_input(
    path: &Path,
    options: &ValidateOptions,
    folders: &mut BTreeMap<PathBuf, Validation>,
) -> Result<Validation, String> {
    if let Some((root, entry)) = definition_in_folder(path) {
        let whole = folders.entry(root).or_insert_with_key(|root| Validation::of_dir(root, options));
        let mut found = whole.clone();
        found.diagnostics.retain(|d| d.entry.as_deref() == Some(entry.as_str()));
        found.definitions.retain(|definition| **definition == *entry);
        return Ok(found);
    }
    if path.as_os_str() == "-" {
        let bytes = input::read_stdin(&options.read).map_err(|failure| failure.to_string())?;
        let mut found = Validation::of_archive(&bytes, options);
        for diagnostic in &mut found.diagnostics {
            diagnostic.file.get_or_insert_with(|| "-".to_owned());
        }
        return Ok(found);
    }
    if !path.exists() {
        return Err(format!("file `{}` does not exist", path.display()));
    }
    Ok(if path.is_dir() { Validation::of_dir(path, options) } else { Validation::of_file(path, options) })
}

/// Where a diagnostic points: `file:line:column`, and inside an archive
/// the entry (and pointer) too.
fn location(d: &Diagnostic, input: &str) -> String {
    let file = d.file.as_deref().unwrap_or(input);
    let line = match (d.line, d.column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        _ => String::new(),
    };
    let pointer = d.pointer.as_deref().map(|p| format!("#{p}")).unwrap_or_default();
    match &d.entry {
        // A folder: the file is the definition itself.
        Some(_) if Path::new(file).is_file() && !is_archive(file, input) => format!("{file}{line}{}", spaced(&pointer)),
        // Inside an archive: `zip!entry:line:column (#pointer)`, as a file is shown.
        Some(entry) => format!("{file}!{entry}{line}{}", spaced(&pointer)),
        None => format!("{file}{line}"),
    }
}

fn spaced(pointer: &str) -> String {
    if pointer.is_empty() { String::new() } else { format!(" ({pointer})") }
}

/// `file` is the bundle given (not a file inside a folder given).
fn is_archive(file: &str, input: &str) -> bool {
    file == input && !Path::new(input).is_dir()
}

/// The source line of a finding with a caret under its column, as rustc
/// shows it (tabs before the column kept, so the caret lines up).
fn snippet(source: &str, line: usize, column: usize, paint: &Paint) -> String {
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let bar = paint.paint("1;34", "|");
    let before: String =
        source.chars().take(column.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    format!(
        "{gutter} {bar}\n{} {bar} {source}\n{gutter} {bar} {before}{}\n",
        paint.paint("1;34", &number),
        paint.paint("1;31", "^")
    )
}

/// A settings file as reports name it: relative to the working directory
/// when below it (`./dlf-bundle.toml`).
fn shown(path: &Path) -> String {
    let relative = std::env::current_dir().ok().and_then(|dir| path.strip_prefix(dir).ok().map(Path::to_path_buf));
    match relative {
        Some(relative) => format!("./{}", relative.display()),
        None => path.display().to_string(),
    }
}

/// In the manner of rustc: `error[CODE]: message`, `--> location`, `= hint:`,
/// then per input its verdict and counts.
fn text(reports: &[ValidationReport], verdict: &Verdict<'_>, paint: &Paint) -> String {
    let mut out = String::new();
    for report in reports {
        let ValidationReport { path, valid, diagnostics, .. } = report;
        if let Some(error) = &report.error {
            let _ = writeln!(out, "{}: {error}\n", paint.paint("1;31", "error"));
            let _ = writeln!(out, "{path}: {} (it could not be read)", paint.paint("1;31", "unreadable"));
            continue;
        }
        for d in diagnostics.iter().filter(|d| !quiet() || verdict.fails(d)) {
            let style = match d.severity {
                Severity::Error => "1;31",
                Severity::Warning => "1;33",
                Severity::Info => "1;36",
            };
            let head = paint.paint(style, &format!("{}[{}]", d.severity.as_str(), d.code));
            let _ = writeln!(out, "{head}{}", paint.paint("1", &format!(": {}", d.message)));
            let _ = writeln!(out, "  {} {}", paint.paint("1;34", "-->"), location(d, path));
            if let (Some(source), Some(line), Some(column)) = (&d.source, d.line, d.column) {
                out.push_str(&snippet(source, line, column, paint));
            }
            let _ = writeln!(out, "   {} {}\n", paint.paint("1;34", "= hint:"), d.hint);
        }
        let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count();
        let shown_verdict = if *valid { paint.paint("1;32", "valid") } else { paint.paint("1;31", "invalid") };
        let (errors, warnings, notes) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
        let mut counts = format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"));
        if verdict.deny_warnings && warnings > 0 {
            counts.push_str(" denied by --deny-warnings");
        }
        if notes > 0 {
            let _ = write!(counts, ", {}", plural(notes, "note"));
        }
        if report.suppressed > 0 {
            let by = verdict.settings.map_or_else(|| "the settings".to_owned(), shown);
            let _ = write!(counts, "; {} suppressed by {by}", report.suppressed);
        }
        if !quiet() || !valid {
            let _ = writeln!(out, "{path}: {shown_verdict} ({counts})");
        }
    }
    out
}

/// A path as SARIF wants it: relative to the working directory when below
/// it, with `/` separators.
fn uri(file: &str) -> String {
    let path = Path::new(file);
    let relative = std::env::current_dir().ok().and_then(|dir| path.strip_prefix(dir).ok().map(Path::to_path_buf));
    let path = relative.unwrap_or_else(|| path.to_path_buf());
    let parts: Vec<String> = path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/").trim_start_matches("./").to_owned()
}

fn sarif_level(d: &Diagnostic, verdict: &Verdict<'_>) -> &'static str {
    match d.severity {
        _ if verdict.fails(d) => "error",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A code's level when nothing changes it.
fn default_level(code: Code) -> &'static str {
    match code.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A stable fingerprint of a finding: the same finding in the same place
/// gets the same value run after run (FNV-1a over code, file, entry, pointer).
fn fingerprint(d: &Diagnostic, file: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts =
        [d.code.as_str(), file, d.entry.as_deref().unwrap_or(""), d.pointer.as_deref().unwrap_or(""), &d.message];
    for byte in parts.join("\u{0}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// SARIF 2.1.0: one run, a rule for every code, a result per diagnostic
/// (suppressed ones with their suppression), and the invocation's outcome
/// with a notification per input that could not be read.
fn sarif(reports: &[ValidationReport], verdict: &Verdict<'_>) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": {"text": code.title()},
                "fullDescription": {"text": code.title()},
                "defaultConfiguration": {"level": default_level(*code)},
                "help": {"text": code.explanation()},
                "helpUri": concat!(env!("CARGO_PKG_HOMEPAGE"), "/latest/dlf_bundle/validate/enum.Code.html"),
            })
        })
        .collect();
    let settings = verdict.settings.map_or_else(|| "the settings".to_owned(), shown);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in reports {
        if let Some(error) = &report.error {
            notifications.push(json!({
                "level": "error",
                "message": {"text": error},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&report.path)}}}],
            }));
        }
        let found = report.diagnostics.iter().map(|d| (d, false));
        for (d, suppressed) in found.chain(report.suppressed_findings.iter().map(|d| (d, true))) {
            let mut result = sarif_result(d, &report.path, verdict);
            if suppressed && let Some(map) = result.as_object_mut() {
                let justification = format!("suppressed by {settings}");
                map.insert("suppressions".into(), json!([{"kind": "external", "justification": justification}]));
            }
            results.push(result);
        }
    }
    let successful = notifications.is_empty();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dlf-bundle",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": successful, "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    })
}

fn sarif_result(d: &Diagnostic, input: &str, verdict: &Verdict<'_>) -> serde_json::Value {
    let file = d.file.as_deref().unwrap_or(input);
    let mut physical = serde_json::Map::new();
    physical.insert("artifactLocation".into(), json!({"uri": uri(file)}));
    if let (Some(line), Some(column)) = (d.line, d.column) {
        physical.insert("region".into(), json!({"startLine": line, "startColumn": column}));
    }
    let mut location = serde_json::Map::new();
    location.insert("physicalLocation".into(), serde_json::Value::Object(physical));
    let inside = is_archive(file, input) && d.entry.is_some();
    let mut message = d.message.clone();
    if let Some(entry) = &d.entry {
        let pointer = d.pointer.as_deref().map(|p| format!("#{p}")).unwrap_or_default();
        let logical = json!([{"fullyQualifiedName": format!("{entry}{pointer}"), "kind": "member"}]);
        location.insert("logicalLocations".into(), logical);
        if inside {
            message = format!("{message} (entry `{entry}{pointer}`)");
        }
    }
    let index = Code::ALL.iter().position(|code| *code == d.code).unwrap_or_default();
    json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": index,
        "level": sarif_level(d, verdict),
        "message": {"text": format!("{message}. Hint: {}", d.hint)},
        "locations": [location],
        "partialFingerprints": {"dlfBundleFinding/v1": fingerprint(d, file)},
    })
}

/// GitHub workflow commands: `::error file=…,line=…,col=…,title=CODE::message`.
fn github(reports: &[ValidationReport], verdict: &Verdict<'_>) -> String {
    // Workflow commands escape `%`, CR and LF in data, and `,` `:` in properties too.
    let data = |text: &str| text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let property = |text: &str| data(text).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for report in reports {
        if let Some(error) = &report.error {
            let _ = writeln!(out, "::error file={},title=unreadable::{}", property(&uri(&report.path)), data(error));
        }
        for d in &report.diagnostics {
            let command = match d.severity {
                _ if verdict.fails(d) => "error",
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let file = d.file.as_deref().unwrap_or(&report.path);
            let mut properties = vec![format!("file={}", property(&uri(file)))];
            if let (Some(line), Some(column)) = (d.line, d.column) {
                properties.push(format!("line={line}"));
                properties.push(format!("col={column}"));
            }
            properties.push(format!("title={}", property(d.code.as_str())));
            let entry = match (&d.entry, is_archive(file, &report.path)) {
                (Some(entry), true) => {
                    format!(" ({entry}{})", d.pointer.as_deref().map(|p| format!("#{p}")).unwrap_or_default())
                }
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                data(&format!("{}{entry}. Hint: {}", d.message, d.hint))
            );
        }
    }
    out
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// JUnit XML: a test suite per input, a test case per definition checked
/// (passing ones too) and one for the bundle as a whole, a failure per
/// error (and per warning with `--deny-warnings`); an input that could not
/// be read is a suite with one errored case.
fn junit(reports: &[ValidationReport], verdict: &Verdict<'_>) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dlf-bundle validate\">\n");
    for report in reports {
        let classname = xml(&report.path);
        if let Some(error) = &report.error {
            let _ = writeln!(out, "  <testsuite name=\"{classname}\" tests=\"1\" failures=\"0\" errors=\"1\">");
            let _ = writeln!(out, "    <testcase classname=\"{classname}\" name=\"(bundle)\">");
            let _ = writeln!(out, "      <error type=\"unreadable\" message=\"{}\"/>", xml(error));
            out.push_str("    </testcase>\n  </testsuite>\n");
            continue;
        }
        let mut cases: std::collections::BTreeMap<&str, Vec<&Diagnostic>> = std::collections::BTreeMap::new();
        cases.insert("(bundle)", Vec::new());
        for definition in &report.definitions {
            cases.entry(definition).or_default();
        }
        for d in &report.diagnostics {
            cases.entry(d.entry.as_deref().unwrap_or("(bundle)")).or_default().push(d);
        }
        let failures = report.diagnostics.iter().filter(|d| verdict.fails(d)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{classname}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
            cases.len()
        );
        for (case, diagnostics) in &cases {
            let _ = writeln!(out, "    <testcase classname=\"{classname}\" name=\"{}\">", xml(case));
            for d in diagnostics.iter().filter(|d| verdict.fails(d)) {
                let place = location(d, &report.path);
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}\n{}</failure>",
                    d.code,
                    xml(&d.message),
                    xml(&place),
                    xml(&d.hint)
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

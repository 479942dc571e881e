//! `dlf-bundle diff`: what changed between two bundles or folders, by
//! meaning, for review.

use super::common::ExitCode;
use super::common::{Addressed, Failure, LimitArgs, Outcome, Paint, print_json, print_with, read_map, shortened};
use super::input;
use clap::ValueEnum;
use dlf_bundle::diff::{self, Change, Diff, DiffOptions, KindDiff, Op};
use dlf_bundle::{Bundle, DefinitionKind, ReadOptions, json};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  dlf-bundle diff old.zip new.zip\n  dlf-bundle diff dev.zip prod.zip --map prod.toml --ignore location --format markdown\n\nExit status: 0 (with --exit-code: 0 when equal, 1 when different); 2 when an input cannot be read."
)]
pub struct Args {
    /// The bundle or folder before.
    old: PathBuf,
    /// The bundle or folder after.
    new: PathBuf,
    /// Remap OLD with this map first, so environment names are no change.
    #[arg(long, value_name = "MAP.toml")]
    map: Option<PathBuf>,
    /// Output format (`patch`: an RFC 6902 JSON Patch per definition).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit 1 when the inputs differ.
    #[arg(long)]
    exit_code: bool,
    /// Ignore this key wherever it appears (repeatable), e.g. `location`.
    #[arg(long, value_name = "KEY")]
    ignore: Vec<String>,
    /// Lines of context in script diffs.
    #[arg(long, value_name = "N", default_value_t = 3)]
    context: usize,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
    Patch,
}

pub fn run(args: &Args) -> Outcome {
    let mut options = DiffOptions::new().context(args.context);
    if let Some(map) = &args.map {
        options = options.map(read_map(map)?);
    }
    for key in &args.ignore {
        options = options.ignore(key.clone());
    }
    let options_read = args.limits.read_options();
    let (old, new) = rayon::join(|| open("OLD", &args.old, &options_read), || open("NEW", &args.new, &options_read));
    let (old, new) = (old?, new?);
    let result = diff::diff(&old, &new, &options).map_err(|e| Failure::Usage(format!("cannot remap OLD: {e}")))?;
    match args.format {
        DiffFormat::Json => print_json(&Addressed { addressing: "name", report: &result })?,
        DiffFormat::Patch => print_json(&result.patch())?,
        DiffFormat::Text => print_with(|out| text(out, &result, &Paint::stdout()))?,
        DiffFormat::Markdown => print_with(|out| markdown(out, &result))?,
    }
    let differ = !result.is_empty();
    Ok(if args.exit_code && differ { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// A bundle, a bundle folder or a workspace folder; what cannot be read is
/// exit 2, as `diff` and `cmp` do.
fn open(side: &str, path: &Path, options: &ReadOptions) -> Result<Bundle, Failure> {
    input::open_bundle(path, options).map_err(|failure| {
        let reason = match failure {
            Failure::Input(error) => format!("refused by the reader: {error}"),
            Failure::Usage(message) | Failure::Message(message) => message,
            Failure::Api(body, _) => body.to_json(),
        };
        Failure::Usage(format!("{side} `{}`: {reason}", path.display()))
    })
}

fn kind_title(kind: DefinitionKind) -> &'static str {
    match kind {
        DefinitionKind::Job => "jobs",
        DefinitionKind::Script => "scripts",
        DefinitionKind::Resource => "resources",
    }
}

fn compact(value: Option<&json::Value>) -> String {
    value.map(json::to_string_compact).unwrap_or_default()
}

/// Git-like: `+`/`-` for added and removed definitions, a block per
/// changed one.
fn text(out: &mut dyn Write, result: &Diff, paint: &Paint) -> io::Result<()> {
    for (kind, changes) in result.kinds() {
        let kind = kind.as_str();
        for name in &changes.added {
            writeln!(out, "{}", paint.paint("32", &format!("+ {kind} {name}")))?;
        }
        for name in &changes.removed {
            writeln!(out, "{}", paint.paint("31", &format!("- {kind} {name}")))?;
        }
        for changed in &changes.changed {
            writeln!(out, "{}", paint.paint("1", &format!("~ {kind} {}", changed.name)))?;
            for change in &changed.changes {
                text_change(out, change, paint)?;
            }
            if !changed.affected.is_empty() {
                writeln!(out, "    affected jobs: {}", shortened(&changed.affected))?;
            }
        }
        for copies in &changes.differing_copies {
            writeln!(
                out,
                "{}",
                paint.paint(
                    "33",
                    &format!(
                        "! {kind} {}: its copies in {} differ ({})",
                        copies.name,
                        copies.side,
                        shortened(&copies.entries)
                    )
                )
            )?;
        }
    }
    if result.is_empty() {
        writeln!(out, "no differences")?;
    }
    Ok(())
}

fn text_change(out: &mut dyn Write, change: &Change, paint: &Paint) -> io::Result<()> {
    let line = match change.op {
        Op::Add => paint.paint("32", &format!("    + {}: {}", change.path, compact(change.new.as_ref()))),
        Op::Remove => paint.paint("31", &format!("    - {}: {}", change.path, compact(change.old.as_ref()))),
        Op::Replace if change.diff.is_some() => format!("    ~ {}:", change.path),
        Op::Replace => {
            format!("    ~ {}: {} -> {}", change.path, compact(change.old.as_ref()), compact(change.new.as_ref()))
        }
    };
    writeln!(out, "{line}")?;
    for diff_line in change.diff.iter().flat_map(|diff| diff.lines()) {
        let style = match diff_line.chars().next() {
            Some('+') if !diff_line.starts_with("+++") => "32",
            Some('-') if !diff_line.starts_with("---") => "31",
            Some('@') => "36",
            _ => "0",
        };
        writeln!(out, "      {}", paint.paint(style, diff_line))?;
    }
    Ok(())
}

/// A summary table, then a section per changed definition with script
/// diffs in collapsible blocks: ready to post on a pull request.
fn markdown(out: &mut dyn Write, result: &Diff) -> io::Result<()> {
    writeln!(out, "## Bundle diff\n")?;
    if result.is_empty() {
        return writeln!(out, "No differences.");
    }
    writeln!(out, "| kind | added | removed | changed |\n|---|---:|---:|---:|")?;
    for (kind, changes) in result.kinds() {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            kind_title(kind),
            changes.added.len(),
            changes.removed.len(),
            changes.changed.len()
        )?;
    }
    for (kind, changes) in result.kinds() {
        markdown_kind(out, kind, changes)?;
    }
    Ok(())
}

fn markdown_kind(out: &mut dyn Write, kind: DefinitionKind, changes: &KindDiff) -> io::Result<()> {
    let kind = kind.as_str();
    for (names, verb) in [(&changes.added, "added"), (&changes.removed, "removed")] {
        if !names.is_empty() {
            let list: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            writeln!(out, "\n**{kind}s {verb}:** {}", list.join(", "))?;
        }
    }
    for changed in &changes.changed {
        writeln!(out, "\n### {kind} `{}`\n", changed.name)?;
        let (plain, diffs): (Vec<&Change>, Vec<&Change>) = changed.changes.iter().partition(|c| c.diff.is_none());
        if !plain.is_empty() {
            writeln!(out, "| path | change | before | after |\n|---|---|---|---|")?;
            for change in plain {
                let cell = |value: Option<&json::Value>| match value {
                    Some(value) => format!("`{}`", compact(Some(value)).replace('|', "\\|").replace('`', "'")),
                    None => String::new(),
                };
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    change.path,
                    change.op.as_str(),
                    cell(change.old.as_ref()),
                    cell(change.new.as_ref())
                )?;
            }
        }
        for change in diffs {
            let diff = change.diff.as_deref().unwrap_or_default();
            let newline = if diff.ends_with('\n') { "" } else { "\n" };
            writeln!(
                out,
                "\n<details><summary><code>{}</code></summary>\n\n```diff\n{diff}{newline}```\n\n</details>",
                change.path
            )?;
        }
        if !changed.affected.is_empty() {
            let list: Vec<String> = changed.affected.iter().map(|name| format!("`{name}`")).collect();
            writeln!(out, "\nAffected jobs: {}", list.join(", "))?;
        }
    }
    for copies in &changes.differing_copies {
        writeln!(
            out,
            "\n> **Warning:** the copies of {kind} `{}` in {} differ: {}",
            copies.name,
            copies.side,
            copies.entries.join(", ")
        )?;
    }
    Ok(())
}

//! `dlf-bundle schema`: the JSON Schema of job, script or resource files,
//! for editors.

use super::common::ExitCode;
use super::common::{Failure, Outcome, print, write_file};
use dlf_bundle::DefinitionKind;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  dlf-bundle schema job -o .vscode/dlf-job.schema.json\n\nThen, in VS Code's \
                        settings.json:\n  \"json.schemas\": [{\"fileMatch\": [\"**/*.job\"], \"url\": \
                        \"./.vscode/dlf-job.schema.json\"}]\n\nExit status: 0; 1 when the file cannot be \
                        written; 2 usage.")]
pub struct Args {
    /// Which files the schema describes.
    #[arg(value_enum)]
    kind: Kind,
    /// Write the schema to this file (atomically) instead of standard output.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    /// `.job` files.
    Job,
    /// `.script` files.
    Script,
    /// `.resource` files.
    Resource,
}

pub fn run(args: &Args) -> Outcome {
    let kind = match args.kind {
        Kind::Job => DefinitionKind::Job,
        Kind::Script => DefinitionKind::Script,
        Kind::Resource => DefinitionKind::Resource,
    };
    let mut text = dlf_bundle::catalog::schema(kind);
    text.push('\n');
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            if path.is_dir() {
                return Err(Failure::Usage(format!("-o `{}` is a folder: name the file to write", path.display())));
            }
            write_file(path, text.as_bytes())?;
        }
        _ => print(text)?,
    }
    Ok(ExitCode::SUCCESS)
}

//! `dlf-bundle set`: change values of a job, node, script or resource,
//! keeping every other byte.

use super::common::ExitCode;
use super::common::{Failure, LimitArgs, Outcome, Output, note, plural, print_error};
use super::input::{self, Opened};
use super::target::Selector;
use dlf_bundle::DefinitionKind;
use dlf_bundle::json::{self, Value};
use dlf_bundle::model::FieldPath;
use dlf_bundle::model::{Definition, Document};
use dlf_bundle::validate::check_edit;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  dlf-bundle set jobs.zip -o prod.zip --job job_batch --node load \
                        property.connectionName=dws_prod retryTimes=3\n\nExit status: 0; 1 an unknown job, node or \
                        script, or a path through a non-object (nothing written); 2 usage or a missing input.")]
pub struct Args {
    /// A bundle (written to -o), or a folder of either layout or a workspace (edited in place).
    target: PathBuf,
    /// The new bundle, for a bundle target; written atomically.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    #[command(flatten)]
    selector: Selector,
    /// `PATH=VALUE`: VALUE is JSON when it parses as JSON (`3`, `true`, `"3"`), else text.
    #[arg(value_name = "PATH=VALUE", required_unless_present = "remove")]
    assignments: Vec<String>,
    /// A field to remove (repeat for several).
    #[arg(long, value_name = "PATH")]
    remove: Vec<String>,
    #[command(flatten)]
    limits: LimitArgs,
    /// Write a value the catalog refuses (the finding is printed as a
    /// warning), and replace an existing output file that is not a zip.
    #[arg(long)]
    force: bool,
    /// PATH is a field (or property) the catalog does not know on that object, and is meant.
    #[arg(long)]
    new_field: bool,
}

pub fn run(args: &Args) -> Outcome {
    let in_place = args.target.is_dir();
    match (&args.output, in_place) {
        (None, false) => return Err(Failure::Usage("a bundle is not edited in place: give -o OUT.zip".into())),
        (Some(_), true) => return Err(Failure::Usage("a folder is edited in place: leave out -o".into())),
        _ => {}
    }
    let output = args.output.as_deref().map(|path| Output::checked(path, &[&args.target], args.force)).transpose()?;
    let assignments = parse_assignments(&args.assignments)?;
    let removals = args.remove.iter().map(|path| path.parse()).collect::<Result<Vec<FieldPath>, _>>()?;
    let edit = |document: &mut Document| edit_document(document, args, &assignments, &removals);
    let (changed, chosen) = match input::open(&args.target, &args.limits.read_options())? {
        Opened::Bundle(mut bundle) => {
            let paths = args.selector.entries(&bundle)?;
            for path in &paths {
                if let Some(entry) = bundle.get_mut(path) {
                    edit(entry.document_mut()?)?;
                }
            }
            let changed = bundle.iter().filter(|entry| entry.is_modified()).count();
            match &output {
                Some(output) => output.write_bundle(&bundle)?,
                None => {
                    bundle.write_changes_to_dir(&args.target)?;
                }
            }
            (changed, bundle.len())
        }
        Opened::Workspace(mut workspace) => {
            edit(args.selector.workspace_document(&mut workspace)?)?;
            let definitions = DefinitionKind::ALL.iter().map(|kind| workspace.names(*kind).count()).sum();
            (workspace.save()?, definitions)
        }
    };
    note(format!("{changed} of {} changed", plural(chosen, "definition")));
    Ok(ExitCode::SUCCESS)
}

/// `PATH=VALUE` pairs; a VALUE that parses as JSON is that JSON, but a
/// property's or parameter's value is always a string (`property.database=2024`
/// is `"2024"`), as the service types them.
fn parse_assignments(texts: &[String]) -> Result<Vec<(FieldPath, Value)>, Failure> {
    texts
        .iter()
        .map(|text| {
            let (path, value) =
                text.split_once('=').ok_or_else(|| Failure::Usage(format!("`{text}` is not PATH=VALUE")))?;
            let path: FieldPath = path.parse()?;
            let parsed = json::parse(value.as_bytes()).ok();
            let value = match parsed {
                Some(Value::String(text)) => Value::String(text),
                Some(json) if path.named().is_none() => json,
                _ => Value::String(value.to_owned()),
            };
            Ok((path, value))
        })
        .collect()
}

fn edit_document(
    document: &mut Document,
    args: &Args,
    assignments: &[(FieldPath, Value)],
    removals: &[FieldPath],
) -> Result<(), Failure> {
    let kind = document.kind();
    let mut value = document.definition().to_value();
    let scope = args.selector.scope(&mut value)?;
    for (field, new) in assignments {
        field.set(scope, new.clone())?;
    }
    // Checked with every assignment made: a property's rules depend on the others.
    let edited = args.selector.edit_scope();
    for (field, new) in assignments {
        match check_edit(edited, scope, field, new) {
            Ok(None) => {}
            Ok(Some(finding)) if args.force => {
                print_error(format_args!("warning[{}]: {} (written: --force)", finding.code, finding.message));
            }
            Ok(Some(finding)) => {
                return Err(Failure::Message(format!(
                    "{} [{}]\n  = hint: {} (--force writes it anyway)",
                    finding.message, finding.code, finding.hint
                )));
            }
            Err(_) if args.new_field => {}
            Err(error) => {
                return Err(Failure::Message(format!("{} (--new-field writes it anyway)", error.message())));
            }
        }
    }
    for field in removals {
        field.remove(scope)?;
    }
    *document.definition_mut() = Definition::from_value(kind, value)?;
    Ok(())
}

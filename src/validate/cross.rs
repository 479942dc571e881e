//! Rules across the files of a bundle.

use super::{IMPORT_LIMIT_BYTES, Need, Origin, Runner, Summary, Wanted};
use crate::diagnostic::{Code, Diagnostic};
use crate::kind::DefinitionKind;
use crate::layout::PlacedPath;
use crate::model::{NodeType, ScriptType};
use crate::reference::Target;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::BTreeMap;

/// Rules across files: references, unused definitions, conflicting copies,
/// and the size of the bundle (the archive's too, when there is one).
/// Definitions that did not parse (`unparsed`, kind and path) have their
/// own diagnostic and cause no other: they count as present, and when a job
/// did not parse, no script or resource is called unused.
pub(crate) fn cross_file(summaries: &[Summary], unparsed: &[PlacedPath], origin: Origin, out: &mut Vec<Diagnostic>) {
    let used = check_references(summaries, unparsed, origin, out);
    if !unparsed.iter().any(|placed| placed.kind() == DefinitionKind::Job) {
        check_unused_and_copies(summaries, &used, out);
    }
    let zipped = if let Origin::Archive(size) = origin { Some(size) } else { None };
    check_import_size(summaries, zipped, out);
}

/// The console imports at most 10 MB, zipped and unpacked.
fn check_import_size(summaries: &[Summary], zipped: Option<u64>, out: &mut Vec<Diagnostic>) {
    let unpacked: u64 = summaries.iter().map(|s| s.size).sum();
    let sizes = [(unpacked, "the definitions unpack to"), (zipped.unwrap_or(0), "the zip is")];
    for (size, what) in sizes.into_iter().filter(|(size, _)| *size > IMPORT_LIMIT_BYTES) {
        out.push(Diagnostic::new(
            Code::OverImportLimit,
            None,
            None,
            format!("{what} {size} bytes; the console imports at most 10 MB"),
            "split the export into several bundles of fewer jobs",
        ));
    }
}

/// Job references: missing scripts and resources, jobs outside the bundle.
/// Returns the paths of the definitions some job uses.
fn check_references<'a>(
    summaries: &'a [Summary],
    unparsed: &'a [PlacedPath],
    origin: Origin,
    out: &mut Vec<Diagnostic>,
) -> HashSet<&'a str> {
    let job_names: HashSet<&str> =
        summaries.iter().filter(|s| s.kind() == DefinitionKind::Job).map(Summary::name).collect();
    let carries_dependencies = summaries
        .iter()
        .map(Summary::kind)
        .chain(unparsed.iter().map(PlacedPath::kind))
        .any(|kind| kind != DefinitionKind::Job);
    let mut used: HashSet<&str> = HashSet::new();
    let mut must_exist: BTreeMap<(DefinitionKind, String), Vec<String>> = BTreeMap::new();
    let mut script_types: HashMap<&str, &ScriptType> = HashMap::with_capacity(summaries.len());
    script_types.extend(summaries.iter().filter_map(|summary| Some((summary.path(), summary.script_type.as_ref()?))));
    // Only a missing script or resource needs them (this runs on one core).
    let present = std::cell::OnceCell::new();
    let present = || present.get_or_init(|| Present::of(summaries, unparsed, origin));
    for job in summaries.iter().filter(|s| s.kind() == DefinitionKind::Job) {
        for need in &job.references {
            let Wanted { reference, pointer, path, position } = match need {
                Need::Held(path, runner) => {
                    used.insert(path);
                    if let Some(runner) = runner
                        && let Some(script_type) = script_types.get(&**path)
                    {
                        check_script_type(job, path, runner, script_type, out);
                    }
                    continue;
                }
                Need::Other(wanted) => &**wanted,
            };
            let (kind, name) = match &reference.target {
                Target::Script(name) => (DefinitionKind::Script, name),
                Target::Resource(name) => (DefinitionKind::Resource, name),
                Target::Job(name) => {
                    if !job_names.contains(name.as_str()) && !reference.probable {
                        let mut outside = Diagnostic::new(
                            Code::JobOutsideBundle,
                            Some(job.path()),
                            None,
                            format!(
                                "job `{}` depends on job `{name}` ({}), which is not in the bundle",
                                job.name(),
                                reference.via
                            ),
                            "make sure the job exists in the target workspace, or export it too",
                        );
                        set_position(&mut outside, position.as_ref());
                        out.push(outside);
                    }
                    continue;
                }
                Target::Environment { .. } => continue,
            };
            // The bundle lacks it: what it holds is a `Need::Held`.
            let Some(path) = path.as_deref() else { continue };
            let node = reference.node.as_deref().unwrap_or("?");
            if carries_dependencies {
                let add = present().add_hint(path);
                let nearest = present().nearest(kind, name);
                let hint = match nearest {
                    Some(nearest) => format!("did you mean `{nearest}`? Otherwise {add}"),
                    None => add,
                };
                let mut missing = Diagnostic::new(
                    Code::MissingDependency,
                    Some(job.path()),
                    pointer.clone(),
                    format!("node `{node}` needs {} `{name}`, which is not at `{path}`", kind.as_str()),
                    &hint,
                );
                missing.suggestion = nearest.map(str::to_owned);
                set_position(&mut missing, position.as_ref());
                out.push(missing);
            } else {
                must_exist.entry((kind, name.clone())).or_default().push(format!("{}/{node}", job.name()));
            }
        }
    }
    for ((kind, name), users) in must_exist {
        out.push(Diagnostic::new(
            Code::DependencyMustExist,
            None,
            None,
            format!(
                "the bundle carries no scripts or resources (exportDepend=false); {} `{name}` used by {} must already exist in the target workspace",
                kind.as_str(),
                users.join(", ")
            ),
            "check the target workspace, or export with dependencies",
        ));
    }
    used
}

fn set_position(diagnostic: &mut Diagnostic, position: Option<&(usize, usize, Option<String>)>) {
    if let Some((line, column, source)) = position {
        (diagnostic.line, diagnostic.column, diagnostic.source) = (Some(*line), Some(*column), source.clone());
    }
}

/// A script whose type the node running it cannot run.
fn check_script_type(job: &Summary, path: &str, runner: &Runner, script_type: &ScriptType, out: &mut Vec<Diagnostic>) {
    let Some(spec) = NodeType::from(runner.node_type).spec() else { return };
    // An unknown script type has its own warning; a type the node lists is fine.
    if script_type.is_unknown() || spec.scripts.is_empty() || spec.may_run(script_type.as_str()) {
        return;
    }
    let expected = spec.scripts.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" or ");
    out.push(Diagnostic::new(
        Code::ScriptTypeMismatch,
        Some(job.path()),
        Some(runner.pointer()),
        format!("a `{}` node runs {expected} scripts, but `{path}` is a `{script_type}` script", runner.node_type),
        &format!(
            "name a script of type {expected}, or change the node's type to one that runs `{script_type}` scripts"
        ),
    ));
}

/// The scripts and resources a bundle holds, for "did you mean", and how
/// to add a missing one.
struct Present<'a> {
    names: BTreeMap<DefinitionKind, Vec<&'a str>>,
    origin: Origin,
}

impl<'a> Present<'a> {
    fn of(summaries: &'a [Summary], unparsed: &'a [PlacedPath], origin: Origin) -> Self {
        let mut names: BTreeMap<DefinitionKind, Vec<&str>> = BTreeMap::new();
        for summary in summaries.iter().filter(|s| s.kind() != DefinitionKind::Job) {
            names.entry(summary.kind()).or_default().push(summary.name());
        }
        for placed in unparsed.iter().filter(|p| p.kind() != DefinitionKind::Job) {
            names.entry(placed.kind()).or_default().push(placed.stem());
        }
        Self { names, origin }
    }

    /// How to add the definition missing at `path`, as fits the input.
    fn add_hint(&self, path: &str) -> String {
        match self.origin {
            Origin::Workspace => format!("add `{path}` to the workspace (any sub-folder of its kind's folder)"),
            Origin::Folder => format!("add `{path}` to the folder, or export again with dependencies"),
            Origin::Archive(_) | Origin::Memory => {
                "export again with dependencies (exportDepend=true), or add the file".to_owned()
            }
        }
    }

    fn nearest(&self, kind: DefinitionKind, name: &str) -> Option<&'a str> {
        crate::name::nearest(name, self.names.get(&kind)?.iter().copied())
    }
}

/// Definitions no job uses, and copies of one object that differ.
fn check_unused_and_copies(summaries: &[Summary], used: &HashSet<&str>, out: &mut Vec<Diagnostic>) {
    let mut copies: HashMap<(DefinitionKind, &str), &Summary> = HashMap::new();
    for summary in summaries.iter().filter(|s| s.kind() != DefinitionKind::Job) {
        if !used.contains(summary.path()) {
            out.push(Diagnostic::new(
                Code::UnusedDefinition,
                Some(summary.path()),
                None,
                format!("no job in the bundle uses {} `{}`", summary.kind().as_str(), summary.name()),
                "remove it, or check the node that should reference it",
            ));
        }
        // The same object in several job folders: identical bytes, or at least the same JSON.
        let Some(copy) = &summary.copy else { continue };
        match copies.get(&(summary.kind(), summary.name())) {
            Some(first) => {
                let same = first
                    .copy
                    .as_ref()
                    .is_some_and(|other| other.bytes() == copy.bytes() || other.definition() == copy.definition());
                if !same {
                    out.push(Diagnostic::new(
                        Code::ConflictingCopies,
                        Some(summary.path()),
                        None,
                        format!(
                            "{} `{}` differs from the copy at `{}`",
                            summary.kind().as_str(),
                            summary.name(),
                            first.path()
                        ),
                        "one workspace object has one definition: make the copies identical",
                    ));
                }
            }
            None => {
                copies.insert((summary.kind(), summary.name()), summary);
            }
        }
    }
}

//! Where definitions sit inside a bundle: the batch and single layouts.

use crate::diagnostic::{Warning, WarningKind};
use crate::error::{Error, ErrorKind, RequestPart, Result};
use crate::kind::DefinitionKind;
use crate::name;
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::sync::Arc;

/// The layout of a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// `jobs.zip` from batch export: `jobs/<job>/<job>.job` with that job's
    /// scripts and resources beside it.
    Batch,
    /// `DLF_<job>.zip` from single export: `jobs/<job>.job`,
    /// `scripts/<s>.script`, `resources/<r>.resource`.
    Single,
}

impl Layout {
    /// `batch` or `single`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Batch => "batch",
            Self::Single => "single",
        }
    }

    /// The path of a definition named `name` in this layout. In the batch
    /// layout `job` is the job whose folder holds it (for a job: itself).
    ///
    /// ```
    /// use dlf_bundle::{DefinitionKind, Layout};
    /// assert_eq!(Layout::Batch.path_for(DefinitionKind::Job, "job_batch", None), "jobs/job_batch/job_batch.job");
    /// assert_eq!(
    ///     Layout::Batch.path_for(DefinitionKind::Script, "dws_sql", Some("job_batch")),
    ///     "jobs/job_batch/dws_sql.script"
    /// );
    /// assert_eq!(Layout::Single.path_for(DefinitionKind::Resource, "udf", None), "resources/udf.resource");
    /// ```
    pub fn path_for(self, kind: DefinitionKind, name: &str, job: Option<&str>) -> String {
        let extension = kind.extension();
        // One allocation (`concat`): validation asks for a path per reference.
        match (self, kind) {
            (Self::Batch, DefinitionKind::Job) => ["jobs/", name, "/", name, ".", extension].concat(),
            (Self::Batch, _) => ["jobs/", job.unwrap_or(name), "/", name, ".", extension].concat(),
            (Self::Single, _) => [kind.folder(), "/", name, ".", extension].concat(),
        }
    }
}

impl std::str::FromStr for Layout {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "batch" => Ok(Self::Batch),
            "single" => Ok(Self::Single),
            _ => Err(Error::invalid_request(RequestPart::Layout, format!("unknown layout `{text}` (batch or single)"))),
        }
    }
}

/// Where one definition file sits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Placement {
    /// Its kind, from the extension.
    pub kind: DefinitionKind,
    /// The file name without extension.
    pub stem: String,
    /// Batch layout: the job folder. Single layout: `None`.
    pub job_folder: Option<String>,
    /// The layout this path belongs to.
    pub layout: Layout,
}

impl Placement {
    /// Where `path` (wrapper folder already removed) sits, if it is a
    /// definition file of either layout.
    ///
    /// ```
    /// use dlf_bundle::{DefinitionKind, Layout, Placement};
    /// let placement = Placement::of("jobs/job_batch/dws_sql.script").unwrap();
    /// assert_eq!((placement.kind, placement.layout), (DefinitionKind::Script, Layout::Batch));
    /// assert_eq!(placement.job_folder.as_deref(), Some("job_batch"));
    /// assert!(Placement::of("jobs/a/b/c.job").is_none());
    /// ```
    pub fn of(path: &str) -> Option<Self> {
        let (kind, stem, job_folder) = classify(path)?;
        let layout = if job_folder.is_some() { Layout::Batch } else { Layout::Single };
        Some(Self { kind, stem: stem.to_owned(), job_folder: job_folder.map(str::to_owned), layout })
    }
}

/// The kind, the file stem and the job folder (batch layout) of a
/// definition path.
fn classify(path: &str) -> Option<(DefinitionKind, &str, Option<&str>)> {
    let (folders, file) = path.rsplit_once('/')?;
    let (stem, extension) = file.rsplit_once('.')?;
    let kind = DefinitionKind::from_extension(extension)?;
    if stem.is_empty() {
        return None;
    }
    if folders == kind.folder() {
        return Some((kind, stem, None));
    }
    match folders.split_once('/') {
        Some(("jobs", job)) if !job.contains('/') => Some((kind, stem, Some(job))),
        _ => None,
    }
}

/// A file name given to [`Arrangement::new`], which gives the path it is placed at
/// (the name, or the name without its wrapper folder) without a copy where
/// it can.
pub(crate) trait FileName: AsRef<str> {
    /// `path`, a suffix of this name, as a shared string.
    fn share(&self, path: &str) -> Arc<str> {
        Arc::from(path)
    }
}

impl FileName for &str {}

impl FileName for Arc<str> {
    fn share(&self, path: &str) -> Arc<str> {
        // A suffix as long as the name is the name.
        if path.len() == self.len() { Arc::clone(self) } else { Arc::from(path) }
    }
}

/// A placed definition as a plan keeps it: its bundle path, shared with
/// what validation keeps of it, and its kind; the name and the job folder
/// are read from the path, so a bundle of 78,000 entries holds one string
/// per definition.
#[derive(Debug, Clone)]
pub(crate) struct PlacedPath {
    path: Arc<str>,
    kind: DefinitionKind,
}

impl PlacedPath {
    /// The definition at `path`, if it is one of either layout.
    pub(crate) fn of(path: &str) -> Option<Self> {
        Self::sharing(path, || Arc::from(path))
    }

    /// The definition at `path`, kept as `share` gives it, if it is one.
    fn sharing(path: &str, share: impl FnOnce() -> Arc<str>) -> Option<Self> {
        let (kind, _, _) = classify(path)?;
        Some(Self { path: share(), kind })
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The path, to share rather than copy.
    pub(crate) fn shared_path(&self) -> &Arc<str> {
        &self.path
    }

    pub(crate) fn kind(&self) -> DefinitionKind {
        self.kind
    }

    /// The folders before the file name, and the file name without its extension.
    fn folders_and_stem(&self) -> (&str, &str) {
        let (folders, file) = self.path.rsplit_once('/').unwrap_or(("", &self.path));
        (folders, file.rsplit_once('.').map_or(file, |(stem, _)| stem))
    }

    /// The file name without extension.
    pub(crate) fn stem(&self) -> &str {
        self.folders_and_stem().1
    }

    /// Batch layout: the job folder. Single layout: `None`.
    pub(crate) fn job_folder(&self) -> Option<&str> {
        // `jobs/<folder>/<stem>…`; the single layout's `jobs/<stem>…` has no folder.
        self.folders_and_stem().0.strip_prefix("jobs/")
    }

    pub(crate) fn layout(&self) -> Layout {
        if self.job_folder().is_some() { Layout::Batch } else { Layout::Single }
    }

    /// The public placement.
    pub(crate) fn placement(&self) -> Placement {
        let job_folder = self.job_folder().map(str::to_owned);
        Placement { kind: self.kind, stem: self.stem().to_owned(), job_folder, layout: self.layout() }
    }

    /// The message for a definition whose inside `name` differs from its
    /// file name, when it does (DataArts identifies objects by name, and
    /// exports name each file after the object).
    pub(crate) fn name_mismatch(&self, inner: Option<&str>) -> Option<String> {
        name_mismatch(self.kind, self.stem(), inner)
    }
}

/// `jobs/…/x.job` (any depth below its kind's folder) as the single layout
/// names it, `jobs/x.job`: how a workspace names its definitions.
pub(crate) fn workspace_name(name: &str) -> Option<String> {
    let (top, rest) = name.split_once('/')?;
    let file = rest.rsplit('/').next()?;
    let (stem, extension) = file.rsplit_once('.')?;
    let kind = DefinitionKind::from_extension(extension)?;
    (top == kind.folder() && !stem.is_empty()).then(|| format!("{top}/{file}"))
}

/// Whether a folder holding files of these relative `names` is a workspace
/// (definitions in sub-folders of `jobs/`, `scripts/`, `resources/`) rather
/// than an unpacked bundle: some definition sits where a workspace puts it,
/// none sits where a workspace would not hold it, and the names either form
/// no layout or leave such a definition out as a stray file. One answer for
/// every command that reads a folder.
pub(crate) fn reads_as_workspace(names: &[&str]) -> bool {
    names.iter().any(|name| workspace_name(name).is_some()) && bundle_plan(names).is_none()
}

/// The plan of a folder of these names when it reads as a bundle (or why
/// it places nothing), `None` when it reads as a workspace
/// ([`reads_as_workspace`]): a command that takes either plans it once.
pub(crate) fn bundle_plan(names: &[&str]) -> Option<Result<Arrangement>> {
    let plan = Arrangement::new(names, Vec::new());
    if !names.iter().any(|name| workspace_name(name).is_some()) {
        return Some(plan);
    }
    let leaves_out_a_workspace_definition = |plan: &Arrangement| {
        plan.warnings().iter().any(|warning| {
            warning.kind == WarningKind::StrayFile
                && warning.entry.as_deref().is_some_and(|entry| workspace_name(entry).is_some())
        })
    };
    // A definition a workspace would not hold (a script in a job's folder)
    // says the folder is an export, however broken: its own error stands.
    let outside_a_workspace = || {
        names.iter().any(|name| {
            let extension = name.rsplit_once('.').map(|(_, extension)| extension);
            extension.and_then(DefinitionKind::from_extension).is_some() && workspace_name(name).is_none()
        })
    };
    match &plan {
        Err(_) if outside_a_workspace() => Some(plan),
        Err(_) => None,
        Ok(placed) if leaves_out_a_workspace_definition(placed) => None,
        Ok(_) => Some(plan),
    }
}

/// The message for a `kind` file named `stem` whose inside `name` is
/// `inner`, when the two differ.
pub(crate) fn name_mismatch(kind: DefinitionKind, stem: &str, inner: Option<&str>) -> Option<String> {
    let inner = inner.filter(|inner| *inner != stem)?;
    Some(format!("file `{stem}.{}` holds {} `{inner}`", kind.extension(), kind.as_str()))
}

/// A warning for each name that collides with an earlier one on a
/// case-insensitive file system, naming the latest such one, in name order.
/// Sorted rather than hashed: a table of 78,000 names would be a large
/// short-lived allocation.
fn case_collisions(names: &[&str]) -> Vec<Warning> {
    let mut keys: Vec<(Cow<'_, str>, usize)> =
        names.iter().enumerate().map(|(index, name)| (name::collision_key(name), index)).collect();
    keys.sort_unstable();
    let mut collisions: Vec<(usize, Warning)> = keys
        .windows(2)
        .filter_map(|pair| match pair {
            [(key, earlier), (next, index)] if key == next => {
                let (name, other) = (names.get(*index)?, names.get(*earlier)?);
                let message = format!("collides with `{other}` on a case-insensitive file system");
                Some((*index, Warning::new(WarningKind::CaseCollision, Some(name), message)))
            }
            _ => None,
        })
        .collect();
    collisions.sort_unstable_by_key(|(index, _)| *index);
    collisions.into_iter().map(|(_, warning)| warning).collect()
}

/// The wrapper folder to strip: one top-level folder that holds every file,
/// when it is not itself a layout folder.
fn wrapper_folder(paths: &[&str]) -> Option<String> {
    let mut wrapper: Option<&str> = None;
    for path in paths {
        let (first, rest) = path.split_once('/')?;
        if rest.is_empty() {
            return None;
        }
        match wrapper {
            None => wrapper = Some(first),
            Some(existing) if existing == first => {}
            Some(_) => return None,
        }
    }
    let wrapper = wrapper?;
    if DefinitionKind::ALL.iter().any(|kind| kind.folder() == wrapper) {
        // A wrapper named `jobs` (Windows "Extract All" then a re-zip gives
        // `jobs/jobs/<job>/…`): only when the names as they are place no
        // definition and the names one level down do.
        let places = |path: &str| classify(path).is_some();
        let below = |path: &&str| path.split_once('/').is_some_and(|(_, rest)| places(rest));
        if paths.iter().any(|path| places(path)) || !paths.iter().any(below) {
            return None;
        }
    }
    Some(wrapper.to_owned())
}

/// Decides the layout from the placements of every definition, and checks
/// the batch rule: each job folder holds exactly one `.job`, named after it.
fn detect<'a>(placed: impl IntoIterator<Item = &'a PlacedPath>) -> Result<Layout> {
    /// What the batch rule needs of a job folder: its first file and its first two jobs.
    struct Folder<'a> {
        first: &'a PlacedPath,
        jobs: [Option<&'a PlacedPath>; 2],
    }
    let mut layout: Option<(Layout, &str)> = None;
    // Hashed, not sorted: the rule is checked per folder, and only a folder
    // that breaks it needs ordering (the first by name is reported).
    let mut folders: HashMap<&str, Folder<'_>> = HashMap::new();
    for placed in placed {
        let path = placed.path();
        match layout {
            None => layout = Some((placed.layout(), path)),
            Some((seen, first)) if seen != placed.layout() => {
                return Err(Error::new(
                    ErrorKind::Layout,
                    format!(
                        "mixes the {} layout (`{first}`) with the {} layout; a bundle uses one",
                        seen.as_str(),
                        placed.layout().as_str()
                    ),
                )
                .in_entry(path));
            }
            Some(_) => {}
        }
        if let Some(name) = placed.job_folder() {
            let folder = folders.entry(name).or_insert(Folder { first: placed, jobs: [None, None] });
            if placed.kind() == DefinitionKind::Job {
                match &mut folder.jobs {
                    [first @ None, _] => *first = Some(placed),
                    [Some(_), second @ None] => *second = Some(placed),
                    [Some(_), Some(_)] => {}
                }
            }
        }
    }
    let Some((layout, _)) = layout else {
        return Err(Error::new(
            ErrorKind::Layout,
            "no job, script or resource definitions (expected `jobs/<job>/<job>.job` or `jobs/<job>.job`)",
        ));
    };
    let keeps_the_rule =
        |name: &str, folder: &Folder<'_>| matches!(folder.jobs, [Some(job), None] if job.stem() == name);
    let broken = folders.iter().filter(|(name, folder)| !keeps_the_rule(name, folder));
    let Some((folder, Folder { first, jobs })) = broken.min_by_key(|(name, _)| **name) else {
        return Ok(layout);
    };
    let error = match jobs {
        [Some(job), None] => Error::new(
            ErrorKind::Layout,
            format!(
                "job file `{}.job` is in folder `jobs/{folder}/`; batch export names the folder after the job",
                job.stem()
            ),
        )
        .in_entry(job.path()),
        [None, _] => Error::new(
            ErrorKind::Layout,
            format!("folder `jobs/{folder}/` has no `{folder}.job`; in a batch export each job folder holds its job"),
        )
        .in_entry(first.path()),
        [_, Some(second)] => {
            Error::new(ErrorKind::Layout, format!("folder `jobs/{folder}/` holds more than one `.job` file"))
                .in_entry(second.path())
        }
    };
    Err(error)
}

/// Per file, in input order: where it is placed, or `None` for a stray file.
pub(crate) type Placements = Vec<Option<PlacedPath>>;

/// Where each file of a bundle goes, decided from the names alone so that
/// the contents can then be loaded and parsed in parallel.
#[derive(Debug)]
pub(crate) struct Arrangement {
    placements: Placements,
    layout: Layout,
    warnings: Vec<Warning>,
}

impl Arrangement {
    /// Plans a bundle from file names (archive entries or files of a folder):
    /// one wrapper folder is stripped, each file is placed in a layout, and
    /// the layout is checked.
    pub(crate) fn new<N: FileName>(files: &[N], mut warnings: Vec<Warning>) -> Result<Self> {
        let names: Vec<&str> = files.iter().map(AsRef::as_ref).collect();
        let wrapper = wrapper_folder(&names);
        warnings.extend(case_collisions(&names));
        let mut placements = Vec::with_capacity(names.len());
        for (&name, file) in names.iter().zip(files) {
            let path = match &wrapper {
                Some(folder) => name.strip_prefix(folder.as_str()).and_then(|n| n.strip_prefix('/')).unwrap_or(name),
                None => name,
            };
            let placed = PlacedPath::sharing(path, || file.share(path));
            if placed.is_none() {
                warnings.push(Warning::new(
                    WarningKind::StrayFile,
                    Some(name),
                    "not a job, script or resource definition of either layout; ignored",
                ));
            }
            placements.push(placed);
        }
        let layout = detect(placements.iter().flatten()).map_err(|error| {
            // A bundle zipped again among other files (README, notes).
            let inner = names.iter().find(|name| name.to_ascii_lowercase().ends_with(".zip"));
            match inner {
                Some(inner) if placements.iter().all(Option::is_none) => Error::new(
                    ErrorKind::Layout,
                    format!("no definitions here, but `{inner}` looks like a bundle inside this zip: unzip it and use `{inner}` itself"),
                )
                .in_entry(*inner),
                _ => error,
            }
        })?;
        if let Some(folder) = wrapper {
            warnings.insert(
                0,
                Warning::new(
                    WarningKind::WrapperFolder,
                    None,
                    format!("entries are wrapped in the folder `{folder}/`; read as if it were absent"),
                ),
            );
        }
        Ok(Self { placements, layout, warnings })
    }

    /// The kind of definition file `index` holds, if it is one.
    pub(crate) fn kind(&self, index: usize) -> Option<DefinitionKind> {
        self.placed_at(index).map(PlacedPath::kind)
    }

    /// Where file `index` is placed, if it is a definition.
    pub(crate) fn placed_at(&self, index: usize) -> Option<&PlacedPath> {
        self.placements.get(index)?.as_ref()
    }

    /// Every placed definition.
    pub(crate) fn placed(&self) -> impl Iterator<Item = &PlacedPath> {
        // `filter_map`, not `flatten`: its size hint bounds the count.
        self.placements.iter().filter_map(Option::as_ref)
    }

    pub(crate) fn layout(&self) -> Layout {
        self.layout
    }

    pub(crate) fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The warning for a definition whose inside `name` differs from its file name.
    pub(crate) fn name_mismatch(entry: &str, placed: &PlacedPath, inner: Option<&str>) -> Option<Warning> {
        let message = placed.name_mismatch(inner)?;
        Some(Warning::new(WarningKind::NameMismatch, Some(entry), message))
    }

    /// The layout, the warnings so far, and per file its path and placement.
    pub(crate) fn into_parts(self) -> (Layout, Vec<Warning>, Placements) {
        (self.layout, self.warnings, self.placements)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_recognises_both_layouts_and_nothing_else() {
        let single = |kind, stem: &str| Some((kind, stem.to_owned(), None, Layout::Single));
        let batch = |kind, stem: &str, job: &str| Some((kind, stem.to_owned(), Some(job.to_owned()), Layout::Batch));
        let table = [
            ("jobs/a.job", single(DefinitionKind::Job, "a")),
            ("scripts/s.script", single(DefinitionKind::Script, "s")),
            ("resources/r.v1.resource", single(DefinitionKind::Resource, "r.v1")),
            ("jobs/a/a.job", batch(DefinitionKind::Job, "a", "a")),
            ("jobs/a/s.script", batch(DefinitionKind::Script, "s", "a")),
            ("jobs/a/r.resource", batch(DefinitionKind::Resource, "r", "a")),
            ("jobs/s.script", None),
            ("scripts/a.job", None),
            ("scripts/a/s.script", None),
            ("jobs/a/b/c.job", None),
            ("a.job", None),
            ("jobs/.job", None),
            ("jobs/a/notes.txt", None),
            ("other/a/a.job", None),
        ];
        for (path, expected) in table {
            let placed = Placement::of(path).map(|p| (p.kind, p.stem, p.job_folder, p.layout));
            assert_eq!(placed, expected, "{path}");
            // What a plan keeps gives the same placement.
            assert_eq!(PlacedPath::of(path).map(|placed| placed.placement()), Placement::of(path), "{path}");
        }
    }
}

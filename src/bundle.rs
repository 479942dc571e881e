//! The in-memory bundle: definitions by path, in one layout.

use crate::error::{Error, ErrorKind, Result};
use crate::layout::{self, Layout, Placement};
use crate::model::{Definition, Document, Job, Kind, Resource, Script};
use crate::name;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// What a [`Warning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A file that is not a definition of either layout; ignored.
    StrayFile,
    /// Every entry sits in one wrapper folder, read as if it were absent.
    WrapperFolder,
    /// An entry name stored in GBK without the UTF-8 flag.
    GbkName,
    /// Two names that collide on a case-insensitive file system.
    CaseCollision,
    /// A file name that differs from the `name` inside.
    NameMismatch,
    /// A job referenced by an exported job but left out of the export.
    JobLeftOut,
    /// Jobs that reference each other in a cycle.
    JobCycle,
}

/// Something worth telling that does not stop a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The entry concerned, when there is one.
    pub entry: Option<String>,
    /// What was noticed.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(kind: WarningKind, entry: Option<&str>, message: impl Into<String>) -> Self {
        Self { kind, entry: entry.map(str::to_owned), message: message.into() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(entry) => write!(f, "entry `{entry}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One definition file of a bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    path: String,
    placement: Placement,
    document: Document,
}

impl Entry {
    /// The path inside the bundle (`jobs/a/a.job`), without any wrapper folder.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The kind, from the extension.
    pub fn kind(&self) -> Kind {
        self.placement.kind
    }

    /// The file name without extension.
    pub fn stem(&self) -> &str {
        &self.placement.stem
    }

    /// Where the entry sits in the layout.
    pub fn placement(&self) -> &Placement {
        &self.placement
    }

    /// Batch layout: the job folder holding this entry.
    pub fn job_folder(&self) -> Option<&str> {
        self.placement.job_folder.as_deref()
    }

    /// The parsed definition and its bytes.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The document, for changing it.
    pub fn document_mut(&mut self) -> &mut Document {
        &mut self.document
    }

    /// The `name` inside the definition, falling back to the file stem.
    pub fn name(&self) -> &str {
        self.document.name().unwrap_or(&self.placement.stem)
    }

    /// The job, for a `.job` entry.
    pub fn job(&self) -> Option<&Job> {
        match self.document.definition() {
            Definition::Job(job) => Some(job),
            _ => None,
        }
    }

    /// The script, for a `.script` entry.
    pub fn script(&self) -> Option<&Script> {
        match self.document.definition() {
            Definition::Script(script) => Some(script),
            _ => None,
        }
    }

    /// The resource, for a `.resource` entry.
    pub fn resource(&self) -> Option<&Resource> {
        match self.document.definition() {
            Definition::Resource(resource) => Some(resource),
            _ => None,
        }
    }
}

/// A job export bundle: jobs, scripts and resources in one layout.
///
/// Entries are kept sorted by path, which is also the order they are written in.
///
/// ```
/// use dlf_bundle::{Bundle, Job, Layout, Script, ScriptType};
/// let mut bundle = Bundle::new(Layout::Batch);
/// bundle.add_job(Job::new("job_batch"))?;
/// bundle.add_script(Some("job_batch"), Script::new("dws_sql", ScriptType::DwsSql, "select 1;"))?;
/// let paths: Vec<&str> = bundle.entries().iter().map(|e| e.path()).collect();
/// assert_eq!(paths, ["jobs/job_batch/dws_sql.script", "jobs/job_batch/job_batch.job"]);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    layout: Layout,
    entries: BTreeMap<String, Entry>,
    warnings: Vec<Warning>,
}

impl Bundle {
    /// An empty bundle.
    pub fn new(layout: Layout) -> Self {
        Self { layout, entries: BTreeMap::new(), warnings: Vec::new() }
    }

    /// The layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// All entries, sorted by path.
    pub fn entries(&self) -> Vec<&Entry> {
        self.entries.values().collect()
    }

    /// Entries sorted by path, as an iterator.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// Number of definition entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when the bundle holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry at `path`.
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(path)
    }

    /// The entry at `path`, for changing its definition.
    pub fn get_mut(&mut self, path: &str) -> Option<&mut Entry> {
        self.entries.get_mut(path)
    }

    /// The job entries.
    pub fn jobs(&self) -> impl Iterator<Item = (&Entry, &Job)> {
        self.entries.values().filter_map(|entry| entry.job().map(|job| (entry, job)))
    }

    /// The script entries.
    pub fn scripts(&self) -> impl Iterator<Item = (&Entry, &Script)> {
        self.entries.values().filter_map(|entry| entry.script().map(|script| (entry, script)))
    }

    /// The resource entries.
    pub fn resources(&self) -> impl Iterator<Item = (&Entry, &Resource)> {
        self.entries.values().filter_map(|entry| entry.resource().map(|resource| (entry, resource)))
    }

    /// Warnings collected while reading.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Adds a document at `path`.
    ///
    /// # Security
    /// `path` goes through [`name::check_entry_name`] and must fit the
    /// bundle's layout, so a bundle never holds a name the reader would refuse.
    ///
    /// # Errors
    /// [`ErrorKind::InsecureName`], [`ErrorKind::Layout`] (wrong place or
    /// kind for the extension), [`ErrorKind::DuplicateEntry`].
    pub fn insert(&mut self, path: &str, document: Document) -> Result<()> {
        name::check_entry_name(path)?;
        let placement = layout::place(path).ok_or_else(|| {
            Error::new(ErrorKind::Layout, "not a definition path of the batch or single layout").in_entry(path)
        })?;
        if placement.layout != self.layout {
            return Err(Error::new(
                ErrorKind::Layout,
                format!("path belongs to the {} layout, bundle is {}", placement.layout.as_str(), self.layout.as_str()),
            )
            .in_entry(path));
        }
        if placement.kind != document.kind() {
            return Err(Error::new(
                ErrorKind::Layout,
                format!(
                    "a {} definition cannot be stored as a `.{}` file",
                    document.kind().as_str(),
                    placement.kind.extension()
                ),
            )
            .in_entry(path));
        }
        self.insert_placed(path.to_owned(), placement, document)
    }

    /// Adds a document whose path was already checked and placed in this
    /// bundle's layout, with the document's kind.
    fn insert_placed(&mut self, path: String, placement: Placement, document: Document) -> Result<()> {
        if self.entries.contains_key(&path) {
            return Err(Error::new(ErrorKind::DuplicateEntry, "an entry with this path already exists").in_entry(path));
        }
        self.entries.insert(path.clone(), Entry { path, placement, document });
        Ok(())
    }

    /// Adds a job at the path its name gives in this layout.
    pub fn add_job(&mut self, job: Job) -> Result<()> {
        self.add_definition(Definition::Job(job), None)
    }

    /// Adds a script; in the batch layout, into `job`'s folder.
    pub fn add_script(&mut self, job: Option<&str>, script: Script) -> Result<()> {
        self.add_definition(Definition::Script(script), job)
    }

    /// Adds a resource; in the batch layout, into `job`'s folder.
    pub fn add_resource(&mut self, job: Option<&str>, resource: Resource) -> Result<()> {
        self.add_definition(Definition::Resource(resource), job)
    }

    fn add_definition(&mut self, definition: Definition, job: Option<&str>) -> Result<()> {
        let kind = definition.kind();
        let name = definition
            .name()
            .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, format!("the {} has no `name`", kind.as_str())))?
            .to_owned();
        if self.layout == Layout::Batch && kind != Kind::Job && job.is_none() {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("the batch layout stores {} `{name}` in a job folder; name the job", kind.as_str()),
            ));
        }
        let path = self.layout.path_for(kind, &name, job);
        self.insert(&path, Document::from(definition))
    }

    /// Removes and returns the entry at `path`.
    pub fn remove(&mut self, path: &str) -> Option<Entry> {
        self.entries.remove(path)
    }
}

/// Where each file of a bundle goes, decided from the names alone so that
/// the contents can then be loaded and parsed in parallel.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Per file, in input order: its bundle path and placement, or `None` for a stray file.
    placements: Vec<Option<(String, Placement)>>,
    layout: Layout,
    warnings: Vec<Warning>,
}

impl Plan {
    /// Plans a bundle from file names (archive entries or files of a folder):
    /// one wrapper folder is stripped, each file is placed in a layout, and
    /// the layout is checked.
    pub(crate) fn new(names: &[&str], mut warnings: Vec<Warning>) -> Result<Self> {
        let wrapper = layout::wrapper_folder(names.iter().copied());
        let mut seen: HashMap<Cow<'_, str>, &str> = HashMap::with_capacity(names.len());
        for name in names {
            if let Some(other) = seen.insert(name::collision_key(name), name) {
                warnings.push(Warning::new(
                    WarningKind::CaseCollision,
                    Some(name),
                    format!("collides with `{other}` on a case-insensitive file system"),
                ));
            }
        }
        let mut placements = Vec::with_capacity(names.len());
        for name in names {
            let path = match &wrapper {
                Some(folder) => name.strip_prefix(folder.as_str()).and_then(|n| n.strip_prefix('/')).unwrap_or(name),
                None => name,
            };
            let placement = layout::place(path);
            if placement.is_none() {
                warnings.push(Warning::new(
                    WarningKind::StrayFile,
                    Some(name),
                    "not a job, script or resource definition of either layout; ignored",
                ));
            }
            placements.push(placement.map(|placement| (path.to_owned(), placement)));
        }
        let placed = names.iter().zip(&placements).filter_map(|(name, p)| p.as_ref().map(|(_, p)| (*name, p)));
        let layout = layout::detect(placed)?;
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
    pub(crate) fn kind(&self, index: usize) -> Option<Kind> {
        self.placement(index).map(|(_, placement)| placement.kind)
    }

    /// The bundle path and placement of file `index`, if it is a definition.
    pub(crate) fn placement(&self, index: usize) -> Option<(&str, &Placement)> {
        self.placements.get(index)?.as_ref().map(|(path, placement)| (path.as_str(), placement))
    }

    /// Every placed definition.
    pub(crate) fn placements(&self) -> impl Iterator<Item = &Placement> {
        self.placements.iter().flatten().map(|(_, placement)| placement)
    }

    pub(crate) fn layout(&self) -> Layout {
        self.layout
    }

    pub(crate) fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The warning for a definition whose inside `name` differs from its file name.
    pub(crate) fn name_mismatch(entry: &str, placement: &Placement, inner: Option<&str>) -> Option<Warning> {
        let inner = inner.filter(|inner| *inner != placement.stem)?;
        Some(Warning::new(
            WarningKind::NameMismatch,
            Some(entry),
            format!("file name `{}` differs from the name `{inner}` inside", placement.stem),
        ))
    }

    /// Builds the bundle from the parsed documents (`None` for stray files),
    /// in the order of the names given to [`Plan::new`]; the first error wins.
    pub(crate) fn assemble(self, names: &[&str], documents: Vec<Result<Option<Document>>>) -> Result<Bundle> {
        let mut warnings = self.warnings;
        let mut bundle = Bundle::new(self.layout);
        for ((name, placement), document) in names.iter().zip(self.placements).zip(documents) {
            let (Some((path, placement)), Some(document)) = (placement, document?) else { continue };
            warnings.extend(Self::name_mismatch(name, &placement, document.name()));
            // Names were checked when listed and placed by `Plan::new`, which also
            // settled the layout; the document was parsed as the placement's kind.
            bundle.insert_placed(path, placement, document).map_err(|e| e.in_entry(*name))?;
        }
        bundle.warnings = warnings;
        Ok(bundle)
    }
}

impl Bundle {
    /// The entries drawn as a tree, one line each, the way the API
    /// documentation draws a bundle:
    ///
    /// ```text
    /// jobs
    /// ├── job_batch
    /// │   ├── dws_sql.script
    /// │   └── job_batch.job
    /// └── job_stream
    ///     └── job_stream.job
    /// ```
    pub fn tree(&self) -> String {
        #[derive(Default)]
        struct Folder<'a>(BTreeMap<&'a str, Folder<'a>>);
        fn draw(folder: &Folder<'_>, prefix: &str, out: &mut String) {
            let count = folder.0.len();
            for (i, (name, child)) in folder.0.iter().enumerate() {
                let last = i + 1 == count;
                out.push_str(prefix);
                out.push_str(if last { "└── " } else { "├── " });
                out.push_str(name);
                out.push('\n');
                draw(child, &format!("{prefix}{}", if last { "    " } else { "│   " }), out);
            }
        }
        let mut root = Folder::default();
        for entry in self.iter() {
            let mut folder = &mut root;
            for part in entry.path().split('/') {
                folder = folder.0.entry(part).or_default();
            }
        }
        let mut out = String::new();
        for (name, child) in &root.0 {
            out.push_str(name);
            out.push('\n');
            draw(child, "", &mut out);
        }
        out
    }
}

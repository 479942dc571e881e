//! A workspace: the jobs, scripts and resources of one DataArts workspace,
//! from which bundles are exported.

use crate::bundle::Bundle;
use crate::error::{Error, ErrorKind, RequestPart, Result};
use crate::folder;
use crate::kind::DefinitionKind;
use crate::layout::{self, Layout};
use crate::limits::Limits;
use crate::model::{Document, Job, Resource, Script};
use crate::read::ReadOptions;
use rayon::prelude::*;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Deepest folder nesting searched below `jobs/`, `scripts/`, `resources/`
/// (DataArts directories have at most 10 levels).
const MAX_FOLDER_DEPTH: usize = 11;

#[derive(Debug, Clone)]
enum Source {
    /// Listed, not read yet.
    File(PathBuf),
    /// Read for changing; saved back by [`Workspace::save`].
    Loaded(PathBuf, Box<Document>),
    /// Inserted in memory.
    Memory(Box<Document>),
}

/// The definitions of one workspace, indexed by kind and name.
///
/// [`Workspace::open`] only lists files; a definition is read and parsed
/// when [`Workspace::load`] asks for it, so exporting a few jobs from a
/// 10,000-job workspace parses only what the export needs.
///
/// ```
/// use dlf_bundle::{DefinitionKind, Job, Workspace};
/// let mut workspace = Workspace::new();
/// workspace.insert(Job::new("job_batch").into())?;
/// assert!(workspace.contains(DefinitionKind::Job, "job_batch"));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// Per kind (jobs, scripts, resources): name to source.
    index: [HashMap<String, Source>; 3],
    /// The folder opened (empty for an in-memory workspace).
    root: PathBuf,
    limits: Limits,
}

impl Workspace {
    /// An empty in-memory workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes a workspace folder with the default [`ReadOptions`].
    ///
    /// # Security
    /// As [`Workspace::open_with`].
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(dir, &ReadOptions::default())
    }

    /// Indexes a folder in the single layout, unpacked: `DIR/jobs/**/*.job`,
    /// `DIR/scripts/**/*.script`, `DIR/resources/**/*.resource` (sub-folders
    /// allowed). A definition's name is its file stem; two files with the
    /// same kind and stem are an error.
    ///
    /// # Security
    /// Symbolic links are not followed; files are read later under
    /// `options`' [`Limits::max_entry_bytes`] (the only limit that applies
    /// to a single file).
    pub fn open_with(dir: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
        let dir = dir.as_ref();
        let folders = DefinitionKind::ALL.map(|kind| dir.join(kind.folder()));
        if !folders.iter().any(|folder| folder.is_dir()) {
            return Err(Error::new(ErrorKind::Layout, "no `jobs/`, `scripts/` or `resources/` folder").in_file(dir));
        }
        // The folders are walked side by side (scripts/ holds most files);
        // the first error in kind order wins.
        let walked: Vec<Result<HashMap<String, Source>>> =
            DefinitionKind::ALL.par_iter().zip(&folders).map(|(&kind, folder)| index_folder(kind, folder)).collect();
        let mut workspace = Self { root: dir.to_path_buf(), limits: options.limits, ..Self::new() };
        for (slot, walked) in workspace.index.iter_mut().zip(walked) {
            *slot = walked?;
        }
        Ok(workspace)
    }

    /// `true` when the folder `dir` reads as a workspace (definitions in
    /// sub-folders of `jobs/`, `scripts/`, `resources/`), `false` when it
    /// reads as an unpacked bundle of either layout: the one test every
    /// command that takes a folder applies.
    ///
    /// ```
    /// // Flat, in the single layout: read as a bundle (a workspace reads it too).
    /// assert!(!dlf_bundle::Workspace::is_workspace("examples/workspace", &Default::default())?);
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    ///
    /// # Security
    /// Lists the files as [`BundleDir::open`](crate::BundleDir::open) does:
    /// symbolic links are refused, not followed; every relative path passes
    /// the entry-name rules; the file count is held to `options`' limits.
    pub fn is_workspace(dir: impl AsRef<Path>, options: &ReadOptions) -> Result<bool> {
        let files = folder::list_files(dir.as_ref(), &options.limits)?;
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        Ok(layout::reads_as_workspace(&names))
    }

    /// Adds a definition, keyed by the `name` inside it.
    pub fn insert(&mut self, document: Document) -> Result<()> {
        let kind = document.kind();
        let name = document
            .name()
            .ok_or_else(|| Error::invalid_request(RequestPart::Name, format!("the {} has no `name`", kind.as_str())))?
            .to_owned();
        self.kind_index_mut(kind).insert(name, Source::Memory(Box::new(document)));
        Ok(())
    }

    /// `true` when the workspace has a `kind` definition called `name`.
    pub fn contains(&self, kind: DefinitionKind, name: &str) -> bool {
        self.kind_index(kind).contains_key(name)
    }

    /// Names of every `kind` definition, sorted.
    pub fn names(&self, kind: DefinitionKind) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self.kind_index(kind).keys().map(String::as_str).collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// The file of the `kind` definition `name`, relative to the workspace
    /// folder and with `/` separators; `None` for one inserted in memory.
    pub(crate) fn entry_path(&self, kind: DefinitionKind, name: &str) -> Option<String> {
        let (Source::File(path) | Source::Loaded(path, _)) = self.kind_index(kind).get(name)? else { return None };
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let parts: Vec<&str> = relative.components().filter_map(|c| c.as_os_str().to_str()).collect();
        Some(parts.join("/"))
    }

    fn kind_index(&self, kind: DefinitionKind) -> &HashMap<String, Source> {
        let [jobs, scripts, resources] = &self.index;
        match kind {
            DefinitionKind::Job => jobs,
            DefinitionKind::Script => scripts,
            DefinitionKind::Resource => resources,
        }
    }

    fn kind_index_mut(&mut self, kind: DefinitionKind) -> &mut HashMap<String, Source> {
        let [jobs, scripts, resources] = &mut self.index;
        match kind {
            DefinitionKind::Job => jobs,
            DefinitionKind::Script => scripts,
            DefinitionKind::Resource => resources,
        }
    }

    /// Reads and parses the `kind` definition called `name`; `Ok(None)`
    /// when there is none.
    ///
    /// # Errors
    /// Read and parse errors name the file; a file whose inside `name`
    /// differs from its file name is an error too (exports name files after
    /// the name inside).
    pub fn load(&self, kind: DefinitionKind, name: &str) -> Result<Option<Document>> {
        match self.kind_index(kind).get(name) {
            None => Ok(None),
            Some(Source::Memory(document) | Source::Loaded(_, document)) => Ok(Some(Document::clone(document))),
            Some(Source::File(path)) => self.read(kind, name, path).map(Some),
        }
    }

    fn read(&self, kind: DefinitionKind, name: &str, path: &Path) -> Result<Document> {
        let bytes = folder::read_file(path, self.limits.max_entry_bytes)?;
        let document = Document::parse(kind, bytes).map_err(|e| e.in_file(path))?;
        match layout::name_mismatch(kind, name, document.name()) {
            Some(message) => Err(Error::new(ErrorKind::Layout, message).in_file(path)),
            None => Ok(document),
        }
    }

    /// The `kind` definition called `name`, read (once) for changing it;
    /// [`Workspace::save`] writes it back when it changed.
    ///
    /// # Errors
    /// As [`Workspace::load`].
    pub fn load_mut(&mut self, kind: DefinitionKind, name: &str) -> Result<Option<&mut Document>> {
        if let Some(Source::File(path)) = self.kind_index(kind).get(name) {
            let path = path.clone();
            let document = self.read(kind, name, &path)?;
            self.kind_index_mut(kind).insert(name.to_owned(), Source::Loaded(path, Box::new(document)));
        }
        Ok(match self.kind_index_mut(kind).get_mut(name) {
            Some(Source::Loaded(_, document) | Source::Memory(document)) => Some(document),
            _ => None,
        })
    }

    /// Keeps `document`, read from the `kind` definition `name`'s file and
    /// changed, for [`Workspace::save`] (a definition inserted in memory is
    /// replaced).
    pub(crate) fn keep_changed(&mut self, kind: DefinitionKind, name: &str, document: Document) {
        let Some(source) = self.kind_index_mut(kind).get_mut(name) else { return };
        *source = match source {
            Source::File(path) | Source::Loaded(path, _) => Source::Loaded(path.clone(), Box::new(document)),
            Source::Memory(_) => Source::Memory(Box::new(document)),
        };
    }

    /// The job called `name`, for changing it; `None` when the workspace has
    /// none or its file cannot be read (use [`Workspace::load_mut`] for the error).
    ///
    /// ```
    /// use dlf_bundle::Workspace;
    /// # let dir = tempfile::tempdir()?;
    /// # for file in ["jobs/job_batch.job", "jobs/job_stream.job", "scripts/dws_sql.script"] {
    /// #     std::fs::create_dir_all(dir.path().join(file).parent().unwrap())?;
    /// #     std::fs::copy(std::path::Path::new("examples/workspace").join(file), dir.path().join(file))?;
    /// # }
    /// let mut workspace = Workspace::open(dir.path())?;
    /// workspace.job_mut("job_batch").unwrap().log_path = Some("obs://prod-logs/".into());
    /// assert_eq!(workspace.save()?, 1, "one file changed, the others untouched");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn job_mut(&mut self, name: &str) -> Option<&mut Job> {
        self.load_mut(DefinitionKind::Job, name).ok()??.definition_mut().as_job_mut()
    }

    /// The script called `name`, for changing it (as [`Workspace::job_mut`]).
    pub fn script_mut(&mut self, name: &str) -> Option<&mut Script> {
        self.load_mut(DefinitionKind::Script, name).ok()??.definition_mut().as_script_mut()
    }

    /// The resource called `name`, for changing it (as [`Workspace::job_mut`]).
    pub fn resource_mut(&mut self, name: &str) -> Option<&mut Resource> {
        self.load_mut(DefinitionKind::Resource, name).ok()??.definition_mut().as_resource_mut()
    }

    /// Every job, read for changing (jobs whose file cannot be read are
    /// left out; [`Workspace::load_mut`] gives their error).
    pub fn jobs_mut(&mut self) -> impl Iterator<Item = &mut Job> {
        let names: Vec<String> = self.names(DefinitionKind::Job).map(str::to_owned).collect();
        for name in &names {
            let _ = self.load_mut(DefinitionKind::Job, name);
        }
        self.kind_index_mut(DefinitionKind::Job).values_mut().filter_map(|source| match source {
            Source::Loaded(_, document) | Source::Memory(document) => document.definition_mut().as_job_mut(),
            Source::File(_) => None,
        })
    }

    /// Writes back every definition read for changing that changed, each
    /// staged beside its file and renamed into place once all are written;
    /// returns how many files were written.
    pub fn save(&self) -> Result<usize> {
        let mut files = Vec::new();
        for index in &self.index {
            for source in index.values() {
                if let Source::Loaded(path, document) = source
                    && document.is_modified()
                {
                    files.push((path.clone(), document.bytes().into_owned()));
                }
            }
        }
        folder::replace_files(&files)?;
        Ok(files.len())
    }

    /// Every definition, read into a bundle of the single layout (for
    /// comparing or validating a workspace as a bundle). Files are read in
    /// parallel.
    ///
    /// # Errors
    /// As [`Workspace::load`], for the first file (in kind and name order)
    /// that fails; a name the bundle's entry-name rules refuse.
    pub fn to_bundle(&self) -> Result<Bundle> {
        let wanted: Vec<(DefinitionKind, &str)> =
            DefinitionKind::ALL.into_iter().flat_map(|kind| self.names(kind).map(move |name| (kind, name))).collect();
        let documents: Vec<Result<Option<Document>>> =
            wanted.par_iter().map(|&(kind, name)| self.load(kind, name)).collect();
        let mut bundle = Bundle::new(Layout::Single);
        for (&(kind, name), document) in wanted.iter().zip(documents) {
            if let Some(document) = document? {
                bundle.insert(&Layout::Single.path_for(kind, name, None), document)?;
            }
        }
        Ok(bundle)
    }

    /// Reads and parses the job called `name`.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when the workspace has no such job (in the
    /// service's words, which export passes on as `DLF.0100`); as
    /// [`Workspace::load`] otherwise.
    pub fn load_job(&self, name: &str) -> Result<Document> {
        self.load(DefinitionKind::Job, name)?.ok_or_else(|| {
            let kind = ErrorKind::NotFound { kind: DefinitionKind::Job, name: name.to_owned() };
            Error::new(kind, format!("The job does not exists: `{name}`."))
        })
    }
}

/// Lists the `kind` definitions below `folder` (none when it is missing).
/// A definition's name is its file stem; two files with one stem are an error.
fn index_folder(kind: DefinitionKind, folder: &Path) -> Result<HashMap<String, Source>> {
    let mut index = HashMap::new();
    if !folder.is_dir() {
        return Ok(index);
    }
    // Unsorted: sorting the walk cost more than the rest of indexing.
    let walker = WalkDir::new(folder).follow_links(false).max_depth(MAX_FOLDER_DEPTH);
    for item in walker {
        let item = item.map_err(|e| {
            let path = e.path().unwrap_or(folder).to_path_buf();
            let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("a folder loop"));
            Error::io(io, "cannot walk the workspace").in_file(path)
        })?;
        let file_name = item.file_name().to_str();
        let stem = file_name.and_then(|n| n.strip_suffix(kind.extension())?.strip_suffix('.'));
        let Some(stem) = stem.filter(|s| !s.is_empty() && item.file_type().is_file()).map(str::to_owned) else {
            continue;
        };
        let path = item.into_path();
        match index.entry(stem) {
            Entry::Vacant(slot) => {
                slot.insert(Source::File(path));
            }
            Entry::Occupied(slot) => {
                let (Source::File(other) | Source::Loaded(other, _)) = slot.get() else { continue };
                // Named in sorted order, whichever the walk met first.
                let (first, second) = if *other < path { (other, &path) } else { (&path, other) };
                return Err(Error::new(
                    ErrorKind::DuplicateEntry,
                    format!("{} `{}` is defined twice (also `{}`)", kind.as_str(), slot.key(), first.display()),
                )
                .in_file(second));
            }
        }
    }
    Ok(index)
}

//! A workspace: the jobs, scripts and resources of one DataArts workspace,
//! from which bundles are exported.

use crate::error::{Error, ErrorKind, Result};
use crate::folder;
use crate::kind::DefinitionKind;
use crate::layout;
use crate::limits::Limits;
use crate::model::Document;
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
    File(PathBuf),
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
        let mut workspace = Self { limits: options.limits, ..Self::new() };
        for (slot, walked) in workspace.index.iter_mut().zip(walked) {
            *slot = walked?;
        }
        Ok(workspace)
    }

    /// Adds a definition, keyed by the `name` inside it.
    pub fn insert(&mut self, document: Document) -> Result<()> {
        let kind = document.kind();
        let name = document
            .name()
            .ok_or_else(|| Error::new(ErrorKind::InvalidRequest, format!("the {} has no `name`", kind.as_str())))?
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
            Some(Source::Memory(document)) => Ok(Some(Document::clone(document))),
            Some(Source::File(path)) => {
                let bytes = folder::read_file(path, self.limits.max_entry_bytes)?;
                let document = Document::parse(kind, bytes).map_err(|e| e.in_file(path))?;
                match layout::name_mismatch(kind, name, document.name()) {
                    Some(message) => Err(Error::new(ErrorKind::Layout, message).in_file(path)),
                    None => Ok(Some(document)),
                }
            }
        }
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
                let Source::File(other) = slot.get() else { continue };
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

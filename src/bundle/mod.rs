//! The bundle: definitions by path, in one layout, and every way to read
//! and write one (archive bytes, archive files, folders).

mod dir;
mod entry;

pub use dir::{BundleDir, Packed};
pub use entry::Entry;
pub(crate) use entry::{FolderReads, Stored, with_bytes};

use crate::diagnostic::Warning;
use crate::error::{Error, ErrorKind, RequestPart, Result};
use crate::folder;
use crate::kind::DefinitionKind;
use crate::layout::{Arrangement, Layout, PlacedPath};
use crate::model::{Definition, Document, Job, Resource, Script};
use crate::name;
use crate::read::{self, ReadOptions};
use crate::reference::{self, ReferenceOptions};
use crate::write;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// What an edit made while writing gives for an entry: its new bytes, or
/// `None` to write it as it is.
pub(crate) type Edit<'a> = dyn Fn(&Entry) -> Result<Option<Vec<u8>>> + Sync + 'a;

/// A job export bundle: jobs, scripts and resources in one layout.
///
/// Entries are kept sorted by path, which is also the order they are written in.
///
/// ```
/// use dlf_bundle::{Bundle, Job, Layout, Script};
/// use dlf_bundle::model::ScriptType;
/// let mut bundle = Bundle::new(Layout::Batch);
/// bundle.add_job(Job::new("job_batch"))?;
/// bundle.add_script(Some("job_batch"), Script::new("dws_sql", ScriptType::DwsSql, "select 1;"))?;
/// let paths: Vec<&str> = bundle.entries().iter().map(|e| e.path()).collect();
/// assert_eq!(paths, ["jobs/job_batch/dws_sql.script", "jobs/job_batch/job_batch.job"]);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Bundle {
    layout: Layout,
    entries: BTreeMap<Arc<str>, Entry>,
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

    /// The entries of `kind`, in path order.
    pub fn entries_of(&self, kind: DefinitionKind) -> impl Iterator<Item = &Entry> {
        self.entries.values().filter(move |entry| entry.kind() == kind)
    }

    /// The jobs, each parsed as it comes ([`Entry::document`]).
    ///
    /// ```
    /// use dlf_bundle::{Bundle, ReadOptions};
    /// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
    /// let names = bundle.jobs().map(|job| Ok(job?.1.name.clone())).collect::<dlf_bundle::Result<Vec<_>>>()?;
    /// assert_eq!(names, [Some("job_batch".to_owned()), Some("job_stream".to_owned())]);
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    pub fn jobs(&self) -> impl Iterator<Item = Result<(&Entry, &Job)>> {
        self.entries_of(DefinitionKind::Job).map(|entry| Ok((entry, entry.job()?)))
    }

    /// The scripts, each parsed as it comes.
    pub fn scripts(&self) -> impl Iterator<Item = Result<(&Entry, &Script)>> {
        self.entries_of(DefinitionKind::Script).map(|entry| Ok((entry, entry.script()?)))
    }

    /// The resources, each parsed as it comes.
    pub fn resources(&self) -> impl Iterator<Item = Result<(&Entry, &Resource)>> {
        self.entries_of(DefinitionKind::Resource).map(|entry| Ok((entry, entry.resource()?)))
    }

    /// Parses every definition not yet parsed, in parallel: after this, no
    /// [`Entry::document`] fails. A caller that wants every problem of a
    /// bundle reads it with `validate` instead.
    ///
    /// # Errors
    /// The first entry, in path order, that does not read or parse.
    pub fn parse_all(&self) -> Result<()> {
        let entries: Vec<&Entry> = self.entries.values().collect();
        let outcomes: Vec<Result<()>> = entries.par_iter().map(|entry| entry.document().map(drop)).collect();
        outcomes.into_iter().collect()
    }

    /// What the reader noticed of the bundle's structure: stray files, a
    /// wrapper folder, names it read another way. (What a definition's
    /// contents deserve a word about, `validate` says.)
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
        let place = PlacedPath::of(path).ok_or_else(|| {
            Error::new(ErrorKind::Layout, "not a definition path of the batch or single layout").in_entry(path)
        })?;
        if place.layout() != self.layout {
            return Err(Error::new(
                ErrorKind::Layout,
                format!("path belongs to the {} layout, bundle is {}", place.layout().as_str(), self.layout.as_str()),
            )
            .in_entry(path));
        }
        if place.kind() != document.kind() {
            return Err(Error::new(
                ErrorKind::Layout,
                format!(
                    "a {} definition cannot be stored as a `.{}` file",
                    document.kind().as_str(),
                    place.kind().extension()
                ),
            )
            .in_entry(path));
        }
        self.add_entry(Entry::parsed(place, document))
    }

    /// Adds `entry` at its path, which no other entry may have.
    fn add_entry(&mut self, entry: Entry) -> Result<()> {
        if self.entries.contains_key(entry.path()) {
            let error = Error::new(ErrorKind::DuplicateEntry, "an entry with this path already exists");
            return Err(error.in_entry(entry.path()));
        }
        self.entries.insert(Arc::clone(entry.shared_path()), entry);
        Ok(())
    }

    /// Adds `entry` at `path` (a path of this layout), stored as it is.
    fn insert_moved(&mut self, path: &str, entry: &Entry) -> Result<()> {
        let place = PlacedPath::of(path)
            .filter(|place| place.layout() == self.layout && place.kind() == entry.kind())
            .ok_or_else(|| Error::internal(format_args!("`{path}` is no place for `{}`", entry.path())))?;
        self.add_entry(entry.moved(place))
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
            .ok_or_else(|| Error::invalid_request(RequestPart::Name, format!("the {} has no `name`", kind.as_str())))?
            .to_owned();
        if self.layout == Layout::Batch && kind != DefinitionKind::Job && job.is_none() {
            return Err(Error::invalid_request(
                RequestPart::JobFolder,
                format!("the batch layout stores {} `{name}` in a job folder; name the job", kind.as_str()),
            ));
        }
        let path = self.layout.path_for(kind, &name, job);
        self.insert(&path, Document::from(definition))
    }

    /// Every entry, for changing its definition.
    pub fn entries_mut(&mut self) -> impl Iterator<Item = &mut Entry> {
        self.entries.values_mut()
    }

    /// The job called `name`, for changing it. Whether it changed is decided
    /// when it is written, by comparing it with what was read: only the
    /// values that differ are rewritten in the file.
    ///
    /// ```
    /// use dlf_bundle::{Bundle, ReadOptions};
    /// let mut bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
    /// let before = bundle.to_vec()?;
    /// bundle.job_mut("job_batch")?.unwrap().log_path = Some("obs://prod-logs/".into());
    /// assert_ne!(bundle.to_vec()?, before);
    /// assert!(bundle.job_mut("no_such_job")?.is_none());
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Entry::document`].
    pub fn job_mut(&mut self, name: &str) -> Result<Option<&mut Job>> {
        Ok(self.definition_mut(DefinitionKind::Job, name)?.and_then(Definition::as_job_mut))
    }

    /// The script called `name`, for changing it. A batch bundle carries a
    /// copy in each job folder that uses it: this is the first, in path
    /// order; change every copy through [`Bundle::entries_mut`].
    ///
    /// # Errors
    /// As [`Entry::document`].
    pub fn script_mut(&mut self, name: &str) -> Result<Option<&mut Script>> {
        Ok(self.definition_mut(DefinitionKind::Script, name)?.and_then(Definition::as_script_mut))
    }

    /// The resource called `name`, for changing it (the first copy, as
    /// [`Bundle::script_mut`]).
    ///
    /// # Errors
    /// As [`Entry::document`].
    pub fn resource_mut(&mut self, name: &str) -> Result<Option<&mut Resource>> {
        Ok(self.definition_mut(DefinitionKind::Resource, name)?.and_then(Definition::as_resource_mut))
    }

    /// Every job, for changing them, each parsed as it comes.
    pub fn jobs_mut(&mut self) -> impl Iterator<Item = Result<&mut Job>> {
        let jobs = self.entries.values_mut().filter(|entry| entry.kind() == DefinitionKind::Job);
        jobs.map(Entry::job_mut)
    }

    fn definition_mut(&mut self, kind: DefinitionKind, name: &str) -> Result<Option<&mut Definition>> {
        let Some(entry) = self.entries.values_mut().find(|entry| entry.kind() == kind && entry.name() == name) else {
            return Ok(None);
        };
        Ok(Some(entry.document_mut()?.definition_mut()))
    }

    /// Removes and returns the entry at `path`.
    pub fn remove(&mut self, path: &str) -> Option<Entry> {
        self.entries.remove(path)
    }

    /// Reads a bundle from memory with default options.
    ///
    /// ```
    /// use dlf_bundle::{Bundle, Job, Layout};
    /// let mut bundle = Bundle::new(Layout::Single);
    /// bundle.add_job(Job::new("myJob"))?;
    /// let zip = bundle.to_vec()?;
    /// let back = Bundle::from_slice(&zip)?;
    /// assert_eq!(back.entries()[0].path(), "jobs/myJob.job");
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    ///
    /// # Security
    /// Entry names come from the archive: each is decoded and checked by
    /// [`name::check_entry_name`] and refused, never repaired. Sizes are
    /// enforced while inflating. Nothing is written to disk.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Self::from_slice_with(bytes, &ReadOptions::default())
    }

    /// Reads a bundle from memory.
    ///
    /// # Security
    /// As [`Bundle::from_slice`], under `options`' limits.
    pub fn from_slice_with(bytes: &[u8], options: &ReadOptions) -> Result<Self> {
        let scan = read::list(&std::sync::Arc::from(bytes), options)?;
        Self::assemble(scan.plan, scan.items.into_iter().map(|item| Ok(item?.map(Stored::Zip))).collect())
    }

    /// Reads a bundle from a file with default options.
    ///
    /// # Security
    /// As [`Bundle::from_slice`]; the file size is checked against
    /// [`Limits::max_archive_bytes`](crate::limits::Limits::max_archive_bytes) before it is read.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, &ReadOptions::default())
    }

    /// Reads a bundle from a file: the central directory and every local
    /// header are read and checked by position, window by window; each
    /// entry's data is read from the file again when it is needed (so the
    /// bundle holds no definition it was not asked for). What cannot be read
    /// by position (a pipe) is read whole first.
    ///
    /// # Security
    /// As [`Bundle::open`].
    pub fn open_with(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
        let scan = read::list_file(path.as_ref(), options)?;
        Self::assemble(scan.plan, scan.items.into_iter().map(|item| Ok(item?.map(Stored::Zip))).collect())
    }

    /// Reads an unpacked bundle of either layout from `dir`.
    ///
    /// Files are taken in sorted order of their `/`-joined relative paths;
    /// files that are not definitions are reported as warnings.
    ///
    /// ```
    /// use dlf_bundle::{Bundle, Layout, ReadOptions};
    /// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
    /// assert_eq!(bundle.layout(), Layout::Single);
    /// assert_eq!(bundle.len(), 3);
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    ///
    /// # Security
    /// As [`BundleDir::open`]; file sizes are checked against `options`' limits.
    pub fn from_dir(dir: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
        Self::from_bundle_dir(BundleDir::open(dir, options)?)
    }

    /// The bundle of a folder already listed (so a caller that looked at
    /// its layout first lists it once); each file is read when its
    /// definition is needed.
    pub fn from_bundle_dir(folder: BundleDir) -> Result<Self> {
        let (plan, files, limits) = folder.into_parts();
        let reads = Arc::new(FolderReads { limits, total: crate::limits::RunningTotal::default() });
        let stored = files.iter().map(|(_, file)| {
            Ok(Some(Stored::File {
                file: file.clone(),
                folder: Arc::clone(&reads),
                counted: std::sync::OnceLock::new(),
            }))
        });
        Self::assemble(plan, stored.collect())
    }

    /// Builds the bundle from what is stored of each file (`None` for stray
    /// files), in the order of the names given to [`Arrangement::new`]; the
    /// first error wins.
    fn assemble(plan: Arrangement, stored: Vec<Result<Option<Stored>>>) -> Result<Self> {
        let (layout, warnings, placements) = plan.into_parts();
        let mut entries = Vec::with_capacity(placements.len());
        for (placed, stored) in placements.into_iter().zip(stored) {
            let (Some(placed), Some(stored)) = (placed, stored?) else { continue };
            let entry = Entry::stored(placed, stored);
            entries.push((Arc::clone(entry.shared_path()), entry));
        }
        // Sorted first, the index is built in one pass rather than an insertion each.
        entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        // Names were checked when listed and placed by `Arrangement::new`,
        // which also settled the layout: no two placed paths are the same.
        let twice = entries.windows(2).find_map(|pair| match pair {
            [(a, _), (b, _)] if a == b => Some(a),
            _ => None,
        });
        if let Some(path) = twice {
            return Err(Error::internal("two entries were placed at one path").in_entry(&**path));
        }
        Ok(Self { layout, entries: entries.into_iter().collect(), warnings })
    }

    /// Writes the bundle as zip bytes, deterministically.
    ///
    /// A zip entry nobody changed is copied as the zip it was read from
    /// stores it (its DEFLATE data, CRC-32 and sizes), so the cost follows
    /// the change; other unchanged definitions are written byte for byte as
    /// they were read, compressed here; new or changed ones in the canonical
    /// JSON style, with only the changed values rewritten.
    ///
    /// # Errors
    /// An entry that cannot be read ([`Entry::bytes`]).
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        self.write_into(Vec::new())
    }

    /// Writes the bundle to `path` atomically: into a temporary file in the
    /// same folder, renamed over `path` only when complete. Entries are
    /// written as they are compressed or copied: memory holds a slice of the
    /// zip, not the zip.
    ///
    /// # Errors
    /// As [`Bundle::to_vec`]; I/O errors name the file.
    pub fn write_to_path(&self, path: impl AsRef<Path>) -> Result<()> {
        self.write_edited_to_path(path.as_ref(), &|_| Ok(None))
    }

    fn write_into<W: std::io::Write>(&self, writer: W) -> Result<W> {
        self.write_edited_into(writer, &|_| Ok(None))
    }

    /// [`Bundle::write_to_path`], each entry's bytes replaced by what `edit`
    /// gives for it (`None`: the entry as it is).
    pub(crate) fn write_edited_to_path(&self, path: &Path, edit: &Edit<'_>) -> Result<()> {
        self.write_edited_to_path_then(path, edit, || Ok(()))
    }

    /// [`Bundle::write_edited_to_path`], with `finish` run once every entry
    /// is written and before the file is renamed into place: when it fails,
    /// `path` is left as it was.
    pub(crate) fn write_edited_to_path_then<T>(
        &self,
        path: &Path,
        edit: &Edit<'_>,
        finish: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        folder::write_atomically_with(path, |file| {
            let buffered = self.write_edited_into(std::io::BufWriter::with_capacity(1 << 20, file), edit)?;
            buffered.into_inner().map_err(|e| Error::io(e.into_error(), "cannot write"))?;
            finish()
        })
    }

    /// Zips the entries into `writer`, `edit` called on each by the
    /// compressing threads: an entry it leaves alone and nobody changed is
    /// copied as stored.
    pub(crate) fn write_edited_into<W: std::io::Write>(&self, writer: W, edit: &Edit<'_>) -> Result<W> {
        // Paths were checked when inserted.
        let entries: Vec<&Entry> = self.iter().collect();
        write::zip_indexed_into(writer, entries.len(), |index| {
            let Some(entry) = entries.get(index) else { return Ok(None) };
            let contents = match (edit(entry)?, entry.unchanged_raw()) {
                (Some(edited), _) => write::Contents::Plain(edited.into()),
                (None, Some(raw)) => write::Contents::Stored(raw),
                (None, None) => write::Contents::Plain(entry.bytes()?),
            };
            Ok(Some((entry.path(), contents)))
        })
    }

    /// Writes the definitions that changed since they were read back into
    /// the folder they were read from (`Bundle::from_dir`), and returns how
    /// many files were written. Unchanged files are not touched; the changed
    /// ones are staged beside their targets and renamed into place only when
    /// all are written.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when an entry has no file in `dir` (nor under
    /// the wrapper folder the bundle was read through); I/O errors name the file.
    pub fn write_changes_to_dir(&self, dir: impl AsRef<Path>) -> Result<usize> {
        let dir = dir.as_ref();
        let mut files = Vec::new();
        for entry in self.iter().filter(|entry| entry.is_modified()) {
            let file = folder::file_of(dir, entry.path()).ok_or_else(|| {
                let kind = ErrorKind::NotFound { kind: entry.kind(), name: entry.name().to_owned() };
                Error::new(kind, "no file in the folder holds this entry").in_entry(entry.path())
            })?;
            files.push((file, entry.bytes()?.into_owned()));
        }
        folder::replace_files(&files)?;
        Ok(files.len())
    }

    /// Writes every definition to `dir` at its bundle path, all or nothing.
    ///
    /// Files are first written to a staging folder inside `dir`, then renamed
    /// into place; when anything fails, files already moved are taken back,
    /// replaced ones restored and created folders removed, so `dir` is left
    /// as it was. Existing files are refused ([`ErrorKind::AlreadyExists`])
    /// unless `options.force` is set.
    ///
    /// # Security
    /// Paths come from checked entry names (relative, no `..`), and every
    /// folder on the way must be a real folder, never a symlink, so nothing is
    /// written outside `dir`. A concurrent process that swaps a folder for a
    /// symlink between the check and the write is outside this threat model;
    /// run untrusted extraction in a sandbox.
    ///
    /// Definitions are written as stored, not parsed: a bundle whose
    /// definitions do not parse can be unpacked to be repaired.
    pub fn unpack(&self, dir: impl AsRef<Path>, options: UnpackOptions) -> Result<()> {
        let contents: Vec<(&str, std::borrow::Cow<'_, [u8]>)> =
            self.iter().map(|entry| Ok((entry.path(), entry.bytes()?))).collect::<Result<_>>()?;
        let files: Vec<(&str, &[u8])> = contents.iter().map(|(path, bytes)| (*path, bytes.as_ref())).collect();
        folder::extract(dir.as_ref(), &files, options.force)
    }

    /// Extracts the archive at `archive` into `dir` without parsing its
    /// definitions, so that a bundle whose definitions do not parse can be
    /// repaired: the archive itself must still pass every check of the safe
    /// reader. Definitions go where [`Bundle::unpack`] puts them (a wrapper
    /// folder dropped); stray files are left out. Returns the number of files
    /// written and the reader's warnings.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// use dlf_bundle::{Bundle, ReadOptions, UnpackOptions};
    /// # let zip = dir.path().join("broken.zip");
    /// # let mut bundle = Bundle::new(dlf_bundle::Layout::Single);
    /// # bundle.add_job(dlf_bundle::Job::new("j"))?;
    /// # bundle.write_to_path(&zip)?;
    /// let (files, _warnings) = Bundle::unpack_unparsed(&zip, &dir.path().join("out"), &ReadOptions::default(), UnpackOptions::default())?;
    /// assert_eq!(files, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Security
    /// As [`Bundle::open`] for the archive and [`Bundle::unpack`] for the
    /// folder: nothing is written outside `dir`, all or nothing.
    pub fn unpack_unparsed(
        archive: impl AsRef<Path>,
        dir: impl AsRef<Path>,
        read: &ReadOptions,
        options: UnpackOptions,
    ) -> Result<(usize, Vec<Warning>)> {
        let bundle = Self::open_with(archive, read)?;
        bundle.unpack(dir, options)?;
        Ok((bundle.len(), bundle.warnings))
    }

    /// The same definitions in the other layout.
    ///
    /// Batch to single: every job to `jobs/`, scripts and resources once each
    /// to `scripts/` and `resources/` (copies in several job folders must be
    /// identical). Single to batch: each job's folder receives the scripts and
    /// resources it references, as batch export does. Definitions keep their
    /// bytes.
    ///
    /// ```
    /// use dlf_bundle::{Bundle, Layout, ReadOptions};
    /// use dlf_bundle::resolve::ReferenceOptions;
    /// let single = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
    /// let batch = single.to_layout(Layout::Batch, &ReferenceOptions::default())?;
    /// assert!(batch.get("jobs/job_batch/dws_sql.script").is_some());
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Layout`] when two copies of one object differ, or when a
    /// script or resource no job uses has no place in the batch layout.
    pub fn to_layout(&self, layout: Layout, options: &ReferenceOptions) -> Result<Self> {
        convert(self, layout, options)
    }
}

/// See [`Bundle::to_layout`].
fn convert(bundle: &Bundle, layout: Layout, options: &ReferenceOptions) -> Result<Bundle> {
    let mut out = Bundle::new(layout);
    if layout == bundle.layout() {
        for entry in bundle.iter() {
            out.entries.insert(Arc::clone(entry.shared_path()), entry.clone());
        }
        return Ok(out);
    }
    match layout {
        Layout::Single => {
            for entry in bundle.iter() {
                let path = layout.path_for(entry.kind(), entry.name(), None);
                match out.get(&path) {
                    Some(existing) if existing.bytes()? != entry.bytes()? => {
                        return Err(Error::new(
                            ErrorKind::Layout,
                            format!("differs from the copy that goes to `{path}`; one object has one definition"),
                        )
                        .in_entry(entry.path()));
                    }
                    Some(_) => {}
                    None => out.insert_moved(&path, entry)?,
                }
            }
        }
        Layout::Batch => {
            let job_names: BTreeSet<&str> = bundle.entries_of(DefinitionKind::Job).map(Entry::name).collect();
            let known_jobs = |name: &str| job_names.contains(name);
            let mut used = BTreeSet::new();
            for job in bundle.jobs() {
                let (entry, job) = job?;
                let folder = entry.name();
                out.insert_moved(&layout.path_for(DefinitionKind::Job, folder, None), entry)?;
                for reference in reference::job_references(job, options, &known_jobs) {
                    let Some((kind, name)) = reference.target.definition() else { continue };
                    if kind == DefinitionKind::Job {
                        continue;
                    }
                    let Some(source) = bundle.get(&bundle.layout().path_for(kind, name, None)) else { continue };
                    used.insert(source.path().to_owned());
                    let path = layout.path_for(kind, name, Some(folder));
                    if out.get(&path).is_none() {
                        out.insert_moved(&path, source)?;
                    }
                }
            }
            if let Some(unused) = bundle.iter().find(|e| e.kind() != DefinitionKind::Job && !used.contains(e.path())) {
                return Err(Error::new(
                    ErrorKind::Layout,
                    format!("no job uses this {}, so the batch layout has no folder for it", unused.kind().as_str()),
                )
                .in_entry(unused.path()));
            }
        }
    }
    Ok(out)
}

/// Options for [`Bundle::unpack`].
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct UnpackOptions {
    /// Replace files that already exist.
    pub force: bool,
}

impl UnpackOptions {
    /// Sets [`UnpackOptions::force`].
    #[must_use]
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }
}

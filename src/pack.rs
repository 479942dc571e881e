//! Folders: reading an unpacked bundle (`pack`) and writing one (`unpack`).

use crate::bundle::{Bundle, Plan, Warning};
use crate::error::{Error, ErrorKind, Result};
use crate::layout::Layout;
use crate::limits::Limits;
use crate::model::{Definition, Document};
use crate::name;
use crate::write;
use rayon::prelude::*;
use std::borrow::Cow;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use walkdir::WalkDir;

impl Bundle {
    /// Reads an unpacked bundle of either layout from `dir`.
    ///
    /// Files are taken in sorted order of their `/`-joined relative paths;
    /// files that are not definitions are reported as warnings.
    ///
    /// # Security
    /// As [`BundleDir::open`]; file sizes are checked against `limits`.
    pub fn from_dir(dir: impl AsRef<Path>, limits: &Limits) -> Result<Self> {
        BundleDir::open(dir, limits)?.into_bundle()
    }
}

/// An unpacked bundle folder, listed and placed in a layout but not yet
/// read: the first step of [`Bundle::from_dir`] and of [`BundleDir::to_zip`],
/// which zips the folder without holding its definitions in memory.
///
/// ```
/// use dlf_bundle::{BundleDir, Layout, Limits};
/// let folder = BundleDir::open("examples/workspace", &Limits::default())?;
/// assert_eq!(folder.layout(), Layout::Single);
/// let packed = folder.to_zip()?;
/// assert_eq!(packed.definitions, 3);
/// assert_eq!(dlf_bundle::Bundle::from_slice(&packed.zip)?.len(), 3);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug)]
pub struct BundleDir {
    /// Relative `/`-joined names and full paths, sorted by name.
    files: Vec<(String, PathBuf)>,
    plan: Plan,
    limits: Limits,
}

/// A folder zipped by [`BundleDir::to_zip`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Packed {
    /// The zip, as [`Bundle::to_vec`] would write the folder's bundle.
    pub zip: Vec<u8>,
    /// Number of definitions in it.
    pub definitions: usize,
    /// Stray files, wrapper folder, names that differ from file names.
    pub warnings: Vec<Warning>,
}

impl BundleDir {
    /// Lists the files below `dir` and places them in a layout; nothing is read yet.
    ///
    /// # Security
    /// Symbolic links are refused, not followed; every relative path passes
    /// [`name::check_entry_name`]; the number of files is checked against
    /// `limits`, their sizes when they are read.
    pub fn open(dir: impl AsRef<Path>, limits: &Limits) -> Result<Self> {
        let dir = dir.as_ref();
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        // No sorted walk: the files are sorted by their archive names below.
        let walker = WalkDir::new(dir).min_depth(1).follow_links(false);
        for item in walker {
            let item = item.map_err(|e| {
                let path = e.path().map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
                Error::new(ErrorKind::Io, format!("cannot walk the folder: {e}")).in_entry(path)
            })?;
            let relative = relative_name(dir, item.path())?;
            if item.path_is_symlink() {
                return Err(Error::new(ErrorKind::UnsupportedEntry, "symbolic link (bundles hold regular files only)")
                    .in_entry(relative));
            }
            if item.file_type().is_dir() {
                continue;
            }
            if !item.file_type().is_file() {
                return Err(Error::new(ErrorKind::UnsupportedEntry, "not a regular file").in_entry(relative));
            }
            name::check_entry_name(&relative)?;
            if files.len() >= limits.max_entries {
                return Err(Error::new(ErrorKind::LimitExceeded, format!("more than {} files", limits.max_entries)));
            }
            files.push((relative, item.into_path()));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        let plan = Plan::new(&names, Vec::new())?;
        Ok(Self { files, plan, limits: *limits })
    }

    /// The layout the file names follow.
    pub fn layout(&self) -> Layout {
        self.plan.layout()
    }

    /// Reads and parses every definition, in parallel, into a bundle.
    pub fn into_bundle(self) -> Result<Bundle> {
        let total = AtomicU64::new(0);
        let documents: Vec<Result<Option<Document>>> = self
            .files
            .par_iter()
            .enumerate()
            .map(|(index, (name, path))| {
                let Some(kind) = self.plan.kind(index) else { return Ok(None) };
                let data = read_limited(path, &self.limits, &total).map_err(|e| e.in_entry(name.clone()))?;
                Document::parse(kind, data).map(Some).map_err(|e| e.in_entry(name.clone()))
            })
            .collect();
        let names: Vec<&str> = self.files.iter().map(|(name, _)| name.as_str()).collect();
        self.plan.assemble(&names, documents)
    }

    /// Zips the folder as [`Bundle::to_vec`] would zip [`BundleDir::into_bundle`]'s
    /// bundle (the same bytes), streaming: each definition is read, parsed
    /// (so a broken one is refused as `from_dir` refuses it), compressed and
    /// dropped, so memory holds the compressed entries, not the bundle.
    pub fn to_zip(&self) -> Result<Packed> {
        let total = AtomicU64::new(0);
        let mismatches = Mutex::new(Vec::new());
        let zip = write::zip_indexed(self.files.len(), |index| {
            let (Some((path, placement)), Some((name, file))) = (self.plan.placement(index), self.files.get(index))
            else {
                return Ok(None);
            };
            let data = read_limited(file, &self.limits, &total).map_err(|e| e.in_entry(name.clone()))?;
            let definition = Definition::from_slice(placement.kind, &data).map_err(|e| e.in_entry(name.clone()))?;
            if let Some(warning) = Plan::name_mismatch(name, placement, definition.name()) {
                mismatches.lock().unwrap_or_else(PoisonError::into_inner).push((index, warning));
            }
            Ok(Some((path, Cow::Owned(data))))
        })?;
        let mut mismatches = mismatches.into_inner().unwrap_or_else(PoisonError::into_inner);
        mismatches.sort_by_key(|(index, _)| *index);
        let mut warnings = self.plan.warnings().to_vec();
        warnings.extend(mismatches.into_iter().map(|(_, warning)| warning));
        Ok(Packed { zip, definitions: self.plan.placements().count(), warnings })
    }
}

/// The `/`-joined UTF-8 path of `path` below `dir`.
fn relative_name(dir: &Path, path: &Path) -> Result<String> {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let mut parts = Vec::new();
    for component in relative.components() {
        let part = component.as_os_str().to_str().ok_or_else(|| {
            Error::new(ErrorKind::InsecureName, "file name is not valid UTF-8").in_entry(relative.display().to_string())
        })?;
        parts.push(part);
    }
    Ok(parts.join("/"))
}

fn read_limited(path: &Path, limits: &Limits, total: &AtomicU64) -> Result<Vec<u8>> {
    let data = read_file(path, limits.max_entry_bytes)?;
    let size = data.len() as u64;
    if total.fetch_add(size, Ordering::Relaxed).saturating_add(size) > limits.max_total_bytes {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("files total more than {} bytes", limits.max_total_bytes),
        ));
    }
    Ok(data)
}

/// Reads a whole file of at most `max_bytes`, counting what is read rather
/// than trusting the size the file system reports (which only sizes the buffer).
pub(crate) fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let file = fs::File::open(path).map_err(|e| Error::io(e, "cannot open"))?;
    let hint = file.metadata().map_or(0, |m| m.len()).min(max_bytes);
    // One spare byte so that reading to the end needs no second allocation.
    let mut data = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).saturating_add(1));
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut data).map_err(|e| Error::io(e, "cannot read"))?;
    if data.len() as u64 > max_bytes {
        return Err(Error::new(ErrorKind::LimitExceeded, format!("larger than {max_bytes} bytes")));
    }
    Ok(data)
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

impl Bundle {
    /// Writes every definition to `dir` at its bundle path, all or nothing.
    ///
    /// Files are first written to a staging folder inside `dir`, then renamed
    /// into place; when anything fails, files already moved are taken back,
    /// replaced ones restored and created folders removed, so `dir` is left
    /// as it was. Existing files are refused unless `options.force` is set.
    ///
    /// # Security
    /// Paths come from validated entry names (relative, no `..`), and every
    /// folder on the way must be a real folder, never a symlink, so nothing is
    /// written outside `dir`. A concurrent process that swaps a folder for a
    /// symlink between the check and the write is outside this threat model;
    /// run untrusted extraction in a sandbox.
    pub fn unpack(&self, dir: impl AsRef<Path>, options: UnpackOptions) -> Result<()> {
        let dir = dir.as_ref();
        let created_root = ensure_dir(dir)?;
        let result = Unpacker::new(dir).and_then(|mut unpacker| {
            let outcome = unpacker.run(self, options);
            if outcome.is_err() {
                unpacker.roll_back();
            }
            outcome
        });
        if result.is_err() && created_root {
            let _ = fs::remove_dir(dir);
        }
        result
    }
}

/// Creates `dir` (one level) when missing; refuses a symlink or a file.
fn ensure_dir(dir: &Path) -> Result<bool> {
    let shown = dir.display().to_string();
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(false),
        Ok(_) => Err(Error::new(ErrorKind::AlreadyExists, "exists and is not a folder").in_entry(shown)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir(dir).map_err(|e| Error::io(e, "cannot create the folder").in_entry(shown))?;
            Ok(true)
        }
        Err(e) => Err(Error::io(e, "cannot inspect the folder").in_entry(shown)),
    }
}

struct Unpacker<'a> {
    dir: &'a Path,
    staging: tempfile::TempDir,
    created_dirs: Vec<PathBuf>,
    placed: Vec<PathBuf>,
    backups: Vec<(PathBuf, PathBuf)>,
}

impl<'a> Unpacker<'a> {
    fn new(dir: &'a Path) -> Result<Self> {
        let staging = tempfile::Builder::new()
            .prefix(".dlf-bundle-unpack-")
            .tempdir_in(dir)
            .map_err(|e| Error::io(e, "cannot create a staging folder").in_entry(dir.display().to_string()))?;
        Ok(Self { dir, staging, created_dirs: Vec::new(), placed: Vec::new(), backups: Vec::new() })
    }

    fn run(&mut self, bundle: &Bundle, options: UnpackOptions) -> Result<()> {
        // Check every destination before touching anything.
        for entry in bundle.iter() {
            let target = self.dir.join(entry.path());
            check_parents(self.dir, entry.path())?;
            match fs::symlink_metadata(&target) {
                Ok(meta) if meta.is_file() && options.force => {}
                Ok(meta) if meta.is_file() => {
                    return Err(Error::new(ErrorKind::AlreadyExists, "file exists (use --force to replace it)")
                        .in_entry(target.display().to_string()));
                }
                Ok(_) => {
                    return Err(Error::new(ErrorKind::AlreadyExists, "exists and is not a regular file")
                        .in_entry(target.display().to_string()));
                }
                Err(_) => {}
            }
        }
        // Stage, then move into place.
        for (i, entry) in bundle.iter().enumerate() {
            let staged = self.staging.path().join(format!("{i}"));
            fs::write(&staged, entry.document().bytes())
                .map_err(|e| Error::io(e, "cannot write").in_entry(entry.path()))?;
            self.create_parents(entry.path())?;
            let target = self.dir.join(entry.path());
            if fs::symlink_metadata(&target).is_ok() {
                let backup = self.staging.path().join(format!("{i}.previous"));
                fs::rename(&target, &backup)
                    .map_err(|e| Error::io(e, "cannot set aside the existing file").in_entry(entry.path()))?;
                self.backups.push((backup, target.clone()));
            }
            fs::rename(&staged, &target).map_err(|e| Error::io(e, "cannot move into place").in_entry(entry.path()))?;
            self.placed.push(target);
        }
        Ok(())
    }

    /// Creates the folders of `path` below `dir`, one level at a time.
    fn create_parents(&mut self, path: &str) -> Result<()> {
        walk_parents(self.dir, path, Some(&mut self.created_dirs))
    }

    fn roll_back(&mut self) {
        for placed in self.placed.drain(..).rev() {
            let _ = fs::remove_file(placed);
        }
        for (backup, original) in self.backups.drain(..).rev() {
            let _ = fs::rename(backup, original);
        }
        for created in self.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(created);
        }
    }
}

/// Every existing folder on the way to `path` must be a real folder.
fn check_parents(dir: &Path, path: &str) -> Result<()> {
    walk_parents(dir, path, None)
}

/// Walks the folders of `path` below `dir`: each existing one must be a real
/// folder (never a file or symlink); missing ones are created, one level at a
/// time, when `created` collects them, else the walk stops there.
fn walk_parents(dir: &Path, path: &str, mut created: Option<&mut Vec<PathBuf>>) -> Result<()> {
    let mut current = dir.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        current.push(part);
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(Error::new(ErrorKind::AlreadyExists, "a folder on the way is a file or symlink")
                    .in_entry(current.display().to_string()));
            }
            Err(_) => {
                let Some(created) = created.as_deref_mut() else { return Ok(()) };
                fs::create_dir(&current)
                    .map_err(|e| Error::io(e, "cannot create folder").in_entry(current.display().to_string()))?;
                created.push(current.clone());
            }
        }
    }
    Ok(())
}

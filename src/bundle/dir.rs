//! An unpacked bundle folder, listed and placed in a layout before any file
//! is read.

use crate::diagnostic::Warning;
use crate::error::{Error, Result};
use crate::folder;
use crate::layout::{self, Arrangement, Layout};
use crate::limits::{Limits, RunningTotal};
use crate::model::Definition;
use crate::read::ReadOptions;
use crate::write;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// An unpacked bundle folder, listed and placed in a layout but not yet
/// read: the first step of [`Bundle::from_dir`](super::Bundle::from_dir) and
/// of [`BundleDir::write_zip`], which zips the folder without holding its
/// definitions in memory.
///
/// ```
/// use dlf_bundle::{Bundle, BundleDir, Layout, ReadOptions};
/// let folder = BundleDir::open("examples/workspace", &ReadOptions::default())?;
/// assert_eq!(folder.layout(), Layout::Single);
/// let mut zip = Vec::new();
/// let packed = folder.write_zip(&mut zip)?;
/// assert_eq!(packed.definitions, 3);
/// assert_eq!(Bundle::from_slice(&zip)?.len(), 3);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug)]
pub struct BundleDir {
    /// Relative `/`-joined names and full paths, sorted by name.
    files: Vec<(String, PathBuf)>,
    plan: Arrangement,
    limits: Limits,
}

/// What [`BundleDir::write_zip`] and [`BundleDir::zip_to_path`] wrote.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Packed {
    /// Number of definitions in the zip.
    pub definitions: usize,
    /// Stray files, wrapper folder, names that differ from file names.
    pub warnings: Vec<Warning>,
}

impl BundleDir {
    /// Lists the files below `dir` and places them in a layout; nothing is read yet.
    ///
    /// # Security
    /// Symbolic links are refused, not followed; every relative path passes
    /// [`name::check_entry_name`](crate::name::check_entry_name); the number
    /// of files is checked against `options`' limits, their sizes when they
    /// are read.
    pub fn open(dir: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
        let dir = dir.as_ref();
        let files = folder::list_files(dir, &options.limits)?;
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        let plan = Arrangement::new(&names, Vec::new()).map_err(|e| e.in_file(dir))?;
        Ok(Self { files, plan, limits: options.limits })
    }

    /// [`BundleDir::open`], unless the folder reads as a workspace
    /// ([`Workspace::is_workspace`](crate::Workspace::is_workspace)): then
    /// `None`. A command that takes either kind of folder lists it once.
    ///
    /// ```
    /// use dlf_bundle::{BundleDir, ReadOptions};
    /// let folder = BundleDir::open_unless_workspace("examples/workspace", &ReadOptions::default())?;
    /// assert_eq!(folder.map(|folder| folder.layout()), Some(dlf_bundle::Layout::Single));
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    ///
    /// # Security
    /// As [`BundleDir::open`].
    pub fn open_unless_workspace(dir: impl AsRef<Path>, options: &ReadOptions) -> Result<Option<Self>> {
        let dir = dir.as_ref();
        let files = folder::list_files(dir, &options.limits)?;
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        let Some(plan) = layout::bundle_plan(&names) else { return Ok(None) };
        let plan = plan.map_err(|e| e.in_file(dir))?;
        Ok(Some(Self { files, plan, limits: options.limits }))
    }

    /// The layout the file names follow.
    pub fn layout(&self) -> Layout {
        self.plan.layout()
    }

    /// The plan, the files (name and path, in the plan's order) and the limits.
    pub(crate) fn into_parts(self) -> (Arrangement, Vec<(String, PathBuf)>, Limits) {
        (self.plan, self.files, self.limits)
    }

    fn read(&self, path: &Path, total: &RunningTotal) -> Result<Vec<u8>> {
        let data = folder::read_file(path, self.limits.max_entry_bytes)?;
        total.add(data.len() as u64, &self.limits).map_err(|e| e.in_file(path))?;
        Ok(data)
    }

    /// Zips the folder into `writer` as [`Bundle::to_vec`](super::Bundle::to_vec)
    /// would zip the bundle [`Bundle::from_dir`](super::Bundle::from_dir)
    /// reads (the same bytes), streaming: each definition is read, parsed
    /// (so a broken one is refused as `from_dir` refuses it), compressed,
    /// written and dropped, so memory holds neither the bundle nor the zip.
    ///
    /// # Errors
    /// As [`Bundle::from_dir`](super::Bundle::from_dir); [`ErrorKind::Io`](crate::ErrorKind::Io)
    /// when `writer` fails.
    ///
    /// # Security
    /// As [`BundleDir::open`].
    pub fn write_zip(&self, writer: impl std::io::Write) -> Result<Packed> {
        self.zip_into(writer).map(|(_, packed)| packed)
    }

    /// Zips the folder into the file `path` (the bytes of
    /// [`BundleDir::write_zip`]), atomically: into a temporary file in the same
    /// folder, renamed over `path` when complete. Entries are written as
    /// they are compressed, so memory holds neither the bundle nor the zip.
    ///
    /// # Security
    /// As [`BundleDir::open`]; nothing is written outside `path`'s folder.
    pub fn zip_to_path(&self, path: impl AsRef<Path>) -> Result<Packed> {
        folder::write_atomically_with(path.as_ref(), |file| {
            let (buffered, report) = self.zip_into(std::io::BufWriter::with_capacity(1 << 20, file))?;
            buffered.into_inner().map_err(|e| Error::io(e.into_error(), "cannot write"))?;
            Ok(report)
        })
    }

    fn zip_into<W: std::io::Write>(&self, writer: W) -> Result<(W, Packed)> {
        let total = RunningTotal::default();
        let found_warnings = Mutex::new(Vec::new());
        let zip = write::zip_indexed_into(writer, self.files.len(), |index| {
            let (Some(placed), Some((name, file))) = (self.plan.placed_at(index), self.files.get(index)) else {
                return Ok(None);
            };
            let data = self.read(file, &total)?;
            let definition = Definition::from_slice(placed.kind(), &data).map_err(|e| e.in_file(file))?;
            let found = Arrangement::name_mismatch(name, placed, definition.name())
                .into_iter()
                .chain(Warning::byte_order_mark(name, &data));
            found_warnings.lock().unwrap_or_else(PoisonError::into_inner).extend(found.map(|w| (index, w)));
            Ok(Some((placed.path(), write::Contents::Plain(Cow::Owned(data)))))
        })?;
        let mut found_warnings = found_warnings.into_inner().unwrap_or_else(PoisonError::into_inner);
        // In file order, as `Bundle::from_dir` gives them (a stable sort keeps each file's own order).
        found_warnings.sort_by_key(|(index, _)| *index);
        let mut warnings = self.plan.warnings().to_vec();
        warnings.extend(found_warnings.into_iter().map(|(_, warning)| warning));
        Ok((zip, Packed { definitions: self.plan.placed().count(), warnings }))
    }
}

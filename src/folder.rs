//! Folders on disk: listing an unpacked bundle safely, bounded file reads,
//! atomic writes, and extraction all or nothing.

use crate::error::{Error, ErrorKind, Limit, Result, Unsupported};
use crate::limits::Limits;
use crate::name;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The files below `dir` as `(relative /-joined name, path)`, sorted by
/// name; folders are walked, not listed.
///
/// # Security
/// Symbolic links are refused, not followed; every relative name passes
/// [`name::check_entry_name`]; at most [`Limits::max_entries`] files.
pub(crate) fn list_files(dir: &Path, limits: &Limits) -> Result<Vec<(String, PathBuf)>> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    // No sorted walk: the files are sorted by their names below.
    for item in WalkDir::new(dir).min_depth(1).follow_links(false) {
        let item = item.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("a folder loop"));
            Error::io(io, "cannot walk the folder").in_file(path)
        })?;
        let relative = relative_name(dir, item.path())?;
        if item.path_is_symlink() {
            let error = Error::new(
                ErrorKind::UnsupportedEntry(Unsupported::Symlink),
                "symbolic link (bundles hold regular files only)",
            );
            return Err(error.in_file(item.path()));
        }
        // Finder's metadata, written into folders on macOS, is no definition.
        if item.file_type().is_dir() || name::is_macos_metadata(&relative) {
            continue;
        }
        if !item.file_type().is_file() {
            // The mode as a zip entry would carry it (file type and permissions).
            #[cfg(unix)]
            let mode = item.metadata().map_or(0, |m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()));
            #[cfg(not(unix))]
            let mode = 0;
            let message = format!("special file (mode {mode:o}); bundles hold regular files only");
            let error = Error::new(ErrorKind::UnsupportedEntry(Unsupported::SpecialFile { mode }), message);
            return Err(error.in_file(item.path()));
        }
        name::check_entry_name(&relative).map_err(|e| e.in_file(item.path()))?;
        if files.len() >= limits.max_entries {
            let max = limits.max_entries as u64;
            return Err(Error::limit(Limit::Entries, max, format!("more than {max} files")).in_file(dir));
        }
        files.push((relative, item.into_path()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The `/`-joined UTF-8 path of `path` below `dir`.
fn relative_name(dir: &Path, path: &Path) -> Result<String> {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let mut parts = Vec::new();
    for component in relative.components() {
        let part = component.as_os_str().to_str().ok_or_else(|| {
            Error::new(ErrorKind::UndecodableName { utf8_flag: false }, "file name is not valid UTF-8").in_file(path)
        })?;
        parts.push(part);
    }
    Ok(parts.join("/"))
}

/// Reads a whole file of at most `max_bytes`, counting what is read rather
/// than trusting the size the file system reports (which only sizes the
/// buffer). Errors name the file.
pub(crate) fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    read_bounded(path, max_bytes).map_err(|e| e.in_file(path))
}

fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let file = fs::File::open(path).map_err(|e| Error::io(e, "cannot open"))?;
    let hint = file.metadata().map_or(0, |m| m.len());
    read_to_limit(&file, hint, max_bytes, Limit::EntryBytes)
}

/// Reads `file` to its end, refusing more than `max_bytes` (counted as they
/// are read: a file may grow, and a pipe has no size); `size_hint` only
/// sizes the buffer. Exceeding it is a `limit` error.
pub(crate) fn read_to_limit(file: &fs::File, size_hint: u64, max_bytes: u64, limit: Limit) -> Result<Vec<u8>> {
    // One spare byte so that reading to the end needs no second allocation.
    let capacity = usize::try_from(size_hint.min(max_bytes)).unwrap_or(0).saturating_add(1);
    let mut data = Vec::with_capacity(capacity);
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut data).map_err(|e| Error::io(e, "cannot read"))?;
    if data.len() as u64 > max_bytes {
        return Err(Error::limit(limit, max_bytes, format!("larger than the limit of {max_bytes} bytes")));
    }
    Ok(data)
}

/// Has `write` fill a temporary file in `path`'s folder, then renames it
/// over `path`: a failure, in `write` too, never leaves a partial file.
pub(crate) fn write_atomically_with<T>(path: &Path, write: impl FnOnce(&mut fs::File) -> Result<T>) -> Result<T> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        return Err(Error::io(missing, format!("cannot write into folder `{}`", folder.display())).in_file(path));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dlf-bundle-").suffix(".tmp");
    // Temporary files are private (0600) by default; the finished file gets
    // the mode any new file gets (0666 less the umask), as `zip` gives it.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let staged = || {
        let mut temporary = builder.tempfile_in(folder).map_err(|e| Error::io(e, "cannot create a file beside it"))?;
        let written = write(temporary.as_file_mut())?;
        temporary.as_file().sync_all().map_err(|e| Error::io(e, "cannot write"))?;
        temporary.persist(path).map_err(|e| Error::io(e.error, "cannot rename the finished file into place"))?;
        Ok(written)
    };
    staged().map_err(|e: Error| e.in_file(path))
}

/// The file below `dir` that holds bundle entry `path`: `dir/path`, or
/// `dir/WRAPPER/path` for a folder read through one wrapper folder.
pub(crate) fn file_of(dir: &Path, path: &str) -> Option<PathBuf> {
    let direct = dir.join(path);
    if direct.is_file() {
        return Some(direct);
    }
    fs::read_dir(dir).ok()?.flatten().map(|item| item.path().join(path)).find(|candidate| candidate.is_file())
}

/// Replaces existing files with new contents, as nearly all or nothing as a
/// file system allows: every new content is first written and synced to a
/// temporary file beside its target, and only then are they renamed over
/// the targets. A failure before the renames leaves every file as it was.
pub(crate) fn replace_files(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".dlf-bundle-").suffix(".tmp");
        let stage = || {
            let mut temporary =
                builder.tempfile_in(folder).map_err(|e| Error::io(e, "cannot create a file beside it"))?;
            temporary.write_all(bytes).map_err(|e| Error::io(e, "cannot write"))?;
            temporary.as_file().sync_all().map_err(|e| Error::io(e, "cannot write"))?;
            // Keep the file's own permissions, as an editor saving it would.
            if let Ok(metadata) = fs::metadata(path) {
                fs::set_permissions(temporary.path(), metadata.permissions())
                    .map_err(|e| Error::io(e, "cannot copy the file's permissions"))?;
            }
            Ok(temporary)
        };
        staged.push((stage().map_err(|e: Error| e.in_file(path))?, path));
    }
    for (temporary, path) in staged {
        temporary
            .persist(path)
            .map_err(|e| Error::io(e.error, "cannot rename the new contents into place").in_file(path))?;
    }
    Ok(())
}

/// Writes every `(path, bytes)` to `dir` at its `/`-separated path, all or
/// nothing.
///
/// Files are first written to a staging folder inside `dir`, then renamed
/// into place; when anything fails, files already moved are taken back,
/// replaced ones restored and created folders removed, so `dir` is left as
/// it was. Existing files are refused unless `force`.
///
/// # Security
/// Paths must be checked entry names (relative, no `..`), and every folder
/// on the way must be a real folder, never a symlink, so nothing is written
/// outside `dir`.
pub(crate) fn extract<'a>(dir: &Path, files: &[(&'a str, &'a [u8])], force: bool) -> Result<()> {
    let created_root = ensure_dir(dir)?;
    let result = Extraction::new(dir).and_then(|mut extraction| {
        let outcome = extraction.run(files, force);
        if outcome.is_err() {
            extraction.roll_back();
        }
        outcome
    });
    if result.is_err() && created_root {
        let _ = fs::remove_dir(dir);
    }
    result
}

/// Creates `dir` (one level) when missing; refuses a symlink or a file.
fn ensure_dir(dir: &Path) -> Result<bool> {
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(false),
        Ok(_) => Err(Error::new(ErrorKind::AlreadyExists, "exists and is not a folder").in_file(dir)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir(dir).map_err(|e| Error::io(e, "cannot create the folder").in_file(dir))?;
            Ok(true)
        }
        Err(e) => Err(Error::io(e, "cannot inspect the folder").in_file(dir)),
    }
}

struct Extraction<'a> {
    dir: &'a Path,
    staging: tempfile::TempDir,
    created_dirs: Vec<PathBuf>,
    placed: Vec<PathBuf>,
    backups: Vec<(PathBuf, PathBuf)>,
}

impl<'a> Extraction<'a> {
    fn new(dir: &'a Path) -> Result<Self> {
        let staging = tempfile::Builder::new()
            .prefix(".dlf-bundle-unpack-")
            .tempdir_in(dir)
            .map_err(|e| Error::io(e, "cannot create a staging folder").in_file(dir))?;
        Ok(Self { dir, staging, created_dirs: Vec::new(), placed: Vec::new(), backups: Vec::new() })
    }

    fn run(&mut self, files: &[(&str, &[u8])], force: bool) -> Result<()> {
        // Check every destination before touching anything.
        for (path, _) in files {
            let target = self.dir.join(path);
            walk_parents(self.dir, path, None)?;
            match fs::symlink_metadata(&target) {
                Ok(meta) if meta.is_file() && force => {}
                Ok(meta) if meta.is_file() => {
                    return Err(Error::new(ErrorKind::AlreadyExists, "file exists; replacing it was not asked for")
                        .in_file(target));
                }
                Ok(_) => {
                    return Err(
                        Error::new(ErrorKind::AlreadyExists, "exists and is not a regular file").in_file(target)
                    );
                }
                Err(_) => {}
            }
        }
        // Stage, then move into place.
        for (i, (path, bytes)) in files.iter().enumerate() {
            let target = self.dir.join(path);
            let staged = self.staging.path().join(format!("{i}"));
            fs::write(&staged, bytes).map_err(|e| Error::io(e, "cannot write").in_file(&target))?;
            walk_parents(self.dir, path, Some(&mut self.created_dirs))?;
            if fs::symlink_metadata(&target).is_ok() {
                let backup = self.staging.path().join(format!("{i}.previous"));
                fs::rename(&target, &backup)
                    .map_err(|e| Error::io(e, "cannot set aside the existing file").in_file(&target))?;
                self.backups.push((backup, target.clone()));
            }
            fs::rename(&staged, &target).map_err(|e| Error::io(e, "cannot move into place").in_file(&target))?;
            self.placed.push(target);
        }
        Ok(())
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
                return Err(
                    Error::new(ErrorKind::AlreadyExists, "a folder on the way is a file or symlink").in_file(&current)
                );
            }
            Err(_) => {
                let Some(created) = created.as_deref_mut() else { return Ok(()) };
                fs::create_dir(&current).map_err(|e| Error::io(e, "cannot create folder").in_file(&current))?;
                created.push(current.clone());
            }
        }
    }
    Ok(())
}

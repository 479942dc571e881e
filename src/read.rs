//! The safe bundle reader.
//!
//! Order of checks: archive size, zip structure, prepended data, entry count,
//! duplicate names, overlapping entries and header consistency, then every
//! entry's name, type, encryption, compression and declared size, all before
//! any data is inflated. Then every file entry is inflated in full, in
//! parallel: `zip` locates the data, libdeflate inflates it in one call into a
//! buffer of exactly the declared size (bounded by the limits above), and the
//! length, the CRC-32, the ratio and the running total are checked before the
//! definition is parsed.

use crate::bundle::{Bundle, Plan, Warning, WarningKind};
use crate::error::{Error, ErrorKind, Result};
use crate::limits::Limits;
use crate::model::Document;
use crate::name::{self, NameEncoding};
use libdeflater::{DecompressionError, Decompressor};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Cursor;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use zip::{CompressionMethod, ZipArchive};

/// Options for reading a bundle.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Size and count limits.
    pub limits: Limits,
}

impl ReadOptions {
    /// Default options: [`Limits::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

const UTF8_FLAG: u16 = 1 << 11;
const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;

/// One central-directory record that passed the metadata checks.
struct Listed {
    index: usize,
    /// The name as stored (decoded), for messages.
    archive_name: String,
    is_dir: bool,
    compressed_size: u64,
}

impl Bundle {
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

    /// Reads a bundle from a file with default options.
    ///
    /// # Security
    /// As [`Bundle::from_slice`]; the file size is checked against
    /// [`Limits::max_archive_bytes`] before it is read.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, &ReadOptions::default())
    }

    /// Reads a bundle from a file.
    ///
    /// # Security
    /// As [`Bundle::from_slice`].
    pub fn open_with(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
        let bytes = read_archive_file(path.as_ref(), &options.limits)?;
        Self::from_slice_with(&bytes, options)
    }

    /// Reads a bundle from memory.
    ///
    /// # Security
    /// As [`Bundle::from_slice`].
    pub fn from_slice_with(bytes: &[u8], options: &ReadOptions) -> Result<Self> {
        let scan = scan(bytes, options, |_| (), |_, (), _, kind, data| Document::parse(kind, data))?;
        let names: Vec<&str> = scan.names.iter().map(String::as_str).collect();
        scan.plan.assemble(&names, scan.items)
    }
}

/// Reads an archive file, refusing one larger than [`Limits::max_archive_bytes`]
/// before reading it.
pub(crate) fn read_archive_file(path: &Path, limits: &Limits) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::io(e, "cannot read").in_entry(path.display().to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limits.max_archive_bytes {
        let message = format!("archive is {size} bytes; the limit is {}", limits.max_archive_bytes);
        return Err(limit(message).in_entry(path.display().to_string()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Read no more than the limit even if the file grows meanwhile.
    std::io::Read::read_to_end(&mut std::io::Read::take(&file, limits.max_archive_bytes), &mut bytes).map_err(io)?;
    Ok(bytes)
}

/// An archive that passed every structural check, with each file entry
/// processed by the caller's function.
pub(crate) struct Scan<T> {
    /// The layout plan (placements, layout, warnings so far).
    pub plan: Plan,
    /// File entry names as stored, in archive order.
    pub names: Vec<String>,
    /// Per file entry: the caller's result for a definition, `None` for a stray file.
    pub items: Vec<Result<Option<T>>>,
}

/// Runs every check of the reader and hands each definition's bytes to
/// `process` (in parallel, each thread with its own archive handle). Every
/// file entry is inflated, definitions or not, so each CRC is checked.
/// Nothing is kept but what `process` returns, so callers that summarise
/// (validation) need memory for a few entries, not for the bundle.
///
/// Where the entries' data lies is checked while the records are listed and
/// the layout planned (followed by `prepare`, which derives what `process`
/// needs from the plan); both finish before anything is inflated, and a
/// data-layout error is reported first.
pub(crate) fn scan<C: Send + Sync, T: Send>(
    bytes: &[u8],
    options: &ReadOptions,
    prepare: impl FnOnce(&Plan) -> C + Send,
    process: impl Fn(&Plan, &C, usize, crate::model::Kind, Vec<u8>) -> Result<T> + Sync,
) -> Result<Scan<T>> {
    let limits = &options.limits;
    if bytes.len() as u64 > limits.max_archive_bytes {
        return Err(limit(format!("archive is {} bytes; the limit is {}", bytes.len(), limits.max_archive_bytes)));
    }
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(&e, "not a readable zip archive"))?;
    check_archive(&archive, bytes, limits)?;
    let mut located = archive.clone();
    let (data_checked, planned) = rayon::join(
        || check_entry_data(&mut located),
        || {
            let mut warnings = Vec::new();
            let files: Vec<Listed> =
                list_entries(&archive, limits, &mut warnings)?.into_iter().filter(|l| !l.is_dir).collect();
            let names: Vec<String> = files.iter().map(|l| l.archive_name.clone()).collect();
            let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let plan = Plan::new(&name_refs, warnings)?;
            let prepared = prepare(&plan);
            Ok((files, names, plan, prepared))
        },
    );
    data_checked?;
    let (files, names, plan, prepared) = planned?;
    let total = AtomicU64::new(0);
    let items = files
        .par_iter()
        .enumerate()
        .map_init(
            || (archive.clone(), Decompressor::new()),
            |(archive, decompressor), (index, entry)| {
                let data = inflate(archive, bytes, entry, limits, &total, decompressor)?;
                match plan.kind(index) {
                    Some(kind) => process(&plan, &prepared, index, kind, data)
                        .map(Some)
                        .map_err(|e| e.in_entry(&entry.archive_name)),
                    None => Ok(None),
                }
            },
        )
        .collect();
    Ok(Scan { plan, names, items })
}

fn limit(message: String) -> Error {
    Error::new(ErrorKind::LimitExceeded, message)
}

/// Maps a `zip` error without exposing its type.
fn zip_error(error: &zip::result::ZipError, context: &str) -> Error {
    use zip::result::ZipError;
    let kind = match error {
        ZipError::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => ErrorKind::Corrupt,
        ZipError::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => ErrorKind::NotAZip,
        ZipError::Io(_) => ErrorKind::Io,
        ZipError::UnsupportedArchive(_) => ErrorKind::UnsupportedEntry,
        _ => ErrorKind::NotAZip,
    };
    Error::new(kind, format!("{context}: {error}"))
}

/// Archive-wide structure checks.
fn check_archive(archive: &ZipArchive<Cursor<&[u8]>>, bytes: &[u8], limits: &Limits) -> Result<()> {
    if archive.offset() != 0 {
        return Err(Error::new(
            ErrorKind::PrependedData,
            format!("{} bytes of data before the first entry (not a plain zip)", archive.offset()),
        ));
    }
    if archive.len() > limits.max_entries {
        return Err(limit(format!("{} entries; the limit is {}", archive.len(), limits.max_entries)));
    }
    if archive.has_duplicate_names() {
        let duplicate = first_duplicate_name(bytes);
        let error = Error::new(ErrorKind::DuplicateEntry, "the archive lists this name more than once");
        return Err(match duplicate {
            Some(name) => error.in_entry(name),
            None => error,
        });
    }
    Ok(())
}

/// No two entries share bytes, and every local header agrees with its central record.
fn check_entry_data(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<()> {
    if archive.has_overlapping_entries().map_err(|e| zip_error(&e, "cannot locate entry data"))? {
        return Err(Error::new(ErrorKind::Overlap, "entries share bytes in the archive (overlap zip bomb)"));
    }
    archive
        .validate_header_consistency()
        .map_err(|e| Error::new(ErrorKind::Overlap, format!("local and central headers disagree: {e}")))
}

/// Checks every record's metadata; no data is inflated here.
fn list_entries(
    archive: &ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Listed>> {
    let mut listed = Vec::with_capacity(archive.len());
    let mut declared_total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(|e| zip_error(&e, &format!("entry #{index}")))?;
        let utf8_flag = entry.flags().as_u16() & UTF8_FLAG != 0;
        let (decoded, encoding) = name::decode_entry_name(entry.name_raw(), utf8_flag)?;
        if encoding == NameEncoding::Gbk {
            warnings.push(Warning::new(
                WarningKind::GbkName,
                Some(&decoded),
                "name stored in GBK without the UTF-8 flag (re-zipped on Chinese Windows); decoded as GBK",
            ));
        }
        let is_dir = entry.is_dir();
        let checked = if is_dir { decoded.strip_suffix('/').unwrap_or(&decoded) } else { &decoded };
        name::check_entry_name(checked)?;
        let refuse = |message: String| Err(Error::new(ErrorKind::UnsupportedEntry, message).in_entry(&decoded));
        if entry.is_symlink() {
            return refuse("symbolic link (bundles hold regular files only)".to_owned());
        }
        if let Some(mode) = entry.unix_mode() {
            let file_type = mode & S_IFMT;
            if file_type != 0 && file_type != S_IFREG && file_type != S_IFDIR {
                return refuse(format!("special file (mode {mode:o}); bundles hold regular files only"));
            }
        }
        if entry.encrypted() {
            return refuse("encrypted entry".to_owned());
        }
        let method = entry.compression();
        if method != CompressionMethod::STORE && method != CompressionMethod::DEFLATE {
            return refuse(format!("compression method {method} (only stored and deflate are accepted)"));
        }
        if !is_dir {
            if entry.size() > limits.max_entry_bytes {
                return Err(limit(format!(
                    "declares {} bytes; the per-entry limit is {}",
                    entry.size(),
                    limits.max_entry_bytes
                ))
                .in_entry(&decoded));
            }
            declared_total = declared_total.saturating_add(entry.size());
            if declared_total > limits.max_total_bytes {
                return Err(limit(format!(
                    "entries declare more than the total limit of {} bytes",
                    limits.max_total_bytes
                ))
                .in_entry(&decoded));
            }
        }
        listed.push(Listed { index, archive_name: decoded, is_dir, compressed_size: entry.compressed_size() });
    }
    Ok(listed)
}

/// Inflates one entry to its end under the limits, counting what comes out.
fn inflate(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    bytes: &[u8],
    entry: &Listed,
    limits: &Limits,
    total: &AtomicU64,
    decompressor: &mut Decompressor,
) -> Result<Vec<u8>> {
    let name = entry.archive_name.as_str();
    let corrupt = |message: String| Error::new(ErrorKind::Corrupt, message).in_entry(name);
    // zip locates the data (checking the local header); libdeflate inflates
    // the whole stream in one call, into a buffer of exactly the declared
    // size, which the metadata checks already bounded by the limits.
    let file = archive.by_index_raw(entry.index).map_err(|e| zip_error(&e, "cannot open entry").in_entry(name))?;
    let (declared, crc, method) = (file.size(), file.crc32(), file.compression());
    let start = file.data_start().and_then(|start| usize::try_from(start).ok());
    let length = usize::try_from(file.compressed_size()).ok();
    let compressed = start
        .zip(length)
        .and_then(|(start, length)| bytes.get(start..start.checked_add(length)?))
        .ok_or_else(|| corrupt("entry data lies outside the archive".to_owned()))?;
    let size = usize::try_from(declared).map_err(|_| limit(format!("declares {declared} bytes")).in_entry(name))?;
    let data = if method == CompressionMethod::STORE {
        compressed.to_vec()
    } else {
        let mut data = vec![0; size];
        match decompressor.deflate_decompress(compressed, &mut data) {
            Ok(written) if written == size => data,
            Ok(written) => return Err(corrupt(format!("inflates to {written} bytes, not the declared {declared}"))),
            Err(DecompressionError::InsufficientSpace) => {
                return Err(corrupt(format!("inflates past its declared size of {declared} bytes")));
            }
            Err(DecompressionError::BadData) => return Err(corrupt("corrupt DEFLATE data".to_owned())),
        }
    };
    if data.len() != size {
        return Err(corrupt(format!("holds {} bytes, not the declared {declared}", data.len())));
    }
    if crc32fast::hash(&data) != crc {
        return Err(corrupt("CRC-32 mismatch: the data is damaged".to_owned()));
    }
    let size = data.len() as u64;
    if size > limits.max_entry_bytes {
        return Err(
            limit(format!("inflates past the per-entry limit of {} bytes", limits.max_entry_bytes)).in_entry(name)
        );
    }
    if size > limits.ratio_floor_bytes {
        let ratio = size.checked_div(entry.compressed_size).unwrap_or(u64::MAX);
        if ratio > limits.max_ratio {
            return Err(limit(format!(
                "compression ratio {ratio}:1 exceeds the limit of {}:1 (zip bomb?)",
                limits.max_ratio
            ))
            .in_entry(name));
        }
    }
    if total.fetch_add(size, Ordering::Relaxed).saturating_add(size) > limits.max_total_bytes {
        return Err(
            limit(format!("inflating it passes the total limit of {} bytes", limits.max_total_bytes)).in_entry(name)
        );
    }
    Ok(data)
}

/// Finds a name listed twice in the central directory. `zip` collapses
/// duplicates when it indexes names, so this walks the records itself; it
/// only serves the error message.
fn first_duplicate_name(bytes: &[u8]) -> Option<String> {
    let u16_at = |at: usize| bytes.get(at..at + 2).and_then(|b| b.try_into().ok()).map(u16::from_le_bytes);
    let u32_at = |at: usize| bytes.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    let search_from = bytes.len().saturating_sub(22 + usize::from(u16::MAX));
    let eocd = (search_from..bytes.len().saturating_sub(21)).rev().find(|&at| u32_at(at) == Some(0x0605_4b50))?;
    let count = usize::from(u16_at(eocd + 10)?);
    let mut at = usize::try_from(u32_at(eocd + 16)?).ok()?;
    let mut seen = HashSet::new();
    for _ in 0..count {
        if u32_at(at)? != 0x0201_4b50 {
            return None;
        }
        let name_len = usize::from(u16_at(at + 28)?);
        let extra_len = usize::from(u16_at(at + 30)?);
        let comment_len = usize::from(u16_at(at + 32)?);
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

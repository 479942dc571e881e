//! The safe bundle reader.
//!
//! Order of checks: archive size, zip structure and entry count, then where
//! the entries' bytes lie (prepended data, duplicate names, header
//! consistency, overlaps, unlisted entries), then every entry's name, type,
//! encryption, compression and declared size, all before any data is
//! inflated. Then every file entry is inflated in full, in parallel:
//! libdeflate inflates it in one call into a buffer of exactly the declared
//! size (bounded by the limits above), and the length, the CRC-32, the ratio
//! and the running total are checked before the definition is parsed.

use crate::archive::{Directory, Record};
use crate::error::{Corruption, Error, ErrorKind, Limit, NameProblem, Result, Unsupported};
use crate::folder;
use crate::kind::DefinitionKind;
use crate::layout::Plan;
use crate::limits::{Limits, RunningTotal};
use crate::name::{self, NameEncoding};
use crate::warning::{Warning, WarningKind};
use libdeflater::{DecompressionError, Decompressor};
use rayon::prelude::*;
use std::ops::Range;
use std::path::Path;

/// Options for everything that reads definitions: archives, bundle folders
/// and workspaces.
///
/// ```
/// use dlf_bundle::{Bundle, Limits, ReadOptions};
/// let trusted = ReadOptions::new().limits(Limits::default().max_entries(100_000));
/// # let zip = { let mut b = Bundle::new(dlf_bundle::Layout::Single); b.add_job(dlf_bundle::Job::new("j"))?; b.to_vec()? };
/// let bundle = Bundle::from_slice_with(&zip, &trusted)?;
/// # assert_eq!(bundle.len(), 1);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
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

const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFLNK: u32 = 0o120_000;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
const AES_ENCRYPTED: u16 = 99;

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

/// The file entries, checked, before any is inflated.
struct Listed {
    /// Per file entry, the index of its record.
    records: Vec<usize>,
    names: Vec<String>,
    /// Entries never placed (macOS metadata): record index and name.
    ignored: Vec<(usize, String)>,
}

/// The file entries, checked and planned, before any is inflated.
struct Planned<C> {
    listed: Listed,
    plan: Plan,
    prepared: C,
}

/// Runs every check of the reader and hands each definition's bytes to
/// `process` (in parallel). Every file entry is inflated, definitions or
/// not, so each CRC is checked. Nothing is kept but what `process` returns,
/// so callers that summarise (validation) need memory for a few entries, not
/// for the bundle.
///
/// Where the entries' bytes lie is checked while the records are listed and
/// the layout planned (followed by `prepare`, which derives what `process`
/// needs from the plan); both finish before anything is inflated, and a
/// data-layout error is reported first.
pub(crate) fn scan<C: Send + Sync, T: Send>(
    bytes: &[u8],
    options: &ReadOptions,
    prepare: impl FnOnce(&Plan) -> C + Send,
    process: impl Fn(&Plan, &C, usize, DefinitionKind, Vec<u8>) -> Result<T> + Sync,
) -> Result<Scan<T>> {
    let limits = &options.limits;
    check_archive_size(bytes.len() as u64, limits)?;
    let directory = Directory::from_slice(bytes, limits)?;
    let (located, planned) = rayon::join(|| directory.locate(bytes), || plan_entries(&directory, limits, prepare));
    let data = located?;
    inflate_all(bytes, &directory, &data, planned?, limits, process)
}

/// [`scan`] of an archive file, returning its size too. The central
/// directory is read and the layout planned while the file is read whole;
/// the directory is then read again from what was read, and must be the
/// same (else the file changed meanwhile). What cannot be read by position
/// (a pipe, `/dev/stdin`) is read whole first.
pub(crate) fn scan_file<C: Send + Sync, T: Send>(
    path: &Path,
    options: &ReadOptions,
    prepare: impl FnOnce(&Plan) -> C + Send,
    process: impl Fn(&Plan, &C, usize, DefinitionKind, Vec<u8>) -> Result<T> + Sync,
) -> Result<(Scan<T>, u64)> {
    let limits = &options.limits;
    let io = |e: std::io::Error| Error::io(e, "cannot read").in_file(path);
    let file = std::fs::File::open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        let bytes = folder::read_to_limit(&file, 0, limits.max_archive_bytes, Limit::ArchiveBytes)
            .map_err(|e| e.in_file(path))?;
        let scan = scan(&bytes, options, prepare, process)?;
        return Ok((scan, bytes.len() as u64));
    }
    check_archive_size(metadata.len(), limits).map_err(|e| e.in_file(path))?;
    // rawzip takes its file by value and reads it by position.
    let for_directory = std::fs::File::open(path).map_err(io)?;
    let (read, listed) = rayon::join(
        || {
            folder::read_to_limit(&file, metadata.len(), limits.max_archive_bytes, Limit::ArchiveBytes)
                .map_err(|e| e.in_file(path))
        },
        || {
            let directory = Directory::from_file(for_directory, limits)?;
            let planned = plan_entries(&directory, limits, prepare);
            Ok::<_, Error>((directory, planned))
        },
    );
    let bytes = read?;
    let (listed, planned) = listed?;
    let (reread, located) = rayon::join(|| Directory::from_slice(&bytes, limits), || listed.locate(&bytes));
    if reread? != listed {
        let message = "the file changed while it was read".to_owned();
        return Err(io(std::io::Error::other(message)));
    }
    let data = located?;
    let scan = inflate_all(&bytes, &listed, &data, planned?, limits, process)?;
    Ok((scan, bytes.len() as u64))
}

fn check_archive_size(size: u64, limits: &Limits) -> Result<()> {
    if size > limits.max_archive_bytes {
        return Err(archive_limit(
            limits,
            format!("archive is {size} bytes; the limit is {}", limits.max_archive_bytes),
        ));
    }
    Ok(())
}

fn plan_entries<C>(directory: &Directory, limits: &Limits, prepare: impl FnOnce(&Plan) -> C) -> Result<Planned<C>> {
    let mut warnings = Vec::new();
    let listed = list_entries(directory, limits, &mut warnings)?;
    let name_refs: Vec<&str> = listed.names.iter().map(String::as_str).collect();
    let plan = Plan::new(&name_refs, warnings)?;
    let prepared = prepare(&plan);
    Ok(Planned { listed, plan, prepared })
}

fn inflate_all<C: Send + Sync, T: Send>(
    bytes: &[u8],
    directory: &Directory,
    data: &[Range<usize>],
    planned: Planned<C>,
    limits: &Limits,
    process: impl Fn(&Plan, &C, usize, DefinitionKind, Vec<u8>) -> Result<T> + Sync,
) -> Result<Scan<T>> {
    let Planned { listed: Listed { records, names, ignored }, plan, prepared } = planned;
    let total = RunningTotal::default();
    let inflate_entry = |decompressor: &mut Decompressor, record_index: usize, name: &str| {
        let (Some(record), Some(compressed)) =
            (directory.records().get(record_index), data.get(record_index).and_then(|r| bytes.get(r.clone())))
        else {
            let error = Error::new(ErrorKind::Corrupt(Corruption::DataOutside), "entry data lies outside the archive");
            return Err(error.in_record(record_index, name));
        };
        inflate(record, compressed, limits, &total, decompressor).map_err(|e| e.in_record(record_index, name))
    };
    // Entries never placed are checked all the same: a damaged one is a damaged archive.
    ignored
        .par_iter()
        .map_init(Decompressor::new, |decompressor, (record_index, name)| {
            inflate_entry(decompressor, *record_index, name).map(drop)
        })
        .collect::<Result<()>>()?;
    let items = records
        .par_iter()
        .zip(&names)
        .enumerate()
        .map_init(Decompressor::new, |decompressor, (index, (&record_index, name))| {
            let data = inflate_entry(decompressor, record_index, name)?;
            match plan.kind(index) {
                Some(kind) => process(&plan, &prepared, index, kind, data).map(Some).map_err(|e| e.in_entry(name)),
                None => Ok(None),
            }
        })
        .collect();
    Ok(Scan { plan, names, items })
}

fn archive_limit(limits: &Limits, message: String) -> Error {
    Error::limit(Limit::ArchiveBytes, limits.max_archive_bytes, message)
}

/// Checks every record's metadata; no data is inflated here. Returns, per
/// file entry (directories are checked, then dropped), its record's index
/// and its decoded name.
fn list_entries(directory: &Directory, limits: &Limits, warnings: &mut Vec<Warning>) -> Result<Listed> {
    let count = directory.records().len();
    let mut listed =
        Listed { records: Vec::with_capacity(count), names: Vec::with_capacity(count), ignored: Vec::new() };
    let mut declared_total: u64 = 0;
    let (mut metadata, mut dot_prefixed, mut backslashed) = (0_usize, 0_usize, 0_usize);
    // Every name with a separator uses `\`: the archive's separator, whatever its host.
    let all_backslashed =
        directory.records().iter().map(|record| directory.name(record)).all(|raw| !raw.contains(&b'/'))
            && directory.records().iter().any(|record| directory.name(record).contains(&b'\\'));
    for (index, record) in directory.records().iter().enumerate() {
        let raw = directory.name(record);
        let (mut decoded, encoding) = name::decode_entry_name(raw, record.has_utf8_flag())
            .map_err(|e| e.in_raw_entry(raw).in_record(index, ""))?;
        // As Info-ZIP's unzip: `\` is a separator in names made on Windows,
        // and the converted name must still pass every rule below.
        if decoded.contains('\\') && (record.made_on_windows || all_backslashed) {
            decoded = decoded.replace('\\', "/");
            backslashed += 1;
        }
        // `bsdtar -cf x.zip .` writes `./jobs/…` and a `./` entry of its own.
        if decoded == "." || decoded == "./" {
            continue;
        }
        if decoded.starts_with("./") {
            decoded.drain(..2);
            dot_prefixed += 1;
        }
        if encoding == NameEncoding::Gbk {
            warnings.push(Warning::new(
                WarningKind::GbkName,
                Some(&decoded),
                "name stored in GBK without the UTF-8 flag (re-zipped on Chinese Windows); decoded as GBK",
            ));
        }
        let checked = if record.is_dir { decoded.strip_suffix('/').unwrap_or(&decoded) } else { &decoded };
        let is_metadata = name::is_macos_metadata(checked);
        match name::check_entry_name(checked) {
            // Metadata is never read or placed, so no layout depth applies to it;
            // every other rule still does.
            Err(e) if is_metadata && matches!(e.kind(), ErrorKind::InsecureName(NameProblem::TooDeep)) => {}
            Err(e) => return Err(e.in_record(index, checked)),
            Ok(()) => {}
        }
        let refuse = |unsupported: Unsupported, message: String| {
            Err(Error::new(ErrorKind::UnsupportedEntry(unsupported), message).in_record(index, &decoded))
        };
        match record.unix_mode & S_IFMT {
            0 | S_IFREG | S_IFDIR => {}
            S_IFLNK => {
                return refuse(Unsupported::Symlink, "symbolic link (bundles hold regular files only)".to_owned());
            }
            _ => {
                let mode = record.unix_mode;
                let message = format!("special file (mode {mode:o}); bundles hold regular files only");
                return refuse(Unsupported::SpecialFile { mode }, message);
            }
        }
        if record.is_encrypted() {
            // WinZip's AES marks its entries with method 99; the rest is ZipCrypto.
            let cipher = if record.method == AES_ENCRYPTED { "AES" } else { "ZipCrypto" };
            return refuse(Unsupported::Encrypted, format!("encrypted with {cipher} (a password-protected zip)"));
        }
        if record.method != STORED && record.method != DEFLATED {
            let method = record.method;
            let message = format!(
                "compressed with {}, which this reader does not inflate (only stored and Deflate entries are read)",
                method_name(method)
            );
            return refuse(Unsupported::Method { method }, message);
        }
        if record.is_dir {
            continue;
        }
        if record.size > limits.max_entry_bytes {
            let message = format!("declares {} bytes; the per-entry limit is {}", record.size, limits.max_entry_bytes);
            return Err(Error::limit(Limit::EntryBytes, limits.max_entry_bytes, message).in_record(index, &decoded));
        }
        declared_total = declared_total.saturating_add(record.size);
        if declared_total > limits.max_total_bytes {
            let message = format!("entries declare more than the total limit of {} bytes", limits.max_total_bytes);
            return Err(Error::limit(Limit::TotalBytes, limits.max_total_bytes, message).in_record(index, &decoded));
        }
        if is_metadata {
            // Never placed, but inflated like every entry: its CRC-32 is checked.
            metadata += 1;
            listed.ignored.push((index, decoded));
            continue;
        }
        listed.records.push(index);
        listed.names.push(decoded);
    }
    if metadata > 0 {
        let message = format!("{metadata} macOS metadata entries (`__MACOSX/`, `._*`, `.DS_Store`) ignored");
        warnings.push(Warning::new(WarningKind::MacMetadata, None, message));
    }
    if backslashed > 0 {
        let message = format!("{backslashed} entry names use `\\` as separator (made on Windows); read with `/`");
        warnings.push(Warning::new(WarningKind::Backslashes, None, message));
    }
    if dot_prefixed > 0 {
        let message = format!("{dot_prefixed} entry names start with `./`; read without it");
        warnings.push(Warning::new(WarningKind::CurrentDirectoryPrefix, None, message));
    }
    Ok(listed)
}

/// A compression method's name for messages.
fn method_name(method: u16) -> String {
    let name = match method {
        9 => "Deflate64",
        12 => "BZip2",
        14 => "LZMA",
        93 => "Zstandard",
        95 => "XZ",
        98 => "PPMd",
        _ => return rawzip::CompressionMethod::new(method).name().map_or_else(|| format!("#{method}"), str::to_owned),
    };
    format!("{name} (method {method})")
}

/// Inflates one entry to its end under the limits, counting what comes out.
fn inflate(
    record: &Record,
    compressed: &[u8],
    limits: &Limits,
    total: &RunningTotal,
    decompressor: &mut Decompressor,
) -> Result<Vec<u8>> {
    let corrupt = |corruption: Corruption, message: String| Error::new(ErrorKind::Corrupt(corruption), message);
    // libdeflate inflates the whole stream in one call, into a buffer of
    // exactly the declared size, which the metadata checks already bounded
    // by the limits.
    let declared = record.size;
    let entry_limit = |message: String| Error::limit(Limit::EntryBytes, limits.max_entry_bytes, message);
    let size = usize::try_from(declared).map_err(|_| entry_limit(format!("declares {declared} bytes")))?;
    let wrong_size = |message: String| corrupt(Corruption::Size { declared }, message);
    let data = if record.method == STORED {
        compressed.to_vec()
    } else {
        let mut data = vec![0; size];
        match decompressor.deflate_decompress(compressed, &mut data) {
            Ok(written) if written == size => data,
            Ok(written) => return Err(wrong_size(format!("inflates to {written} bytes, not the declared {declared}"))),
            Err(DecompressionError::InsufficientSpace) => {
                return Err(wrong_size(format!("inflates past its declared size of {declared} bytes")));
            }
            Err(DecompressionError::BadData) => {
                return Err(corrupt(Corruption::Deflate, "corrupt DEFLATE data".to_owned()));
            }
        }
    };
    if data.len() != size {
        return Err(wrong_size(format!("holds {} bytes, not the declared {declared}", data.len())));
    }
    if crc32fast::hash(&data) != record.crc32 {
        return Err(corrupt(Corruption::Crc32, "CRC-32 mismatch: the data is damaged".to_owned()));
    }
    let size = data.len() as u64;
    if size > limits.max_entry_bytes {
        return Err(entry_limit(format!("inflates past the per-entry limit of {} bytes", limits.max_entry_bytes)));
    }
    if size > limits.ratio_floor_bytes {
        let ratio = size.checked_div(compressed.len() as u64).unwrap_or(u64::MAX);
        if ratio > limits.max_ratio {
            let message =
                format!("compression ratio {ratio}:1 exceeds the limit of {}:1 (zip bomb?)", limits.max_ratio);
            return Err(Error::limit(Limit::Ratio, limits.max_ratio, message));
        }
    }
    total.add(size, limits)?;
    Ok(data)
}

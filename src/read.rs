//! The safe bundle reader.
//!
//! Order of checks: archive size, zip structure and entry count, no data
//! before the first entry or after the end, no name listed twice; then every
//! entry's name, type, encryption, compression and declared size, all before
//! any data is inflated. Then the entries, a window at a time in archive
//! order (an archive in memory is one window): where each entry's bytes lie
//! (header consistency, overlaps, unlisted entries), checked for the whole
//! window before any of its entries is inflated; then every file entry of the
//! window is inflated in full, in parallel: libdeflate inflates it in one
//! call into the first bytes of a buffer its task reuses, exactly the
//! declared size (bounded by the limits above), and the length, the CRC-32,
//! the ratio and the running total are checked before the definition is
//! parsed.

use crate::archive::{Archive, Carry, Directory, Record};
use crate::diagnostic::{Warning, WarningKind};
use crate::error::{Corruption, Error, ErrorKind, Limit, NameProblem, Result, Unsupported};
use crate::folder;
use crate::kind::DefinitionKind;
use crate::layout::Arrangement;
use crate::limits::{Limits, RunningTotal};
use crate::name::{self, NameEncoding};
use libdeflater::{DecompressionError, Decompressor};
use rawzip::FileReader;
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

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
    pub plan: Arrangement,
    /// File entry names as read, in archive order (shared with the plan's paths).
    pub names: Vec<Arc<str>>,
    /// Per file entry: the caller's result for a definition, `None` for a stray file.
    pub items: Vec<Result<Option<T>>>,
}

/// The file entries, checked, before any is inflated.
struct Listed {
    /// Per file entry, the index of its record.
    records: Vec<usize>,
    names: Vec<Arc<str>>,
    /// Entries never placed (macOS metadata): record index and name.
    ignored: Vec<(usize, String)>,
}

/// The file entries, checked and planned, before any is inflated.
struct Planned<C> {
    listed: Listed,
    plan: Arrangement,
    prepared: C,
}

/// Runs every check of the reader and hands each definition's bytes to
/// `process` (in parallel). Every file entry is inflated, definitions or
/// not, so each CRC is checked. Nothing is kept but what `process` returns,
/// so callers that summarise (validation) need memory for a few entries, not
/// for the bundle. The bytes are lent for the call ([`EntryData::bytes`]);
/// a caller that keeps them takes them ([`EntryData::into_vec`]).
///
/// The layout is planned (followed by `prepare`, which derives what
/// `process` needs from the plan) while the first window of entries is
/// located; a data-layout error is reported before a planning error, and
/// each window is located before any of its entries is inflated.
pub(crate) fn scan<C: Send + Sync, T: Send>(
    bytes: &[u8],
    options: &ReadOptions,
    prepare: impl FnOnce(&Arrangement) -> C + Send,
    process: impl Fn(&Arrangement, &C, usize, DefinitionKind, EntryData<'_>) -> Result<T> + Sync,
) -> Result<Scan<T>> {
    let limits = &options.limits;
    check_archive_size(bytes.len() as u64, limits)?;
    let process = inflated(process);
    on_worker(|| scan_archive(Archive::from_slice(bytes, limits)?, limits, None, prepare, &process))
}

/// Runs every structural check of [`scan`] (names, types, limits on the
/// declared sizes, headers, overlaps, unlisted entries) and keeps each
/// definition as the archive stores it, inflating none: a definition's
/// CRC-32 and DEFLATE stream are checked when it is inflated
/// ([`RawEntry::inflate`]). Stray files and ignored entries are inflated
/// here, as [`scan`] inflates them, since nothing reads them later.
pub(crate) fn list(bytes: &Arc<[u8]>, options: &ReadOptions) -> Result<Scan<RawEntry>> {
    let limits = &options.limits;
    check_archive_size(bytes.len() as u64, limits)?;
    let source = Arc::new(Source { bytes: SourceBytes::Memory(Arc::clone(bytes)), limits: *limits });
    on_worker(|| scan_archive(Archive::from_slice(bytes, limits)?, limits, Some(source), |_| (), stored))
}

/// [`list`] of an archive file, whose entries are then read from the file
/// by position when they are needed.
pub(crate) fn list_file(path: &Path, options: &ReadOptions) -> Result<Scan<RawEntry>> {
    let limits = &options.limits;
    let (file, len) = match ArchiveFile::open(path, limits)? {
        ArchiveFile::Read(bytes) => return list(&Arc::from(bytes), options),
        ArchiveFile::Positional(file, len) => (file, len),
    };
    let kept = file.try_clone().map_err(|e| Error::io(e, "cannot read").in_file(path))?;
    let source =
        Arc::new(Source { bytes: SourceBytes::File(FileReader::from(kept), Arc::from(path)), limits: *limits });
    let archive = |file| Archive::from_file(file, len, limits);
    on_worker(|| scan_archive(archive(file)?, limits, Some(source), |_| (), stored)).map_err(ArchiveFile::naming(path))
}

/// An archive file opened for a scan: read whole when it cannot be read by
/// position (a pipe, `/dev/stdin`), else with its size checked.
enum ArchiveFile {
    Read(Vec<u8>),
    Positional(std::fs::File, u64),
}

impl ArchiveFile {
    fn open(path: &Path, limits: &Limits) -> Result<Self> {
        let io = |e: std::io::Error| Error::io(e, "cannot read").in_file(path);
        let file = std::fs::File::open(path).map_err(io)?;
        let metadata = file.metadata().map_err(io)?;
        if !metadata.is_file() {
            let bytes = folder::read_to_limit(&file, 0, limits.max_archive_bytes, Limit::ArchiveBytes)
                .map_err(|e| e.in_file(path))?;
            return Ok(Self::Read(bytes));
        }
        check_archive_size(metadata.len(), limits).map_err(|e| e.in_file(path))?;
        Ok(Self::Positional(file, metadata.len()))
    }

    /// Names the file on an I/O error of the scan (the others name their entry).
    fn naming(path: &Path) -> impl Fn(Error) -> Error + '_ {
        move |e: Error| if matches!(e.kind(), ErrorKind::Io(_)) { e.in_file(path) } else { e }
    }
}

/// What a scan's function is given for a definition: its bytes, or (a
/// [`list`]) where the archive stores them.
enum Contents<'a> {
    Inflated(EntryData<'a>),
    Stored(RawEntry),
}

/// A caller's function of inflated bytes, for a scan that inflates every entry.
fn inflated<C, T>(
    process: impl Fn(&Arrangement, &C, usize, DefinitionKind, EntryData<'_>) -> Result<T> + Sync,
) -> impl Fn(&Arrangement, &C, usize, DefinitionKind, Contents<'_>) -> Result<T> + Sync {
    move |plan, prepared, index, kind, contents| match contents {
        Contents::Inflated(data) => process(plan, prepared, index, kind, data),
        Contents::Stored(_) => Err(Error::internal("a scan that inflates kept an entry stored")),
    }
}

/// A [`list`]'s function: the entry as stored.
#[allow(clippy::trivially_copy_pass_by_ref, reason = "the shape every scan's function has")]
fn stored(_: &Arrangement, (): &(), _: usize, _: DefinitionKind, contents: Contents<'_>) -> Result<RawEntry> {
    match contents {
        Contents::Stored(raw) => Ok(raw),
        Contents::Inflated(_) => Err(Error::internal("a listing inflated a definition")),
    }
}

/// A listed archive, for entries read after it was listed: where its bytes
/// are and the limits it was listed under. Its entries share it.
#[derive(Debug)]
pub(crate) struct Source {
    bytes: SourceBytes,
    limits: Limits,
}

/// Where an archive's bytes are.
enum SourceBytes {
    /// The archive, in memory.
    Memory(Arc<[u8]>),
    /// The archive file (and its path, for errors), read by position.
    File(FileReader, Arc<Path>),
}

impl std::fmt::Debug for SourceBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Memory(bytes) => write!(f, "Memory({} bytes)", bytes.len()),
            Self::File(_, path) => write!(f, "File({})", path.display()),
        }
    }
}

/// What a record declares of its entry's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Declared {
    /// Compression method: 0 stored, 8 deflate.
    pub method: u16,
    pub crc32: u32,
    /// Uncompressed size.
    pub size: u64,
}

impl Declared {
    fn of(record: &Record) -> Self {
        Self { method: record.method, crc32: record.crc32, size: record.size }
    }
}

/// An entry as its archive stores it, checked as [`list`] says: what it
/// declares, and where its compressed bytes lie.
#[derive(Debug, Clone)]
pub(crate) struct RawEntry {
    source: Arc<Source>,
    data: Range<u64>,
    pub declared: Declared,
}

impl Source {
    /// The archive's bytes in `range`, a range inside the archive that a
    /// listing checked.
    fn read(&self, range: Range<u64>) -> Result<Cow<'_, [u8]>> {
        match &self.bytes {
            SourceBytes::Memory(bytes) => (usize::try_from(range.start).ok())
                .zip(usize::try_from(range.end).ok())
                .and_then(|(start, end)| bytes.get(start..end))
                .map(Cow::Borrowed)
                .ok_or_else(|| Error::internal("a listed entry lies outside its archive")),
            SourceBytes::File(file, path) => {
                let length = usize::try_from(range.end - range.start)
                    .map_err(|_| Error::internal("a listed entry is larger than memory"))?;
                let mut bytes = vec![0; length];
                rawzip::ReaderAt::read_exact_at(file, &mut bytes, range.start)
                    .map_err(|e| Error::io(e, "cannot read").in_file(&**path))?;
                Ok(Cow::Owned(bytes))
            }
        }
    }
}

/// Entries that lie at most this far apart are read together by
/// [`with_compressed`]: the headers between them cost less than a read each.
const STRETCH_GAP: u64 = 4 << 10;

/// The most bytes [`with_compressed`] reads at once from each archive. A
/// stretch is one task: a 9 MB bundle makes dozens, enough for every thread
/// to stay busy to the end.
const STRETCH_BYTES: u64 = 256 << 10;

/// `work(index, bytes)` for each item: the compressed bytes of its `N`
/// entries (one per archive, e.g. OLD's and NEW's of a pair). Items whose
/// entries lie close together in every archive, in the same order (a
/// bundle, or a bundle and its re-pack by the same tool), are read a
/// stretch at a time, one read per stretch of each archive instead of one
/// per entry, and stretches are worked on in parallel. Results come with
/// their indices, in stretch order; the first error wins.
pub(crate) fn with_compressed<const N: usize, T: Send>(
    mut items: Vec<(usize, [&RawEntry; N])>,
    work: impl Fn(usize, [&[u8]; N]) -> Result<T> + Sync,
) -> Result<Vec<(usize, T)>> {
    items.sort_by_key(|(_, entries)| entries.first().map(|entry| entry.data.start));
    let mut stretches: Vec<Vec<(usize, [&RawEntry; N])>> = Vec::new();
    for item in items {
        let joins = stretches.last().and_then(|stretch| Some((stretch.first()?, stretch.last()?))).is_some_and(
            |((_, first), (_, last))| {
                (item.1.iter().zip(first).zip(last)).all(|((entry, first), last)| entry.follows(last, first))
            },
        );
        match stretches.last_mut() {
            Some(stretch) if joins => stretch.push(item),
            _ => stretches.push(vec![item]),
        }
    }
    let worked: Vec<Result<Vec<(usize, T)>>> = stretches
        .par_iter()
        .map(|stretch| {
            let (Some((_, firsts)), Some((_, lasts))) = (stretch.first(), stretch.last()) else {
                return Ok(Vec::new());
            };
            let mut read = Vec::with_capacity(N);
            for (first, last) in firsts.iter().zip(lasts) {
                read.push(first.source.read(first.data.start..last.data.end)?);
            }
            let mut out = Vec::with_capacity(stretch.len());
            for (index, entries) in stretch {
                let mut bytes: [&[u8]; N] = [&[]; N];
                for ((slot, entry), (read, first)) in bytes.iter_mut().zip(entries).zip(read.iter().zip(firsts)) {
                    *slot = entry.within(read, first)?;
                }
                out.push((*index, work(*index, bytes)?));
            }
            Ok(out)
        })
        .collect();
    let mut out = Vec::new();
    for worked in worked {
        out.append(&mut worked?);
    }
    Ok(out)
}

/// For each pair, [`RawEntry::same_as`] (`false` for `None`, an entry not
/// kept as stored): the pairs stored alike are read by [`with_compressed`],
/// and every such pair's compressed bytes are compared all the same.
pub(crate) fn same_stored(pairs: &[Option<(&RawEntry, &RawEntry)>]) -> Result<Vec<bool>> {
    let candidates: Vec<(usize, [&RawEntry; 2])> = (pairs.iter().enumerate())
        .filter_map(|(index, pair)| {
            pair.filter(|(old, new)| old.stores_alike(new)).map(|(old, new)| (index, [old, new]))
        })
        .collect();
    let compared = with_compressed(candidates, |_, [old, new]| Ok(old == new))?;
    let mut result = vec![false; pairs.len()];
    for (index, same) in compared {
        if let Some(slot) = result.get_mut(index) {
            *slot = same;
        }
    }
    Ok(result)
}

impl RawEntry {
    /// The compressed bytes, as stored.
    pub(crate) fn compressed(&self) -> Result<Cow<'_, [u8]>> {
        self.source.read(self.data.clone())
    }

    /// Same method, CRC-32, sizes and compressed size: what [`RawEntry::same_as`]
    /// asks before it compares the bytes.
    fn stores_alike(&self, other: &Self) -> bool {
        self.declared == other.declared && self.data.end - self.data.start == other.data.end - other.data.start
    }

    /// This entry's compressed bytes in `stretch`, the bytes read from `first` on.
    fn within<'a>(&self, stretch: &'a [u8], first: &Self) -> Result<&'a [u8]> {
        let offset = |at: u64| usize::try_from(at.checked_sub(first.data.start)?).ok();
        (offset(self.data.start).zip(offset(self.data.end)))
            .and_then(|(start, end)| stretch.get(start..end))
            .ok_or_else(|| Error::internal("an entry lies outside the stretch read for it"))
    }

    /// Whether this entry can join the stretch from `first` to `last` (of
    /// the same archive) that [`with_compressed`] reads at once.
    fn follows(&self, last: &Self, first: &Self) -> bool {
        Arc::ptr_eq(&self.source, &last.source)
            && self.data.start >= last.data.end
            && self.data.start - last.data.end <= STRETCH_GAP
            && self.data.end - first.data.start <= STRETCH_BYTES
    }

    /// The entry inflated, its size and CRC-32 checked against what it
    /// declares and the limits it was listed under.
    pub(crate) fn inflate(&self) -> Result<Vec<u8>> {
        self.inflate_from(&self.compressed()?)
    }

    /// [`RawEntry::inflate`] of `compressed`, this entry's compressed bytes
    /// read already (by [`with_compressed`]).
    pub(crate) fn inflate_from(&self, compressed: &[u8]) -> Result<Vec<u8>> {
        let mut buffer = Vec::new();
        inflate(
            self.declared,
            compressed,
            &self.source.limits,
            &RunningTotal::default(),
            &mut Decompressor::new(),
            &mut buffer,
        )?;
        Ok(buffer)
    }

    /// `true` when both entries store the same bytes the same way: same
    /// method, CRC-32, sizes and compressed bytes (a forged CRC-32 alone
    /// never makes two entries equal).
    pub(crate) fn same_as(&self, other: &Self) -> Result<bool> {
        Ok(self.stores_alike(other) && self.compressed()? == other.compressed()?)
    }
}

/// Runs `work` on a thread of the pool that inflates the entries. The
/// directory and the plan make short-lived allocations of megabytes; freed
/// on a thread that then only waits for the pool, the allocator keeps them
/// (10,000 jobs: 17 MiB), while a thread of the pool reuses them.
pub(crate) fn on_worker<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| work())
}

/// [`scan`] of an archive file, returning its size too. The file is read
/// by position, its central directory first, then its entries window by
/// window; what cannot be read by position (a pipe, `/dev/stdin`) is read
/// whole first.
pub(crate) fn scan_file<C: Send + Sync, T: Send>(
    path: &Path,
    options: &ReadOptions,
    prepare: impl FnOnce(&Arrangement) -> C + Send,
    process: impl Fn(&Arrangement, &C, usize, DefinitionKind, EntryData<'_>) -> Result<T> + Sync,
) -> Result<(Scan<T>, u64)> {
    let limits = &options.limits;
    let (file, len) = match ArchiveFile::open(path, limits)? {
        ArchiveFile::Read(bytes) => {
            let scan = scan(&bytes, options, prepare, process)?;
            return Ok((scan, bytes.len() as u64));
        }
        ArchiveFile::Positional(file, len) => (file, len),
    };
    let archive = |file| Archive::from_file(file, len, limits);
    let process = inflated(process);
    let scan = on_worker(|| scan_archive(archive(file)?, limits, None, prepare, &process))
        .map_err(ArchiveFile::naming(path))?;
    Ok((scan, len))
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

fn plan_entries<C>(
    directory: &Directory,
    limits: &Limits,
    prepare: impl FnOnce(&Arrangement) -> C,
) -> Result<Planned<C>> {
    let mut warnings = Vec::new();
    let listed = list_entries(directory, limits, &mut warnings)?;
    let plan = Arrangement::new(&listed.names, warnings)?;
    let prepared = prepare(&plan);
    Ok(Planned { listed, plan, prepared })
}

/// What becomes of a record's entry, when it is inflated (directories and
/// entries dropped by name, `./`, are not).
#[derive(Clone, Copy)]
enum Slot {
    /// The file entry of this index.
    Listed(usize),
    /// The ignored (never placed) entry of this index.
    Ignored(usize),
}

/// An inflated entry: a file entry's item by its index, or an ignored
/// entry's check by its record's index.
enum Outcome<T> {
    Listed(usize, Result<Option<T>>),
    Ignored(usize, Result<()>),
}

/// Locates and inflates the archive's entries window by window, reading the
/// next window while the current one is inflated.
fn scan_archive<C: Send + Sync, T: Send>(
    mut archive: Archive<'_>,
    limits: &Limits,
    keep_stored: Option<Arc<Source>>,
    prepare: impl FnOnce(&Arrangement) -> C + Send,
    process: impl Fn(&Arrangement, &C, usize, DefinitionKind, Contents<'_>) -> Result<T> + Sync,
) -> Result<Scan<T>> {
    archive.check_extent()?;
    let (mut carry, mut buffer) = (Carry::default(), Vec::new());
    // Planning needs the names alone: it runs while the first window is read.
    let (read, planned) =
        rayon::join(|| archive.read_window(0, &mut buffer), || plan_entries(archive.directory(), limits, prepare));
    read?;
    archive.show_window(0, &mut buffer);
    let mut located = archive.locate(0, &mut carry)?;
    let planned = match planned {
        Ok(planned) => planned,
        Err(error) => {
            // Where the entries' bytes lie is reported first.
            for window in 1..archive.window_count() {
                archive.read_window(window, &mut buffer)?;
                archive.show_window(window, &mut buffer);
                archive.locate(window, &mut carry)?;
            }
            return Err(error);
        }
    };
    let Planned { listed: Listed { records, names, ignored }, plan, prepared } = planned;
    let mut slots = vec![None; archive.directory().records().len()];
    let listed = records.iter().enumerate().map(|(index, &record)| (record, Slot::Listed(index)));
    let never_placed = ignored.iter().enumerate().map(|(index, (record, _))| (*record, Slot::Ignored(index)));
    for (record, slot) in listed.chain(never_placed) {
        if let Some(at) = slots.get_mut(record) {
            *at = Some(slot);
        }
    }
    let inflater = Inflater {
        keep_stored,
        slots,
        names: &names,
        ignored: &ignored,
        plan: &plan,
        prepared: &prepared,
        limits,
        process,
        total: RunningTotal::default(),
    };
    let mut items: Vec<Option<Result<Option<T>>>> = std::iter::repeat_with(|| None).take(names.len()).collect();
    // Entries never placed are checked all the same: a damaged one is a
    // damaged archive, reported after every window is located.
    let mut damaged_ignored: Option<(usize, Error)> = None;
    for window in 0..archive.window_count() {
        let next = window + 1;
        if next == archive.window_count() {
            // No window follows: the spare buffer goes before the last results come.
            buffer = Vec::new();
        }
        let (outcomes, read) =
            rayon::join(|| inflater.inflate(&archive, &located), || archive.read_window(next, &mut buffer));
        for outcome in outcomes {
            match outcome {
                Outcome::Listed(index, item) => {
                    if let Some(slot) = items.get_mut(index) {
                        *slot = Some(item);
                    }
                }
                Outcome::Ignored(record, Err(error))
                    if damaged_ignored.as_ref().is_none_or(|(first, _)| record < *first) =>
                {
                    damaged_ignored = Some((record, error));
                }
                Outcome::Ignored(..) => {}
            }
        }
        if next < archive.window_count() {
            read?;
            archive.show_window(next, &mut buffer);
            located = archive.locate(next, &mut carry)?;
        }
    }
    if let Some((_, error)) = damaged_ignored {
        return Err(error);
    }
    // Every file entry lies in some window; `None` would be a bug, reported as damage.
    let items = (items.into_iter().zip(&names))
        .map(|(item, name)| {
            item.unwrap_or_else(|| {
                Err(Error::new(ErrorKind::Corrupt(Corruption::DataOutside), "entry data lies outside the archive")
                    .in_entry(&**name))
            })
        })
        .collect();
    Ok(Scan { plan, names, items })
}

/// What inflating an entry needs: where its outcome goes, the plan and the
/// caller's function.
struct Inflater<'a, C, F> {
    /// Where the archive is, when definitions are kept stored rather than inflated.
    keep_stored: Option<Arc<Source>>,
    slots: Vec<Option<Slot>>,
    names: &'a [Arc<str>],
    ignored: &'a [(usize, String)],
    plan: &'a Arrangement,
    prepared: &'a C,
    limits: &'a Limits,
    process: F,
    total: RunningTotal,
}

impl<C: Sync, F> Inflater<'_, C, F> {
    /// Inflates the located entries of the window shown, in parallel.
    fn inflate<T: Send>(&self, archive: &Archive<'_>, located: &[(usize, Range<u64>)]) -> Vec<Outcome<T>>
    where
        F: Fn(&Arrangement, &C, usize, DefinitionKind, Contents<'_>) -> Result<T> + Sync,
    {
        let entries: Vec<_> = (located.iter())
            .filter_map(|(record, range)| Some((*record, range, (*self.slots.get(*record)?)?)))
            .collect();
        entries
            .into_par_iter()
            .map_init(
                || (Decompressor::new(), Vec::new()),
                |(decompressor, buffer), (record_index, range, slot)| {
                    let name = match slot {
                        Slot::Listed(index) => self.names.get(index).map_or("", AsRef::as_ref),
                        Slot::Ignored(index) => self.ignored.get(index).map_or("", |(_, name)| name.as_str()),
                    };
                    let record = (archive.directory().records().get(record_index))
                        .ok_or_else(|| Error::new(ErrorKind::Corrupt(Corruption::DataOutside), "no such record"));
                    let definition = match slot {
                        Slot::Listed(index) => self.plan.kind(index).map(|kind| (index, kind)),
                        Slot::Ignored(_) => None,
                    };
                    if let (Some(source), Some((index, kind))) = (&self.keep_stored, definition) {
                        let raw = record.map(|record| RawEntry {
                            source: Arc::clone(source),
                            data: range.clone(),
                            declared: Declared::of(record),
                        });
                        let item = raw
                            .and_then(|raw| {
                                (self.process)(self.plan, self.prepared, index, kind, Contents::Stored(raw))
                            })
                            .map(Some)
                            .map_err(|e| e.in_record(record_index, name));
                        return Outcome::Listed(index, item);
                    }
                    let inflated = record
                        .and_then(|record| {
                            let compressed = archive.bytes(range.clone())?;
                            inflate(Declared::of(record), &compressed, self.limits, &self.total, decompressor, buffer)
                        })
                        .map_err(|e| e.in_record(record_index, name));
                    let Slot::Listed(index) = slot else { return Outcome::Ignored(record_index, inflated.map(drop)) };
                    let item = inflated.and_then(|()| match self.plan.kind(index) {
                        Some(kind) => {
                            let data = Contents::Inflated(EntryData { buffer });
                            (self.process)(self.plan, self.prepared, index, kind, data)
                                .map(Some)
                                .map_err(|e| e.in_entry(name))
                        }
                        None => Ok(None),
                    });
                    Outcome::Listed(index, item)
                },
            )
            .collect()
    }
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
    let raw_names = directory.records().iter().map(|record| directory.name(record)).collect::<Result<Vec<_>>>()?;
    let all_backslashed =
        raw_names.iter().all(|raw| !raw.contains(&b'/')) && raw_names.iter().any(|raw| raw.contains(&b'\\'));
    for ((index, record), raw) in directory.records().iter().enumerate().zip(raw_names) {
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
        listed.names.push(Arc::from(decoded));
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

/// An entry's bytes: all of a buffer the reading thread reuses. Borrowed
/// ([`EntryData::bytes`]), the buffer serves the next entry too, so it is
/// zeroed only where it grows; taken ([`EntryData::into_vec`]), the next
/// entry gets a new one.
pub(crate) struct EntryData<'a> {
    buffer: &'a mut Vec<u8>,
}

impl<'a> EntryData<'a> {
    /// All of `buffer`.
    pub(crate) fn whole(buffer: &'a mut Vec<u8>) -> Self {
        Self { buffer }
    }

    /// The entry's bytes, for this call only.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.buffer
    }

    /// The entry's bytes, to keep, without the capacity the buffer had
    /// reserved for a larger entry before.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        let mut bytes = std::mem::take(self.buffer);
        bytes.shrink_to_fit();
        bytes
    }
}

/// Inflates one entry to its end under the limits into the start of
/// `buffer`, counting what comes out; returns its length.
fn inflate(
    declared: Declared,
    compressed: &[u8],
    limits: &Limits,
    total: &RunningTotal,
    decompressor: &mut Decompressor,
    buffer: &mut Vec<u8>,
) -> Result<()> {
    let corrupt = |corruption: Corruption, message: String| Error::new(ErrorKind::Corrupt(corruption), message);
    // libdeflate inflates the whole stream in one call, into exactly the
    // declared size, which the metadata checks already bounded by the limits.
    let Declared { method, crc32, size: declared } = declared;
    let entry_limit = |message: String| Error::limit(Limit::EntryBytes, limits.max_entry_bytes, message);
    let size = usize::try_from(declared).map_err(|_| entry_limit(format!("declares {declared} bytes")))?;
    let wrong_size = |message: String| corrupt(Corruption::Size { declared }, message);
    if method == STORED {
        // Refused before the buffer grows to a length no limit has bounded.
        if compressed.len() != size {
            return Err(wrong_size(format!("holds {} bytes, not the declared {declared}", compressed.len())));
        }
        buffer.clear();
        buffer.extend_from_slice(compressed);
    } else {
        // Exactly the entry's size: only growth is zeroed, and the bytes are all of the buffer.
        if buffer.len() < size {
            buffer.reserve_exact(size - buffer.len());
        }
        buffer.resize(size, 0);
        let out = buffer.as_mut_slice();
        match decompressor.deflate_decompress(compressed, out) {
            Ok(written) if written == size => {}
            Ok(written) => return Err(wrong_size(format!("inflates to {written} bytes, not the declared {declared}"))),
            Err(DecompressionError::InsufficientSpace) => {
                return Err(wrong_size(format!("inflates past its declared size of {declared} bytes")));
            }
            Err(DecompressionError::BadData) => {
                return Err(corrupt(Corruption::Deflate, "corrupt DEFLATE data".to_owned()));
            }
        }
    }
    let data = buffer.as_slice();
    if crc32fast::hash(data) != crc32 {
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
    total.add(size, limits)
}

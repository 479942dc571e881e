//! The zip container: the central directory's records, and where each
//! entry's bytes lie.
//!
//! `rawzip` parses the structures; the checks are this crate's policy: a
//! bounded number of records, no data before the first entry or after the
//! end, no name listed twice, every local header agreeing with its record (a
//! streaming reader, such as Java's `ZipInputStream`, believes the local
//! headers; this reader believes the central directory, so the two must tell
//! the same story), no two entries sharing a byte, and no local header the
//! central directory leaves out.
//!
//! An archive in memory is one window. An archive file is read by position:
//! its central directory, then its entries in archive order, a window of a
//! few MiB at a time (the next read while the current one is inflated), so
//! memory holds two windows, not the file. Each window is checked in full
//! before any of its entries is inflated; where its entries' bytes run past
//! it (only in a damaged or hostile archive), they are read from the file.

use crate::error::{Corruption, Error, ErrorKind, HeaderField, Limit, Result, ZipHeader};
use crate::limits::Limits;
use foldhash::{HashSet, HashSetExt};
use rawzip::extra_fields::ExtraFieldId;
use rawzip::{
    CreatorSystem, FileReader, ReaderAt, ZipArchive, ZipArchiveEntryWayfinder, ZipFileHeaderRecord, ZipLocator,
};
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;

const ENCRYPTED: u16 = 1;
const DATA_DESCRIPTOR: u16 = 1 << 3;
const UTF8_NAME: u16 = 1 << 11;
/// The end of central directory record, without its comment.
const END_RECORD_SIZE: usize = 22;
/// The fixed part of a central-directory record.
const MIN_RECORD_SIZE: u64 = 46;
const LOCAL_HEADER_SIGNATURE: &[u8] = b"PK\x03\x04";
const DATA_DESCRIPTOR_SIGNATURE: &[u8] = b"PK\x07\x08";
/// The fixed part of a local header, which ends with the name's and the
/// extra field's lengths.
const LOCAL_HEADER_SIZE: usize = 30;
/// The Zip64 end of central directory locator, just before the end record.
const ZIP64_LOCATOR_SIZE: usize = 20;
const ZIP64_LOCATOR_SIGNATURE: &[u8] = b"PK\x06\x07";
/// A data descriptor with its signature and 8-byte sizes.
const DATA_DESCRIPTOR_MAX_SIZE: u64 = 24;

/// The records of a central directory, in archive order.
#[derive(Debug)]
pub(crate) struct Directory {
    records: Vec<Record>,
    /// Every record's name as stored, back to back (one allocation, not one per record).
    names: Vec<u8>,
    /// Where the central directory starts: no entry may reach past it.
    start: u64,
    /// Where the archive ends: after its end record and comment.
    end: u64,
}

/// One central-directory record: what the reader needs of it.
#[derive(Debug)]
pub(crate) struct Record {
    name: Range<usize>,
    /// General purpose flags.
    pub(crate) flags: u16,
    /// Compression method (0 stored, 8 deflate, …).
    pub(crate) method: u16,
    /// Declared uncompressed size.
    pub(crate) size: u64,
    pub(crate) crc32: u32,
    /// Unix file type and permission bits, when a Unix-like system made
    /// the entry (0 otherwise).
    pub(crate) unix_mode: u32,
    pub(crate) is_dir: bool,
    /// Made on a FAT or NTFS host ("version made by"), where `\\` is a separator.
    pub(crate) made_on_windows: bool,
    offset: u64,
    wayfinder: ZipArchiveEntryWayfinder,
}

impl Record {
    pub(crate) fn has_utf8_flag(&self) -> bool {
        self.flags & UTF8_NAME != 0
    }

    pub(crate) fn is_encrypted(&self) -> bool {
        self.flags & ENCRYPTED != 0
    }

    pub(crate) fn compressed_size(&self) -> u64 {
        self.wayfinder.compressed_size_hint()
    }
}

/// The bytes the checks and the inflater read: all of an archive in
/// memory, or a window of an archive file, with reads outside the window
/// going to the file.
pub(crate) struct Window<'a> {
    /// The archive file, when the archive is not all in memory.
    file: Option<FileReader>,
    /// Where the window starts in the archive.
    base: u64,
    bytes: Cow<'a, [u8]>,
}

impl ReaderAt for Window<'_> {
    fn read_at(&self, buffer: &mut [u8], offset: u64) -> std::io::Result<usize> {
        let held = (offset.checked_sub(self.base).and_then(|at| usize::try_from(at).ok()))
            .and_then(|at| self.bytes.get(at..))
            .filter(|held| !held.is_empty());
        match (held, &self.file) {
            (Some(held), _) => held.read_at(buffer, 0),
            (None, Some(file)) => file.read_at(buffer, offset),
            (None, None) => Ok(0),
        }
    }
}

/// What `rawzip`'s slice reader reads: the bytes held, which for an archive
/// in memory are all of it.
impl AsRef<[u8]> for Window<'_> {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Window<'_> {
    /// The bytes of `range`: borrowed when the window holds them, else read.
    fn get(&self, range: Range<u64>) -> std::io::Result<Cow<'_, [u8]>> {
        let held = (range.start.checked_sub(self.base).zip(range.end.checked_sub(self.base)))
            .and_then(|(start, end)| Some(usize::try_from(start).ok()?..usize::try_from(end).ok()?))
            .and_then(|held| self.bytes.get(held));
        if let Some(held) = held {
            return Ok(Cow::Borrowed(held));
        }
        let length = usize::try_from(range.end.saturating_sub(range.start)).map_err(std::io::Error::other)?;
        let mut read = vec![0; length];
        self.read_exact_at(&mut read, range.start)?;
        Ok(Cow::Owned(read))
    }
}

/// An archive whose central directory has been read: the directory, and
/// the bytes of one window of entries at a time.
pub(crate) struct Archive<'a> {
    zip: ZipArchive<Window<'a>>,
    directory: Directory,
    /// The archive's size in bytes.
    len: u64,
    /// The windows: each a run of the records' indices in archive order
    /// (by offset), and the bytes from its first entry to the next window's.
    windows: Vec<(Vec<usize>, Range<u64>)>,
    /// The length of the longest window, in bytes.
    largest_window: usize,
}

/// What the checks of one window hand on to the next: the entry that ends
/// last so far, and where.
#[derive(Default)]
pub(crate) struct Carry {
    previous: Option<(u64, usize)>,
}

/// Bytes an archive file is read in at a time (the whole of an entry larger
/// than this, with what lies between it and the next).
const WINDOW_BYTES: u64 = 256 << 10;

impl<'a> Archive<'a> {
    /// Reads the central directory of an archive in memory.
    ///
    /// # Security
    /// Counts and offsets come from the archive: the record count is held to
    /// [`Limits::max_entries`] before and while records are read, and every
    /// record is bounded by the bytes that hold the directory. Names are kept
    /// as stored; nothing here trusts them.
    pub(crate) fn from_slice(bytes: &'a [u8], limits: &Limits) -> Result<Self> {
        let window = Window { file: None, base: 0, bytes: Cow::Borrowed(bytes) };
        let archive = ZipArchive::from_slice(window).map_err(|e| not_a_zip(&e))?;
        check_end_record(archive.get_ref(), archive.eocd_offset(), archive.directory_offset())?;
        let extent = archive.directory_offset()..archive.eocd_offset();
        let mut directory = Directory::new(archive.entries_hint(), extent, archive.end_offset(), limits)?;
        for header in archive.entries() {
            directory.push(&header.map_err(|_| directory.broken())?, limits)?;
        }
        let directory = directory.finish(archive.entries_hint())?;
        Ok(Self::new(archive.into_reader_archive(), directory, bytes.len() as u64, u64::MAX))
    }

    /// Reads the central directory of an archive file of `len` bytes by
    /// positional reads; its entries are read window by window
    /// ([`Archive::read_window`]).
    ///
    /// # Security
    /// As [`Archive::from_slice`].
    pub(crate) fn from_file(file: std::fs::File, len: u64, limits: &Limits) -> Result<Self> {
        // Big enough for any record, so no record is refused for its size.
        let mut buffer = vec![0; rawzip::MAX_CENTRAL_DIRECTORY_RECORD_SIZE];
        let window = Window { file: Some(FileReader::from(file)), base: 0, bytes: Cow::Owned(Vec::new()) };
        let archive = ZipLocator::new().locate_in_reader(window, &mut buffer, len).map_err(|(_, e)| not_a_zip(&e))?;
        check_end_record(archive.get_ref(), archive.eocd_offset(), archive.directory_offset())?;
        let extent = archive.directory_offset()..archive.eocd_offset();
        let mut directory = Directory::new(archive.entries_hint(), extent, archive.end_offset(), limits)?;
        let mut entries = archive.entries(&mut buffer);
        while let Some(header) = entries.next_entry().map_err(|_| directory.broken())? {
            directory.push(&header, limits)?;
        }
        let directory = directory.finish(archive.entries_hint())?;
        Ok(Self::new(archive, directory, len, WINDOW_BYTES))
    }

    fn new(zip: ZipArchive<Window<'a>>, directory: Directory, len: u64, window_bytes: u64) -> Self {
        let mut by_offset: Vec<(u64, usize)> =
            directory.records.iter().enumerate().map(|(index, record)| (record.offset, index)).collect();
        by_offset.sort_unstable();
        // Entries lie before the directory; a window's bytes end there at most.
        let limit = directory.start;
        let mut windows: Vec<(Vec<usize>, Range<u64>)> = Vec::new();
        let mut current: Option<(Vec<usize>, u64)> = None;
        let mut previous = None;
        for &(offset, index) in &by_offset {
            match &mut current {
                // Windows break between offsets, never inside a run of equal ones.
                Some((records, start))
                    if offset <= *start || offset - *start < window_bytes || Some(offset) == previous =>
                {
                    records.push(index);
                }
                _ => {
                    if let Some((records, start)) = current.take() {
                        windows.push((records, start.min(limit)..offset.min(limit).max(start.min(limit))));
                    }
                    current = Some((vec![index], offset));
                }
            }
            previous = Some(offset);
        }
        if let Some((records, start)) = current {
            windows.push((records, start.min(limit)..limit));
        }
        let largest = windows.iter().map(|(_, bytes)| bytes.end - bytes.start).max().unwrap_or(0);
        // Only a capacity hint: none for a window larger than memory, which fails when read.
        let largest_window = usize::try_from(largest).unwrap_or(0);
        Self { zip, directory, len, windows, largest_window }
    }

    pub(crate) fn directory(&self) -> &Directory {
        &self.directory
    }

    /// How many windows the entries are read in.
    pub(crate) fn window_count(&self) -> usize {
        self.windows.len()
    }

    /// The records of window `window`, in archive order.
    pub(crate) fn window_records(&self, window: usize) -> &[usize] {
        self.windows.get(window).map_or(&[], |(records, _)| records.as_slice())
    }

    /// Reads the bytes of window `window` into `buffer` (for an archive in
    /// memory, which is one window already, nothing).
    pub(crate) fn read_window(&self, window: usize, buffer: &mut Vec<u8>) -> Result<()> {
        let (Some(file), Some((_, bytes))) = (&self.zip.get_ref().file, self.windows.get(window)) else {
            return Ok(());
        };
        let length =
            usize::try_from(bytes.end - bytes.start).map_err(|e| Error::io(std::io::Error::other(e), "cannot read"))?;
        // Room for the largest window at once: growing a buffer by doubling
        // would hold twice the memory.
        if buffer.capacity() < length {
            *buffer = Vec::with_capacity(self.largest_window);
        }
        // The bytes already there are read over: only the growth is zeroed.
        buffer.resize(length, 0);
        file.read_exact_at(buffer, bytes.start).map_err(|e| Error::io(e, "cannot read the archive (did it change?)"))
    }

    /// Makes the bytes `read_window(window)` gave the window's; the buffer
    /// gets the old window's bytes, to be reused.
    pub(crate) fn show_window(&mut self, window: usize, buffer: &mut Vec<u8>) {
        let base = self.windows.get(window).map(|(_, bytes)| bytes.start);
        let shown = self.zip.get_mut();
        if let (Some(base), Cow::Owned(bytes)) = (base, &mut shown.bytes) {
            std::mem::swap(bytes, buffer);
            shown.base = base;
        }
    }

    /// The bytes of `range`, held by the window shown or else read.
    pub(crate) fn bytes(&self, range: Range<u64>) -> Result<Cow<'_, [u8]>> {
        self.zip.get_ref().get(range).map_err(|e| Error::io(e, "cannot read the archive"))
    }

    /// The checks that need no entry's bytes: no data before the first
    /// entry or after the archive, no name listed twice.
    ///
    /// # Security
    /// Messages quote names decoded lossily, for diagnosis only; the caller
    /// decodes and checks them.
    pub(crate) fn check_extent(&self) -> Result<()> {
        let directory = &self.directory;
        let first = directory.records.iter().map(|r| r.offset).min().unwrap_or(directory.start).min(directory.start);
        if first > 0 {
            return Err(Error::new(
                ErrorKind::PrependedData { bytes: first },
                format!("{first} bytes of data before the first entry (not a plain zip)"),
            ));
        }
        let trailing = self.len.saturating_sub(directory.end);
        if trailing > 0 {
            return Err(Error::new(
                ErrorKind::TrailingData { bytes: trailing },
                format!("{trailing} bytes of data after the end of the archive (not a plain zip)"),
            ));
        }
        directory.check_unique_names()
    }

    /// Checks where the entries of the window shown lie (in this order:
    /// local headers and data descriptors, shared bytes, unlisted local
    /// headers) and returns each record's index and the range of its
    /// compressed data. `carry` links the windows, which are checked in
    /// order.
    ///
    /// # Security
    /// Every offset is checked against the archive's size, so a damaged
    /// record gives an error, never a read out of bounds.
    pub(crate) fn locate(&self, window: usize, carry: &mut Carry) -> Result<Vec<(usize, Range<u64>)>> {
        let records = self.window_records(window);
        let directory = &self.directory;
        // Reading the local headers is a cache miss each: spread over the
        // threads, then the first failure in the directory's order.
        let checked: Vec<(usize, Result<Range<u64>>)> =
            records.par_iter().map(|&index| (index, self.check_local_header(index))).collect();
        let mut data = Vec::with_capacity(checked.len());
        let mut failure: Option<(usize, Error)> = None;
        for (index, checked) in checked {
            match checked {
                Ok(range) => data.push((index, range)),
                Err(error) if failure.as_ref().is_none_or(|(first, _)| index < *first) => {
                    failure = Some((index, error));
                }
                Err(_) => {}
            }
        }
        if let Some((_, error)) = failure {
            return Err(error);
        }
        let mut spans: Vec<(u64, u64, usize)> = (data.iter())
            .filter_map(|(index, range)| Some((directory.records.get(*index)?.offset, range.end, *index)))
            .collect();
        spans.sort_unstable();
        let window_end = self.windows.get(window).map_or(directory.start, |(_, bytes)| bytes.end);
        let next = self.window_records(window + 1).first().map(|&index| (window_end, u64::MAX, index));
        let previous = carry.previous.map(|(end, index)| (0, end, index));
        let in_order = previous.iter().chain(&spans).chain(next.iter()).collect::<Vec<_>>();
        for pair in in_order.windows(2) {
            if let [(_, end, first), (start, _, second)] = pair
                && end > start
            {
                let other = directory.display_name(*first);
                let message = format!("shares bytes with entry `{other}` (overlap zip bomb)");
                return Err(directory.at_record(*second, ErrorKind::Overlap { other: Some(other) }, message));
            }
        }
        let last_window = window + 1 == self.windows.len();
        if let Some(&(_, end, index)) = spans.last()
            && last_window
            && end > directory.start
        {
            let message = "reaches into the central directory".to_owned();
            return Err(directory.at_record(index, ErrorKind::Overlap { other: None }, message));
        }
        let gap_start = carry.previous.map_or(0, |(end, _)| end);
        self.check_gaps(gap_start, &spans, window_end)?;
        if let Some(&(_, end, index)) = spans.last() {
            carry.previous = Some((end, index));
        }
        Ok(data)
    }

    /// The local header must agree with the record; returns the range of
    /// the compressed data.
    fn check_local_header(&self, index: usize) -> Result<Range<u64>> {
        let directory = &self.directory;
        let missing =
            || directory.disagreement(index, ZipHeader::Local, HeaderField::Missing, "has no readable local header");
        let record = directory.records.get(index).ok_or_else(missing)?;
        let entry = self.zip.get_entry(record.wayfinder).map_err(|_| missing())?;
        let (start, end) = entry.compressed_data_range();
        if end > self.len {
            return Err(missing());
        }
        // Room for the usual name and extra field; more when a header needs it.
        let (mut usual, mut large) = ([0; 512], Vec::new());
        let local = match entry.local_header(&mut usual) {
            Ok(local) => local,
            Err(error) => match error.kind() {
                rawzip::ErrorKind::BufferTooSmall { required } => {
                    large.resize(*required, 0);
                    entry.local_header(&mut large).map_err(|_| missing())?
                }
                _ => return Err(missing()),
            },
        };
        // What a streaming reader would see, beside what the directory says.
        let disagree = |field: HeaderField, what: &str, local: String, central: String| {
            let message = format!("its local header gives {what} {local}, the central directory {central}");
            Err(directory.disagreement(index, ZipHeader::Local, field, &message))
        };
        let local_name = local.file_path().as_bytes();
        let central_name = directory.name(record)?;
        if local_name != central_name {
            let quoted = |name: &[u8]| format!("`{}`", String::from_utf8_lossy(name).escape_debug());
            return disagree(HeaderField::Name, "the name", quoted(local_name), quoted(central_name));
        }
        let local_method = local.compression_method().as_u16();
        if local_method != record.method {
            return disagree(
                HeaderField::Method,
                "compression method",
                local_method.to_string(),
                record.method.to_string(),
            );
        }
        let meaningful = ENCRYPTED | DATA_DESCRIPTOR | UTF8_NAME;
        let local_flags = local.flags().bits() & meaningful;
        if local_flags != record.flags & meaningful {
            let hex = |flags: u16| format!("{flags:#06x}");
            return disagree(HeaderField::Flags, "the flags", hex(local_flags), hex(record.flags & meaningful));
        }
        let declared = (record.crc32, record.compressed_size(), record.size);
        let described = |(crc, compressed, size): (u32, u64, u64)| {
            format!("{crc:08x}, {compressed} bytes compressed, {size} inflated")
        };
        if record.flags & DATA_DESCRIPTOR == 0 {
            let local_sizes = (local.crc32(), local.compressed_size_hint(), local.uncompressed_size_hint());
            if local_sizes != declared {
                return disagree(HeaderField::Sizes, "CRC-32", described(local_sizes), described(declared));
            }
        } else {
            // Sizes are 8 bytes wide when the local header has a Zip64 field
            // (APPNOTE 4.3.9.2, and what Java's `ZipInputStream` reads).
            let wide = local.extra_fields().any(|(id, _)| id == ExtraFieldId::ZIP64);
            let after = self.bytes(end..self.len.min(end.saturating_add(DATA_DESCRIPTOR_MAX_SIZE)))?;
            // The signature is optional: a CRC-32 that happens to equal it
            // is read both ways.
            let signed = after.strip_prefix(DATA_DESCRIPTOR_SIGNATURE).and_then(|rest| read_descriptor(rest, wide));
            let unsigned = read_descriptor(&after, wide);
            if ![signed, unsigned].contains(&Some(declared)) {
                let (field, message) = match signed.or(unsigned) {
                    Some(sizes) => (
                        HeaderField::Sizes,
                        format!(
                            "its data descriptor gives CRC-32 {}, the central directory {}",
                            described(sizes),
                            described(declared)
                        ),
                    ),
                    None => (HeaderField::Missing, "its data descriptor is cut off".to_owned()),
                };
                return Err(directory.disagreement(index, ZipHeader::DataDescriptor, field, &message));
            }
        }
        Ok(start..end)
    }

    /// Between entries there may be data descriptors, never a local header:
    /// an entry the directory leaves out is one a streaming reader would see
    /// and this one would not. Checks the gaps from `gap_start` between
    /// `spans` up to `until`.
    fn check_gaps(&self, mut gap_start: u64, spans: &[(u64, u64, usize)], until: u64) -> Result<()> {
        let signature = memchr::memmem::Finder::new(LOCAL_HEADER_SIGNATURE);
        let ends = spans.iter().map(|&(start, end, _)| (start, end)).chain([(until, until)]);
        for (next_start, end) in ends {
            // Most gaps are empty or hold a data descriptor (at most 24 bytes).
            if next_start >= gap_start.saturating_add(LOCAL_HEADER_SIZE as u64) {
                let gap_bytes = self.bytes(gap_start..next_start)?;
                let hidden =
                    signature.find_iter(&gap_bytes).find(|&at| gap_bytes.get(at..).is_some_and(holds_local_header));
                if let Some(at) = hidden {
                    let offset = gap_start + at as u64;
                    return Err(Error::new(
                        ErrorKind::UnlistedEntry { offset },
                        format!(
                            "a local header at byte {offset} is not listed in the central directory \
                             (an entry only streaming readers would see)"
                        ),
                    ));
                }
            }
            gap_start = end;
        }
        Ok(())
    }
}

impl Directory {
    /// An empty directory for `declared_count` records in the `extent`
    /// bytes, of an archive that ends at `end`.
    fn new(declared_count: u64, extent: Range<u64>, end: u64, limits: &Limits) -> Result<Self> {
        // 65,535 is also the Zip64 placeholder: not a count to refuse over
        // the limit (which holds while the records are read).
        let count = if declared_count == ZIP64_COUNT_PLACEHOLDER {
            0
        } else {
            usize::try_from(declared_count).unwrap_or(usize::MAX)
        };
        if count > limits.max_entries {
            return Err(too_many(&declared_count, limits));
        }
        // The count is the archive's word: reserve no more than its bytes can hold.
        let room = usize::try_from(extent.end.saturating_sub(extent.start) / MIN_RECORD_SIZE).unwrap_or(usize::MAX);
        let records = Vec::with_capacity(count.min(room));
        // The names lie in the directory's bytes, beside each record's fixed part.
        let name_bytes =
            extent.end.saturating_sub(extent.start).saturating_sub(count.min(room) as u64 * MIN_RECORD_SIZE);
        // A capacity hint: none when the bytes do not fit in memory.
        let names = Vec::with_capacity(usize::try_from(name_bytes).unwrap_or(0));
        Ok(Self { records, names, start: extent.start, end })
    }

    fn push(&mut self, header: &ZipFileHeaderRecord<'_>, limits: &Limits) -> Result<()> {
        if self.records.len() >= limits.max_entries {
            return Err(too_many(&"more", limits));
        }
        // A field whose declared size runs past the extra data: Java's
        // `ZipFile` refuses the archive, so this reader does too (fewer than
        // four bytes left over are padding, which Java ignores).
        let mut extra_fields = header.extra_fields();
        extra_fields.by_ref().for_each(drop);
        if extra_fields.remaining_bytes().len() >= 4 {
            let index = self.records.len();
            return Err(Error::new(
                ErrorKind::Corrupt(Corruption::Directory),
                format!("central directory record #{index} has a malformed extra field"),
            )
            .in_record(index, String::from_utf8_lossy(header.file_path().as_bytes())));
        }
        let name = header.file_path();
        let at = self.names.len();
        self.names.extend_from_slice(name.as_bytes());
        self.records.push(Record {
            name: at..self.names.len(),
            flags: header.flags().bits(),
            method: header.compression_method().as_u16(),
            size: header.uncompressed_size_hint(),
            crc32: header.crc32(),
            unix_mode: match header.version_made_by().creator_system() {
                CreatorSystem::UNIX | CreatorSystem::MACOS => header.external_attributes() >> 16,
                _ => 0,
            },
            is_dir: header.is_dir(),
            made_on_windows: matches!(
                header.version_made_by().creator_system(),
                CreatorSystem::FAT | CreatorSystem::NTFS | CreatorSystem::MVS | CreatorSystem::VFAT
            ),
            offset: header.local_header_offset(),
            wayfinder: header.wayfinder(),
        });
        Ok(())
    }

    fn finish(self, declared_count: u64) -> Result<Self> {
        let listed = self.records.len() as u64;
        if listed != declared_count && declared_count == ZIP64_COUNT_PLACEHOLDER {
            return Err(Error::new(
                ErrorKind::Corrupt(Corruption::EntryCount { declared: declared_count, listed }),
                format!(
                    "the end of the central directory gives 65,535 entries, the Zip64 placeholder, but the archive \
                     has no Zip64 record and its directory holds {listed}: it is damaged, or its writer broke it"
                ),
            ));
        }
        if listed != declared_count {
            return Err(Error::new(
                ErrorKind::Corrupt(Corruption::EntryCount { declared: declared_count, listed }),
                format!(
                    "the end of the central directory counts {declared_count} entries, the directory holds {}",
                    self.records.len()
                ),
            ));
        }
        Ok(self)
    }

    /// rawzip's wording ("failed to fill whole buffer") is not passed on.
    fn broken(&self) -> Error {
        Error::new(
            ErrorKind::Corrupt(Corruption::Directory),
            format!("central directory record #{} is cut off or malformed", self.records.len()),
        )
    }

    /// The records, in archive order.
    pub(crate) fn records(&self) -> &[Record] {
        &self.records
    }

    /// A record's name as stored (undecoded).
    ///
    /// # Errors
    /// [`ErrorKind::Internal`] if the record is not one of this directory's.
    pub(crate) fn name(&self, record: &Record) -> Result<&[u8]> {
        self.names.get(record.name.clone()).ok_or_else(|| Error::internal("a record's name lies outside the directory"))
    }

    fn check_unique_names(&self) -> Result<()> {
        let mut seen = HashSet::with_capacity(self.records.len());
        for record in &self.records {
            let name = self.name(record)?;
            if !seen.insert(name) {
                return Err(Error::new(ErrorKind::DuplicateEntry, "the archive lists this name more than once")
                    .in_entry(String::from_utf8_lossy(name)));
            }
        }
        Ok(())
    }

    /// The record's name for a message; none (empty) if it has none.
    fn display_name(&self, index: usize) -> String {
        let name = self.records.get(index).and_then(|record| self.name(record).ok());
        name.map(|name| String::from_utf8_lossy(name).into_owned()).unwrap_or_default()
    }

    fn disagreement(&self, index: usize, header: ZipHeader, field: HeaderField, message: &str) -> Error {
        self.at_record(index, ErrorKind::HeaderMismatch { header, field }, message.to_owned())
    }

    fn at_record(&self, index: usize, kind: ErrorKind, message: String) -> Error {
        Error::new(kind, message).in_record(index, self.display_name(index))
    }
}

/// The little-endian number of `width` bytes (at most 8) at `at`, when
/// `bytes` holds it.
fn le_field(bytes: &[u8], at: usize, width: usize) -> Option<u64> {
    let mut word = [0; 8];
    word.get_mut(..width)?.copy_from_slice(bytes.get(at..at.checked_add(width)?)?);
    Some(u64::from_le_bytes(word))
}

/// The CRC-32, compressed and inflated sizes of a data descriptor (after
/// its signature) at the start of `bytes`, with sizes of 4 or 8 bytes.
fn read_descriptor(bytes: &[u8], wide: bool) -> Option<(u32, u64, u64)> {
    let width = if wide { 8 } else { 4 };
    let crc = u32::try_from(le_field(bytes, 0, 4)?).ok()?;
    Some((crc, le_field(bytes, 4, width)?, le_field(bytes, 4 + width, width)?))
}

/// A whole local header (fixed part, name and extra field) fits in `bytes`.
fn holds_local_header(bytes: &[u8]) -> bool {
    let length = |at| le_field(bytes, at, 2).and_then(|n| usize::try_from(n).ok()).unwrap_or(usize::MAX);
    LOCAL_HEADER_SIZE.saturating_add(length(26)).saturating_add(length(28)) <= bytes.len()
}

/// What `rawzip` leaves to its caller in the end record (at `at`): the disk
/// fields (this reader, like most, reads archives of one part only; a split
/// archive holds entries it cannot see) and the directory's declared offset,
/// which `rawzip` repairs when it points past the directory (other readers
/// refuse such an archive, so this one does too).
fn check_end_record(window: &Window<'_>, at: u64, directory_offset: u64) -> Result<()> {
    let mut end_record = [0; END_RECORD_SIZE];
    window.read_exact_at(&mut end_record, at).map_err(|e| Error::io(e, "cannot read"))?;
    let mut locator = [0; ZIP64_LOCATOR_SIZE];
    let zip64 = at >= ZIP64_LOCATOR_SIZE as u64
        && window.read_exact_at(&mut locator, at - ZIP64_LOCATOR_SIZE as u64).is_ok()
        && locator.starts_with(ZIP64_LOCATOR_SIGNATURE);
    let field = |at| le_field(&end_record, at, 2);
    // Zip64 archives put 0xFFFF here and the true values in their own
    // record; without one, 0xFFFF is disk 65,535 (as the `zip` crate reads it).
    let first_disk = |at| matches!(field(at), Some(0)) || (zip64 && field(at) == Some(0xFFFF));
    if !(first_disk(4) && first_disk(6) && field(8) == field(10) && field(8).is_some()) {
        return Err(Error::new(
            ErrorKind::SplitArchive,
            "one part of a split (multi-disk) archive: its entries are spread over several files (`.z01`, `.z02`, …, `.zip`), and only single-part archives are read",
        ));
    }
    match le_field(&end_record, 16, 4) {
        Some(0xFFFF_FFFF) => Ok(()),
        Some(declared) if declared <= directory_offset => Ok(()),
        Some(declared) => Err(Error::new(
            ErrorKind::Corrupt(Corruption::Directory),
            format!("the end record places the central directory at byte {declared}; it is at byte {directory_offset}"),
        )),
        None => Err(Error::new(
            ErrorKind::Corrupt(Corruption::Directory),
            "the end record is too short to say where the central directory is",
        )),
    }
}

/// rawzip's failures in our words: its messages name its internals
/// ("Invalid signature: expected 0x02014b50…"), not what is wrong.
fn not_a_zip(error: &rawzip::Error) -> Error {
    match error.kind() {
        rawzip::ErrorKind::IO(io) if io.kind() != std::io::ErrorKind::UnexpectedEof => {
            Error::new(ErrorKind::Io(io.kind()), format!("cannot read the archive: {io}"))
        }
        rawzip::ErrorKind::MissingEndOfCentralDirectory => {
            Error::new(ErrorKind::NotAZip, "not a readable zip archive: it has no end of central directory record")
        }
        _ => {
            Error::new(ErrorKind::NotAZip, "not a readable zip archive: its central directory is cut off or malformed")
        }
    }
}

/// The entry count of an end record whose true count is in a Zip64 record.
const ZIP64_COUNT_PLACEHOLDER: u64 = 0xFFFF;

fn too_many(count: &dyn std::fmt::Display, limits: &Limits) -> Error {
    Error::limit(
        Limit::Entries,
        limits.max_entries as u64,
        format!("{count} entries; the limit is {}", limits.max_entries),
    )
}

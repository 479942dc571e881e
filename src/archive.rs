//! The zip container: the central directory's records, and where each
//! entry's bytes lie.
//!
//! `rawzip` parses the structures; the checks are this crate's policy, all
//! made before anything is inflated: a bounded number of records, no data
//! before the first entry or after the end, no name listed twice, every local header agreeing
//! with its record (a streaming reader, such as Java's `ZipInputStream`,
//! believes the local headers; this reader believes the central directory, so
//! the two must tell the same story), no two entries sharing a byte, and no
//! local header the central directory leaves out.

use crate::error::{Corruption, Error, ErrorKind, HeaderField, Limit, Result, ZipHeader};
use crate::limits::Limits;
use rawzip::extra_fields::ExtraFieldId;
use rawzip::{CreatorSystem, ReaderAt, ZipArchive, ZipArchiveEntryWayfinder, ZipFileHeaderRecord, ZipSliceArchive};
use rayon::prelude::*;
use std::collections::HashSet;
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

/// The records of a central directory, in archive order.
#[derive(Debug, PartialEq)]
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
#[derive(Debug, PartialEq)]
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

impl Directory {
    /// Reads the central directory of an archive in memory.
    ///
    /// # Security
    /// Counts and offsets come from the archive: the record count is held to
    /// [`Limits::max_entries`] before and while records are read, and every
    /// record is bounded by the bytes that hold the directory. Names are kept
    /// as stored; nothing here trusts them.
    pub(crate) fn from_slice(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let archive = ZipArchive::from_slice(bytes).map_err(|e| not_a_zip(&e))?;
        let end_record = usize::try_from(archive.eocd_offset()).ok().and_then(|at| bytes.get(at..at + END_RECORD_SIZE));
        check_end_record(end_record.unwrap_or_default(), archive.directory_offset())?;
        let extent = archive.directory_offset()..archive.eocd_offset();
        let mut directory = Self::new(archive.entries_hint(), extent, archive.end_offset(), limits)?;
        for header in archive.entries() {
            directory.push(&header.map_err(|_| directory.broken())?, limits)?;
        }
        directory.finish(archive.entries_hint())
    }

    /// Reads the central directory of an archive file by positional reads,
    /// leaving the rest of the file unread (so the caller can read the whole
    /// file meanwhile).
    ///
    /// # Security
    /// As [`Directory::from_slice`].
    pub(crate) fn from_file(file: std::fs::File, limits: &Limits) -> Result<Self> {
        // Big enough for any record, so no record is refused for its size.
        let mut buffer = vec![0; rawzip::MAX_CENTRAL_DIRECTORY_RECORD_SIZE];
        let archive = ZipArchive::from_file(file, &mut buffer).map_err(|e| not_a_zip(&e))?;
        let mut end_record = [0; END_RECORD_SIZE];
        archive
            .get_ref()
            .read_exact_at(&mut end_record, archive.eocd_offset())
            .map_err(|e| Error::io(e, "cannot read"))?;
        check_end_record(&end_record, archive.directory_offset())?;
        let extent = archive.directory_offset()..archive.eocd_offset();
        let mut directory = Self::new(archive.entries_hint(), extent, archive.end_offset(), limits)?;
        let mut entries = archive.entries(&mut buffer);
        while let Some(header) = entries.next_entry().map_err(|_| directory.broken())? {
            directory.push(&header, limits)?;
        }
        directory.finish(archive.entries_hint())
    }

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
        Ok(Self { records, names: Vec::new(), start: extent.start, end })
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
    pub(crate) fn name(&self, record: &Record) -> &[u8] {
        self.names.get(record.name.clone()).unwrap_or_default()
    }

    /// Checks where every entry's bytes lie (in this order: data before the
    /// first entry or after the archive, names listed twice, local headers
    /// and data descriptors, shared bytes, unlisted local headers) and
    /// returns each record's compressed data as a range of `bytes`.
    ///
    /// # Security
    /// `bytes` must be the archive this directory was read from; every
    /// offset is checked against it, so a mismatch gives an error, never an
    /// access out of bounds. Messages quote names decoded lossily, for
    /// diagnosis only; the caller decodes and checks them.
    pub(crate) fn locate(&self, bytes: &[u8]) -> Result<Vec<Range<usize>>> {
        let first = self.records.iter().map(|r| r.offset).min().unwrap_or(self.start).min(self.start);
        if first > 0 {
            return Err(Error::new(
                ErrorKind::PrependedData { bytes: first },
                format!("{first} bytes of data before the first entry (not a plain zip)"),
            ));
        }
        let trailing = (bytes.len() as u64).saturating_sub(self.end);
        if trailing > 0 {
            return Err(Error::new(
                ErrorKind::TrailingData { bytes: trailing },
                format!("{trailing} bytes of data after the end of the archive (not a plain zip)"),
            ));
        }
        self.check_unique_names()?;
        let archive = ZipArchive::from_slice(bytes).map_err(|e| not_a_zip(&e))?;
        // Reading the local headers is a cache miss each, across the archive:
        // spread over the threads, then the first failure in archive order.
        let checked: Vec<Result<Range<usize>>> = (self.records.par_iter().enumerate())
            .map(|(index, record)| self.check_local_header(bytes, &archive, index, record))
            .collect();
        let data = checked.into_iter().collect::<Result<Vec<_>>>()?;
        let mut spans: Vec<(u64, u64, usize)> = (self.records.iter().zip(&data).enumerate())
            .map(|(index, (r, d))| (r.offset, d.end as u64, index))
            .collect();
        spans.sort_unstable();
        for pair in spans.windows(2) {
            if let [(_, end, first), (start, _, second)] = pair
                && end > start
            {
                let other = self.display_name(*first);
                let message = format!("shares bytes with entry `{other}` (overlap zip bomb)");
                return Err(self.at_record(*second, ErrorKind::Overlap { other: Some(other) }, message));
            }
        }
        if let Some(&(_, end, index)) = spans.last()
            && end > self.start
        {
            let message = "reaches into the central directory".to_owned();
            return Err(self.at_record(index, ErrorKind::Overlap { other: None }, message));
        }
        self.check_gaps(bytes, &spans)?;
        Ok(data)
    }

    fn check_unique_names(&self) -> Result<()> {
        let mut seen = HashSet::with_capacity(self.records.len());
        match self.records.iter().find(|record| !seen.insert(self.name(record))) {
            Some(record) => Err(Error::new(ErrorKind::DuplicateEntry, "the archive lists this name more than once")
                .in_entry(String::from_utf8_lossy(self.name(record)))),
            None => Ok(()),
        }
    }

    /// The local header must agree with the record; returns the range of
    /// the compressed data.
    fn check_local_header(
        &self,
        bytes: &[u8],
        archive: &ZipSliceArchive<&[u8]>,
        index: usize,
        record: &Record,
    ) -> Result<Range<usize>> {
        let entry = archive.get_entry(record.wayfinder).map_err(|_| {
            self.disagreement(index, ZipHeader::Local, HeaderField::Missing, "has no readable local header")
        })?;
        let local = entry.local_header();
        // What a streaming reader would see, beside what the directory says.
        let disagree = |field: HeaderField, what: &str, local: String, central: String| {
            let message = format!("its local header gives {what} {local}, the central directory {central}");
            Err(self.disagreement(index, ZipHeader::Local, field, &message))
        };
        let local_name = local.file_path().as_bytes();
        if local_name != self.name(record) {
            let quoted = |name: &[u8]| format!("`{}`", String::from_utf8_lossy(name).escape_debug());
            return disagree(HeaderField::Name, "the name", quoted(local_name), quoted(self.name(record)));
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
        let (start, end) = entry.compressed_data_range();
        if record.flags & DATA_DESCRIPTOR == 0 {
            let local_sizes = (local.crc32(), local.compressed_size_hint(), local.uncompressed_size_hint());
            if local_sizes != declared {
                return disagree(HeaderField::Sizes, "CRC-32", described(local_sizes), described(declared));
            }
        } else {
            // Sizes are 8 bytes wide when the local header has a Zip64 field
            // (APPNOTE 4.3.9.2, and what Java's `ZipInputStream` reads).
            let wide = local.extra_fields().any(|(id, _)| id == ExtraFieldId::ZIP64);
            let after = usize::try_from(end).ok().and_then(|at| bytes.get(at..)).unwrap_or_default();
            // The signature is optional: a CRC-32 that happens to equal it
            // is read both ways.
            let signed = after.strip_prefix(DATA_DESCRIPTOR_SIGNATURE).and_then(|rest| read_descriptor(rest, wide));
            let unsigned = read_descriptor(after, wide);
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
                return Err(self.disagreement(index, ZipHeader::DataDescriptor, field, &message));
            }
        }
        let range = usize::try_from(start).ok().zip(usize::try_from(end).ok()).map(|(s, e)| s..e);
        range.ok_or_else(|| {
            let message = "lies outside the archive".to_owned();
            self.at_record(index, ErrorKind::Corrupt(Corruption::DataOutside), message)
        })
    }

    /// Between entries there may be data descriptors, never a local header:
    /// an entry the directory leaves out is one a streaming reader would see
    /// and this one would not.
    fn check_gaps(&self, bytes: &[u8], spans: &[(u64, u64, usize)]) -> Result<()> {
        let signature = memchr::memmem::Finder::new(LOCAL_HEADER_SIGNATURE);
        let mut gap_start = 0;
        let ends = spans.iter().map(|&(start, end, _)| (start, end)).chain([(self.start, self.start)]);
        for (next_start, end) in ends {
            let gap = usize::try_from(gap_start).unwrap_or(usize::MAX)..usize::try_from(next_start).unwrap_or(0);
            // Most gaps are empty or hold a data descriptor (at most 24 bytes).
            let hidden = bytes.get(gap.clone()).filter(|g| g.len() >= LOCAL_HEADER_SIZE).and_then(|gap_bytes| {
                signature.find_iter(gap_bytes).find(|&at| holds_local_header(gap_bytes.get(at..).unwrap_or_default()))
            });
            if let Some(at) = hidden {
                let offset = (gap.start + at) as u64;
                return Err(Error::new(
                    ErrorKind::UnlistedEntry { offset },
                    format!(
                        "a local header at byte {} is not listed in the central directory \
                         (an entry only streaming readers would see)",
                        gap.start + at
                    ),
                ));
            }
            gap_start = end;
        }
        Ok(())
    }

    fn display_name(&self, index: usize) -> String {
        self.records.get(index).map(|r| String::from_utf8_lossy(self.name(r)).into_owned()).unwrap_or_default()
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

/// What `rawzip` leaves to its caller in the end record: the disk fields
/// (this reader, like most, reads archives of one part only; a split archive
/// holds entries it cannot see) and the directory's declared offset, which
/// `rawzip` repairs when it points past the directory (other readers refuse
/// such an archive, so this one does too).
fn check_end_record(end_record: &[u8], directory_offset: u64) -> Result<()> {
    let field = |at| le_field(end_record, at, 2);
    // Zip64 archives put 0xFFFF here and the true values in their own record.
    let first_disk = |at| matches!(field(at), Some(0 | 0xFFFF));
    if !(first_disk(4) && first_disk(6) && field(8) == field(10) && field(8).is_some()) {
        return Err(Error::new(
            ErrorKind::SplitArchive,
            "one part of a split (multi-disk) archive: its entries are spread over several files (`.z01`, `.z02`, …, `.zip`), and only single-part archives are read",
        ));
    }
    match le_field(end_record, 16, 4) {
        Some(0xFFFF_FFFF) => Ok(()),
        Some(declared) if declared <= directory_offset => Ok(()),
        declared => Err(Error::new(
            ErrorKind::Corrupt(Corruption::Directory),
            format!(
                "the end record places the central directory at byte {}; it is at byte {directory_offset}",
                declared.unwrap_or_default()
            ),
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

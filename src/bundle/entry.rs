//! One definition file of a bundle, kept as it is stored until someone
//! needs its contents.

use crate::error::{Error, Result};
use crate::folder;
use crate::kind::DefinitionKind;
use crate::layout::{PlacedPath, Placement};
use crate::limits::{Limits, RunningTotal};
use crate::model::{Document, Job, Resource, Script};
use crate::read::RawEntry;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// One definition file of a bundle: its path, where it sits in the layout,
/// and its definition, parsed the first time it is asked for.
///
/// A bundle read from a zip keeps each entry as the zip stores it (its
/// compressed bytes, CRC-32 and sizes, checked by the reader's structural
/// rules); a bundle read from a folder keeps each file's path. The entry is
/// inflated (its CRC-32 checked) or read, then parsed, by the first call
/// that needs it ([`Entry::document`], [`Entry::bytes`]), and an entry that
/// nobody changed is written back as it was stored.
///
/// ```
/// use dlf_bundle::{Bundle, DefinitionKind, Job, Layout};
/// let mut bundle = Bundle::new(Layout::Batch);
/// bundle.add_job(Job::new("job_batch"))?;
/// let entry = bundle.get("jobs/job_batch/job_batch.job").unwrap();
/// assert_eq!((entry.kind(), entry.name(), entry.job_folder()), (DefinitionKind::Job, "job_batch", Some("job_batch")));
/// assert_eq!(entry.document()?.name(), Some("job_batch"));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Entry {
    /// The path, shared with the bundle's index; name and folder are read from it.
    place: PlacedPath,
    stored: Stored,
    /// Boxed: most entries of a large bundle are never parsed.
    document: OnceLock<Box<Document>>,
}

/// Where an entry's bytes are until it is parsed.
#[derive(Debug, Clone)]
pub(crate) enum Stored {
    /// Built in memory: the document is all there is.
    Memory,
    /// An entry of a zip, as the zip stores it.
    Zip(RawEntry),
    /// A file of a folder, read under the folder's limits.
    File { file: PathBuf, folder: Arc<FolderReads>, counted: OnceLock<()> },
}

/// What the files of one folder share as they are read: its limits and the
/// running total of the bytes read.
#[derive(Debug)]
pub(crate) struct FolderReads {
    pub limits: Limits,
    pub total: RunningTotal,
}

impl Entry {
    /// An entry whose document is in memory.
    pub(crate) fn parsed(place: PlacedPath, document: Document) -> Self {
        Self { place, stored: Stored::Memory, document: OnceLock::from(Box::new(document)) }
    }

    /// An entry whose bytes are `stored`, parsed when first needed.
    pub(crate) fn stored(place: PlacedPath, stored: Stored) -> Self {
        Self { place, stored, document: OnceLock::new() }
    }

    /// The same definition, stored the same way, at another path.
    pub(crate) fn moved(&self, place: PlacedPath) -> Self {
        Self { place, stored: self.stored.clone(), document: self.document.clone() }
    }

    /// The path inside the bundle (`jobs/a/a.job`), without any wrapper folder.
    pub fn path(&self) -> &str {
        self.place.path()
    }

    /// The path, to share rather than copy.
    pub(crate) fn shared_path(&self) -> &Arc<str> {
        self.place.shared_path()
    }

    /// The kind, from the extension.
    pub fn kind(&self) -> DefinitionKind {
        self.place.kind()
    }

    /// The name the layout gives the definition: its file name without
    /// extension. The `name` inside is [`Document::name`]; `validate`
    /// reports a definition whose two names differ.
    pub fn name(&self) -> &str {
        self.place.stem()
    }

    /// Where the entry sits in the layout.
    pub fn placement(&self) -> Placement {
        self.place.placement()
    }

    /// Batch layout: the job folder holding this entry.
    pub fn job_folder(&self) -> Option<&str> {
        self.place.job_folder()
    }

    /// The parsed definition and its bytes, parsed on the first call.
    ///
    /// # Errors
    /// What reading the entry finds: a damaged entry (CRC-32, DEFLATE data,
    /// size), a file that cannot be read, a limit, invalid JSON or a field
    /// of the wrong type; the error names the entry.
    pub fn document(&self) -> Result<&Document> {
        if let Some(document) = self.document.get() {
            return Ok(document);
        }
        let document = self.load()?;
        // Another thread may have parsed it meanwhile: either copy will do.
        Ok(self.document.get_or_init(|| Box::new(document)))
    }

    /// The job of a `.job` entry (parsed if need be).
    pub(crate) fn job(&self) -> Result<&Job> {
        self.document()?.definition().as_job().ok_or_else(|| self.not_of_its_kind())
    }

    /// The script of a `.script` entry.
    pub(crate) fn script(&self) -> Result<&Script> {
        self.document()?.definition().as_script().ok_or_else(|| self.not_of_its_kind())
    }

    /// The resource of a `.resource` entry.
    pub(crate) fn resource(&self) -> Result<&Resource> {
        self.document()?.definition().as_resource().ok_or_else(|| self.not_of_its_kind())
    }

    /// The job of a `.job` entry, for changing it.
    pub(crate) fn job_mut(&mut self) -> Result<&mut Job> {
        if self.kind() != DefinitionKind::Job {
            return Err(self.not_of_its_kind());
        }
        let error = self.not_of_its_kind();
        self.document_mut()?.definition_mut().as_job_mut().ok_or(error)
    }

    /// The reader parses each definition as its extension says.
    pub(crate) fn not_of_its_kind(&self) -> Error {
        Error::internal("a definition is not of its entry's kind").in_entry(self.path())
    }

    /// The document, for changing it (parsed first if need be).
    ///
    /// # Errors
    /// As [`Entry::document`].
    pub fn document_mut(&mut self) -> Result<&mut Document> {
        if self.document.get().is_none() {
            let document = self.load()?;
            let _ = self.document.set(Box::new(document));
        }
        let path = self.place.path();
        let document = self.document.get_mut().map(|document| &mut **document);
        document.ok_or_else(|| Error::internal("a parsed document was not kept").in_entry(path))
    }

    /// The bytes the definition writes: as stored (inflated) while nobody
    /// has changed it, else what [`Document::bytes`] gives. Reading them
    /// parses nothing.
    ///
    /// # Errors
    /// As [`Entry::document`], but for JSON and type errors.
    pub fn bytes(&self) -> Result<Cow<'_, [u8]>> {
        match self.document.get() {
            Some(document) => Ok(document.bytes()),
            None => self.read().map(Cow::Owned),
        }
    }

    /// The document, parsed anew and not kept: for a pass over a large
    /// bundle that must not hold every definition at once.
    pub(crate) fn load(&self) -> Result<Document> {
        if let Some(document) = self.document.get() {
            return Ok(Document::clone(document));
        }
        self.parse(self.read()?)
    }

    /// `bytes`, this entry's own as [`Entry::bytes`] gave them, parsed and
    /// not kept.
    pub(crate) fn parse(&self, bytes: Vec<u8>) -> Result<Document> {
        if let Some(document) = self.document.get() {
            return Ok(Document::clone(document));
        }
        Document::parse(self.kind(), bytes).map_err(|e| self.locate(e))
    }

    /// `value`, this entry's own JSON as [`Entry::json`] gave it, as a
    /// definition of the entry's kind, with errors named as the reader names them.
    pub(crate) fn definition_from(&self, value: crate::json::Value) -> Result<crate::model::Definition> {
        crate::model::Definition::from_value(self.kind(), value).map_err(|e| self.locate(e))
    }

    /// The entry's JSON as read, key order kept, without building the model
    /// (and without keeping anything): for a caller that wants the data, a
    /// comparison or a conversion to another language's objects.
    ///
    /// ```
    /// use dlf_bundle::{Bundle, ReadOptions};
    /// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
    /// let value = bundle.get("jobs/job_batch.job").unwrap().to_value()?;
    /// let name = value.as_object().and_then(|object| object.get("name")).and_then(|name| name.as_str());
    /// assert_eq!(name, Some("job_batch"));
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Entry::bytes`], and [`crate::ErrorKind::Json`] for what is not
    /// JSON, naming the entry (or file) and the position.
    pub fn to_value(&self) -> Result<crate::json::Value> {
        self.json(&self.bytes()?)
    }

    /// `bytes`, this entry's own, parsed as JSON alone (no model), with
    /// errors named as the reader names them.
    pub(crate) fn json(&self, bytes: &[u8]) -> Result<crate::json::Value> {
        crate::json::parse(bytes).map_err(|e| self.locate(e))
    }

    /// The bytes of a zip entry inflated from `compressed`, its compressed
    /// bytes read already; any other entry's read as [`Entry::read`] does.
    fn inflated_from(&self, compressed: &[u8]) -> Result<Vec<u8>> {
        match &self.stored {
            Stored::Zip(raw) => raw.inflate_from(compressed).map_err(|e| e.in_entry(self.path())),
            Stored::File { .. } | Stored::Memory => self.read(),
        }
    }

    /// The bytes as stored, inflated or read.
    fn read(&self) -> Result<Vec<u8>> {
        match &self.stored {
            Stored::Zip(raw) => raw.inflate().map_err(|e| e.in_entry(self.path())),
            Stored::File { file, folder, counted } => {
                let data = folder::read_file(file, folder.limits.max_entry_bytes)?;
                // A file read again (its document is not kept) counts once.
                if counted.set(()).is_ok() {
                    folder.total.add(data.len() as u64, &folder.limits).map_err(|e| e.in_file(file))?;
                }
                Ok(data)
            }
            Stored::Memory => Err(Error::internal("an entry built in memory has no document").in_entry(self.path())),
        }
    }

    /// An error about this entry's contents, named as the reader names it.
    fn locate(&self, error: Error) -> Error {
        match &self.stored {
            Stored::File { file, .. } => error.in_file(file),
            Stored::Zip(_) | Stored::Memory => error.in_entry(self.path()),
        }
    }

    /// How the entry is stored, when it can be written as it was: a zip
    /// entry nobody has changed.
    pub(crate) fn unchanged_raw(&self) -> Option<&RawEntry> {
        match (&self.stored, self.document.get()) {
            (Stored::Zip(raw), None) => Some(raw),
            (Stored::Zip(raw), Some(document)) if !document.is_modified() => Some(raw),
            _ => None,
        }
    }

    /// `true` when the document has been parsed and changed since.
    pub fn is_modified(&self) -> bool {
        self.document.get().is_some_and(|document| document.is_modified())
    }

    /// How the entry is stored, when its bytes are still to be inflated
    /// from it (a zip entry not parsed yet).
    fn unread_raw(&self) -> Option<&RawEntry> {
        match (&self.stored, self.document.get()) {
            (Stored::Zip(raw), None) => Some(raw),
            _ => None,
        }
    }
}

/// `work(index, bytes)` for each item of `entries`, with the bytes of its
/// `N` entries as [`Entry::bytes`] gives them, in parallel. Zip entries not
/// parsed yet are inflated from stretches of their archives read at once
/// ([`crate::read::with_compressed`]) instead of one read each. Results in
/// the items' order; the first error, in that order, wins.
pub(crate) fn with_bytes<const N: usize, T: Send>(
    entries: &[[&Entry; N]],
    work: impl Fn(usize, [Cow<'_, [u8]>; N]) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    use rayon::prelude::*;
    let (mut stored, mut other) = (Vec::new(), Vec::new());
    for (index, item) in entries.iter().enumerate() {
        match every(item.map(Entry::unread_raw)) {
            Some(raw) => stored.push((index, raw)),
            None => other.push(index),
        }
    }
    let mut done = crate::read::with_compressed(stored, |index, compressed| {
        let item = entries.get(index).ok_or_else(|| Error::internal("an entry was lost on its way"))?;
        let mut bytes: [Cow<'_, [u8]>; N] = std::array::from_fn(|_| Cow::Borrowed(&[][..]));
        for ((slot, entry), compressed) in bytes.iter_mut().zip(item).zip(compressed) {
            *slot = Cow::Owned(entry.inflated_from(compressed)?);
        }
        work(index, bytes)
    })?;
    let rest: Vec<Result<(usize, T)>> = other
        .into_par_iter()
        .map(|index| {
            let item = entries.get(index).ok_or_else(|| Error::internal("an entry was lost on its way"))?;
            let mut bytes: [Cow<'_, [u8]>; N] = std::array::from_fn(|_| Cow::Borrowed(&[][..]));
            for (slot, entry) in bytes.iter_mut().zip(item) {
                *slot = entry.bytes()?;
            }
            Ok((index, work(index, bytes)?))
        })
        .collect();
    done.reserve(rest.len());
    for result in rest {
        done.push(result?);
    }
    done.sort_unstable_by_key(|(index, _)| *index);
    Ok(done.into_iter().map(|(_, result)| result).collect())
}

/// All `N` values, when none is missing.
fn every<const N: usize, T: Copy>(items: [Option<T>; N]) -> Option<[T; N]> {
    let mut out = [items.first().copied().flatten()?; N];
    for (slot, item) in out.iter_mut().zip(items) {
        *slot = item?;
    }
    Some(out)
}

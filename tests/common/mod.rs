//! Shared test helpers: a raw zip builder for hostile archives, and small
//! valid definitions.
#![allow(dead_code, clippy::unwrap_used, clippy::cast_possible_truncation, clippy::indexing_slicing)]

use std::io::Write;

/// One entry of a hand-built zip.
#[derive(Clone)]
pub struct RawEntry {
    pub name: Vec<u8>,
    pub data: Vec<u8>,
    /// 0 = stored, 8 = deflate, anything else as given.
    pub method: u16,
    pub flags: u16,
    /// Unix mode (file type and permissions), stored in the external attributes.
    pub mode: u32,
    /// Overrides for lying headers.
    pub declared_size: Option<u32>,
    pub declared_crc: Option<u32>,
    /// Point the central record at another entry's local header.
    pub offset_of_entry: Option<usize>,
    /// A local header that disagrees with the central record.
    pub local_name: Option<Vec<u8>>,
    pub local_method: Option<u16>,
    pub local_crc: Option<u32>,
    /// A compressed size (in both headers) other than the data's.
    pub declared_compressed: Option<u32>,
    /// Written with a data descriptor (flag bit 3) holding this CRC-32
    /// (`None`: the true one) when the flag is set.
    pub descriptor_crc: Option<u32>,
    /// Written, but left out of the central directory.
    pub unlisted: bool,
    /// A Zip64 extra field in the local header (sizes zero, as streaming
    /// writers leave them).
    pub local_zip64_field: bool,
    /// Data descriptor sizes of 8 bytes.
    pub wide_descriptor: bool,
}

impl RawEntry {
    pub fn new(name: impl AsRef<[u8]>, data: impl AsRef<[u8]>) -> Self {
        Self {
            name: name.as_ref().to_vec(),
            data: data.as_ref().to_vec(),
            method: 0,
            flags: 0,
            mode: 0o100_644,
            declared_size: None,
            declared_crc: None,
            offset_of_entry: None,
            local_name: None,
            local_method: None,
            local_crc: None,
            declared_compressed: None,
            descriptor_crc: None,
            unlisted: false,
            local_zip64_field: false,
            wide_descriptor: false,
        }
    }
    pub fn deflated(mut self) -> Self {
        self.method = 8;
        self
    }
}

/// Builds a zip byte by byte, so any field can lie.
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    raw_zip_with_prefix(b"", entries)
}

/// `archive` with the 2-byte fields of its end record at these offsets
/// (from the record's signature) set to `value`: 4 and 6 are the disk
/// numbers, 8 and 10 the entry counts.
pub fn with_end_record_fields(mut archive: Vec<u8>, offsets: &[usize], value: u16) -> Vec<u8> {
    let end = archive.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    for offset in offsets {
        archive[end + offset..end + offset + 2].copy_from_slice(&value.to_le_bytes());
    }
    archive
}

/// Data before the archive, with offsets relative to the archive's start
/// (as `cat stub archive.zip` makes them).
pub fn raw_zip_with_prefix(prefix: &[u8], entries: &[RawEntry]) -> Vec<u8> {
    build(prefix, entries, false)
}

/// Data before the archive, with offsets adjusted to count it (as `zip -A`
/// makes self-extracting archives).
pub fn raw_zip_with_adjusted_prefix(prefix: &[u8], entries: &[RawEntry]) -> Vec<u8> {
    build(prefix, entries, true)
}

fn build(prefix: &[u8], entries: &[RawEntry], adjusted_offsets: bool) -> Vec<u8> {
    let base = if adjusted_offsets { 0 } else { prefix.len() as u32 };
    let mut out = prefix.to_vec();
    let mut offsets = Vec::new();
    let mut payloads = Vec::new();
    for entry in entries {
        let payload = if entry.method == 8 {
            let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&entry.data).unwrap();
            encoder.finish().unwrap()
        } else {
            entry.data.clone()
        };
        let crc = entry.declared_crc.unwrap_or_else(|| crc32fast::hash(&entry.data));
        let size = entry.declared_size.unwrap_or(entry.data.len() as u32);
        let compressed = entry.declared_compressed.unwrap_or(payload.len() as u32);
        let local_name = entry.local_name.as_ref().unwrap_or(&entry.name);
        offsets.push(out.len() as u32);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&entry.flags.to_le_bytes());
        out.extend_from_slice(&entry.local_method.unwrap_or(entry.method).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
        out.extend_from_slice(&entry.local_crc.unwrap_or(crc).to_le_bytes());
        out.extend_from_slice(&compressed.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(local_name.len() as u16).to_le_bytes());
        let zip64_field: &[u8] =
            if entry.local_zip64_field { &[1, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] } else { &[] };
        out.extend_from_slice(&(zip64_field.len() as u16).to_le_bytes());
        out.extend_from_slice(local_name);
        out.extend_from_slice(zip64_field);
        out.extend_from_slice(&payload);
        if entry.flags & 1 << 3 != 0 {
            out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
            out.extend_from_slice(&entry.descriptor_crc.unwrap_or(crc).to_le_bytes());
            if entry.wide_descriptor {
                out.extend_from_slice(&u64::from(compressed).to_le_bytes());
                out.extend_from_slice(&u64::from(size).to_le_bytes());
            } else {
                out.extend_from_slice(&compressed.to_le_bytes());
                out.extend_from_slice(&size.to_le_bytes());
            }
        }
        payloads.push((crc, compressed, size));
    }
    let directory_start = out.len() as u32;
    let listed = entries.iter().filter(|e| !e.unlisted).count() as u16;
    for (i, entry) in entries.iter().enumerate() {
        if entry.unlisted {
            continue;
        }
        let (crc, compressed, size) = payloads[i];
        let offset = offsets[entry.offset_of_entry.unwrap_or(i)];
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        out.extend_from_slice(&((3u16 << 8) | 0x14).to_le_bytes()); // made by Unix
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&entry.flags.to_le_bytes());
        out.extend_from_slice(&entry.method.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0x21u16.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&compressed.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(entry.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(&0u16.to_le_bytes()); // comment
        out.extend_from_slice(&0u16.to_le_bytes()); // disk
        out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        out.extend_from_slice(&(entry.mode << 16).to_le_bytes());
        out.extend_from_slice(&(offset - base).to_le_bytes());
        out.extend_from_slice(&entry.name);
    }
    let directory_size = out.len() as u32 - directory_start;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&listed.to_le_bytes());
    out.extend_from_slice(&listed.to_le_bytes());
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&(directory_start - base).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A minimal job definition named `name`.
pub fn job_json(name: &str) -> Vec<u8> {
    format!(r#"{{"name":"{name}","processType":"BATCH","nodes":[],"schedule":{{"type":"EXECUTE_ONCE"}}}}"#).into_bytes()
}

/// A minimal script definition named `name`.
pub fn script_json(name: &str) -> Vec<u8> {
    format!(r#"{{"name":"{name}","type":"DWSSQL","content":"select 1;","connectionName":"dws_link"}}"#).into_bytes()
}

/// A minimal resource definition named `name`.
pub fn resource_json(name: &str) -> Vec<u8> {
    format!(r#"{{"name":"{name}","type":"jar","location":"obs://bucket/{name}.jar"}}"#).into_bytes()
}

/// A valid batch bundle: `job_batch` with `dws_sql`, and `job_stream`.
pub fn batch_entries() -> Vec<RawEntry> {
    vec![
        RawEntry::new("jobs/job_batch/dws_sql.script", script_json("dws_sql")),
        RawEntry::new("jobs/job_batch/job_batch.job", job_json("job_batch")),
        RawEntry::new("jobs/job_stream/job_stream.job", job_json("job_stream")),
    ]
}

/// A batch bundle with a script, a resource and non-ASCII names, for other
/// tools to read and write.
pub fn sample_bundle() -> dlf_bundle::Bundle {
    use dlf_bundle::model::{NodeType, ResourceType, ScriptType};
    use dlf_bundle::{Bundle, Job, Layout, Node, Resource, Script};
    let mut bundle = Bundle::new(Layout::Batch);
    let mut job = Job::new("job_batch");
    job.nodes = Some(vec![Node::new("dws", NodeType::DwsSql).with_property("scriptName", "dws_sql")]);
    bundle.add_job(job).unwrap();
    bundle.add_script(Some("job_batch"), Script::new("dws_sql", ScriptType::DwsSql, "select '中文';\n")).unwrap();
    bundle.add_job(Job::new("作业_流")).unwrap();
    bundle.add_resource(Some("作业_流"), Resource::new("udf", ResourceType::Jar, "obs://b/udf.jar")).unwrap();
    bundle
}

/// Each entry's path and definition, in path order: what two bundles must
/// share to read alike.
pub fn contents(bundle: &dlf_bundle::Bundle) -> Vec<(String, dlf_bundle::model::Definition)> {
    bundle.iter().map(|entry| (entry.path().to_owned(), entry.document().unwrap().definition().clone())).collect()
}

/// A bundle read and every definition parsed: the reader's and the
/// parser's errors both, as a caller that uses every entry meets them.
pub fn read_with(bytes: &[u8], options: &dlf_bundle::ReadOptions) -> dlf_bundle::Result<dlf_bundle::Bundle> {
    let bundle = dlf_bundle::Bundle::from_slice_with(bytes, options)?;
    bundle.parse_all()?;
    Ok(bundle)
}

/// [`read_with`] with the default options.
pub fn read(bytes: &[u8]) -> dlf_bundle::Result<dlf_bundle::Bundle> {
    read_with(bytes, &dlf_bundle::ReadOptions::default())
}

/// [`read_with`] for a zip file or a folder.
pub fn open_with(
    path: impl AsRef<std::path::Path>,
    options: &dlf_bundle::ReadOptions,
) -> dlf_bundle::Result<dlf_bundle::Bundle> {
    let bundle = dlf_bundle::Bundle::open_with(path, options)?;
    bundle.parse_all()?;
    Ok(bundle)
}

//! What commands read: a bundle file, a bundle folder of either layout, a
//! workspace folder, or `-` for a bundle on standard input.

use super::common::Failure;
use dlf_bundle::{Bundle, BundleDir, ErrorKind, ReadOptions, Workspace};
use std::io::Read as _;
use std::path::Path;

/// What a command reads.
pub enum Opened {
    /// A bundle file, or a folder in either bundle layout.
    Bundle(Bundle),
    /// A workspace folder (the single layout with sub-folders).
    Workspace(Workspace),
}

/// A bundle file, or a folder: read as a bundle of either layout, else (the
/// single layout with sub-folders) as a workspace.
pub fn open(target: &Path, options: &ReadOptions) -> Result<Opened, Failure> {
    let unreadable = |error: dlf_bundle::Error| match error.kind() {
        ErrorKind::Io(std::io::ErrorKind::NotFound) => Failure::Usage(error.to_string()),
        _ => Failure::Input(error),
    };
    if target.as_os_str() == "-" {
        return stdin_bundle(options).map(Opened::Bundle);
    }
    if !target.is_dir() {
        return Bundle::open_with(target, options).map(Opened::Bundle).map_err(unreadable);
    }
    match BundleDir::open_unless_workspace(target, options).map_err(unreadable)? {
        Some(folder) => Bundle::from_bundle_dir(folder).map(Opened::Bundle).map_err(unreadable),
        None => Workspace::open_with(target, options).map(Opened::Workspace).map_err(unreadable),
    }
}

/// A bundle file or folder, or a workspace folder read into a bundle.
pub fn open_bundle(target: &Path, options: &ReadOptions) -> Result<Bundle, Failure> {
    match open(target, options)? {
        Opened::Bundle(bundle) => Ok(bundle),
        Opened::Workspace(workspace) => Ok(workspace.to_bundle()?),
    }
}

/// Standard input, whole, within the archive-size limit.
pub fn read_stdin(options: &ReadOptions) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let limit = options.limits.max_archive_bytes;
    std::io::stdin()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(Failure::Usage(format!("standard input holds more than {limit} bytes (the archive limit)")));
    }
    Ok(bytes)
}

fn stdin_bundle(options: &ReadOptions) -> Result<Bundle, Failure> {
    Bundle::from_slice_with(&read_stdin(options)?, options).map_err(Failure::Input)
}

//! What commands read: a bundle file, a bundle folder of either layout, a
//! workspace folder, or `-` for a bundle on standard input.

use crate::common::Failure;
use dlf_bundle::{Bundle, DefinitionKind, ErrorKind, ReadOptions, Workspace};
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
    match Bundle::from_dir(target, options) {
        // Definitions deeper than a bundle puts them: a workspace's sub-folders.
        Ok(bundle) if bundle.warnings().iter().any(is_nested_definition) => {
            Workspace::open_with(target, options).map(Opened::Workspace).map_err(unreadable)
        }
        Ok(bundle) => Ok(Opened::Bundle(bundle)),
        Err(error) if matches!(error.kind(), ErrorKind::Layout | ErrorKind::InsecureName(_)) => {
            Workspace::open_with(target, options).map(Opened::Workspace).map_err(|_| unreadable(error))
        }
        Err(error) => Err(unreadable(error)),
    }
}

/// A bundle file or folder, or a workspace folder read into a bundle.
pub fn open_bundle(target: &Path, options: &ReadOptions) -> Result<Bundle, Failure> {
    match open(target, options)? {
        Opened::Bundle(bundle) => Ok(bundle),
        Opened::Workspace(workspace) => Ok(workspace.to_bundle()?),
    }
}

/// A stray-file warning about a `.job`, `.script` or `.resource` file.
fn is_nested_definition(warning: &dlf_bundle::Warning) -> bool {
    let extension = warning.entry.as_deref().and_then(|entry| entry.rsplit_once('.')).map(|(_, ext)| ext);
    warning.kind == dlf_bundle::WarningKind::StrayFile && extension.and_then(DefinitionKind::from_extension).is_some()
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

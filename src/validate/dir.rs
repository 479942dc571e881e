//! Validation of folders: an unpacked bundle of either layout, or a
//! workspace, with the rules and codes of the zip of that folder.

use super::{Examined, Origin, ValidateOptions, Validation, examiner, prepare, read_error, relocate, report, scrub};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, ErrorKind};
use crate::folder;
use crate::layout::{self, Arrangement};
use crate::limits::RunningTotal;
use crate::read::{EntryData, Scan};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Validates the folder `dir`: an unpacked batch or single export, or a
/// workspace (`jobs/`, `scripts/`, `resources/` with sub-folders, each
/// definition placed as the single layout places it). Every file is read
/// and checked, those that fail to parse included, and each diagnostic
/// names the file on disk (`Diagnostic::file`).
///
/// ```
/// use dlf_bundle::validate::{validate_dir, ValidateOptions};
/// let diagnostics = validate_dir("examples/workspace".as_ref(), &ValidateOptions::default());
/// assert!(diagnostics.iter().all(|d| d.severity != dlf_bundle::diagnostic::Severity::Error), "{diagnostics:?}");
/// ```
///
/// # Security
/// Symbolic links and special files are refused, not followed; each
/// relative path passes the entry-name rules; file count and sizes are
/// checked against `options.read`'s limits.
pub fn validate_dir(dir: &Path, options: &ValidateOptions) -> Vec<Diagnostic> {
    Validation::of_dir(dir, options).diagnostics
}

impl Validation {
    /// Validates the folder `dir` ([`validate_dir`]), listing the
    /// definitions checked.
    ///
    /// # Security
    /// As [`validate_dir`].
    pub fn of_dir(dir: &Path, options: &ValidateOptions) -> Self {
        let (diagnostics, definitions) = check_dir(dir, options);
        Self { diagnostics, definitions }
    }
}

fn check_dir(dir: &Path, options: &ValidateOptions) -> (Vec<Diagnostic>, Vec<Arc<str>>) {
    let limits = &options.read.limits;
    let files = match folder::list_files(dir, limits) {
        Ok(files) => files,
        Err(error) => return (vec![read_error(&with_file(error, dir))], Vec::new()),
    };
    // The settings file of the project kept in this folder is no stray file.
    let files = files.into_iter().filter(|(name, _)| name != super::CONFIG_FILE).collect();
    let (files, mut out, origin) = placed(files);
    // Shared with the plan's paths, and handed to the report as the scan's names.
    let names: Vec<Arc<str>> = files.iter().map(|(name, _)| Arc::from(name.as_str())).collect();
    let plan = match Arrangement::new(&names, Vec::new()) {
        Ok(plan) => plan,
        Err(error) => return (vec![read_error(&error.in_file(dir))], Vec::new()),
    };
    let context = prepare(&plan);
    let examine = examiner(options);
    let total = RunningTotal::default();
    let items: Vec<crate::error::Result<Option<Examined>>> = files
        .par_iter()
        .enumerate()
        .map(|(index, (_, path))| {
            let Some(kind) = plan.kind(index) else { return Ok(None) };
            let mut data = folder::read_file(path, limits.max_entry_bytes)?;
            total.add(data.len() as u64, limits).map_err(|e| e.in_file(path))?;
            examine(&plan, &context, index, kind, EntryData::whole(&mut data)).map(Some).map_err(|e| e.in_file(path))
        })
        .collect();
    // Diagnostics name entries (layout paths, or the names as listed);
    // each is given the file it concerns.
    let mut file_of: HashMap<String, &Path> = HashMap::new();
    for (index, (name, path)) in files.iter().enumerate() {
        file_of.insert(name.clone(), path);
        if let Some(placed) = plan.placed_at(index) {
            file_of.insert(placed.path().to_owned(), path);
        }
    }
    let Validation { diagnostics: mut found, definitions } = report(Ok((Scan { plan, names, items }, origin)));
    relocate(&mut found, |wanted| {
        let read = |entry: &String| {
            Some((entry.clone(), folder::read_file(file_of.get(entry)?, limits.max_entry_bytes).ok()?))
        };
        wanted.iter().filter_map(read).collect()
    });
    for diagnostic in &mut found {
        if diagnostic.file.is_none() {
            let file = diagnostic.entry.as_deref().and_then(|entry| file_of.get(entry).copied()).unwrap_or(dir);
            diagnostic.file = Some(file.display().to_string());
        }
    }
    out.append(&mut found);
    scrub(&mut out);
    (out, definitions)
}

fn with_file(error: Error, dir: &Path) -> Error {
    if error.file().is_some() { error } else { error.in_file(dir) }
}

/// The files under the names a bundle gives them. A folder that reads as a
/// bundle keeps its names; a workspace (definitions below sub-folders of
/// `jobs/`, `scripts/`, `resources/`) has each definition named as the
/// single layout names it, and a second file of one kind and name is a
/// diagnostic, not a definition.
fn placed(files: Vec<(String, PathBuf)>) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>, Origin) {
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    if !layout::reads_as_workspace(&names) {
        return (files, Vec::new(), Origin::Folder);
    }
    let mut out = Vec::with_capacity(files.len());
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut duplicates = Vec::new();
    for (name, path) in files {
        let Some(placed) = layout::workspace_name(&name) else {
            out.push((name, path));
            continue;
        };
        if let Some(first) = seen.get(&placed) {
            let error = Error::new(
                ErrorKind::DuplicateEntry,
                format!("`{placed}` is defined twice in the workspace (also `{}`)", first.display()),
            );
            duplicates.push(read_error(&error.in_file(&path)));
            continue;
        }
        seen.insert(placed.clone(), path.clone());
        out.push((placed, path));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    (out, duplicates, Origin::Workspace)
}

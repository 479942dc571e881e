//! Where definitions sit inside a bundle: the batch and single layouts.

use crate::error::{Error, ErrorKind, Result};
use crate::model::Kind;
use std::collections::BTreeMap;

/// The layout of a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// `jobs.zip` from batch export: `jobs/<job>/<job>.job` with that job's
    /// scripts and resources beside it.
    Batch,
    /// `DLF_<job>.zip` from single export: `jobs/<job>.job`,
    /// `scripts/<s>.script`, `resources/<r>.resource`.
    Single,
}

impl Layout {
    /// `batch` or `single`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Batch => "batch",
            Self::Single => "single",
        }
    }

    /// The path of a definition named `name` in this layout. In the batch
    /// layout `job` is the job whose folder holds it (for a job: itself).
    pub fn path_for(self, kind: Kind, name: &str, job: Option<&str>) -> String {
        let file = format!("{name}.{}", kind.extension());
        match (self, kind) {
            (Self::Batch, Kind::Job) => format!("jobs/{name}/{file}"),
            (Self::Batch, _) => format!("jobs/{}/{file}", job.unwrap_or(name)),
            (Self::Single, Kind::Job) => format!("jobs/{file}"),
            (Self::Single, Kind::Script) => format!("scripts/{file}"),
            (Self::Single, Kind::Resource) => format!("resources/{file}"),
        }
    }
}

impl std::str::FromStr for Layout {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "batch" => Ok(Self::Batch),
            "single" => Ok(Self::Single),
            _ => Err(Error::new(ErrorKind::InvalidRequest, format!("unknown layout `{text}` (batch or single)"))),
        }
    }
}

/// Where one definition file sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Its kind, from the extension.
    pub kind: Kind,
    /// The file name without extension.
    pub stem: String,
    /// Batch layout: the job folder. Single layout: `None`.
    pub job_folder: Option<String>,
    /// The layout this path belongs to.
    pub layout: Layout,
}

/// Where `path` (wrapper folder already removed) sits, if it is a definition
/// in either layout.
pub fn place(path: &str) -> Option<Placement> {
    let (folders, file) = path.rsplit_once('/')?;
    let (stem, extension) = file.rsplit_once('.')?;
    let kind = Kind::from_extension(extension)?;
    if stem.is_empty() {
        return None;
    }
    let stem = stem.to_owned();
    if matches!((folders, kind), ("jobs", Kind::Job) | ("scripts", Kind::Script) | ("resources", Kind::Resource)) {
        return Some(Placement { kind, stem, job_folder: None, layout: Layout::Single });
    }
    match folders.split_once('/') {
        Some(("jobs", job)) if !job.contains('/') => {
            Some(Placement { kind, stem, job_folder: Some(job.to_owned()), layout: Layout::Batch })
        }
        _ => None,
    }
}

/// The wrapper folder to strip: one top-level folder that holds every file,
/// when it is not itself a layout folder.
pub fn wrapper_folder<'a>(paths: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut wrapper: Option<&str> = None;
    for path in paths {
        let (first, rest) = path.split_once('/')?;
        if rest.is_empty() || matches!(first, "jobs" | "scripts" | "resources") {
            return None;
        }
        match wrapper {
            None => wrapper = Some(first),
            Some(existing) if existing == first => {}
            Some(_) => return None,
        }
    }
    wrapper.map(str::to_owned)
}

/// Decides the layout from the placements of every definition, and checks
/// the batch rule: each job folder holds exactly one `.job`, named after it.
pub fn detect<'a>(placements: impl IntoIterator<Item = (&'a str, &'a Placement)>) -> Result<Layout> {
    let mut layout: Option<(Layout, &str)> = None;
    let mut folders: BTreeMap<&str, Vec<(&str, &Placement)>> = BTreeMap::new();
    for (path, placement) in placements {
        match layout {
            None => layout = Some((placement.layout, path)),
            Some((seen, first)) if seen != placement.layout => {
                return Err(Error::new(
                    ErrorKind::Layout,
                    format!(
                        "mixes the {} layout (`{first}`) with the {} layout; a bundle uses one",
                        seen.as_str(),
                        placement.layout.as_str()
                    ),
                )
                .in_entry(path));
            }
            Some(_) => {}
        }
        if let Some(folder) = &placement.job_folder {
            folders.entry(folder).or_default().push((path, placement));
        }
    }
    let Some((layout, _)) = layout else {
        return Err(Error::new(
            ErrorKind::Layout,
            "no job, script or resource definitions (expected `jobs/<job>/<job>.job` or `jobs/<job>.job`)",
        ));
    };
    for (folder, members) in folders {
        let jobs: Vec<&(&str, &Placement)> = members.iter().filter(|(_, p)| p.kind == Kind::Job).collect();
        match jobs.as_slice() {
            [(path, job)] if job.stem != folder => {
                return Err(Error::new(
                    ErrorKind::Layout,
                    format!(
                        "job file `{}.job` is in folder `jobs/{folder}/`; batch export names the folder after the job",
                        job.stem
                    ),
                )
                .in_entry(*path));
            }
            [_] => {}
            [] => {
                let path = members.first().map_or("", |(path, _)| *path);
                return Err(Error::new(
                    ErrorKind::Layout,
                    format!(
                        "folder `jobs/{folder}/` has no `{folder}.job`; in a batch export each job folder holds its job"
                    ),
                )
                .in_entry(path));
            }
            [_, (path, _), ..] => {
                return Err(Error::new(
                    ErrorKind::Layout,
                    format!("folder `jobs/{folder}/` holds more than one `.job` file"),
                )
                .in_entry(*path));
            }
        }
    }
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_recognises_both_layouts_and_nothing_else() {
        let single = |kind, stem: &str| Some((kind, stem.to_owned(), None, Layout::Single));
        let batch = |kind, stem: &str, job: &str| Some((kind, stem.to_owned(), Some(job.to_owned()), Layout::Batch));
        let table = [
            ("jobs/a.job", single(Kind::Job, "a")),
            ("scripts/s.script", single(Kind::Script, "s")),
            ("resources/r.v1.resource", single(Kind::Resource, "r.v1")),
            ("jobs/a/a.job", batch(Kind::Job, "a", "a")),
            ("jobs/a/s.script", batch(Kind::Script, "s", "a")),
            ("jobs/a/r.resource", batch(Kind::Resource, "r", "a")),
            ("jobs/s.script", None),
            ("scripts/a.job", None),
            ("scripts/a/s.script", None),
            ("jobs/a/b/c.job", None),
            ("a.job", None),
            ("jobs/.job", None),
            ("jobs/a/notes.txt", None),
            ("other/a/a.job", None),
        ];
        for (path, expected) in table {
            let placed = place(path).map(|p| (p.kind, p.stem, p.job_folder, p.layout));
            assert_eq!(placed, expected, "{path}");
        }
    }
}

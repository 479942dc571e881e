//! The import preview of the service's check-file call: what an import of
//! a bundle would create.

use crate::bundle::Bundle;
use crate::error::Result;
use std::collections::BTreeMap;

/// The check-file preview: what an import would create.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Preview {
    /// Jobs: name, directory, parameters.
    pub jobs: Vec<PreviewJob>,
    /// Scripts: name, directory.
    pub scripts: Vec<PreviewScript>,
}

/// A job in a [`Preview`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PreviewJob {
    /// Job name.
    pub name: String,
    /// Directory in the job tree (`/` when absent).
    pub path: String,
    /// Parameters, name to value.
    pub params: BTreeMap<String, String>,
}

/// A script in a [`Preview`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PreviewScript {
    /// Script name.
    pub name: String,
    /// Directory in the script tree (`/` when absent).
    pub path: String,
}

/// Previews an import the way the service's check-file call does.
///
/// ```
/// use dlf_bundle::{Bundle, ReadOptions};
/// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
/// let report = dlf_bundle::plan::preview(&bundle)?;
/// assert_eq!(report.jobs.len(), 2);
/// assert_eq!(report.scripts[0].name, "dws_sql");
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// The first definition that does not read or parse.
pub fn preview(bundle: &Bundle) -> Result<Preview> {
    let directory = |d: Option<&str>| d.unwrap_or("/").to_owned();
    // The import names an object by the `name` inside it (the file's stem when absent).
    let jobs = bundle
        .jobs()
        .map(|job| {
            let (entry, job) = job?;
            Ok(PreviewJob {
                name: job.name.clone().unwrap_or_else(|| entry.name().to_owned()),
                path: directory(job.directory.as_deref()),
                params: job
                    .params()
                    .iter()
                    .filter_map(|p| {
                        Some((p.name.clone()?, p.value.as_ref().map(|v| v.as_text().to_owned()).unwrap_or_default()))
                    })
                    .collect(),
            })
        })
        .collect::<Result<_>>()?;
    let mut scripts: Vec<PreviewScript> = bundle
        .scripts()
        .map(|script| {
            let (entry, script) = script?;
            Ok(PreviewScript {
                name: script.name.clone().unwrap_or_else(|| entry.name().to_owned()),
                path: directory(script.directory.as_deref()),
            })
        })
        .collect::<Result<_>>()?;
    // A batch bundle carries a shared script once per job folder; the import creates it once.
    scripts.sort_by(|a, b| (&a.name, &a.path).cmp(&(&b.name, &b.path)));
    scripts.dedup();
    Ok(Preview { jobs, scripts })
}

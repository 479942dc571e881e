//! Promotion between environments: a map of dev names to prod names, and
//! its offline application to a bundle, value by value.
//!
//! The map is a TOML file; every section is optional and its keys are exact
//! names, except `obs_path`, whose keys are prefixes:
//!
//! ```toml
//! [connection]
//! dws_dev = "dws_prod"
//! [obs_path]
//! "obs://dev-bucket/" = "obs://prod-bucket/"
//! [params]
//! env = "prod"
//! [jobs.job_batch.params]
//! bizdate = "2024-01-01"
//! ```

use crate::bundle::{Bundle, Entry};
use crate::catalog::Refers;
use crate::error::{Error, Position, RequestPart, Result};
use crate::json;
use crate::json::Value;
use crate::kind::DefinitionKind;
use crate::model::NodeType;
use crate::model::{Definition, Document, Job, Script};
use crate::reference::{self, EnvironmentKind, Reference, ReferenceOptions, Target};
use crate::resolve::{self, JobDependencies, Status, workspace_dependencies};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use toml::de::{DeTable, DeValue};

/// What a map section renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Section {
    /// `[connection]`: data connections.
    Connection,
    /// `[dli_queue]`: DLI queues.
    DliQueue,
    /// `[cdm_cluster]`: CDM clusters (and the agents of REST API nodes).
    CdmCluster,
    /// `[mrs_cluster]`: MRS clusters.
    MrsCluster,
    /// `[dis_stream]`: DIS streams and event channels.
    DisStream,
    /// `[smn_topic]`: SMN topics.
    SmnTopic,
    /// `[database]`: databases of scripts and nodes.
    Database,
    /// `[obs_path]`: OBS path prefixes.
    ObsPath,
    /// `[other_workspace]`: workspaces of `otherWorkSpaceJobs`.
    OtherWorkspace,
    /// `[time_zone]`: `expressionTimeZone` values.
    TimeZone,
    /// `[owner]`: `basicConfig.owner` and `executeUser`.
    Owner,
    /// `[params]` and `[jobs.<job>.params]`: job-parameter values.
    Params,
}

impl serde::Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Section {
    const NAMED: [(&'static str, Self); 11] = [
        ("connection", Self::Connection),
        ("dli_queue", Self::DliQueue),
        ("cdm_cluster", Self::CdmCluster),
        ("mrs_cluster", Self::MrsCluster),
        ("dis_stream", Self::DisStream),
        ("smn_topic", Self::SmnTopic),
        ("database", Self::Database),
        ("obs_path", Self::ObsPath),
        ("other_workspace", Self::OtherWorkspace),
        ("time_zone", Self::TimeZone),
        ("owner", Self::Owner),
    ];

    /// The section's name in the map file and in reports.
    pub fn as_str(self) -> &'static str {
        Self::NAMED.iter().find(|(_, section)| *section == self).map_or("params", |(name, _)| name)
    }

    /// The section that renames an environment object of `kind`.
    fn of(kind: EnvironmentKind) -> Option<Self> {
        Some(match kind {
            EnvironmentKind::Connection => Self::Connection,
            EnvironmentKind::DliQueue => Self::DliQueue,
            EnvironmentKind::CdmCluster => Self::CdmCluster,
            EnvironmentKind::MrsCluster => Self::MrsCluster,
            EnvironmentKind::DisStream => Self::DisStream,
            EnvironmentKind::SmnTopic => Self::SmnTopic,
            EnvironmentKind::ObsPath => Self::ObsPath,
            EnvironmentKind::OtherWorkspaceJob => Self::OtherWorkspace,
            // Renamed with their cluster, and by job parameters.
            EnvironmentKind::CdmJob | EnvironmentKind::EnvVariable => return None,
        })
    }
}

/// The names to rewrite, by section.
///
/// ```
/// use dlf_bundle::remap::{Map, Section};
/// let map: Map = "[connection]\ndws_dev = \"dws_prod\"\n[obs_path]\n\"obs://dev/\" = \"obs://prod/\"\n".parse()?;
/// assert_eq!(map.rename(Section::Connection, "dws_dev"), Some("dws_prod".to_owned()));
/// assert_eq!(map.rename(Section::ObsPath, "obs://dev/logs/"), Some("obs://prod/logs/".to_owned()));
/// let error = "[conection]\nx = \"y\"\n".parse::<Map>().unwrap_err();
/// assert_eq!(error.position().map(|at| (at.line, at.column)), Some((1, 2)));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Map {
    names: BTreeMap<Section, BTreeMap<String, String>>,
    job_params: BTreeMap<String, BTreeMap<String, String>>,
}

impl std::str::FromStr for Map {
    type Err = Error;

    /// # Errors
    /// [`crate::ErrorKind::InvalidRequest`] for [`RequestPart::Map`], at the
    /// [`Error::position`] of the offending key or TOML syntax.
    fn from_str(text: &str) -> Result<Self> {
        let table = DeTable::parse(text).map_err(|e| {
            let error =
                Error::invalid_request(RequestPart::Map, format!("the map is not valid TOML: {}", e.message().trim()));
            match e.span() {
                Some(span) => error.at(position(text, span.start)),
                None => error,
            }
        })?;
        let mut map = Self::default();
        for (name, value) in table.get_ref() {
            if name.get_ref() == "jobs" {
                let jobs = value
                    .get_ref()
                    .as_table()
                    .ok_or_else(|| invalid(text, name, "`jobs` must hold `[jobs.<job>.params]` tables"))?;
                for (job, sections) in jobs {
                    let sections = sections
                        .get_ref()
                        .as_table()
                        .ok_or_else(|| invalid(text, job, "must hold a `params` table"))?;
                    for (section, values) in sections {
                        if section.get_ref() != "params" {
                            return Err(invalid(text, section, "is not a section of a job (only `params`)")
                                .with_nearest(Some("params")));
                        }
                        map.job_params.insert(job.get_ref().to_string(), strings(text, section, values)?);
                    }
                }
                continue;
            }
            let section = if name.get_ref() == "params" {
                Section::Params
            } else {
                Section::NAMED.iter().find(|(known, _)| known == name.get_ref()).map(|(_, s)| *s).ok_or_else(|| {
                    let known: Vec<&str> = Section::NAMED.iter().map(|(n, _)| *n).collect();
                    let nearest = crate::name::nearest(name.get_ref(), known.iter().copied().chain(["params", "jobs"]));
                    invalid(text, name, &format!("is not a map section ({}, params, jobs)", known.join(", ")))
                        .with_nearest(nearest)
                })?
            };
            map.names.insert(section, strings(text, name, value)?);
        }
        Ok(map)
    }
}

/// A key of a map, with where it is written.
type Key<'i> = toml::Spanned<toml::de::DeString<'i>>;

fn position(text: &str, offset: usize) -> Position {
    let (line, column) = json::line_column(text.as_bytes(), offset);
    Position::new(line, column)
}

fn invalid(text: &str, key: &Key<'_>, why: &str) -> Error {
    Error::invalid_request(RequestPart::Map, format!("map key `{}` {why}", key.get_ref()))
        .at(position(text, key.span().start))
}

fn strings(text: &str, section: &Key<'_>, value: &toml::Spanned<DeValue<'_>>) -> Result<BTreeMap<String, String>> {
    let table = value.get_ref().as_table().ok_or_else(|| invalid(text, section, "must be a table of names"))?;
    table
        .iter()
        .map(|(key, value)| match value.get_ref().as_str() {
            Some(new) => Ok((key.get_ref().to_string(), new.to_owned())),
            None => Err(invalid(text, key, "must map to a string")),
        })
        .collect()
}

impl Map {
    /// The name `name` becomes in the target; `obs_path` renames by prefix
    /// (the longest that matches). A key mapped to itself answers itself.
    pub fn rename(&self, section: Section, name: &str) -> Option<String> {
        let names = self.names.get(&section)?;
        if section == Section::ObsPath {
            let (_, replacement, rest) = names
                .iter()
                .filter_map(|(prefix, replacement)| {
                    Some((prefix.len(), replacement, name.strip_prefix(prefix.as_str())?))
                })
                .max_by_key(|&(length, ..)| length)?;
            return Some(format!("{replacement}{rest}"));
        }
        names.get(name).cloned()
    }

    /// The value of job parameter `param` of `job`: `[jobs.<job>.params]`
    /// first, then `[params]`.
    pub fn param(&self, job: &str, param: &str) -> Option<&str> {
        let per_job = self.job_params.get(job).and_then(|params| params.get(param));
        per_job.or_else(|| self.names.get(&Section::Params)?.get(param)).map(String::as_str)
    }

    /// Whether `value`, seen in `section`, matches one of the map's keys (a
    /// parameter is seen as `job/param`).
    fn matches(&self, section: Section, value: &str) -> bool {
        if section == Section::ObsPath {
            return self
                .names
                .get(&section)
                .is_some_and(|names| names.keys().any(|key| value.starts_with(key.as_str())));
        }
        if section != Section::Params {
            return self.names.get(&section).is_some_and(|names| names.contains_key(value));
        }
        let Some((job, param)) = value.split_once('/') else { return false };
        let global = self.names.get(&Section::Params).is_some_and(|names| names.contains_key(param));
        global || self.job_params.get(job).is_some_and(|names| names.contains_key(param))
    }

    /// Every name the map could rewrite, to rule out entries cheaply.
    fn needles(&self) -> Needles {
        let keys: Vec<&String> = self
            .names
            .values()
            .flat_map(BTreeMap::keys)
            .chain(self.job_params.values().flat_map(BTreeMap::keys))
            .collect();
        // An empty key (an `obs_path` prefix of everything) can be in any entry.
        if keys.iter().any(|key| key.is_empty()) {
            return Needles { finder: None, quotes: false };
        }
        let quotes = keys.iter().any(|key| key.contains(['"', '\\']));
        Needles { finder: aho_corasick::AhoCorasick::new(keys).ok(), quotes }
    }

    /// The mapped names of `section`, old to new.
    pub fn section(&self, section: Section) -> impl Iterator<Item = (&str, &str)> {
        self.names.get(&section).into_iter().flatten().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `[jobs.<job>.params]`, by job.
    pub fn job_params(&self) -> impl Iterator<Item = (&str, &BTreeMap<String, String>)> {
        self.job_params.iter().map(|(job, params)| (job.as_str(), params))
    }
}

/// One value rewritten.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Rewrite {
    /// The bundle entry.
    pub entry: String,
    /// RFC 6901 pointer to the value.
    pub pointer: String,
    /// The map section that renamed it.
    pub kind: Section,
    /// The value before.
    pub from: String,
    /// The value after.
    pub to: String,
}

/// An environment object the bundle references that the map does not name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Unmapped {
    /// Its kind, as `deps` reports it (`connection`, `dli_queue`, …).
    pub kind: EnvironmentKind,
    /// Its name.
    pub name: String,
    /// The entries that reference it.
    pub entries: Vec<String>,
}

/// What [`apply`] did: `{"changes": […], "unmapped": […]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Report {
    /// One element per value rewritten.
    pub changes: Vec<Rewrite>,
    /// The environment objects left as they are.
    pub unmapped: Vec<Unmapped>,
    /// The map's entries that matched no value of the bundle (a typo, or an
    /// object the bundle does not use).
    pub unmatched: Vec<Unmatched>,
}

/// A map entry that matched nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Unmatched {
    /// Its section (`connection`, …, `params`, or `jobs.<job>.params`).
    pub section: String,
    /// Its key.
    pub name: String,
    /// The name of that section in the bundle nearest to it, when one is close.
    pub nearest: Option<String>,
}

/// What a remap keeps of an entry it rewrites: its new bytes (a bundle
/// streamed to a zip), its document (a bundle or workspace kept in memory),
/// or nothing (a dry run, which reports the changes alone).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Bytes,
    Document,
    Nothing,
}

/// A rewritten entry, as its [`Output`] keeps it.
enum Kept {
    Bytes(Vec<u8>),
    Document(Document),
    Nothing,
}

/// A rewritten entry, and its changes.
type Rewritten = (Kept, Vec<Rewrite>);

/// A value the map could have renamed: its section and the value (for a
/// parameter, `job/param`).
type Seen = (Section, String);

/// The map's names, searched for in an entry's raw bytes: an entry that
/// holds none of them, and no JSON escape that could spell one, cannot be
/// changed by the map.
struct Needles {
    finder: Option<aho_corasick::AhoCorasick>,
    /// Some key holds `"` or `\`, which JSON writes escaped.
    quotes: bool,
}

impl Needles {
    fn may_occur(&self, bytes: &[u8]) -> bool {
        let escaped = crate::json::may_escape_a_name(bytes, self.quotes);
        match &self.finder {
            Some(needles) => escaped || needles.is_match(bytes),
            None => true,
        }
    }
}

/// The map's entries no value of the bundle matched.
fn unmatched(map: &Map, seen: &[Seen]) -> Vec<Unmatched> {
    let values = |section: Section| seen.iter().filter(move |(s, _)| *s == section).map(|(_, value)| value.as_str());
    let params = || values(Section::Params).filter_map(|value| value.split_once('/'));
    let mut out = Vec::new();
    for (section, names) in &map.names {
        for key in names.keys() {
            let matched = match section {
                Section::ObsPath => values(*section).any(|value| value.starts_with(key.as_str())),
                Section::Params => params().any(|(_, param)| param == key),
                _ => values(*section).any(|value| value == key),
            };
            if matched {
                continue;
            }
            let nearest = match section {
                Section::Params => crate::name::nearest(key, params().map(|(_, param)| param)),
                _ => crate::name::nearest(key, values(*section)),
            };
            out.push(Unmatched {
                section: section.as_str().to_owned(),
                name: key.clone(),
                nearest: nearest.map(str::to_owned),
            });
        }
    }
    for (job, names) in &map.job_params {
        for key in names.keys() {
            if params().any(|(j, param)| j == job && param == key) {
                continue;
            }
            let nearest = crate::name::nearest(key, params().filter(|(j, _)| j == job).map(|(_, param)| param));
            out.push(Unmatched {
                section: format!("jobs.{job}.params"),
                name: key.clone(),
                nearest: nearest.map(str::to_owned),
            });
        }
    }
    out
}

/// Rewrites every value of `bundle` the map names, in place; the bundle's
/// writer then changes only those values' bytes.
///
/// ```
/// use dlf_bundle::{Bundle, ReadOptions};
/// use dlf_bundle::remap::{apply, Map};
/// let mut bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
/// let map: Map = "[connection]\ndws_link = \"dws_prod\"\n".parse()?;
/// let report = apply(&mut bundle, &map)?;
/// assert!(report.changes.iter().any(|c| c.pointer.ends_with("/value") && c.to == "dws_prod"));
/// assert!(report.unmapped.iter().all(|u| u.name != "dws_link"));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// A rewritten definition that no longer fits the model (cannot happen for
/// the string values the map rewrites, but is reported, not ignored).
pub fn apply(bundle: &mut Bundle, map: &Map) -> Result<Report> {
    let Remapping { report, rewritten } = remapping(bundle, map, Keep::Documents)?;
    put_back(bundle, rewritten)?;
    Ok(report)
}

/// The rewritten documents into their entries.
fn put_back(bundle: &mut Bundle, rewritten: Vec<(String, Document)>) -> Result<()> {
    for (path, document) in rewritten {
        if let Some(entry) = bundle.get_mut(&path) {
            *entry.document_mut()? = document;
        }
    }
    Ok(())
}

/// What [`apply`] would do, with nothing kept: the report of a dry run.
///
/// # Errors
/// As [`apply`].
pub fn report(bundle: &Bundle, map: &Map) -> Result<Report> {
    Ok(remapping(bundle, map, Keep::Nothing)?.report)
}

/// [`apply`] streamed to the zip file `path` (written atomically): entries
/// the map does not touch are copied as stored (compressed bytes, CRC-32
/// and sizes as read), the others rewritten and compressed as they are
/// written, so memory holds a slice of the bundle, not the bundle. The
/// same input and map give the same bytes.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// use dlf_bundle::{Bundle, ReadOptions};
/// use dlf_bundle::remap::{write_remapped, Map};
/// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
/// let map: Map = "[connection]\ndws_link = \"dws_prod\"\n".parse()?;
/// let out = dir.path().join("prod.zip");
/// let report = write_remapped(&bundle, &map, &out)?;
/// assert!(report.changes.iter().all(|c| c.to == "dws_prod"));
/// let written = Bundle::open(&out)?;
/// assert_eq!(written.len(), bundle.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`apply`]; I/O errors name the file, which is then left as it was.
pub fn write_remapped(bundle: &Bundle, map: &Map, path: impl AsRef<std::path::Path>) -> Result<Report> {
    let needles = map.needles();
    let gathered = Gathered::default();
    let edit = |entry: &Entry| gathered.edit(entry, map, &needles);
    // The report is made before the file is renamed into place: a job that
    // does not parse leaves no output.
    bundle.write_edited_to_path_then(path.as_ref(), &edit, || gathered.report(bundle, map))
}

/// [`write_remapped`] into memory.
///
/// # Errors
/// As [`apply`].
pub fn to_vec_remapped(bundle: &Bundle, map: &Map) -> Result<(Vec<u8>, Report)> {
    let needles = map.needles();
    let gathered = Gathered::default();
    let zip = bundle.write_edited_into(Vec::new(), &|entry| gathered.edit(entry, map, &needles))?;
    Ok((zip, gathered.report(bundle, map)?))
}

/// What the writing threads gather as they remap the entries, for the report.
#[derive(Default)]
struct Gathered {
    /// Each entry's rewrites (never empty), held without spare capacity:
    /// at 10,000 jobs they are most of what remap holds.
    found: std::sync::Mutex<Vec<Box<[Rewrite]>>>,
    /// The distinct values that matched a key of the map.
    seen: std::sync::Mutex<BTreeSet<Seen>>,
    needs: std::sync::Mutex<NeedsByEntry>,
    /// Each job's part of the unmapped objects, by job name.
    jobs: std::sync::Mutex<Vec<(String, JobNeeds)>>,
}

/// A lock of [`Gathered`] whose holder panicked.
fn poisoned<T>(_: std::sync::PoisonError<T>) -> Error {
    Error::internal("a remapping thread panicked")
}

/// Needs of scripts and resources by entry path, gathered as they are
/// remapped, so that the jobs' unmapped objects are found without reading
/// them again. Lists are shared (most scripts need the same few objects);
/// paths are the entries' own.
type KnownNeeds = std::collections::HashMap<std::sync::Arc<str>, std::sync::Arc<[Reference]>>;

/// Scripts' and resources' unmapped needs by entry path, each distinct
/// list held once.
#[derive(Default)]
struct NeedsByEntry {
    by_path: KnownNeeds,
    distinct: std::collections::HashSet<std::sync::Arc<[Reference]>>,
}

impl NeedsByEntry {
    fn insert(&mut self, path: std::sync::Arc<str>, needs: Vec<Reference>) {
        let shared = if let Some(shared) = self.distinct.get(needs.as_slice()) {
            shared.clone()
        } else {
            let shared: std::sync::Arc<[Reference]> = needs.into();
            self.distinct.insert(shared.clone());
            shared
        };
        self.by_path.insert(path, shared);
    }
}

impl Gathered {
    /// `entry`'s remapped bytes (`None`: unchanged), its part of the report kept.
    fn edit(&self, entry: &Entry, map: &Map, needles: &Needles) -> Result<Option<Vec<u8>>> {
        Ok(match self.add(entry, remap_entry(entry, map, needles, true, Output::Bytes)?)? {
            Some(Kept::Bytes(bytes)) => Some(bytes),
            Some(Kept::Document(document)) => Some(document.bytes().into_owned()),
            Some(Kept::Nothing) | None => None,
        })
    }

    /// Keeps `entry`'s part of the report, giving back what it keeps of the rewrite.
    fn add(&self, entry: &Entry, remapped: EntryRemap) -> Result<Option<Kept>> {
        let EntryRemap { rewritten, seen, needs, job } = remapped;
        if let Some(needs) = needs {
            self.needs.lock().map_err(poisoned)?.insert(entry.shared_path().clone(), needs);
        }
        if let Some(job) = job {
            self.jobs.lock().map_err(poisoned)?.push(job);
        }
        if !seen.is_empty() {
            self.seen.lock().map_err(poisoned)?.extend(seen);
        }
        let Some((kept, changes)) = rewritten else { return Ok(None) };
        if !changes.is_empty() {
            self.found.lock().map_err(poisoned)?.push(changes.into_boxed_slice());
        }
        Ok(Some(kept))
    }

    /// Every rewrite, in path order (an entry's rewrites all name it).
    fn changes(&self) -> Result<Vec<Rewrite>> {
        let mut found = std::mem::take(&mut *self.found.lock().map_err(poisoned)?);
        found.sort_by(|a, b| a.first().map(|r| &r.entry).cmp(&b.first().map(|r| &r.entry)));
        let mut changes = Vec::with_capacity(found.iter().map(|entry| entry.len()).sum());
        for entry in found {
            changes.extend(entry);
        }
        Ok(changes)
    }

    /// The report, once every entry went through [`Gathered::add`].
    fn report(&self, bundle: &Bundle, map: &Map) -> Result<Report> {
        let needs = std::mem::take(&mut *self.needs.lock().map_err(poisoned)?);
        let jobs = std::mem::take(&mut *self.jobs.lock().map_err(poisoned)?);
        let unmapped = bundle_unmapped(bundle, map, &needs.by_path, jobs)?;
        drop(needs);
        let changes = self.changes()?;
        let seen: Vec<Seen> = std::mem::take(&mut *self.seen.lock().map_err(poisoned)?).into_iter().collect();
        let unmatched = unmatched_with_nearest(bundle, map, &seen)?;
        Ok(Report { changes, unmapped, unmatched })
    }
}

/// What [`remapping`] keeps: the rewritten documents and the report, the
/// report alone, or the documents alone (a remapped view, whose report
/// nobody reads: no dependency resolution, no search for nearest names).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Documents,
    Nothing,
    DocumentsOnly,
}

/// A report and, when asked, the rewritten documents by path.
struct Remapping {
    report: Report,
    rewritten: Vec<(String, Document)>,
}

/// The map applied to every entry that may hold one of its names, in
/// parallel; entries are reported in path order.
fn remapping(bundle: &Bundle, map: &Map, keep: Keep) -> Result<Remapping> {
    let needles = map.needles();
    let entries = bundle.entries();
    let with_needs = keep != Keep::DocumentsOnly;
    let output = if keep == Keep::Nothing { Output::Nothing } else { Output::Document };
    let results: Vec<_> =
        entries.par_iter().map(|entry| remap_entry(entry, map, &needles, with_needs, output)).collect();
    let gathered = Gathered::default();
    let mut documents = Vec::new();
    for (entry, result) in entries.iter().zip(results) {
        if let Some(Kept::Document(document)) = gathered.add(entry, result?)? {
            documents.push((entry.path().to_owned(), document));
        }
    }
    let report = if with_needs {
        gathered.report(bundle, map)?
    } else {
        Report { changes: gathered.changes()?, unmapped: Vec::new(), unmatched: Vec::new() }
    };
    Ok(Remapping { report, rewritten: documents })
}

/// One entry through the map.
#[derive(Default)]
struct EntryRemap {
    /// Its rewrite, when something changed.
    rewritten: Option<Rewritten>,
    /// The values it showed the map.
    seen: Vec<Seen>,
    /// A script's or resource's needs that the map leaves unmapped.
    needs: Option<Vec<Reference>>,
    /// A job's part of the unmapped objects.
    job: Option<(String, JobNeeds)>,
}

/// What a job needs that the map may leave unmapped, read from the job as
/// it is remapped; the needs of the scripts and resources it uses are
/// added once all are read ([`bundle_unmapped`]), as dependency
/// resolution adds them.
struct JobNeeds {
    /// The objects the job names itself that the map leaves unmapped.
    own: Vec<(EnvironmentKind, String)>,
    /// The scripts and resources it uses, each with the variables the job
    /// defines for the node that uses it.
    uses: Vec<(DefinitionKind, String, Defined)>,
}

/// The variables a job defines for a script or resource one of its nodes uses.
type Defined = Box<[Box<str>]>;

impl JobNeeds {
    /// `job`'s, from its `references` (as [`reference::job_references`]
    /// gives them; whether a name is a job's does not matter here).
    fn of(job: &Job, references: &[Reference], map: &Map) -> Self {
        let (mut own, mut uses) = (Vec::new(), Vec::new());
        for reference in references {
            match reference.target.definition() {
                Some((DefinitionKind::Job, _)) => {}
                Some((kind, name)) => {
                    let defined = resolve::defined_variables(job, reference.node.as_deref()).map(Box::from).collect();
                    uses.push((kind, name.to_owned(), defined));
                }
                None => own.extend(unmapped_object(&reference.target, map).map(|(kind, name)| (kind, name.to_owned()))),
            }
        }
        Self { own, uses }
    }
}

/// One entry rewritten, when its bytes may hold one of the map's names
/// (else it is not rewritten: nothing changed, nothing seen). With
/// `with_needs`, every definition is parsed for what it needs that the map
/// leaves unmapped (a job's own and its uses, a script's or resource's
/// needs), so that the unmapped objects are found without reading any again.
fn remap_entry(entry: &Entry, map: &Map, needles: &Needles, with_needs: bool, output: Output) -> Result<EntryRemap> {
    let bytes = entry.bytes()?;
    let is_job = entry.kind() == DefinitionKind::Job;
    // A script or resource parsed anyway is not searched first (its rewrite
    // reads a few fields); a job's rewrite parses it again, so jobs are.
    let may_change = (with_needs && !is_job) || needles.may_occur(&bytes);
    if !may_change && !with_needs {
        return Ok(EntryRemap::default());
    }
    let document = match entry.parse(bytes.into_owned()) {
        Ok(document) => document,
        // A script or resource the map cannot change is the map's business
        // only if a job uses it, which then reads it again: its error then.
        Err(_) if !is_job && !needles.may_occur(&entry.bytes()?) => return Ok(EntryRemap::default()),
        Err(error) => return Err(error),
    };
    let job_references = match document.definition() {
        Definition::Job(job) => Some(reference::job_references(job, &ReferenceOptions::default(), &|_| false)),
        _ if is_job => return Err(entry.not_of_its_kind()),
        _ => None,
    };
    let (needs, job) = match (document.definition(), &job_references) {
        (_, _) if !with_needs => (None, None),
        (Definition::Job(job), Some(references)) => {
            (None, Some((entry.name().to_owned(), JobNeeds::of(job, references, map))))
        }
        (definition, _) => {
            let references = reference::definition_references(definition, &ReferenceOptions::default());
            let unmapped = references.into_iter().filter(|reference| unmapped_object(&reference.target, map).is_some());
            (Some(unmapped.collect()), None)
        }
    };
    if !may_change {
        return Ok(EntryRemap { needs, job, ..EntryRemap::default() });
    }
    let (rewritten, mut seen) = rewritten(&document, entry.path(), map, output, job_references.as_deref())?;
    // Only a value that matches a key tells the key matched; the others would
    // only be held (the names nearest to unmatched keys are searched apart).
    seen.retain(|(section, value)| map.matches(*section, value));
    // Whether a key matched is all that is asked of them.
    seen.sort_unstable();
    seen.dedup();
    Ok(EntryRemap { rewritten, seen, needs, job })
}

/// What the bundle's `jobs` need that the map does not name: their own
/// needs, and those of the scripts and resources they use, less what a job
/// defines for them (as dependency resolution adds them). The needs in
/// `known` (by entry path) are not read again.
fn bundle_unmapped(
    bundle: &Bundle,
    map: &Map,
    known: &KnownNeeds,
    jobs: Vec<(String, JobNeeds)>,
) -> Result<Vec<Unmapped>> {
    let layout = bundle.layout();
    let per_job: Vec<Result<Vec<(EnvironmentKind, String, String)>>> = jobs
        .into_par_iter()
        .map(|(job, JobNeeds { own, uses })| {
            let job_path = layout.path_for(DefinitionKind::Job, &job, None);
            let mut unmapped: Vec<_> = own.into_iter().map(|(kind, name)| (kind, name, job_path.clone())).collect();
            for (kind, name, defined) in uses {
                let path = layout.path_for(kind, &name, Some(&job));
                // A missing one is no object of the environment (validate reports it).
                let Some(entry) = bundle.get(&path) else { continue };
                let read;
                let needs: &[Reference] = if let Some(needs) = known.get(path.as_str()) {
                    needs
                } else {
                    read = reference::definition_references(entry.load()?.definition(), &ReferenceOptions::default());
                    &read
                };
                for need in needs.iter().filter(|need| !resolve::is_defined(need, defined.iter().map(AsRef::as_ref))) {
                    if let Some((kind, name)) = unmapped_object(&need.target, map) {
                        unmapped.push((kind, name.to_owned(), path.clone()));
                    }
                }
            }
            Ok(unmapped)
        })
        .collect();
    let mut all = Vec::new();
    for unmapped in per_job {
        all.append(&mut unmapped?);
    }
    Ok(gathered(all.into_iter()))
}

/// The map's entries that match none of the values `seen`; each gets the
/// nearest value of its section, which only a pass over every entry can
/// find (a key that matched nothing is in no entry the search let through).
fn unmatched_with_nearest(bundle: &Bundle, map: &Map, seen: &[Seen]) -> Result<Vec<Unmatched>> {
    let unmatched = unmatched(map, seen);
    if unmatched.is_empty() {
        return Ok(unmatched);
    }
    let every: Vec<Seen> = bundle
        .entries()
        .par_iter()
        .map(|entry| Ok(rewritten(&entry.load()?, entry.path(), map, Output::Nothing, None)?.1))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    Ok(self::unmatched(map, &every))
}

/// [`apply`] on a workspace: every definition is read, the changed ones
/// stay loaded and [`Workspace::save`] writes them back. Entries in the
/// report are the files' paths below the workspace folder.
///
/// ```
/// use dlf_bundle::Workspace;
/// use dlf_bundle::remap::{apply_workspace, Map};
/// let mut workspace = Workspace::open("examples/workspace")?;
/// let map: Map = "[connection]\ndws_link = \"dws_prod\"\n".parse()?;
/// let report = apply_workspace(&mut workspace, &map)?;
/// assert!(report.changes.iter().all(|c| c.entry == "scripts/dws_sql.script" || c.entry.starts_with("jobs/")));
/// // `workspace.save()?` would now write the changed files.
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// Read and parse errors of the workspace's files, naming the file.
pub fn apply_workspace(workspace: &mut Workspace, map: &Map) -> Result<Report> {
    let jobs = workspace_dependencies(workspace, &[], &ReferenceOptions::default())?;
    let entry_of = |kind, name: &str| workspace.entry_path(kind, name).unwrap_or_else(|| name.to_owned());
    // A need through a script or resource names it (its kind is not kept).
    let unmapped = unmapped(&jobs, map, |job, owner| match owner {
        Some(owner) => (workspace.entry_path(DefinitionKind::Script, owner))
            .or_else(|| workspace.entry_path(DefinitionKind::Resource, owner))
            .unwrap_or_else(|| owner.to_owned()),
        None => entry_of(DefinitionKind::Job, job),
    });
    let definitions: Vec<(DefinitionKind, String, String)> = DefinitionKind::ALL
        .into_iter()
        .flat_map(|kind| workspace.names(kind).map(move |name| (kind, name.to_owned())))
        .map(|(kind, name)| (kind, entry_of(kind, &name), name))
        .collect();
    let mut changes = Vec::new();
    let mut seen = Vec::new();
    for (kind, entry, name) in definitions {
        let Some(document) = workspace.load(kind, &name)? else { continue };
        let (rewritten, mut document_seen) = rewritten(&document, &entry, map, Output::Document, None)?;
        seen.append(&mut document_seen);
        if let Some((kept, mut document_changes)) = rewritten {
            if let Kept::Document(document) = kept {
                workspace.keep_changed(kind, &name, document);
            }
            changes.append(&mut document_changes);
        }
    }
    Ok(Report { changes, unmapped, unmatched: unmatched(map, &seen) })
}

/// What is left unmapped: what `deps` reports as external, minus the map;
/// `entry_of(job, via_script)` names the entry that references it.
fn unmapped(jobs: &[JobDependencies], map: &Map, entry_of: impl Fn(&str, Option<&str>) -> String) -> Vec<Unmapped> {
    gathered(jobs.iter().flat_map(|job| unmapped_of(job, map, &entry_of)))
}

/// One job's unmapped objects: kind, name and the entry that names it.
fn unmapped_of(
    job: &JobDependencies,
    map: &Map,
    entry_of: &impl Fn(&str, Option<&str>) -> String,
) -> Vec<(EnvironmentKind, String, String)> {
    let external = job.dependencies.iter().filter(|d| d.status == Status::External);
    external
        .filter_map(|dependency| {
            let (kind, name) = unmapped_object(&dependency.reference.target, map)?;
            Some((kind, name.to_owned(), entry_of(&job.job, dependency.via_script.as_deref())))
        })
        .collect()
}

/// The object of the environment `target` names, when the map does not
/// rename it (CDM jobs are renamed with their cluster).
fn unmapped_object<'t>(target: &'t Target, map: &Map) -> Option<(EnvironmentKind, &'t str)> {
    let Target::Environment { kind, name, .. } = target else { return None };
    let mapped = Section::of(*kind).and_then(|section| map.rename(section, rename_key(*kind, name)));
    (*kind != EnvironmentKind::CdmJob && mapped.is_none()).then_some((*kind, name.as_str()))
}

/// Unmapped objects, one per kind and name with every entry naming it, in
/// the order of the kinds' names (as reports list them).
fn gathered(objects: impl Iterator<Item = (EnvironmentKind, String, String)>) -> Vec<Unmapped> {
    let mut unmapped: BTreeMap<(&'static str, String), (EnvironmentKind, BTreeSet<String>)> = BTreeMap::new();
    for (kind, name, entry) in objects {
        unmapped.entry((kind.as_str(), name)).or_insert_with(|| (kind, BTreeSet::new())).1.insert(entry);
    }
    unmapped
        .into_iter()
        .map(|((_, name), (kind, entries))| Unmapped { kind, name, entries: entries.into_iter().collect() })
        .collect()
}

/// `bundle` remapped with `map` into a copy, or `bundle` itself without a map.
pub(crate) fn remapped<'b>(bundle: &'b Bundle, map: Option<&Map>) -> Result<std::borrow::Cow<'b, Bundle>> {
    let Some(map) = map else { return Ok(std::borrow::Cow::Borrowed(bundle)) };
    let mut copy = bundle.clone();
    put_back(&mut copy, remapping(bundle, map, Keep::DocumentsOnly)?.rewritten)?;
    Ok(std::borrow::Cow::Owned(copy))
}

/// `document` with every value the map names rewritten, kept as `output`
/// asks, and the changes; `None` when nothing changed. The renames replace
/// strings by strings, so the new bytes are the original's with those
/// strings replaced, found by scanning; other changes (a number parameter
/// set to a string) go through the general editor when the document is
/// written. With it, every value the map could have renamed.
fn rewritten(
    document: &Document,
    entry: &str,
    map: &Map,
    output: Output,
    job_references: Option<&[Reference]>,
) -> Result<(Option<Rewritten>, Vec<Seen>)> {
    let mut changes = Vec::new();
    let mut seen = Vec::new();
    let Some(renamed) = rewrite(document, entry, map, job_references, &mut changes, &mut seen) else {
        return Ok((None, seen));
    };
    if output == Output::Nothing {
        return Ok((Some((Kept::Nothing, changes)), seen));
    }
    let replacements: Vec<(&str, &str)> =
        changes.iter().map(|change| (change.pointer.as_str(), change.to.as_str())).collect();
    // The renames are spliced into the bytes as read only when nothing else
    // changed them since; an edited document goes through the general editor.
    let edited = document.unmodified_original().and_then(|original| json::replace_strings(original, &replacements));
    let kept = match (output, edited) {
        // Bytes are all a zip needs: no new definition is made.
        (Output::Bytes, Some(bytes)) => Kept::Bytes(bytes),
        (_, edited) => {
            let mut document = document.clone();
            document.replace(renamed.definition(&changes)?, edited);
            match output {
                Output::Bytes => Kept::Bytes(document.bytes().into_owned()),
                Output::Document | Output::Nothing => Kept::Document(document),
            }
        }
    };
    Ok((Some((kept, changes)), seen))
}

/// A definition renamed, made into the new definition only when one is kept.
enum Renamed<'d> {
    /// A script, whose renamed fields are its changes.
    Script(&'d Script),
    /// A job's or resource's value, renamed.
    Value(DefinitionKind, Value),
}

impl Renamed<'_> {
    /// The new definition; `changes` are the rewrite's.
    fn definition(self, changes: &[Rewrite]) -> Result<Definition> {
        match self {
            Self::Script(script) => {
                let mut script = script.clone();
                for change in changes {
                    let field = match change.pointer.as_str() {
                        "/connectionName" => &mut script.connection_name,
                        "/queueName" => &mut script.queue_name,
                        "/database" => &mut script.database,
                        "/currentDatabase" => &mut script.current_database,
                        _ => continue,
                    };
                    *field = Some(change.to.clone());
                }
                Ok(Definition::Script(script))
            }
            Self::Value(kind, value) => Definition::from_value(kind, value),
        }
    }
}

/// What the map renames in `document`, its changes appended to `changes`;
/// `None` when nothing changed.
fn rewrite<'d>(
    document: &'d Document,
    entry: &str,
    map: &Map,
    job_references: Option<&[Reference]>,
    changes: &mut Vec<Rewrite>,
    seen: &mut Vec<Seen>,
) -> Option<Renamed<'d>> {
    let definition = document.definition();
    if let Definition::Script(script) = definition {
        // Scripts are most of a bundle and carry long texts: renamed on the
        // model, without building their JSON.
        let renamed = rewrite_script(script, entry, map, seen);
        if renamed.is_empty() {
            return None;
        }
        changes.extend(renamed);
        return Some(Renamed::Script(script));
    }
    let kind = definition.kind();
    // The text read parses to the definition's value (the model is
    // lossless), and parsing it is cheaper than building the value.
    let read = document.unmodified_original().and_then(|bytes| json::parse(bytes).ok());
    let mut value = read.unwrap_or_else(|| definition.to_value());
    let mut rewriter = Rewriter { map, entry, changes: Vec::new(), seen };
    match definition {
        Definition::Job(job) => {
            let computed;
            let references = if let Some(references) = job_references {
                references
            } else {
                computed = reference::job_references(job, &ReferenceOptions::default(), &|_| false);
                &computed
            };
            rewriter.job(&mut value, references, definition.name().unwrap_or_default());
        }
        Definition::Script(_) => {}
        Definition::Resource(_) => rewriter.resource(&mut value),
    }
    if rewriter.changes.is_empty() {
        return None;
    }
    changes.append(&mut rewriter.changes);
    Some(Renamed::Value(kind, value))
}

/// A script's renames: of its connection, DLI queue and databases.
fn rewrite_script(script: &Script, entry: &str, map: &Map, seen: &mut Vec<Seen>) -> Vec<Rewrite> {
    let fields = [
        ("connectionName", Section::Connection, &script.connection_name),
        ("queueName", Section::DliQueue, &script.queue_name),
        ("database", Section::Database, &script.database),
        ("currentDatabase", Section::Database, &script.current_database),
    ];
    seen.extend(fields.iter().filter_map(|(_, section, value)| Some((*section, (*value).clone()?))));
    fields
        .iter()
        .filter_map(|(key, section, value)| {
            let old = value.as_deref()?;
            let new = map.rename(*section, old).filter(|new| new != old)?;
            let (entry, pointer, kind) = (entry.to_owned(), format!("/{key}"), *section);
            Some(Rewrite { entry, pointer, kind, from: old.to_owned(), to: new })
        })
        .collect()
}

/// Whether the catalog says the property `key` of a node of `node_type`
/// names a database (`database`, `HetuEngine`'s `Database` and `Schema`).
fn names_database(node_type: &NodeType, key: &str) -> bool {
    reference::property_rows(node_type).any(|(row, _)| row.name == key && row.refers == Some(Refers::Database))
}

/// The part of a reference's name the map keys: the workspace of a job
/// in another workspace (`workspace/job`), else the name.
fn rename_key(kind: EnvironmentKind, name: &str) -> &str {
    match kind {
        EnvironmentKind::OtherWorkspaceJob => name.split_once('/').map_or(name, |(workspace, _)| workspace),
        EnvironmentKind::Connection
        | EnvironmentKind::CdmCluster
        | EnvironmentKind::CdmJob
        | EnvironmentKind::DliQueue
        | EnvironmentKind::MrsCluster
        | EnvironmentKind::DisStream
        | EnvironmentKind::SmnTopic
        | EnvironmentKind::ObsPath
        | EnvironmentKind::EnvVariable => name,
    }
}

struct Rewriter<'a> {
    map: &'a Map,
    entry: &'a str,
    changes: Vec<Rewrite>,
    /// Every value the map could have renamed.
    seen: &'a mut Vec<Seen>,
}

impl Rewriter<'_> {
    /// Renames the string at `value` through `section`, recording the change.
    fn rename(&mut self, value: &mut Value, section: Section, pointer: String) {
        let Value::String(old) = value else { return };
        self.seen.push((section, old.clone()));
        let Some(new) = self.map.rename(section, old) else { return };
        self.set(value, section, pointer, new);
    }

    fn set(&mut self, value: &mut Value, section: Section, pointer: String, new: String) {
        let old = value.as_str().map_or_else(|| crate::json::to_string_compact(value), str::to_owned);
        if old == new {
            return;
        }
        self.changes.push(Rewrite { entry: self.entry.to_owned(), pointer, kind: section, from: old, to: new.clone() });
        *value = Value::String(new);
    }

    /// The member `key` of an object value, with its pointer.
    fn member<'v>(value: &'v mut Value, key: &str) -> Option<&'v mut Value> {
        match value {
            Value::Object(object) => object.get_mut(key),
            _ => None,
        }
    }

    fn job(&mut self, job: &mut Value, references: &[Reference], job_name: &str) {
        if let Some(log_path) = Self::member(job, "logPath") {
            self.rename(log_path, Section::ObsPath, "/logPath".into());
        }
        if let Some(basic) = Self::member(job, "basicConfig") {
            for key in ["owner", "executeUser"] {
                if let Some(owner) = Self::member(basic, key) {
                    self.rename(owner, Section::Owner, format!("/basicConfig/{key}"));
                }
            }
        }
        if let Some(schedule) = Self::member(job, "schedule") {
            if let Some(channel) = Self::member(schedule, "event").and_then(|event| Self::member(event, "channel")) {
                self.rename(channel, Section::DisStream, "/schedule/event/channel".into());
            }
            if let Some(cron) = Self::member(schedule, "cron") {
                if let Some(zone) = Self::member(cron, "expressionTimeZone") {
                    self.rename(zone, Section::TimeZone, "/schedule/cron/expressionTimeZone".into());
                }
                if let Some(depend) = Self::member(cron, "dependJobs") {
                    self.other_workspaces(depend, "/schedule/cron/dependJobs");
                }
            }
        }
        if let Some(Value::Array(params)) = Self::member(job, "params") {
            for (index, param) in params.iter_mut().enumerate() {
                let name = param.as_object().and_then(|p| p.get("name")).and_then(Value::as_str).map(str::to_owned);
                let Some(name) = name else { continue };
                self.seen.push((Section::Params, format!("{job_name}/{name}")));
                let Some(new) = self.map.param(job_name, &name).map(str::to_owned) else { continue };
                if let Some(value) = Self::member(param, "value") {
                    self.set(value, Section::Params, format!("/params/{index}/value"), new);
                }
            }
        }
        let Some(Value::Array(nodes)) = Self::member(job, "nodes") else { return };
        for (index, node) in nodes.iter_mut().enumerate() {
            self.node(node, index, references);
        }
    }

    fn node(&mut self, node: &mut Value, index: usize, references: &[Reference]) {
        let node_name = node.as_object().and_then(|n| n.get("name")).and_then(Value::as_str).map(str::to_owned);
        let node_type = node.as_object().and_then(|n| n.get("type")).and_then(Value::as_str).map(NodeType::from);
        let base = format!("/nodes/{index}");
        if let Some(channel) = Self::member(node, "eventTrigger").and_then(|event| Self::member(event, "channel")) {
            self.rename(channel, Section::DisStream, format!("{base}/eventTrigger/channel"));
        }
        if let Some(depend) = Self::member(node, "cronTrigger").and_then(|trigger| Self::member(trigger, "dependJobs"))
        {
            self.other_workspaces(depend, &format!("{base}/cronTrigger/dependJobs"));
        }
        let Some(Value::Array(properties)) = Self::member(node, "properties") else { return };
        for (j, property) in properties.iter_mut().enumerate() {
            let Some(key) = property.as_object().and_then(|p| p.get("name")).and_then(Value::as_str).map(str::to_owned)
            else {
                continue;
            };
            let Some(value) = Self::member(property, "value") else { continue };
            let pointer = format!("{base}/properties/{j}/value");
            if node_type.as_ref().is_some_and(|node_type| names_database(node_type, &key)) {
                self.rename(value, Section::Database, pointer);
                continue;
            }
            // What the property names is what reference extraction says it names.
            let Some(text) = value.as_str() else { continue };
            let section = references.iter().find_map(|reference| match &reference.target {
                Target::Environment { kind, name, .. }
                    if reference.node == node_name && reference.via == key && name == text =>
                {
                    Section::of(*kind)
                }
                _ => None,
            });
            if let Some(section) = section {
                self.rename(value, section, pointer);
            }
        }
    }

    fn other_workspaces(&mut self, depend: &mut Value, base: &str) {
        let Some(Value::Array(jobs)) = Self::member(depend, "otherWorkSpaceJobs") else { return };
        for (index, job) in jobs.iter_mut().enumerate() {
            if let Some(workspace) = Self::member(job, "workSpace") {
                self.rename(workspace, Section::OtherWorkspace, format!("{base}/otherWorkSpaceJobs/{index}/workSpace"));
            }
        }
    }

    fn resource(&mut self, resource: &mut Value) {
        if let Some(location) = Self::member(resource, "location") {
            self.rename(location, Section::ObsPath, "/location".into());
        }
        if let Some(Value::Array(files)) = Self::member(resource, "dependFiles") {
            for (index, file) in files.iter_mut().enumerate() {
                self.rename(file, Section::ObsPath, format!("/dependFiles/{index}"));
            }
        }
        if let Some(Value::Array(packages)) = Self::member(resource, "dependPackages") {
            for (index, package) in packages.iter_mut().enumerate() {
                if let Some(location) = Self::member(package, "location") {
                    self.rename(location, Section::ObsPath, format!("/dependPackages/{index}/location"));
                }
            }
        }
    }
}

/// `sameNamePolicy` of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum SameNamePolicy {
    /// Keep the target's object (the service's default, and silent).
    #[default]
    Skip,
    /// Replace the target's object.
    Overwrite,
}

/// `targetStatus` of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum TargetStatus {
    /// Saved, not submitted.
    Saved,
    /// Submitted.
    Submitted,
    /// Submitted and in production.
    Production,
}

/// One `resources` element: the service renames `name` of `type` to `replace`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[non_exhaustive]
pub struct Replacement {
    /// The name in the bundle.
    pub name: String,
    /// `DWS_CONNECTION`, `MRS_HIVE_CONNECTION`, `CDM_CLUSTER`, …
    #[serde(rename = "type")]
    pub import_type: &'static str,
    /// The name in the target.
    pub replace: String,
}

/// One `jobsParam` element.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct JobParams {
    /// The job.
    pub name: String,
    /// Parameter values for it.
    pub params: BTreeMap<String, String>,
}

/// The body of `POST /v1/{project_id}/jobs/import` that asks the service to
/// do the renaming itself.
///
/// ```
/// use dlf_bundle::{Bundle, ReadOptions};
/// use dlf_bundle::remap::{ImportRequest, Map};
/// let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
/// let map: Map = "[connection]\ndws_link = \"dws_prod\"\n[dli_queue]\nq = \"q2\"\n".parse()?;
/// let (request, offline) = ImportRequest::new(&bundle, &map, "obs://bucket/jobs.zip")?;
/// let body = serde_json::to_value(&request).unwrap();
/// assert_eq!(body["sameNamePolicy"], "SKIP");
/// assert_eq!(body["resources"][0], serde_json::json!({"name": "dws_link", "type": "DWS_CONNECTION", "replace": "dws_prod"}));
/// assert_eq!(offline, [("dli_queue", "q".to_owned())]);
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImportRequest {
    /// The OBS path of the bundle to import.
    pub path: String,
    /// What happens to objects whose name the target holds.
    pub same_name_policy: SameNamePolicy,
    /// Environment objects the service renames.
    pub resources: Vec<Replacement>,
    /// Parameter values for every job (`[params]`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// Parameter values per job (`[jobs.<job>.params]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jobs_param: Vec<JobParams>,
    /// The state after import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_status: Option<TargetStatus>,
}

impl ImportRequest {
    /// The request for importing `bundle` from `path` with `map`'s names,
    /// and the mapped objects the service cannot rename (section and name),
    /// which only [`apply`] can rewrite. A connection used by node or script
    /// types of several import types gets one element per type.
    ///
    /// # Errors
    /// The first entry, in path order, that holds one of the map's names
    /// and does not read or parse.
    pub fn new(bundle: &Bundle, map: &Map, path: &str) -> Result<(Self, Vec<(&'static str, String)>)> {
        let mut resources = BTreeSet::new();
        let mut renamed: BTreeSet<(Section, String)> = BTreeSet::new();
        let needles = map.needles();
        for entry in bundle.iter() {
            if !needles.may_occur(&entry.bytes()?) {
                continue;
            }
            let document = entry.load()?;
            let references = match document.definition() {
                Definition::Job(job) => reference::job_references(job, &ReferenceOptions::default(), &|_| false),
                other => reference::definition_references(other, &ReferenceOptions::default()),
            };
            for reference in references {
                let Target::Environment { kind, name, import_type: Some(import_type) } = reference.target else {
                    continue;
                };
                let Some(section) = Section::of(kind) else { continue };
                if let Some(replace) = map.rename(section, &name).filter(|new| *new != name) {
                    renamed.insert((section, name.clone()));
                    resources.insert(Replacement { name, import_type, replace });
                }
            }
        }
        let offline = map
            .names
            .iter()
            .filter(|(section, _)| **section != Section::Params)
            .flat_map(|(section, names)| names.iter().map(move |(old, new)| (*section, old, new)))
            .filter(|(section, old, new)| old != new && !renamed.contains(&(*section, (*old).clone())))
            .map(|(section, old, _)| (section.as_str(), old.clone()))
            .collect();
        let request = Self {
            path: path.to_owned(),
            same_name_policy: SameNamePolicy::default(),
            resources: resources.into_iter().collect(),
            params: map.names.get(&Section::Params).cloned().unwrap_or_default(),
            jobs_param: map
                .job_params
                .iter()
                .map(|(name, params)| JobParams { name: name.clone(), params: params.clone() })
                .collect(),
            target_status: None,
        };
        Ok((request, offline))
    }

    /// Sets [`ImportRequest::same_name_policy`].
    #[must_use]
    pub fn same_name_policy(mut self, policy: SameNamePolicy) -> Self {
        self.same_name_policy = policy;
        self
    }

    /// Sets [`ImportRequest::target_status`].
    #[must_use]
    pub fn target_status(mut self, status: Option<TargetStatus>) -> Self {
        self.target_status = status;
        self
    }
}

//! Semantic comparison of two bundles, for review.
//!
//! Definitions match by kind and name, not by path: a job moved to another
//! folder or layout is the same job, and a script copied into several job
//! folders is one script. Inside a definition, the elements of `nodes`,
//! `properties` and `params` match by `name`; `preNodeName` and
//! `dependJobs.jobs` compare as sets; other arrays by position. Key order,
//! whitespace, entry order and compression are no change. Values compare as
//! JSON values: `1` and `1.0` are equal numbers, `1` and `"1"` differ.

use crate::bundle::{self, Bundle, Entry};
use crate::error::Result;
use crate::json::{self, Value};
use crate::kind::DefinitionKind;
use crate::model::Definition;
use crate::read::{self, RawEntry};
use crate::reference::ReferenceOptions;
use crate::reference::job_references;
use crate::remap::{self, Map};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// What [`diff`] compares and how.
///
/// ```
/// use dlf_bundle::diff::DiffOptions;
/// let options = DiffOptions::new().ignore("location").context(5);
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
pub struct DiffOptions {
    map: Option<Map>,
    ignore: BTreeSet<String>,
    context: usize,
}

impl Default for DiffOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl DiffOptions {
    /// Compares everything; script diffs with 3 lines of context.
    pub const fn new() -> Self {
        Self { map: None, ignore: BTreeSet::new(), context: 3 }
    }

    /// Remaps OLD with `map` before comparing, so a dev bundle and its
    /// promoted prod bundle differ only where someone changed something.
    #[must_use]
    pub fn map(mut self, map: Map) -> Self {
        self.map = Some(map);
        self
    }

    /// Ignores the member `key` wherever it appears (`location`, the canvas
    /// position, for example).
    #[must_use]
    pub fn ignore(mut self, key: impl Into<String>) -> Self {
        self.ignore.insert(key.into());
        self
    }

    /// Lines of context around each change of a script's `content`.
    #[must_use]
    pub fn context(mut self, lines: usize) -> Self {
        self.context = lines;
        self
    }
}

/// What a change does at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// The value is new.
    Add,
    /// The value is gone.
    Remove,
    /// The value is different.
    Replace,
}

impl Op {
    /// `add`, `remove` or `replace`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Replace => "replace",
        }
    }
}

/// One value that differs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Change {
    /// A JSON pointer in which elements of `nodes`, `properties` and
    /// `params` are addressed by name: `/nodes/node_1/retryTimes`.
    pub path: String,
    /// What changed.
    pub op: Op,
    /// The value before (not for `add`, nor for a script's `content`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The value after (not for `remove`, nor for a script's `content`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// For a script's `content`: a unified line diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// The patch's pointer to the value, with array indices ([`Diff::patch`]).
    #[serde(skip)]
    patch_path: Box<str>,
    /// The patch's value where it is not `new`: a script's new `content`.
    #[serde(skip)]
    content: Option<Box<Value>>,
}

impl Change {
    /// The RFC 6902 operation of this change.
    fn patch_op(&self) -> PatchOp<'_> {
        PatchOp { op: self.op, path: &self.patch_path, value: self.content.as_deref().or(self.new.as_ref()) }
    }
}

/// A definition present on both sides that differs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Changed {
    /// Its name.
    pub name: String,
    /// What differs, in document order.
    pub changes: Vec<Change>,
    /// The jobs of NEW a run of which the change touches: for a job, the
    /// jobs that depend on it, directly or through others; for a script or
    /// resource, the jobs that use it and the jobs that depend on those.
    pub affected: Vec<String>,
}

/// One of the two bundles compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Input {
    /// OLD, the first.
    Old,
    /// NEW, the second.
    New,
}

impl std::fmt::Display for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Old => "old",
            Self::New => "new",
        })
    }
}

/// Copies of one script or resource (in several job folders of a batch
/// bundle) that are not the same; the first copy is the one compared.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct DifferingCopies {
    /// The definition's name.
    pub name: String,
    /// Which bundle holds them.
    pub side: Input,
    /// The entries that hold the copies, the compared one first.
    pub entries: Vec<String>,
}

/// The differences of one kind of definition.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct KindDiff {
    /// Names only NEW has.
    pub added: Vec<String>,
    /// Names only OLD has.
    pub removed: Vec<String>,
    /// Definitions both have that differ.
    pub changed: Vec<Changed>,
    /// Copies that disagree within one side.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differing_copies: Vec<DifferingCopies>,
    /// The RFC 6902 patch of each added or removed definition (a changed
    /// one's is its changes').
    #[serde(skip)]
    patches: BTreeMap<String, (Op, Option<Value>)>,
}

impl KindDiff {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// `{"jobs": {…}, "scripts": {…}, "resources": {…}}`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Diff {
    /// Jobs.
    pub jobs: KindDiff,
    /// Scripts.
    pub scripts: KindDiff,
    /// Resources.
    pub resources: KindDiff,
}

impl Diff {
    /// `true` when the bundles do not differ.
    pub fn is_empty(&self) -> bool {
        self.kinds().iter().all(|(_, kind)| kind.is_empty())
    }

    /// The three kinds with their differences, jobs first.
    pub fn kinds(&self) -> [(DefinitionKind, &KindDiff); 3] {
        [
            (DefinitionKind::Job, &self.jobs),
            (DefinitionKind::Script, &self.scripts),
            (DefinitionKind::Resource, &self.resources),
        ]
    }

    /// An RFC 6902 JSON Patch per definition, with array indices, so that
    /// standard tools can apply it to OLD (remapped, when a map was given):
    /// `{"jobs": {"job_a": [{"op": "replace", "path": "/nodes/0/retryTimes", "value": 3}]}, …}`.
    /// An added definition's patch adds the whole document (`"path": ""`),
    /// a removed one's removes it. Ignored keys keep OLD's value, and
    /// elements matched by name keep OLD's order.
    ///
    /// ```
    /// use dlf_bundle::{Bundle, Job};
    /// use dlf_bundle::diff::{diff, DiffOptions};
    /// let mut old = Bundle::new(dlf_bundle::Layout::Single);
    /// old.add_job(Job::new("j"))?;
    /// let mut new = old.clone();
    /// new.job_mut("j")?.unwrap().log_path = Some("obs://logs/".into());
    /// let patch = serde_json::to_value(diff(&old, &new, &DiffOptions::new())?.patch()).unwrap();
    /// assert_eq!(patch["jobs"]["j"][0]["op"], "add");
    /// assert_eq!(patch["jobs"]["j"][0]["path"], "/logPath");
    /// # Ok::<(), dlf_bundle::Error>(())
    /// ```
    pub fn patch(&self) -> Patch<'_> {
        Patch { jobs: KindPatch(&self.jobs), scripts: KindPatch(&self.scripts), resources: KindPatch(&self.resources) }
    }
}

/// The patches of a [`Diff`], by kind and name; serialises as JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Patch<'a> {
    jobs: KindPatch<'a>,
    scripts: KindPatch<'a>,
    resources: KindPatch<'a>,
}

/// One kind's patches, by name: those of the added and removed
/// definitions and the changed ones', merged in name order.
#[derive(Debug, Clone)]
struct KindPatch<'a>(&'a KindDiff);

impl serde::Serialize for KindPatch<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let KindDiff { patches, changed, .. } = self.0;
        let mut map = serializer.serialize_map(Some(patches.len() + changed.len()))?;
        let (mut whole, mut changed) = (patches.iter().peekable(), changed.iter().peekable());
        loop {
            let whole_first = match (whole.peek(), changed.peek()) {
                (None, None) => break,
                (Some((name, _)), Some(next)) => name.as_str() < next.name.as_str(),
                (whole_next, _) => whole_next.is_some(),
            };
            if whole_first {
                if let Some((name, (op, value))) = whole.next() {
                    map.serialize_entry(name, &[PatchOp { op: *op, path: "", value: value.as_ref() }])?;
                }
            } else if let Some(next) = changed.next() {
                let ops: Vec<PatchOp<'_>> = next.changes.iter().map(Change::patch_op).collect();
                map.serialize_entry(&next.name, &ops)?;
            }
        }
        map.end()
    }
}

/// One RFC 6902 operation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct PatchOp<'a> {
    op: Op,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a Value>,
}

/// Compares two bundles by meaning.
///
/// ```
/// use dlf_bundle::{Bundle, ReadOptions};
/// use dlf_bundle::diff::{diff, DiffOptions};
/// let old = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
/// let mut new = old.to_layout(dlf_bundle::Layout::Batch, &Default::default())?;
/// assert!(diff(&old, &new, &DiffOptions::new())?.is_empty(), "a layout is no change");
/// new.job_mut("job_batch")?.unwrap().node_mut("DWS_SQL").unwrap().retry_times = Some(3.into());
/// let changes = diff(&old, &new, &DiffOptions::new())?;
/// assert_eq!(changes.jobs.changed[0].changes[0].path, "/nodes/DWS_SQL/retryTimes");
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// Only when [`DiffOptions::map`] is given and remapping OLD fails (see
/// [`remap::apply`]).
pub fn diff(old: &Bundle, new: &Bundle, options: &DiffOptions) -> Result<Diff> {
    let remapped = remap::remapped(old, options.map.as_ref())?;
    let old: &Bundle = &remapped;
    let (old_side, new_side) = (Side::of(old), Side::of(new));
    let no_scan = |_: &Entry, _: Cow<'_, [u8]>, _: Option<Value>| Ok(None);
    let compare = |kind: DefinitionKind| compare_kind(kind, &old_side, &new_side, options, &no_scan);
    let (scripts, resources) = (compare(DefinitionKind::Script)?.0, compare(DefinitionKind::Resource)?.0);
    let (jobs, affected) = {
        let others: Vec<(DefinitionKind, &str)> =
            [(DefinitionKind::Script, &scripts), (DefinitionKind::Resource, &resources)]
                .into_iter()
                .flat_map(|(kind, changes)| changes.changed.iter().map(move |changed| (kind, changed.name.as_str())))
                .collect();
        // NEW's jobs are searched for the names a change reaches them
        // through; those compared are searched from the bytes inflated for
        // the comparison (and parsed: a changed job holds its own name).
        let search = std::sync::OnceLock::new();
        let search = || {
            let search = search.get_or_init(|| NameSearch::new(new, &others));
            search
                .as_ref()
                .map_err(|message| crate::Error::internal(format!("the name search cannot be built: {message}")))
        };
        let scan = |entry: &Entry, bytes: Cow<'_, [u8]>, value: Option<Value>| {
            Ok(Some(search()?.scan(entry, bytes, value, |_| true)?))
        };
        let (jobs, scanned) = compare_kind(DefinitionKind::Job, &old_side, &new_side, options, &scan)?;
        drop((old_side, new_side));
        let changed: Vec<(DefinitionKind, &str)> = jobs
            .changed
            .iter()
            .map(|changed| (DefinitionKind::Job, changed.name.as_str()))
            .chain(others.iter().copied())
            .collect();
        // Who a change touches is worked out only when something changed.
        let affected = if changed.is_empty() {
            Vec::new()
        } else {
            Users::of(new, search()?, &changed, scanned)?.affected(&changed)
        };
        (jobs, affected)
    };
    let mut result = Diff { jobs, scripts, resources };
    let mut affected = affected.into_iter();
    // In the order `changed` was listed.
    for changes in [&mut result.jobs, &mut result.scripts, &mut result.resources] {
        for (changed, affected) in changes.changed.iter_mut().zip(&mut affected) {
            changed.affected = affected;
        }
    }
    Ok(result)
}

/// One bundle's definitions by kind, each sorted by name and then path:
/// the copies of a definition are a run of one name.
struct Side<'b> {
    jobs: Copies<'b>,
    scripts: Copies<'b>,
    resources: Copies<'b>,
}

/// Entries of one kind with their names, sorted by name (copies in path order).
type Copies<'b> = Vec<(&'b str, &'b Entry)>;

impl<'b> Side<'b> {
    fn of(bundle: &'b Bundle) -> Self {
        let mut side = Self { jobs: Copies::new(), scripts: Copies::new(), resources: Copies::new() };
        for entry in bundle.iter() {
            let copies = match entry.kind() {
                DefinitionKind::Job => &mut side.jobs,
                DefinitionKind::Script => &mut side.scripts,
                DefinitionKind::Resource => &mut side.resources,
            };
            copies.push((entry.name(), entry));
        }
        // Stable: entries come in path order, which copies keep.
        for copies in [&mut side.jobs, &mut side.scripts, &mut side.resources] {
            copies.sort_by_key(|(name, _)| *name);
        }
        side
    }

    /// The definitions of `kind` in name order, each its name and copies.
    fn kind(&self, kind: DefinitionKind) -> impl Iterator<Item = (&'b str, &[(&'b str, &'b Entry)])> + '_ {
        let copies = match kind {
            DefinitionKind::Job => &self.jobs,
            DefinitionKind::Script => &self.scripts,
            DefinitionKind::Resource => &self.resources,
        };
        copies.chunk_by(|(a, _), (b, _)| a == b).filter_map(|run| {
            let (name, _) = run.first()?;
            Some((*name, run))
        })
    }
}

/// Which jobs may use a definition reached from `start` (indices of names):
/// a job holding a reached name is reached, and so is its own name
/// (`own_names`, by job), until nothing new is.
fn reachable(
    held: &[Held],
    name_count: usize,
    own_names: &[Option<usize>],
    start: impl Iterator<Item = usize>,
) -> Vec<bool> {
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); name_count];
    let mut holders_of_any = Vec::new();
    for (job, holds) in held.iter().enumerate() {
        match holds {
            Held::Any => holders_of_any.push(job),
            Held::Names(held) => {
                for name in held {
                    if let Some(holders) = holders.get_mut(*name) {
                        holders.push(job);
                    }
                }
            }
        }
    }
    let mut reached = vec![false; held.len()];
    let mut queue: Vec<usize> = start.collect();
    let mut seen: BTreeSet<usize> = queue.iter().copied().collect();
    while let Some(name) = queue.pop() {
        for &job in holders.get(name).into_iter().flatten().chain(&holders_of_any) {
            let Some(reached) = reached.get_mut(job).filter(|reached| !**reached) else { continue };
            *reached = true;
            if let Some(&Some(own)) = own_names.get(job)
                && seen.insert(own)
            {
                queue.push(own);
            }
        }
    }
    reached
}

/// The names of definitions a job's bytes hold, by index; `Any` when a
/// JSON escape could spell one the search cannot see.
enum Held {
    Names(Vec<usize>),
    Any,
}

/// What a job uses: (definition, the job), both as indices of [`Users`]' names.
type Uses = Vec<(usize, usize)>;

/// The search of NEW's jobs for the names a change may reach them through:
/// every job's, and the changed scripts' and resources'.
struct NameSearch<'a> {
    /// The names, sorted.
    names: Vec<(DefinitionKind, &'a str)>,
    finder: aho_corasick::AhoCorasick,
    /// Some name holds `"` or `\`, which JSON writes escaped.
    quotes: bool,
    /// NEW's jobs.
    known: BTreeSet<&'a str>,
}

impl<'a> NameSearch<'a> {
    /// The search for `bundle`'s job names and `others` (changed scripts
    /// and resources); the message of a search that cannot be built.
    fn new(bundle: &'a Bundle, others: &[(DefinitionKind, &'a str)]) -> std::result::Result<Self, String> {
        let known: BTreeSet<&str> = bundle.entries_of(DefinitionKind::Job).map(Entry::name).collect();
        let mut names: Vec<(DefinitionKind, &str)> = known.iter().map(|name| (DefinitionKind::Job, *name)).collect();
        names.extend(others.iter().filter(|(kind, _)| *kind != DefinitionKind::Job));
        names.sort_unstable();
        names.dedup();
        let quotes = names.iter().any(|(_, name)| name.contains(['"', '\\']));
        let finder = aho_corasick::AhoCorasick::new(names.iter().map(|(_, name)| name)).map_err(|e| e.to_string())?;
        Ok(Self { names, finder, quotes, known })
    }

    fn index_of(&self, target: (DefinitionKind, &str)) -> Option<usize> {
        self.names.binary_search(&target).ok()
    }

    /// What the job `entry`, whose bytes are `bytes`, holds of the names,
    /// and, when it holds one that `reached` says is reached (or may, through
    /// an escape), what it uses: read from `value`, those bytes' JSON when
    /// it was parsed already, else parsed from the bytes.
    fn scan(
        &self,
        entry: &Entry,
        bytes: Cow<'_, [u8]>,
        value: Option<Value>,
        reached: impl Fn(&[usize]) -> bool,
    ) -> Result<Scanned> {
        let escaped = json::may_escape_a_name(&bytes, self.quotes);
        let mut held: Vec<usize> =
            self.finder.find_overlapping_iter(&*bytes).map(|found| found.pattern().as_usize()).collect();
        held.sort_unstable();
        held.dedup();
        let uses = match self.index_of((DefinitionKind::Job, entry.name())) {
            Some(own) if escaped || reached(&held) => {
                let uses = match value {
                    Some(value) => self.uses_of(&entry.definition_from(value)?, own),
                    None => self.uses_of(entry.parse(bytes.into_owned())?.definition(), own),
                };
                Some(uses)
            }
            _ => None,
        };
        Ok((if escaped { Held::Any } else { Held::Names(held) }, uses))
    }

    /// What the job `own` (an index of the names) uses, by index.
    fn uses_of(&self, definition: &Definition, own: usize) -> Uses {
        let Definition::Job(job) = definition else { return Vec::new() };
        let known_job = |name: &str| self.known.contains(name);
        (job_references(job, &ReferenceOptions::default(), &known_job).iter())
            .filter_map(|reference| self.index_of(reference.target.definition()?))
            .filter(|used| *used != own)
            .map(|used| (used, own))
            .collect()
    }
}

/// A job searched: the names it holds, and what it uses when it was parsed.
type Scanned = (Held, Option<Uses>);

/// What [`compare_kind`] asks of each NEW definition it inflated (with its
/// JSON, when it parsed it): a job's [`Scanned`], or nothing.
type ScanNew<'s> = dyn Fn(&Entry, Cow<'_, [u8]>, Option<Value>) -> Result<Option<Scanned>> + Sync + 's;

/// Who in NEW is touched by a change of a job, script or resource.
struct Users<'a> {
    /// The names looked for, sorted: every job's, and the changed scripts' and resources'.
    names: &'a [(DefinitionKind, &'a str)],
    /// By index of `names`: the jobs (indices of `names`) that name it directly.
    direct: Vec<Vec<usize>>,
}

impl<'a> Users<'a> {
    /// The users, in NEW, of the `changed` definitions and of every job
    /// downstream of them. A job can name a definition only if its bytes hold
    /// the name (or a JSON escape that could spell it), so one pass over
    /// NEW's jobs finds which names each holds (those in `scanned`, by path,
    /// were searched already); only the jobs reachable from `changed`
    /// through those names are parsed for their references.
    fn of(
        bundle: &'a Bundle,
        search: &'a NameSearch<'a>,
        changed: &[(DefinitionKind, &str)],
        mut scanned: std::collections::HashMap<&'a str, Scanned>,
    ) -> Result<Self> {
        let names = &search.names;
        let jobs: Vec<&Entry> = bundle.entries_of(DefinitionKind::Job).collect();
        let own_names: Vec<Option<usize>> =
            jobs.iter().map(|entry| search.index_of((DefinitionKind::Job, entry.name()))).collect();
        let start: Vec<usize> = changed.iter().filter_map(|(kind, name)| search.index_of((*kind, name))).collect();
        let mut is_start = vec![false; names.len()];
        for &name in &start {
            if let Some(slot) = is_start.get_mut(name) {
                *slot = true;
            }
        }
        // A job that holds a changed name (or may, through an escape) is
        // reached: it is parsed from the bytes searched, the others only
        // if reached through other jobs.
        let holds_a_start = |held: &[usize]| held.iter().any(|&name| is_start.get(name) == Some(&true));
        let unscanned: Vec<[&Entry; 1]> =
            jobs.iter().filter(|entry| !scanned.contains_key(entry.path())).map(|entry| [*entry]).collect();
        let searched = bundle::with_bytes(&unscanned, |index, [bytes]| {
            let [entry] = unscanned.get(index).copied().ok_or_else(|| crate::Error::internal("a job was lost"))?;
            search.scan(entry, bytes, None, holds_a_start)
        })?;
        scanned.extend(unscanned.iter().map(|[entry]| entry.path()).zip(searched));
        let (held, mut uses): (Vec<Held>, Vec<Option<Uses>>) =
            jobs.iter().map(|entry| scanned.remove(entry.path()).unwrap_or((Held::Any, None))).unzip();
        let reached = reachable(&held, names.len(), &own_names, start.into_iter());
        let later: Vec<Result<(usize, Uses)>> = (jobs.par_iter().zip(&own_names).zip(&uses))
            .enumerate()
            .filter_map(|(index, ((entry, own), uses))| {
                let own = (*own).filter(|_| uses.is_none() && reached.get(index) == Some(&true))?;
                Some(entry.load().map(|document| (index, search.uses_of(document.definition(), own))))
            })
            .collect();
        for found in later {
            let (index, found) = found?;
            if let Some(slot) = uses.get_mut(index) {
                *slot = Some(found);
            }
        }
        let mut direct = vec![Vec::new(); names.len()];
        for (used, user) in uses.into_iter().flatten().flatten() {
            if let Some(users) = direct.get_mut(used) {
                users.push(user);
            }
        }
        for users in &mut direct {
            users.sort_unstable();
            users.dedup();
        }
        Ok(Self { names, direct })
    }

    /// For each of `changed`, its users and every job downstream of them,
    /// sorted. What lies downstream of a job is worked out once, however
    /// many changed definitions it uses, and the lists in parallel.
    fn affected(&self, changed: &[(DefinitionKind, &str)]) -> Vec<Vec<String>> {
        let starts: Vec<Option<usize>> =
            changed.iter().map(|(kind, name)| self.names.binary_search(&(*kind, *name)).ok()).collect();
        // The jobs whose downstream is asked for: the changed jobs and the users of every change.
        let mut asked = BTreeSet::new();
        for (start, (kind, _)) in starts.iter().zip(changed) {
            let Some(start) = *start else { continue };
            if *kind == DefinitionKind::Job {
                asked.insert(start);
            }
            asked.extend(self.users(start));
        }
        let asked: Vec<usize> = asked.into_iter().collect();
        let downstream: BTreeMap<usize, Vec<usize>> =
            asked.par_iter().map(|&job| (job, self.downstream(job))).collect();
        let below = |job: usize| downstream.get(&job).map_or(&[][..], Vec::as_slice);
        (starts.par_iter().zip(changed))
            .map(|(start, (kind, _))| {
                let Some(start) = *start else { return Vec::new() };
                let mut reached: Vec<usize> = if *kind == DefinitionKind::Job {
                    // A job is not among those its change affects, even in a cycle.
                    below(start).iter().copied().filter(|&job| job != start).collect()
                } else {
                    self.users(start)
                        .iter()
                        .flat_map(|&user| std::iter::once(user).chain(below(user).iter().copied()))
                        .collect()
                };
                reached.sort_unstable();
                reached.dedup();
                // `names` is sorted, and every user is a job: index order is name
                // order. Sized once: at 10,000 jobs these lists are the largest
                // part of the diff.
                let mut affected = Vec::with_capacity(reached.len());
                affected.extend(
                    reached.iter().filter_map(|&index| self.names.get(index)).map(|(_, name)| (*name).to_owned()),
                );
                affected
            })
            .collect()
    }

    /// The jobs downstream of `job`: its users, theirs, and so on.
    fn downstream(&self, job: usize) -> Vec<usize> {
        let mut reached = BTreeSet::new();
        let mut queue: Vec<usize> = self.users(job).to_vec();
        while let Some(user) = queue.pop() {
            if reached.insert(user) {
                queue.extend_from_slice(self.users(user));
            }
        }
        reached.into_iter().collect()
    }

    fn users(&self, index: usize) -> &[usize] {
        self.direct.get(index).map_or(&[], Vec::as_slice)
    }
}

/// The differences of one kind between the sides, and what `scan` made of
/// the bytes of each NEW definition inflated for a comparison, by path.
fn compare_kind<'b>(
    kind: DefinitionKind,
    old: &Side<'b>,
    new: &Side<'b>,
    options: &DiffOptions,
    scan: &ScanNew<'_>,
) -> Result<(KindDiff, std::collections::HashMap<&'b str, Scanned>)> {
    let mut out = KindDiff::default();
    let mut both = Vec::new();
    let mut differing_new = Vec::new();
    // Both sides in name order: a merge of the two.
    let (mut old, mut new) = (old.kind(kind).peekable(), new.kind(kind).peekable());
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        let old_copies = if order.is_gt() { None } else { old.next() };
        let new_copies = if order.is_lt() { None } else { new.next() };
        if let Some((name, copies)) = &old_copies {
            out.differing_copies.extend(differing(kind, name, Input::Old, copies, options)?);
        }
        if let Some((name, copies)) = &new_copies {
            differing_new.extend(differing(kind, name, Input::New, copies, options)?);
        }
        match (old_copies, new_copies) {
            (Some((name, old)), Some((_, new))) => {
                if let (Some((_, old)), Some((_, new))) = (old.first(), new.first()) {
                    both.push((name, *old, *new));
                }
            }
            (Some((name, _)), None) => {
                out.removed.push(name.to_owned());
                out.patches.insert(name.to_owned(), (Op::Remove, None));
            }
            (None, Some((name, copies))) => {
                out.added.push(name.to_owned());
                let value =
                    copies.first().map(|(_, entry)| entry.load().map(|document| document.definition().to_value()));
                let value = value.transpose()?;
                out.patches.insert(name.to_owned(), (Op::Add, value));
            }
            (None, None) => break,
        }
    }
    out.differing_copies.append(&mut differing_new);
    // Identical raw entries first, read a stretch at a time.
    let raw: Vec<Option<(&RawEntry, &RawEntry)>> =
        both.iter().map(|(_, old, new)| Some((old.unchanged_raw()?, new.unchanged_raw()?))).collect();
    let same = read::same_stored(&raw)?;
    // The others inflated (a stretch of each archive read at once) and compared.
    let differing: Vec<(&str, [&Entry; 2])> =
        (both.iter().zip(&same)).filter(|(_, same)| !**same).map(|(&(name, old, new), _)| (name, [old, new])).collect();
    let pairs: Vec<[&Entry; 2]> = differing.iter().map(|(_, pair)| *pair).collect();
    let compared = bundle::with_bytes(&pairs, |index, [old_bytes, new_bytes]| {
        let [old, new] = pairs.get(index).copied().ok_or_else(|| crate::Error::internal("a pair was lost"))?;
        let (changes, new_value) = compare_bytes(kind, [old, new], [&old_bytes, &new_bytes], options)?;
        Ok((changes, scan(new, new_bytes, new_value)?))
    })?;
    let mut scanned = std::collections::HashMap::new();
    for ((name, [_, new]), (changes, scan)) in differing.into_iter().zip(compared) {
        scanned.extend(scan.map(|scan| (new.path(), scan)));
        if !changes.is_empty() {
            out.changed.push(Changed { name: name.to_owned(), changes, affected: Vec::new() });
        }
    }
    Ok((out, scanned))
}

/// The copies of `name` on one side, when they are not all the same.
fn differing(
    kind: DefinitionKind,
    name: &str,
    side: Input,
    copies: &[(&str, &Entry)],
    options: &DiffOptions,
) -> Result<Option<DifferingCopies>> {
    let Some(((_, first), rest)) = copies.split_first() else { return Ok(None) };
    let mut differ = false;
    for (_, copy) in rest {
        differ |= !compare_definition(kind, first, copy, options)?.is_empty();
    }
    Ok(differ.then(|| DifferingCopies {
        name: name.to_owned(),
        side,
        entries: copies.iter().map(|(_, entry)| entry.path().to_owned()).collect(),
    }))
}

/// The changes from `old` to `new` of one definition.
/// Identical raw entries are no change without inflating either; equal
/// bytes are no change without parsing; the others are parsed as JSON for
/// the comparison and not kept.
fn compare_definition(kind: DefinitionKind, old: &Entry, new: &Entry, options: &DiffOptions) -> Result<Vec<Change>> {
    if let (Some(old), Some(new)) = (old.unchanged_raw(), new.unchanged_raw())
        && old.same_as(new)?
    {
        return Ok(Vec::new());
    }
    Ok(compare_bytes(kind, [old, new], [&old.bytes()?, &new.bytes()?], options)?.0)
}

/// [`compare_definition`] of `old` and `new` (OLD's and NEW's) that are
/// not stored alike, from their bytes; with NEW's JSON when it was parsed.
fn compare_bytes(
    kind: DefinitionKind,
    [old, new]: [&Entry; 2],
    [old_bytes, new_bytes]: [&[u8]; 2],
    options: &DiffOptions,
) -> Result<(Vec<Change>, Option<Value>)> {
    if old_bytes == new_bytes {
        return Ok((Vec::new(), None));
    }
    // Scripts and resources hold their long texts at the top level.
    if kind != DefinitionKind::Job
        && let Some(changes) = compare_members([old_bytes, new_bytes], kind, options)
    {
        return Ok((changes, None));
    }
    let (old, new) = (old.json(old_bytes)?, new.json(new_bytes)?);
    let mut walk = Walk { kind, options, changes: Vec::new() };
    let root = Here::root();
    walk.value(&old, &new, &root);
    // Kept to the end of a diff of thousands: without spare capacity.
    walk.changes.shrink_to_fit();
    Ok((walk.changes, Some(new)))
}

/// The changes between two objects whose members (but for ignored ones)
/// have the same keys in the same order, found member by member: members
/// with identical bytes are no change without parsing them (a script's
/// `content`, when its connection changed). `None` when the keys differ,
/// or a member does not parse (the whole document's parse then says where).
fn compare_members([old, new]: [&[u8]; 2], kind: DefinitionKind, options: &DiffOptions) -> Option<Vec<Change>> {
    let (mut old, mut new) = (json::members(old)?, json::members(new)?);
    for members in [&mut old, &mut new] {
        members.retain(|(key, _)| !options.ignore.contains(key.as_ref()));
    }
    if old.len() != new.len() || old.iter().zip(&new).any(|((old, _), (new, _))| old != new) {
        return None;
    }
    let mut walk = Walk { kind, options, changes: Vec::new() };
    let root = Here::root();
    for ((key, old), (_, new)) in old.iter().zip(&new) {
        if old == new {
            continue;
        }
        let (old, new) = (json::parse(old).ok()?, json::parse(new).ok()?);
        if old != new {
            walk.value(&old, &new, &root.member(key));
        }
    }
    walk.changes.shrink_to_fit();
    Some(walk.changes)
}

/// Where the walk is: the semantic pointer, the patch's (index) pointer,
/// the member keys that lead here, and whether this is an element matched
/// by name.
struct Here<'a> {
    path: String,
    patch_path: String,
    key: Option<&'a str>,
    parent_key: Option<&'a str>,
    named: bool,
}

impl<'a> Here<'a> {
    /// The document itself.
    fn root() -> Self {
        Here { path: String::new(), patch_path: String::new(), key: None, parent_key: None, named: false }
    }

    fn member(&self, key: &'a str) -> Here<'a> {
        let segment = escape(key);
        // A property is its value: `/properties/connectionName`, not `…/value`.
        let in_property = self.key.is_none() && self.parent_key == Some("properties") && self.named;
        Here {
            path: if in_property && key == "value" { self.path.clone() } else { format!("{}/{segment}", self.path) },
            patch_path: format!("{}/{segment}", self.patch_path),
            key: Some(key),
            parent_key: self.key,
            named: false,
        }
    }

    /// The element at `index`, addressed by `name` (its position, for
    /// arrays compared by position).
    fn element(&self, name: &str, index: usize, named: bool) -> Here<'a> {
        Here {
            path: format!("{}/{}", self.path, escape(name)),
            patch_path: format!("{}/{index}", self.patch_path),
            key: None,
            parent_key: self.key,
            named,
        }
    }
}

/// RFC 6901: `~` is `~0`, `/` is `~1`.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Arrays whose elements match by `name`.
const NAMED_ELEMENTS: [&str; 3] = ["nodes", "properties", "params"];

struct Walk<'o> {
    kind: DefinitionKind,
    options: &'o DiffOptions,
    changes: Vec<Change>,
}

impl Walk<'_> {
    fn record(&mut self, here: &Here<'_>, op: Op, old: Option<&Value>, new: Option<&Value>) {
        self.changes.push(Change {
            path: here.path.clone(),
            op,
            old: old.cloned(),
            new: new.cloned(),
            diff: None,
            patch_path: here.patch_path.as_str().into(),
            content: None,
        });
    }

    fn value(&mut self, old: &Value, new: &Value, here: &Here<'_>) {
        match (old, new) {
            (Value::Object(old), Value::Object(new)) => {
                for (key, old_member) in old.iter().filter(|(key, _)| !self.options.ignore.contains(*key)) {
                    match new.get(key) {
                        // Identical values hold no change: no path is built for them.
                        Some(new_member) if new_member == old_member => {}
                        Some(new_member) => self.value(old_member, new_member, &here.member(key)),
                        None => self.record(&here.member(key), Op::Remove, Some(old_member), None),
                    }
                }
                for (key, new_member) in new.iter().filter(|(key, _)| !self.options.ignore.contains(*key)) {
                    if !old.contains_key(key) {
                        self.record(&here.member(key), Op::Add, None, Some(new_member));
                    }
                }
            }
            (Value::Array(old_items), Value::Array(new_items)) => {
                let named = here.key.is_some_and(|key| NAMED_ELEMENTS.contains(&key));
                let set = here.key == Some("preNodeName")
                    || (here.key == Some("jobs") && here.parent_key == Some("dependJobs"));
                if let (true, Some(old_names), Some(new_names)) = (named, names(old_items), names(new_items)) {
                    self.named(old_items, &old_names, new_items, &new_names, here);
                } else if set {
                    if sorted(old_items) != sorted(new_items) {
                        self.record(here, Op::Replace, Some(old), Some(new));
                    }
                } else {
                    self.positional(old_items, new_items, here);
                }
            }
            (Value::String(old_text), Value::String(new_text))
                if self.kind == DefinitionKind::Script && here.path == "/content" =>
            {
                if old_text != new_text {
                    let text = similar::TextDiff::from_lines(old_text.as_str(), new_text.as_str());
                    let diff =
                        text.unified_diff().context_radius(self.options.context).header("old", "new").to_string();
                    self.changes.push(Change {
                        path: here.path.clone(),
                        op: Op::Replace,
                        old: None,
                        new: None,
                        diff: Some(diff),
                        patch_path: here.patch_path.as_str().into(),
                        content: Some(Box::new(new.clone())),
                    });
                }
            }
            _ => {
                if !scalars_equal(old, new) {
                    self.record(here, Op::Replace, Some(old), Some(new));
                }
            }
        }
    }

    /// Elements matched by name. The patch removes OLD's elements NEW lacks
    /// (from the last, so indices stay valid), then changes the kept ones
    /// (at their index once those are gone), then appends NEW's new ones.
    fn named(&mut self, old: &[Value], old_names: &[&str], new: &[Value], new_names: &[&str], here: &Here<'_>) {
        for (index, (item, name)) in old.iter().zip(old_names).enumerate().rev() {
            if !new_names.contains(name) {
                self.record(&here.element(name, index, true), Op::Remove, Some(item), None);
            }
        }
        let kept = old.iter().zip(old_names).filter(|(_, name)| new_names.contains(name));
        for (index, (item, name)) in kept.enumerate() {
            if let Some(position) = new_names.iter().position(|n| n == name)
                && let Some(new_item) = new.get(position)
                && item != new_item
            {
                self.value(item, new_item, &here.element(name, index, true));
            }
        }
        for (item, name) in new.iter().zip(new_names).filter(|(_, name)| !old_names.contains(name)) {
            let appended = Here {
                path: format!("{}/{}", here.path, escape(name)),
                patch_path: format!("{}/-", here.patch_path),
                key: None,
                parent_key: here.key,
                named: true,
            };
            self.record(&appended, Op::Add, None, Some(item));
        }
    }

    /// Elements matched by position; extra ones added at the end or
    /// removed from the end.
    fn positional(&mut self, old: &[Value], new: &[Value], here: &Here<'_>) {
        for (index, (old_item, new_item)) in old.iter().zip(new).enumerate().filter(|(_, (old, new))| old != new) {
            self.value(old_item, new_item, &here.element(&index.to_string(), index, false));
        }
        for (index, item) in new.iter().enumerate().skip(old.len()) {
            self.record(&here.element(&index.to_string(), index, false), Op::Add, None, Some(item));
        }
        for (index, item) in old.iter().enumerate().skip(new.len()).rev() {
            self.record(&here.element(&index.to_string(), index, false), Op::Remove, Some(item), None);
        }
    }
}

/// The `name` of every element, when each is an object with a distinct
/// string name; `None` otherwise (the array then compares by position).
fn names(items: &[Value]) -> Option<Vec<&str>> {
    let names: Vec<&str> =
        items.iter().map(|item| item.as_object()?.get("name")?.as_str()).collect::<Option<Vec<&str>>>()?;
    let distinct: BTreeSet<&str> = names.iter().copied().collect();
    (distinct.len() == names.len()).then_some(names)
}

/// A set's elements in a fixed order, for comparison.
fn sorted(items: &[Value]) -> Vec<String> {
    let mut texts: Vec<String> = items.iter().map(json::to_string_compact).collect();
    texts.sort_unstable();
    texts
}

/// JSON equality of two values the walk does not descend into: numbers by
/// value, everything else exactly.
fn scalars_equal(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Number(a), Value::Number(b)) => {
            a == b
                || match (a.as_i64(), b.as_i64()) {
                    (Some(a), Some(b)) => a == b,
                    // Exactly equal values, not nearly equal ones.
                    _ => a.as_f64().zip(b.as_f64()).is_some_and(|(a, b)| a.total_cmp(&b).is_eq()),
                }
        }
        _ => old == new,
    }
}

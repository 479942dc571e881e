//! Offline validation: precise, actionable diagnostics before an import.
//!
//! Every diagnostic has a stable code (listed in [`CODES`]), the entry, a JSON
//! pointer into the file where one applies, a message and a hint saying how
//! to fix it. Unknown enum values are warnings: the service adds types over
//! time.

use crate::bundle::{Bundle, Entry, WarningKind};
use crate::error::{Error, ErrorKind};
use crate::layout::Placement;
use crate::model::{
    Cron, DependJobs, FailPolicy, Job, Kind, Node, NodeType, ProcessType, Resource, ResourceType, Scalar, ScheduleType,
    Script, ScriptType,
};
use crate::model::{Definition, Document};
use crate::read::ReadOptions;
use crate::resolve::{self, ResolveOptions, Target};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The import would fail or do the wrong thing.
    Error,
    /// Probably a mistake, or something the target workspace must supply.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// Stable code, e.g. `DLFB0301`.
    pub code: &'static str,
    /// The entry concerned.
    pub entry: Option<String>,
    /// RFC 6901 pointer into the entry's JSON, where one applies.
    pub pointer: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity.as_str(), self.code, self.message)?;
        if let Some(entry) = &self.entry {
            write!(f, " ({entry}{})", self.pointer.as_deref().map(|p| format!("#{p}")).unwrap_or_default())?;
        }
        Ok(())
    }
}

/// Every code with its severity and a one-line summary.
pub const CODES: &[(&str, Severity, &str)] = &[
    ("DLFB0001", Severity::Error, "the archive is unreadable, corrupt or unsafe"),
    ("DLFB0002", Severity::Error, "an entry name is unsafe or undecodable"),
    ("DLFB0003", Severity::Error, "the archive exceeds a reader limit"),
    ("DLFB0004", Severity::Error, "the entries do not form a batch or single layout"),
    ("DLFB0005", Severity::Error, "a definition is not valid JSON"),
    ("DLFB0006", Severity::Error, "a documented field has the wrong JSON type"),
    ("DLFB0010", Severity::Warning, "a file that is not a definition is ignored"),
    ("DLFB0011", Severity::Warning, "entries are wrapped in an extra folder"),
    ("DLFB0012", Severity::Warning, "an entry name is stored in GBK"),
    ("DLFB0013", Severity::Warning, "names collide on a case-insensitive file system"),
    ("DLFB0014", Severity::Warning, "the bundle exceeds DataArts's 10 MB import limit"),
    ("DLFB0101", Severity::Error, "a required field is missing"),
    ("DLFB0102", Severity::Warning, "an enum field has a value this tool does not know"),
    ("DLFB0103", Severity::Error, "a numeric field is out of range or not a number"),
    ("DLFB0104", Severity::Error, "a name breaks the naming rule"),
    ("DLFB0105", Severity::Error, "a text is too long"),
    ("DLFB0106", Severity::Error, "a directory path is invalid"),
    ("DLFB0201", Severity::Error, "two nodes of a job share a name"),
    ("DLFB0202", Severity::Error, "a preNodeName or condition names no node of the job"),
    ("DLFB0203", Severity::Error, "the nodes of a job form a cycle"),
    ("DLFB0204", Severity::Error, "a cron expression is malformed"),
    ("DLFB0205", Severity::Error, "a start or end time is malformed"),
    ("DLFB0206", Severity::Error, "singleNodeJobFlag disagrees with the nodes"),
    ("DLFB0207", Severity::Warning, "a node lists the same property twice"),
    ("DLFB0208", Severity::Warning, "a job has more than 200 nodes"),
    ("DLFB0209", Severity::Warning, "a node in script mode names no script"),
    ("DLFB0210", Severity::Warning, "a schedule lacks its cron or event block"),
    ("DLFB0301", Severity::Error, "a file name or folder disagrees with the name inside"),
    ("DLFB0302", Severity::Error, "a script or resource a node needs is missing from the bundle"),
    ("DLFB0303", Severity::Warning, "scripts or resources must already exist in the target workspace"),
    ("DLFB0304", Severity::Warning, "a script or resource no job uses"),
    ("DLFB0305", Severity::Error, "the same object differs between two job folders"),
    ("DLFB0306", Severity::Info, "a job this bundle's jobs depend on is not in the bundle"),
];

/// Options for validation.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// The older ASCII-only naming rule (no Chinese in names).
    pub strict_names: bool,
    /// Reader options for archives.
    pub read: ReadOptions,
    /// Reference extraction options.
    pub resolve: ResolveOptions,
}

impl ValidateOptions {
    /// Sets [`ValidateOptions::strict_names`].
    #[must_use]
    pub fn strict_names(mut self, strict: bool) -> Self {
        self.strict_names = strict;
        self
    }

    /// Sets the reader's limits.
    #[must_use]
    pub fn limits(mut self, limits: crate::Limits) -> Self {
        self.read = self.read.limits(limits);
        self
    }
}

/// The console's import limit for a bundle, zipped and unpacked.
pub const IMPORT_LIMIT_BYTES: u64 = 10 * 1024 * 1024;
/// Largest script content, in bytes (4 MB).
pub const MAX_SCRIPT_BYTES: usize = 4 * 1024 * 1024;

/// Validates zip bytes: reader failures become error diagnostics.
///
/// ```
/// use dlf_bundle::validate::{ValidateOptions, validate_archive};
/// let diagnostics = validate_archive(b"not a zip", &ValidateOptions::default());
/// assert_eq!(diagnostics[0].code, "DLFB0001");
/// ```
///
/// # Security
/// The archive goes through the safe reader with `options.read`'s limits.
pub fn validate_archive(bytes: &[u8], options: &ValidateOptions) -> Vec<Diagnostic> {
    // Stream: each definition is parsed, checked and summarised, then dropped,
    // so memory holds a few entries at a time, not the bundle.
    let context = std::sync::OnceLock::new();
    let scanned = crate::read::scan(bytes, &options.read, |plan, index, kind, data| {
        let Some((path, placement)) = plan.placement(index) else { return Ok((Vec::new(), None)) };
        let context = context.get_or_init(|| Context::from_placements(plan.placements()));
        Ok(match Document::parse(kind, data) {
            Ok(document) => {
                let (diagnostics, summary) = examine(path, placement, document, context, options);
                (diagnostics, Some(summary))
            }
            Err(error) => (vec![read_error(&error.in_entry(path))], None),
        })
    });
    let scan = match scanned {
        Ok(scan) => scan,
        Err(error) => return vec![read_error(&error)],
    };
    let mut out = warning_diagnostics(scan.plan.warnings());
    let mut summaries = Vec::new();
    for item in scan.items {
        match item {
            Ok(Some((diagnostics, summary))) => {
                out.extend(diagnostics);
                summaries.extend(summary);
            }
            Ok(None) => {}
            Err(error) => out.push(read_error(&error)),
        }
    }
    cross_file(scan.plan.layout(), &summaries, &mut out);
    if bytes.len() as u64 > IMPORT_LIMIT_BYTES {
        out.push(diagnostic(
            "DLFB0014",
            None,
            None,
            format!("the zip is {} bytes; the console imports at most 10 MB", bytes.len()),
            "split the export into several bundles of fewer jobs",
        ));
    }
    out
}

/// The diagnostic for an error of the reader.
pub fn read_error(error: &Error) -> Diagnostic {
    let (code, hint) = match error.kind() {
        ErrorKind::InsecureName => {
            ("DLFB0002", "re-create the zip from the exported files; names must be relative `/` paths")
        }
        ErrorKind::LimitExceeded => ("DLFB0003", "a real export is far smaller; check where this file came from"),
        ErrorKind::Layout => {
            ("DLFB0004", "use `jobs/<job>/<job>.job` (batch) or `jobs/<job>.job` + `scripts/` + `resources/` (single)")
        }
        ErrorKind::Json => ("DLFB0005", "fix the JSON at the given line and column"),
        ErrorKind::WrongType => ("DLFB0006", "give the field the JSON type the format documents"),
        _ => ("DLFB0001", "export the bundle again; this file is not a safe, intact zip"),
    };
    let message = match error.position() {
        Some(position) => format!("{} (line {}, column {})", error.message(), position.line, position.column),
        None => error.message().to_owned(),
    };
    diagnostic(code, error.entry(), None, message, hint)
}

fn diagnostic(
    code: &'static str,
    entry: Option<&str>,
    pointer: Option<String>,
    message: String,
    hint: &str,
) -> Diagnostic {
    let severity = CODES.iter().find(|(c, ..)| *c == code).map_or(Severity::Error, |(_, severity, _)| *severity);
    Diagnostic { severity, code, entry: entry.map(str::to_owned), pointer, message, hint: hint.to_owned() }
}

/// Validates a bundle already in memory.
pub fn validate_bundle(bundle: &Bundle, options: &ValidateOptions) -> Vec<Diagnostic> {
    let mut out = warning_diagnostics(bundle.warnings());
    let placements: Vec<Placement> = bundle.iter().map(|e| e.placement().clone()).collect();
    let context = Context::from_placements(placements.iter());
    let entries: Vec<&Entry> = bundle.iter().collect();
    let examined: Vec<(Vec<Diagnostic>, Summary)> = entries
        .par_iter()
        .map(|entry| examine(entry.path(), entry.placement(), entry.document().clone(), &context, options))
        .collect();
    let mut summaries = Vec::with_capacity(examined.len());
    for (diagnostics, summary) in examined {
        out.extend(diagnostics);
        summaries.push(summary);
    }
    cross_file(bundle.layout(), &summaries, &mut out);
    out
}

/// Reader warnings as diagnostics (name mismatches are checked as errors instead).
fn warning_diagnostics(warnings: &[crate::bundle::Warning]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for warning in warnings {
        let (code, hint) = match warning.kind {
            WarningKind::StrayFile => {
                ("DLFB0010", "remove files that are not `.job`, `.script` or `.resource` definitions")
            }
            WarningKind::WrapperFolder => ("DLFB0011", "zip the `jobs/` folder itself, not the folder around it"),
            WarningKind::GbkName => ("DLFB0012", "re-zip with a tool that writes UTF-8 names"),
            WarningKind::CaseCollision => {
                ("DLFB0013", "rename one of them; they overwrite each other on Windows and macOS")
            }
            _ => continue,
        };
        out.push(diagnostic(code, warning.entry.as_deref(), None, warning.message.clone(), hint));
    }
    out
}

/// What every entry's examination may consult: the bundle's jobs and which
/// names occur in more than one job folder.
struct Context {
    job_names: BTreeSet<String>,
    repeated: BTreeSet<(Kind, String)>,
}

impl Context {
    fn from_placements<'a>(placements: impl Iterator<Item = &'a Placement>) -> Self {
        let mut job_names = BTreeSet::new();
        let mut counts: BTreeMap<(Kind, String), usize> = BTreeMap::new();
        for placement in placements {
            if placement.kind == Kind::Job {
                job_names.insert(placement.stem.clone());
            }
            *counts.entry((placement.kind, placement.stem.clone())).or_default() += 1;
        }
        let repeated = counts.into_iter().filter(|(_, count)| *count > 1).map(|(key, _)| key).collect();
        Self { job_names, repeated }
    }
}

/// What the rules across files need of one definition.
struct Summary {
    path: String,
    kind: Kind,
    name: String,
    job_folder: Option<String>,
    size: usize,
    /// Jobs: each reference with the pointer of the node that makes it.
    references: Vec<(resolve::Reference, Option<String>)>,
    /// Kept only when another job folder holds an object of the same name.
    copy: Option<Document>,
}

/// Runs the per-definition rules and summarises the definition.
fn examine(
    path: &str,
    placement: &Placement,
    document: Document,
    context: &Context,
    options: &ValidateOptions,
) -> (Vec<Diagnostic>, Summary) {
    let mut found = Vec::new();
    let mut check = Checker { entry: path, names: NameRules { strict: options.strict_names }, out: &mut found };
    check.file_name(placement, &document);
    let mut references = Vec::new();
    match document.definition() {
        Definition::Job(job) => {
            check.job(job);
            let known_jobs = |name: &str| context.job_names.contains(name);
            references = resolve::job_references(job, &options.resolve, &known_jobs)
                .into_iter()
                .map(|reference| {
                    let pointer = node_pointer(job, reference.node.as_deref());
                    (reference, pointer)
                })
                .collect();
        }
        Definition::Script(script) => check.script(script),
        Definition::Resource(resource) => check.resource(resource),
    }
    let name = document.name().unwrap_or(&placement.stem).to_owned();
    let keep = placement.kind != Kind::Job && context.repeated.contains(&(placement.kind, placement.stem.clone()));
    let summary = Summary {
        path: path.to_owned(),
        kind: placement.kind,
        name,
        job_folder: placement.job_folder.clone(),
        size: document.bytes().len(),
        references,
        copy: keep.then_some(document),
    };
    (found, summary)
}

/// Collects the diagnostics of one entry.
struct Checker<'a> {
    entry: &'a str,
    names: NameRules,
    out: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn push(&mut self, code: &'static str, pointer: &str, message: String, hint: &str) {
        let pointer = (!pointer.is_empty()).then(|| pointer.to_owned());
        self.out.push(diagnostic(code, Some(self.entry), pointer, message, hint));
    }

    fn required(&mut self, present: bool, pointer: &str, what: &str, hint: &str) {
        if !present {
            self.push("DLFB0101", pointer, format!("{what} is missing"), hint);
        }
    }

    fn known(&mut self, value: Option<&str>, known: &[&str], pointer: &str, field: &str) {
        if let Some(value) = value
            && !known.contains(&value)
        {
            self.push(
                "DLFB0102",
                pointer,
                format!("`{field}` is `{value}`, which this tool does not know"),
                &format!("expected one of {}; if the service has added it, ignore this warning", known.join(", ")),
            );
        }
    }

    fn range(&mut self, value: Option<&Scalar>, range: (i64, i64), pointer: &str, field: &str, unit: &str) {
        let Some(value) = value else { return };
        match value.as_i64() {
            Some(number) if number >= range.0 && number <= range.1 => {}
            Some(number) => self.push(
                "DLFB0103",
                pointer,
                format!("`{field}` is {number}; it must be {}–{} {unit}", range.0, range.1),
                &format!("set `{field}` between {} and {}", range.0, range.1),
            ),
            None => self.push(
                "DLFB0103",
                pointer,
                format!("`{field}` is `{}`, not a whole number", value.as_text()),
                &format!("write `{field}` as a number of {unit}"),
            ),
        }
    }

    fn name(&mut self, name: Option<&str>, rule: NameRule, pointer: &str, what: &str) {
        if let Some(name) = name
            && let Err(problem) = self.names.check(name, rule)
        {
            self.push("DLFB0104", pointer, format!("{what} `{name}` {problem}"), &self.names.hint(rule));
        }
    }

    fn directory(&mut self, directory: Option<&str>, pointer: &str) {
        let Some(directory) = directory else { return };
        if let Err(problem) = self.names.directory(directory) {
            self.push(
                "DLFB0106",
                pointer,
                format!("directory `{directory}` {problem}"),
                "write `/folder/sub`: at most 10 levels of 1–64 letters, digits, `_` or `-`",
            );
        }
    }

    fn file_name(&mut self, placement: &Placement, document: &Document) {
        let Some(inner) = document.name() else { return };
        if inner != placement.stem {
            self.push(
                "DLFB0301",
                "/name",
                format!(
                    "file `{}.{}` holds {} `{inner}`",
                    placement.stem,
                    placement.kind.extension(),
                    placement.kind.as_str()
                ),
                "name the file after the `name` inside (DataArts identifies objects by name)",
            );
        }
    }

    fn job(&mut self, job: &Job) {
        let hint = "add it as the Create Job API documents";
        self.required(job.name.is_some(), "", "job `name`", hint);
        self.required(job.nodes.is_some(), "", "job `nodes`", hint);
        self.required(job.schedule.is_some(), "", "job `schedule`", hint);
        self.required(
            job.process_type.is_some(),
            "",
            "job `processType`",
            "add `\"processType\": \"BATCH\"` or `\"REAL_TIME\"`",
        );
        self.name(job.name.as_deref(), NameRule::Job, "/name", "job name");
        self.directory(job.directory.as_deref(), "/directory");
        self.known(
            job.process_type.as_ref().map(ProcessType::as_str),
            ProcessType::KNOWN,
            "/processType",
            "processType",
        );
        if let Some(schedule) = &job.schedule {
            let kind = schedule.schedule_type.as_ref().map(ScheduleType::as_str);
            self.required(
                kind.is_some(),
                "/schedule",
                "schedule `type`",
                "add `\"type\": \"CRON\"`, `\"EXECUTE_ONCE\"` or `\"EVENT\"`",
            );
            self.known(kind, ScheduleType::KNOWN, "/schedule/type", "schedule.type");
            if kind == Some("CRON") && schedule.cron.is_none() {
                self.push(
                    "DLFB0210",
                    "/schedule",
                    "schedule type is CRON but there is no `cron` block".into(),
                    "add `cron` with `startTime` and `expression`",
                );
            }
            if kind == Some("EVENT") && schedule.event.is_none() {
                self.push(
                    "DLFB0210",
                    "/schedule",
                    "schedule type is EVENT but there is no `event` block".into(),
                    "add `event` with `eventType` and `channel`",
                );
            }
            if let Some(cron) = &schedule.cron {
                self.cron(cron, "/schedule/cron");
            }
        }
        for (i, param) in job.params().iter().enumerate() {
            let pointer = format!("/params/{i}");
            self.required(param.name.is_some(), &pointer, "parameter `name`", "give every parameter a name");
            self.name(param.name.as_deref(), NameRule::Param, &format!("{pointer}/name"), "parameter name");
            if let Some(value) = &param.value
                && value.as_text().chars().count() > 1024
            {
                self.push(
                    "DLFB0105",
                    &format!("{pointer}/value"),
                    "parameter value is longer than 1,024 characters".into(),
                    "shorten the value",
                );
            }
        }
        self.nodes(job);
        if let Some(flag) = job.single_node_job_flag.as_ref().and_then(Scalar::as_bool)
            && flag
            && job.nodes().len() != 1
        {
            self.push(
                "DLFB0206",
                "/singleNodeJobFlag",
                format!("singleNodeJobFlag is true but the job has {} nodes", job.nodes().len()),
                "set singleNodeJobFlag to false, or keep exactly one node",
            );
        }
    }

    fn cron(&mut self, cron: &Cron, pointer: &str) {
        self.required(
            cron.expression.is_some(),
            pointer,
            "cron `expression`",
            "add a 6-field expression such as `0 20 1 * * ?`",
        );
        if let Some(expression) = &cron.expression
            && let Err(problem) = check_cron(expression)
        {
            self.push(
                "DLFB0204",
                &format!("{pointer}/expression"),
                format!("cron expression `{expression}` {problem}"),
                "write 6 fields `<sec> <min> <hour> <day> <month> <week>` with seconds `0`, e.g. `0 20 1 * * ?`",
            );
        }
        for (field, value) in [("startTime", &cron.start_time), ("endTime", &cron.end_time)] {
            if let Some(value) = value
                && !is_start_time(value)
            {
                self.push(
                    "DLFB0205",
                    &format!("{pointer}/{field}"),
                    format!("`{field}` is `{value}`, not yyyy-MM-dd'T'HH:mm:ssZ"),
                    "write it like `2018-10-22T23:59:59+08`",
                );
            }
        }
        if let Some(depend) = &cron.depend_jobs {
            self.depend_jobs(depend, &format!("{pointer}/dependJobs"));
        }
    }

    fn depend_jobs(&mut self, depend: &DependJobs, pointer: &str) {
        self.known(
            depend.depend_period.as_deref(),
            &["SAME_PERIOD", "PRE_PERIOD"],
            &format!("{pointer}/dependPeriod"),
            "dependPeriod",
        );
        self.known(
            depend.depend_fail_policy.as_deref(),
            &["FAIL", "IGNORE", "SUSPEND"],
            &format!("{pointer}/dependFailPolicy"),
            "dependFailPolicy",
        );
    }

    fn nodes(&mut self, job: &Job) {
        let nodes = job.nodes();
        if nodes.len() > 200 {
            self.push(
                "DLFB0208",
                "/nodes",
                format!("the job has {} nodes; DataArts allows 200 by default", nodes.len()),
                "split the job",
            );
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, node) in nodes.iter().enumerate() {
            let pointer = format!("/nodes/{i}");
            self.node(node, &pointer);
            if let Some(name) = node.name.as_deref()
                && let Some(first) = seen.insert(name, i)
            {
                self.push(
                    "DLFB0201",
                    &format!("{pointer}/name"),
                    format!("node name `{name}` is also used by node {first}"),
                    "give every node of a job its own name",
                );
            }
        }
        for (i, node) in nodes.iter().enumerate() {
            let upstream = node
                .pre_node_names()
                .iter()
                .enumerate()
                .map(|(j, name)| (format!("/nodes/{i}/preNodeName/{j}"), name.as_str()));
            let conditions = node.conditions.iter().flatten().enumerate().filter_map(|(j, c)| {
                c.pre_node_name.as_deref().map(|name| (format!("/nodes/{i}/conditions/{j}/preNodeName"), name))
            });
            for (pointer, name) in upstream.chain(conditions).collect::<Vec<_>>() {
                if !seen.contains_key(name) {
                    self.push(
                        "DLFB0202",
                        &pointer,
                        format!("`{name}` is not a node of this job"),
                        "name an existing node, or remove the edge",
                    );
                }
            }
        }
        if let Some(cycle) = node_cycle(nodes) {
            self.push(
                "DLFB0203",
                "/nodes",
                format!("nodes form a cycle: {}", cycle.join(" -> ")),
                "remove one `preNodeName` edge of the cycle",
            );
        }
    }

    fn node(&mut self, node: &Node, pointer: &str) {
        let hint = "nodes need `name`, `type`, `location` and `properties`";
        self.required(node.name.is_some(), pointer, "node `name`", hint);
        self.required(node.node_type.is_some(), pointer, "node `type`", hint);
        self.required(
            node.location.is_some(),
            pointer,
            "node `location`",
            "add `\"location\": {\"x\": \"0\", \"y\": \"0\"}`",
        );
        self.required(node.properties.is_some(), pointer, "node `properties`", hint);
        self.name(node.name.as_deref(), NameRule::Node, &format!("{pointer}/name"), "node name");
        self.known(node.node_type.as_ref().map(NodeType::as_str), NodeType::KNOWN, &format!("{pointer}/type"), "type");
        self.known(
            node.fail_policy.as_ref().map(FailPolicy::as_str),
            FailPolicy::KNOWN,
            &format!("{pointer}/failPolicy"),
            "failPolicy",
        );
        self.range(
            node.polling_interval.as_ref(),
            (1, 60),
            &format!("{pointer}/pollingInterval"),
            "pollingInterval",
            "seconds",
        );
        self.range(
            node.max_execution_time.as_ref(),
            (5, 1440),
            &format!("{pointer}/maxExecutionTime"),
            "maxExecutionTime",
            "minutes",
        );
        self.range(node.retry_times.as_ref(), (0, 5), &format!("{pointer}/retryTimes"), "retryTimes", "retries");
        self.range(
            node.retry_interval.as_ref(),
            (5, 120),
            &format!("{pointer}/retryInterval"),
            "retryInterval",
            "seconds",
        );
        let mut names = BTreeSet::new();
        for (j, property) in node.properties().iter().enumerate() {
            let property_pointer = format!("{pointer}/properties/{j}");
            self.required(
                property.name.is_some(),
                &property_pointer,
                "property `name`",
                "every property is `{\"name\": …, \"value\": …}`",
            );
            self.required(
                property.value.is_some(),
                &property_pointer,
                "property `value`",
                "every property is `{\"name\": …, \"value\": …}`",
            );
            if let Some(name) = property.name.as_deref()
                && !names.insert(name)
            {
                self.push(
                    "DLFB0207",
                    &format!("{property_pointer}/name"),
                    format!("property `{name}` appears more than once; the first is used"),
                    "keep one property of each name",
                );
            }
        }
        let script_mode = node.property("statementOrScript").is_some_and(|m| m == "SCRIPT");
        if script_mode && node.property("scriptName").is_none_or(str::is_empty) {
            self.push(
                "DLFB0209",
                &format!("{pointer}/properties"),
                "statementOrScript is SCRIPT but no `scriptName` is given".into(),
                "add a `scriptName` property, or set statementOrScript to STATEMENT",
            );
        }
        if let Some(trigger) = &node.cron_trigger
            && let Some(depend) = &trigger.depend_jobs
        {
            self.depend_jobs(depend, &format!("{pointer}/cronTrigger/dependJobs"));
        }
    }

    fn script(&mut self, script: &Script) {
        let hint = "add it as the Create Script API documents";
        self.required(script.name.is_some(), "", "script `name`", hint);
        self.required(script.script_type.is_some(), "", "script `type`", hint);
        self.required(script.content.is_some(), "", "script `content`", hint);
        self.name(script.name.as_deref(), NameRule::Script, "/name", "script name");
        self.known(script.script_type.as_ref().map(ScriptType::as_str), ScriptType::KNOWN, "/type", "type");
        self.directory(script.directory.as_deref(), "/directory");
        if let Some(content) = &script.content
            && content.len() > MAX_SCRIPT_BYTES
        {
            self.push(
                "DLFB0105",
                "/content",
                format!("script content is {} bytes; at most 4 MB", content.len()),
                "split the script",
            );
        }
        if let Some(description) = &script.description
            && description.chars().count() > 255
        {
            self.push("DLFB0105", "/description", "description is longer than 255 characters".into(), "shorten it");
        }
    }

    fn resource(&mut self, resource: &Resource) {
        let hint = "add it as the Create Resource API documents";
        self.required(resource.name.is_some(), "", "resource `name`", hint);
        self.required(resource.resource_type.is_some(), "", "resource `type`", hint);
        self.required(resource.location.is_some(), "", "resource `location`", hint);
        self.name(resource.name.as_deref(), NameRule::Resource, "/name", "resource name");
        self.known(resource.resource_type.as_ref().map(ResourceType::as_str), ResourceType::KNOWN, "/type", "type");
        self.directory(resource.directory.as_deref(), "/directory");
    }
}

/// Rules across files: references, unused definitions, conflicting copies, size.
fn cross_file(layout: crate::layout::Layout, summaries: &[Summary], out: &mut Vec<Diagnostic>) {
    let unpacked: usize = summaries.iter().map(|s| s.size).sum();
    if unpacked as u64 > IMPORT_LIMIT_BYTES {
        out.push(diagnostic(
            "DLFB0014",
            None,
            None,
            format!(
                "the definitions unpack to {unpacked} bytes; the console imports at most 10 MB after decompression"
            ),
            "split the export into several bundles of fewer jobs",
        ));
    }
    let used = check_references(layout, summaries, out);
    check_unused_and_copies(summaries, &used, out);
}

/// Job references: missing scripts and resources, jobs outside the bundle.
/// Returns the paths of the definitions some job uses.
fn check_references(
    layout: crate::layout::Layout,
    summaries: &[Summary],
    out: &mut Vec<Diagnostic>,
) -> BTreeSet<String> {
    let paths: BTreeSet<&str> = summaries.iter().map(|s| s.path.as_str()).collect();
    let job_names: BTreeSet<&str> = summaries.iter().filter(|s| s.kind == Kind::Job).map(|s| s.name.as_str()).collect();
    let carries_dependencies = summaries.iter().any(|s| s.kind != Kind::Job);
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut must_exist: BTreeMap<(Kind, String), Vec<String>> = BTreeMap::new();
    for job in summaries.iter().filter(|s| s.kind == Kind::Job) {
        for (reference, pointer) in &job.references {
            let (kind, name) = match &reference.target {
                Target::Script(name) => (Kind::Script, name),
                Target::Resource(name) => (Kind::Resource, name),
                Target::Job(name) => {
                    if !job_names.contains(name.as_str()) && !reference.probable {
                        out.push(diagnostic(
                            "DLFB0306",
                            Some(&job.path),
                            None,
                            format!(
                                "job `{}` depends on job `{name}` ({}), which is not in the bundle",
                                job.name, reference.via
                            ),
                            "make sure the job exists in the target workspace, or export it too",
                        ));
                    }
                    continue;
                }
                Target::Environment { .. } => continue,
            };
            let folder = job.job_folder.as_deref().unwrap_or(&job.name);
            let path = layout.path_for(kind, name, Some(folder));
            let present = paths.contains(path.as_str());
            used.insert(path.clone());
            if present {
                continue;
            }
            let node = reference.node.as_deref().unwrap_or("?");
            if carries_dependencies {
                out.push(diagnostic(
                    "DLFB0302",
                    Some(&job.path),
                    pointer.clone(),
                    format!("node `{node}` needs {} `{name}`, which is not at `{path}`", kind.as_str()),
                    "export again with dependencies (exportDepend=true), or add the file",
                ));
            } else {
                must_exist.entry((kind, name.clone())).or_default().push(format!("{}/{node}", job.name));
            }
        }
    }
    for ((kind, name), users) in must_exist {
        out.push(diagnostic(
            "DLFB0303",
            None,
            None,
            format!(
                "the bundle carries no scripts or resources (exportDepend=false); {} `{name}` used by {} must already exist in the target workspace",
                kind.as_str(),
                users.join(", ")
            ),
            "check the target workspace, or export with dependencies",
        ));
    }
    used
}

/// Definitions no job uses, and copies of one object that differ.
fn check_unused_and_copies(summaries: &[Summary], used: &BTreeSet<String>, out: &mut Vec<Diagnostic>) {
    let mut copies: BTreeMap<(Kind, &str), &Summary> = BTreeMap::new();
    for summary in summaries.iter().filter(|s| s.kind != Kind::Job) {
        if !used.contains(&summary.path) {
            out.push(diagnostic(
                "DLFB0304",
                Some(&summary.path),
                None,
                format!("no job in the bundle uses {} `{}`", summary.kind.as_str(), summary.name),
                "remove it, or check the node that should reference it",
            ));
        }
        // The same object in several job folders: identical bytes, or at least the same JSON.
        let Some(copy) = &summary.copy else { continue };
        match copies.get(&(summary.kind, summary.name.as_str())) {
            Some(first) => {
                let same = first
                    .copy
                    .as_ref()
                    .is_some_and(|other| other.bytes() == copy.bytes() || other.definition() == copy.definition());
                if !same {
                    out.push(diagnostic(
                        "DLFB0305",
                        Some(&summary.path),
                        None,
                        format!(
                            "{} `{}` differs from the copy at `{}`",
                            summary.kind.as_str(),
                            summary.name,
                            first.path
                        ),
                        "one workspace object has one definition: make the copies identical",
                    ));
                }
            }
            None => {
                copies.insert((summary.kind, summary.name.as_str()), summary);
            }
        }
    }
}

fn node_pointer(job: &Job, node: Option<&str>) -> Option<String> {
    let node = node?;
    job.nodes().iter().position(|n| n.name.as_deref() == Some(node)).map(|i| format!("/nodes/{i}"))
}

/// A cycle among `preNodeName` edges, if any.
fn node_cycle(nodes: &[Node]) -> Option<Vec<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for node in nodes {
        let Some(name) = node.name.clone() else { continue };
        let upstream: BTreeSet<String> = node.pre_node_names().iter().cloned().collect();
        edges.entry(name).or_default().extend(upstream);
    }
    crate::export::find_cycles(&edges).into_iter().next()
}

/// Checks the 6-field cron shape DataArts accepts.
fn check_cron(expression: &str) -> Result<(), String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    let [seconds, minutes, hours, day, month, week] = fields.as_slice() else {
        return Err(format!("has {} fields, not 6", fields.len()));
    };
    if *seconds != "0" {
        return Err("has seconds other than `0`".into());
    }
    let simple = |field: &str, max: u32| {
        field == "*"
            || field.split(',').all(|part| {
                let (range, step) = part.split_once('/').unwrap_or((part, "1"));
                let numbers_ok = range == "*" || range.split('-').all(|n| n.parse::<u32>().is_ok_and(|n| n <= max));
                numbers_ok && step.parse::<u32>().is_ok_and(|s| s > 0)
            })
    };
    if !simple(minutes, 59) {
        return Err(format!("has an invalid minutes field `{minutes}`"));
    }
    if !simple(hours, 23) {
        return Err(format!("has an invalid hours field `{hours}`"));
    }
    let allowed = |field: &str, extra: &str| field.chars().all(|c| c.is_ascii_digit() || extra.contains(c));
    if !allowed(day, ",-*?/LWC") {
        return Err(format!("has an invalid day field `{day}`"));
    }
    if *month != "*" {
        return Err("has a month field other than `*`".into());
    }
    if !allowed(week, ",-*?/LC#") {
        return Err(format!("has an invalid week field `{week}`"));
    }
    if *day != "?" && *week != "?" && *day != "*" && *week != "*" {
        return Err("sets both day and week; one of them must be `?`".into());
    }
    Ok(())
}

/// `yyyy-MM-dd'T'HH:mm:ssZ` with an offset like `+08`, `+0800`, `+08:00` or `Z`.
fn is_start_time(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: u8| bytes.get(i) == Some(&c);
    let datetime = digits(0..4)
        && at(4, b'-')
        && digits(5..7)
        && at(7, b'-')
        && digits(8..10)
        && at(10, b'T')
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19);
    let offset = value.get(19..).unwrap_or("");
    let offset_ok = offset == "Z"
        || (matches!(offset.as_bytes().first(), Some(b'+' | b'-'))
            && matches!(offset.len(), 3 | 5 | 6)
            && offset.get(1..).is_some_and(|o| o.chars().all(|c| c.is_ascii_digit() || c == ':')));
    datetime && offset_ok
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRule {
    Job,
    Node,
    Script,
    Resource,
    Param,
}

#[derive(Debug, Clone, Copy)]
struct NameRules {
    strict: bool,
}

impl NameRules {
    fn limits(rule: NameRule) -> (usize, &'static str) {
        match rule {
            NameRule::Job | NameRule::Script => (128, "-_."),
            NameRule::Node => (128, "-_./<>"),
            NameRule::Resource => (32, "-_"),
            NameRule::Param => (64, "-_"),
        }
    }

    fn letter_ok(self, c: char, rule: NameRule) -> bool {
        c.is_ascii_alphanumeric() || (!self.strict && rule != NameRule::Param && !c.is_ascii() && c.is_alphanumeric())
    }

    fn check(self, name: &str, rule: NameRule) -> Result<(), String> {
        let (max, punctuation) = Self::limits(rule);
        let count = name.chars().count();
        if count == 0 {
            return Err("is empty".into());
        }
        if count > max {
            return Err(format!("is {count} characters long; at most {max}"));
        }
        match name.chars().find(|&c| !(self.letter_ok(c, rule) || punctuation.contains(c))) {
            Some(c) => Err(format!("contains `{c}`")),
            None => Ok(()),
        }
    }

    fn hint(self, rule: NameRule) -> String {
        let (max, punctuation) = Self::limits(rule);
        let letters = if self.strict || rule == NameRule::Param { "ASCII letters" } else { "letters (Chinese too)" };
        let marks: Vec<String> = punctuation.chars().map(|c| format!("`{c}`")).collect();
        format!("use 1–{max} {letters}, digits and {}", marks.join(", "))
    }

    fn directory(self, directory: &str) -> Result<(), String> {
        if directory == "/" || directory.is_empty() {
            return Ok(());
        }
        let trimmed = directory.strip_prefix('/').ok_or("does not start with `/`")?;
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        let parts: Vec<&str> = trimmed.split('/').collect();
        if parts.len() > 10 {
            return Err(format!("has {} levels; at most 10", parts.len()));
        }
        for part in parts {
            let count = part.chars().count();
            if count == 0 || count > 64 {
                return Err(format!("has a folder name of {count} characters; 1–64 allowed"));
            }
            if let Some(c) = part.chars().find(|&c| !(self.letter_ok(c, NameRule::Job) || c == '_' || c == '-')) {
                return Err(format!("has `{c}` in folder name `{part}`"));
            }
        }
        Ok(())
    }
}

/// The check-file preview: what an import would create.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckReport {
    /// Jobs: name, directory, parameters.
    pub jobs: Vec<CheckJob>,
    /// Scripts: name, directory.
    pub scripts: Vec<CheckScript>,
}

/// A job in a [`CheckReport`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckJob {
    /// Job name.
    pub name: String,
    /// Directory in the job tree (`/` when absent).
    pub path: String,
    /// Parameters, name to value.
    pub params: BTreeMap<String, String>,
}

/// A script in a [`CheckReport`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckScript {
    /// Script name.
    pub name: String,
    /// Directory in the script tree (`/` when absent).
    pub path: String,
}

/// Previews an import the way the service's check-file call does.
pub fn check(bundle: &Bundle) -> CheckReport {
    let directory = |d: Option<&str>| d.unwrap_or("/").to_owned();
    let jobs = bundle
        .jobs()
        .map(|(entry, job)| CheckJob {
            name: entry.name().to_owned(),
            path: directory(job.directory.as_deref()),
            params: job
                .params()
                .iter()
                .filter_map(|p| {
                    Some((p.name.clone()?, p.value.as_ref().map(|v| v.as_text().to_owned()).unwrap_or_default()))
                })
                .collect(),
        })
        .collect();
    let mut scripts: Vec<CheckScript> = bundle
        .scripts()
        .map(|(entry, script)| CheckScript {
            name: entry.name().to_owned(),
            path: directory(script.directory.as_deref()),
        })
        .collect();
    // A batch bundle carries a shared script once per job folder; the import creates it once.
    scripts.sort_by(|a, b| (&a.name, &a.path).cmp(&(&b.name, &b.path)));
    scripts.dedup();
    CheckReport { jobs, scripts }
}

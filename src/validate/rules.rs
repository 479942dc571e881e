//! Rules on one definition at a time.

use super::syntax::{check_cron, is_start_time};
use super::{Code, Diagnostic, MAX_SCRIPT_BYTES, diagnostic};
use crate::expression;
use crate::graph::{self, Vertices};
use crate::layout::Placed;
use crate::model::{
    Cron, Definition, DependJobs, FailPolicy, Job, Node, NodeType, ProcessType, Resource, ResourceType, Scalar,
    ScheduleType, Script, ScriptType,
};
use crate::name::{NameRule, NameRules};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// Collects the diagnostics of one entry.
pub(crate) struct Checker<'a> {
    pub(crate) entry: &'a str,
    pub(crate) names: NameRules,
    pub(crate) out: &'a mut Vec<Diagnostic>,
}

/// A JSON pointer, rendered only when a diagnostic is raised: most checks
/// pass, and formatting a pointer for each would cost more than the check.
pub(crate) trait Pointer {
    fn render(self) -> String;
}

impl Pointer for &str {
    fn render(self) -> String {
        self.to_owned()
    }
}

impl Pointer for &String {
    fn render(self) -> String {
        self.clone()
    }
}

/// `(base, field)`: the pointer `base/field`.
impl Pointer for (&str, &str) {
    fn render(self) -> String {
        format!("{}/{}", self.0, self.1)
    }
}

/// `/nodes/{index}`, written into `buffer`.
fn write_node_pointer(buffer: &mut String, index: usize) -> &str {
    buffer.clear();
    buffer.push_str("/nodes/");
    // Writing to a `String` cannot fail.
    let _ = write!(buffer, "{index}");
    buffer
}

/// `base/list/index[/field]`: the pointer to an item of a list, or a field of it.
#[derive(Clone, Copy)]
pub(crate) struct Item<'a> {
    base: &'a str,
    list: &'a str,
    index: usize,
    field: &'a str,
}

impl Pointer for Item<'_> {
    fn render(self) -> String {
        let Item { base, list, index, field } = self;
        if field.is_empty() { format!("{base}/{list}/{index}") } else { format!("{base}/{list}/{index}/{field}") }
    }
}

impl Checker<'_> {
    fn push(&mut self, code: Code, pointer: impl Pointer, message: String, hint: &str) {
        let pointer = pointer.render();
        let pointer = (!pointer.is_empty()).then_some(pointer);
        self.out.push(diagnostic(code, Some(self.entry), pointer, message, hint));
    }

    fn required(&mut self, present: bool, pointer: impl Pointer, what: &str, hint: &str) {
        if !present {
            self.push(Code::MissingField, pointer, format!("{what} is missing"), hint);
        }
    }

    fn known(&mut self, value: Option<&str>, known: &[&str], pointer: impl Pointer, field: &str) {
        if let Some(value) = value
            && !known.contains(&value)
        {
            self.push(
                Code::UnknownEnumValue,
                pointer,
                format!("`{field}` is `{value}`, which this tool does not know"),
                &format!("expected one of {}; if the service has added it, ignore this warning", known.join(", ")),
            );
        }
    }

    fn range(&mut self, value: Option<&Scalar>, range: (i64, i64), pointer: impl Pointer, field: &str, unit: &str) {
        let Some(value) = value else { return };
        match value.as_i64() {
            Some(number) if number >= range.0 && number <= range.1 => {}
            Some(number) => self.push(
                Code::NumberOutOfRange,
                pointer,
                format!("`{field}` is {number}; it must be {}–{} {unit}", range.0, range.1),
                &format!("set `{field}` between {} and {}", range.0, range.1),
            ),
            None => self.push(
                Code::NumberOutOfRange,
                pointer,
                format!("`{field}` is `{}`, not a whole number", value.as_text()),
                &format!("write `{field}` as a number of {unit}"),
            ),
        }
    }

    fn name(&mut self, name: Option<&str>, rule: NameRule, pointer: impl Pointer, what: &str) {
        if let Some(name) = name
            && let Err(problem) = self.names.check(name, rule)
        {
            self.push(Code::InvalidName, pointer, format!("{what} `{name}` {problem}"), &self.names.hint(rule));
        }
    }

    fn directory(&mut self, directory: Option<&str>, pointer: impl Pointer) {
        let Some(directory) = directory else { return };
        if let Err(problem) = self.names.directory(directory) {
            self.push(
                Code::InvalidDirectory,
                pointer,
                format!("directory `{directory}` {problem}"),
                "write `/folder/sub`: at most 10 levels of 1–64 letters, digits, `_` or `-`",
            );
        }
    }

    pub(crate) fn file_name(&mut self, placed: &Placed, definition: &Definition) {
        if let Some(message) = placed.name_mismatch(definition.name()) {
            self.push(
                Code::FileNameMismatch,
                "/name",
                message,
                "name the file after the `name` inside (DataArts identifies objects by name)",
            );
        }
    }

    pub(crate) fn job(&mut self, job: &Job) {
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
                    Code::ScheduleBlockMissing,
                    "/schedule",
                    "schedule type is CRON but there is no `cron` block".into(),
                    "add `cron` with `startTime` and `expression`",
                );
            }
            if kind == Some("EVENT") && schedule.event.is_none() {
                self.push(
                    Code::ScheduleBlockMissing,
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
            self.name(param.name.as_deref(), NameRule::Param, (pointer.as_str(), "name"), "parameter name");
            if let Some(value) = &param.value
                && value.as_text().chars().count() > 1024
            {
                self.push(
                    Code::TextTooLong,
                    (pointer.as_str(), "value"),
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
                Code::SingleNodeFlagMismatch,
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
                Code::MalformedCron,
                (pointer, "expression"),
                format!("cron expression `{expression}` {problem}"),
                "write 6 fields `<sec> <min> <hour> <day> <month> <week>` with seconds `0`, e.g. `0 20 1 * * ?`",
            );
        }
        for (field, value) in [("startTime", &cron.start_time), ("endTime", &cron.end_time)] {
            if let Some(value) = value
                && !is_start_time(value)
            {
                self.push(
                    Code::MalformedTime,
                    (pointer, field),
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
            (pointer, "dependPeriod"),
            "dependPeriod",
        );
        self.known(
            depend.depend_fail_policy.as_deref(),
            &["FAIL", "IGNORE", "SUSPEND"],
            (pointer, "dependFailPolicy"),
            "dependFailPolicy",
        );
    }

    fn nodes(&mut self, job: &Job) {
        let nodes = job.nodes();
        if nodes.len() > 200 {
            self.push(
                Code::TooManyNodes,
                "/nodes",
                format!("the job has {} nodes; DataArts allows 200 by default", nodes.len()),
                "split the job",
            );
        }
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(nodes.len());
        // One buffer for every node's pointer: most jobs raise nothing.
        let mut buffer = String::new();
        for (i, node) in nodes.iter().enumerate() {
            let pointer = write_node_pointer(&mut buffer, i);
            self.node(node, pointer);
            if let Some(name) = node.name.as_deref()
                && let Some(first) = seen.insert(name, i)
            {
                self.push(
                    Code::DuplicateNodeName,
                    (pointer, "name"),
                    format!("node name `{name}` is also used by node {first}"),
                    "give every node of a job its own name",
                );
            }
        }
        for (i, node) in nodes.iter().enumerate() {
            let base = write_node_pointer(&mut buffer, i);
            let upstream = node.pre_node_names().iter().map(String::as_str);
            let upstream =
                upstream.enumerate().map(|(j, name)| (Item { base, list: "preNodeName", index: j, field: "" }, name));
            let conditions = node.conditions.iter().flatten().enumerate().filter_map(|(j, condition)| {
                let pointer = Item { base, list: "conditions", index: j, field: "preNodeName" };
                condition.pre_node_name.as_deref().map(|name| (pointer, name))
            });
            for (pointer, name) in upstream.chain(conditions).filter(|(_, name)| !seen.contains_key(name)) {
                self.push(
                    Code::UnknownUpstreamNode,
                    pointer,
                    format!("`{name}` is not a node of this job"),
                    "name an existing node, or remove the edge",
                );
            }
        }
        for (i, node) in nodes.iter().enumerate() {
            let base = write_node_pointer(&mut buffer, i);
            self.expressions(nodes, node, base);
        }
        if let Some(cycle) = node_cycle(nodes) {
            self.push(
                Code::NodeCycle,
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
        self.name(node.name.as_deref(), NameRule::Node, (pointer, "name"), "node name");
        self.known(node.node_type.as_ref().map(NodeType::as_str), NodeType::KNOWN, (pointer, "type"), "type");
        self.known(
            node.fail_policy.as_ref().map(FailPolicy::as_str),
            FailPolicy::KNOWN,
            (pointer, "failPolicy"),
            "failPolicy",
        );
        self.range(node.polling_interval.as_ref(), (1, 60), (pointer, "pollingInterval"), "pollingInterval", "seconds");
        self.range(
            node.max_execution_time.as_ref(),
            (5, 1440),
            (pointer, "maxExecutionTime"),
            "maxExecutionTime",
            "minutes",
        );
        self.range(node.retry_times.as_ref(), (0, 5), (pointer, "retryTimes"), "retryTimes", "retries");
        self.range(node.retry_interval.as_ref(), (5, 120), (pointer, "retryInterval"), "retryInterval", "seconds");
        let mut names = BTreeSet::new();
        for (j, property) in node.properties().iter().enumerate() {
            let property_pointer = Item { base: pointer, list: "properties", index: j, field: "" };
            self.required(
                property.name.is_some(),
                property_pointer,
                "property `name`",
                "every property is `{\"name\": …, \"value\": …}`",
            );
            self.required(
                property.value.is_some(),
                property_pointer,
                "property `value`",
                "every property is `{\"name\": …, \"value\": …}`",
            );
            if let Some(name) = property.name.as_deref()
                && !names.insert(name)
            {
                self.push(
                    Code::DuplicateProperty,
                    Item { field: "name", ..property_pointer },
                    format!("property `{name}` appears more than once; the first is used"),
                    "keep one property of each name",
                );
            }
        }
        let script_mode = node.property("statementOrScript").is_some_and(|m| m == "SCRIPT");
        if script_mode && node.property("scriptName").is_none_or(str::is_empty) {
            self.push(
                Code::ScriptModeWithoutScript,
                (pointer, "properties"),
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

    /// The `#{…}` expressions of a node's properties.
    fn expressions(&mut self, nodes: &[Node], node: &Node, base: &str) {
        for (j, property) in node.properties().iter().enumerate() {
            let Some(text) = property.text().filter(|text| expression::find_opening(text, b'#').is_some()) else {
                continue;
            };
            let pointer = Item { base, list: "properties", index: j, field: "value" }.render();
            for found in expression::find(text) {
                match &found.parsed {
                    Err(problem) => self.push(
                        Code::MalformedEl,
                        &pointer,
                        format!("`#{{{}}}`: {problem}", found.source),
                        "balance the braces, parentheses and quotes of the expression",
                    ),
                    Ok(expr) => self.expression(nodes, node, expr, &pointer),
                }
            }
        }
    }

    fn expression(&mut self, nodes: &[Node], node: &Node, expr: &expression::Expr, pointer: &str) {
        for (object, member, arguments) in expression::members(expr) {
            let Some((_, members)) = expression::OBJECTS.iter().find(|(known, _)| *known == object) else {
                // A lower-case name is a variable (`Loop` sub-jobs, lambda-like use); objects are capitalised.
                if object.starts_with(char::is_uppercase) {
                    let names: Vec<&str> = expression::OBJECTS.iter().map(|(name, _)| *name).collect();
                    self.push(
                        Code::UnknownElMember,
                        pointer,
                        format!("EL object `{object}` is not in the expression reference"),
                        &nearest_hint(object, &names),
                    );
                }
                continue;
            };
            if let Some(members) = members
                && !members.contains(&member)
            {
                self.push(
                    Code::UnknownElMember,
                    pointer,
                    format!("`{object}.{member}` is not in the expression reference"),
                    &nearest_hint(member, members),
                );
                continue;
            }
            let Some(arguments) = arguments else { continue };
            if let Some((_, _, arity)) = expression::ARITY.iter().find(|(o, m, _)| *o == object && *m == member)
                && arguments.len() != *arity
            {
                self.push(
                    Code::ElArity,
                    pointer,
                    format!("`{object}.{member}` takes {arity} argument(s), not {}", arguments.len()),
                    "pass the arguments the expression reference documents",
                );
            }
            if object == "Job"
                && matches!(member, "getNodeOutput" | "getRunningData")
                && let Some(expression::Expr::Text(target)) = arguments.first()
                && !upstream_of(nodes, node).contains(target.as_str())
            {
                self.push(
                    Code::ElNodeNotUpstream,
                    pointer,
                    format!("`Job.{member}(\"{target}\")`: `{target}` is not upstream of this node"),
                    "name a node this one runs after (through `preNodeName`), or add the edge",
                );
            }
        }
    }

    pub(crate) fn script(&mut self, script: &Script) {
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
                Code::TextTooLong,
                "/content",
                format!("script content is {} bytes; at most 4 MB", content.len()),
                "split the script",
            );
        }
        if let Some(description) = &script.description
            && description.chars().count() > 255
        {
            self.push(
                Code::TextTooLong,
                "/description",
                "description is longer than 255 characters".into(),
                "shorten it",
            );
        }
    }

    pub(crate) fn resource(&mut self, resource: &Resource) {
        let hint = "add it as the Create Resource API documents";
        self.required(resource.name.is_some(), "", "resource `name`", hint);
        self.required(resource.resource_type.is_some(), "", "resource `type`", hint);
        self.required(resource.location.is_some(), "", "resource `location`", hint);
        self.name(resource.name.as_deref(), NameRule::Resource, "/name", "resource name");
        self.known(resource.resource_type.as_ref().map(ResourceType::as_str), ResourceType::KNOWN, "/type", "type");
        self.directory(resource.directory.as_deref(), "/directory");
    }
}

pub(crate) fn node_pointer(job: &Job, node: Option<&str>) -> Option<String> {
    let node = node?;
    job.nodes().iter().position(|n| n.name.as_deref() == Some(node)).map(|i| format!("/nodes/{i}"))
}

/// "did you mean `Env`?" for the nearest of `names`, when one is close.
fn nearest_hint(name: &str, names: &[&str]) -> String {
    let nearest = names.iter().min_by_key(|candidate| strsim::levenshtein(name, candidate));
    match nearest.filter(|candidate| strsim::levenshtein(name, candidate) <= 3) {
        Some(candidate) => format!("did you mean `{candidate}`?"),
        None => format!("the reference documents {}", names.join(", ")),
    }
}

/// Every node `node` runs after, through `preNodeName`, transitively.
fn upstream_of<'a>(nodes: &'a [Node], node: &'a Node) -> std::collections::HashSet<&'a str> {
    let mut seen = std::collections::HashSet::new();
    let mut pending: Vec<&str> = node.pre_node_names().iter().map(String::as_str).collect();
    while let Some(name) = pending.pop() {
        if seen.insert(name)
            && let Some(upstream) = nodes.iter().find(|n| n.name.as_deref() == Some(name))
        {
            pending.extend(upstream.pre_node_names().iter().map(String::as_str));
        }
    }
    seen
}

/// A cycle among `preNodeName` edges, if any.
fn node_cycle(nodes: &[Node]) -> Option<Vec<String>> {
    // Most jobs have none, which a topological sort on borrowed names shows
    // cheaply; only a job with a cycle builds the graph that names it.
    if is_acyclic(nodes) {
        return None;
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for node in nodes {
        let Some(name) = node.name.clone() else { continue };
        let upstream: BTreeSet<String> = node.pre_node_names().iter().cloned().collect();
        edges.entry(name).or_default().extend(upstream);
    }
    graph::find_cycles(&edges).into_iter().next()
}

/// Whether the `preNodeName` edges leave the nodes acyclic. Nodes are
/// vertices by name; edges to names that are no node cannot close a cycle
/// and are left out.
fn is_acyclic(nodes: &[Node]) -> bool {
    let mut vertices = Vertices::with_capacity(nodes.len());
    for name in nodes.iter().filter_map(|node| node.name.as_deref()) {
        vertices.intern(name);
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for node in nodes {
        let Some(downstream) = node.name.as_deref().and_then(|name| vertices.get(name)) else { continue };
        let upstream = node.pre_node_names().iter().filter_map(|name| vertices.get(name));
        edges.extend(upstream.map(|upstream| (upstream, downstream)));
    }
    graph::is_acyclic(vertices.len(), edges)
}

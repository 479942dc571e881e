//! Rules on one definition at a time: what the catalog says of each object,
//! node type and script type, and the rules of a job's structure.

use super::MAX_SCRIPT_BYTES;
use super::credential;
use crate::catalog::{self, FieldSpec, Form, ObjectSpec, Presence};
use crate::diagnostic::{Code, Diagnostic};
use crate::expression;
use crate::graph::{self, Vertices};
use crate::layout::PlacedPath;
use crate::model::field::{FieldValue, Fields};
use crate::model::{Definition, Property};
use crate::model::{DependJobs, Job, Node, Resource, Scalar, Script};
use crate::model::{NodeType, ScriptType};
use crate::name::{self, NameRule, NameRules};
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
impl<P: Pointer> Pointer for (P, &str) {
    fn render(self) -> String {
        format!("{}/{}", self.0.render(), self.1)
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

/// What a message calls the value a row describes.
#[derive(Clone, Copy)]
pub(crate) enum Subject<'a> {
    /// A field of an object (its noun, the field's name).
    Field(&'static str, &'a str),
    /// A property of a node (the node's type, the property's name).
    Property(&'a str, &'a str),
}

impl std::fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Field(noun, name) => write!(f, "{noun} `{name}`"),
            Self::Property(node_type, name) => write!(f, "`{node_type}` node property `{name}`"),
        }
    }
}

/// What is wrong with `text` as the value of `row`, as `validate` and
/// `set` report it (without entry or pointer, which the caller knows);
/// `None` when nothing is (a value that is EL or a parameter is known only
/// when the job runs).
pub(crate) fn value_problem(row: &FieldSpec, text: &str, subject: Subject<'_>) -> Option<Diagnostic> {
    // The form first: most values pass it, and EL is looked for only in those that fail.
    let problem = row.form.check(text).err()?;
    if catalog::is_dynamic(text) {
        return None;
    }
    let code = Code::of_form(row.form);
    let message = match row.form {
        Form::Known(_) => format!("{subject} is `{text}`, which this tool does not know"),
        // Long texts and what may hold a secret are not repeated.
        Form::Bounded(_) => format!("{subject} {problem}"),
        // What may carry a secret is described, never quoted (a problem may quote a line of it).
        _ if row.secret => format!("{subject} is not {}", row.form.describe()),
        _ => format!("{subject} is `{text}`, which {problem}"),
    };
    let nearest = match row.form {
        Form::Known(values) | Form::OneOf(values) => name::nearest(text, values.iter().copied()),
        _ => None,
    };
    let hint = match (row.form, nearest) {
        (Form::Known(_), Some(nearest)) => {
            format!("did you mean `{nearest}`? (a value the service has added can be ignored)")
        }
        (Form::OneOf(_), Some(nearest)) => format!("did you mean `{nearest}`?"),
        (form, _) => form.advice(),
    };
    let mut found = Diagnostic::new(code, None, None, message, &hint);
    found.suggestion = nearest.map(str::to_owned);
    Some(found)
}

impl Checker<'_> {
    fn push(&mut self, code: Code, pointer: impl Pointer, message: String, hint: &str) {
        self.place(Diagnostic::new(code, None, None, message, hint), pointer);
    }

    /// Records `found` in this entry, at `pointer`.
    fn place(&mut self, mut found: Diagnostic, pointer: impl Pointer) {
        let pointer = pointer.render();
        found.pointer = (!pointer.is_empty()).then_some(pointer);
        found.entry = Some(self.entry.to_owned());
        self.out.push(found);
    }

    /// Every row of `spec` on `object`, which sits at `pointer`.
    fn object(&mut self, spec: &ObjectSpec, object: &impl Fields, pointer: impl Pointer + Copy) {
        let text = |name: &str| object.field_value(name).and_then(FieldValue::text);
        for row in spec.fields {
            if (row.presence == Presence::Optional && !row.form.is_checked()) || !row.applies(text) {
                continue;
            }
            match object.field_value(row.name).filter(|found| row.empty || *found != FieldValue::String("")) {
                None => {
                    let present = |name: &&str| object.field_value(name).is_some_and(|v| v != FieldValue::String(""));
                    if !row.also.iter().any(present) {
                        self.absent(row, Subject::Field(spec.noun, row.name), pointer, Code::ScheduleBlockMissing);
                    }
                }
                Some(found) => {
                    if row.form.is_checked()
                        && let Some(text) = found.text()
                        && let Some(problem) = value_problem(row, text, Subject::Field(spec.noun, row.name))
                    {
                        self.place(problem, (pointer, row.name));
                    }
                }
            }
        }
    }

    /// A row's value is absent where it applies: an error when required, a
    /// warning (`expected`: its code) when expected.
    fn absent(&mut self, row: &FieldSpec, subject: Subject<'_>, pointer: impl Pointer, expected: Code) {
        let code = match row.presence {
            Presence::Optional => return,
            Presence::Required => Code::MissingField,
            Presence::Expected => expected,
        };
        let when = row.conditions();
        let when = if when.is_empty() { String::new() } else { format!(" ({when})") };
        let hint = match subject {
            Subject::Property(..) => format!(
                "add `{{\"name\": \"{}\", \"value\": …}}` to the node's properties: {}",
                row.name, row.description
            ),
            Subject::Field(..) => format!("add `{}`: {}", row.name, row.description),
        };
        self.push(code, pointer, format!("{subject} is missing{when}"), &hint);
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

    pub(crate) fn file_name(&mut self, placed: &PlacedPath, definition: &Definition) {
        if let Some(message) = placed.name_mismatch(definition.name()) {
            self.push(
                Code::FileNameMismatch,
                "/name",
                message,
                "name the file after the `name` inside (DataArts identifies objects by name)",
            );
        }
    }

    /// Credentials written into `text`, found at `pointer`.
    fn credentials(&mut self, text: &str, pointer: impl Pointer + Copy, key: Option<&str>, depth: credential::Depth) {
        for found in credential::find(text, key, depth) {
            self.push(Code::LiteralCredential, pointer, found.message(), credential::HINT);
        }
    }

    pub(crate) fn job(&mut self, job: &Job) {
        self.object(&catalog::JOB, job, "");
        self.name(job.name.as_deref(), NameRule::Job, "/name", "job name");
        self.directory(job.directory.as_deref(), "/directory");
        if let Some(schedule) = &job.schedule {
            self.object(&catalog::SCHEDULE, schedule, "/schedule");
            if let Some(cron) = &schedule.cron {
                self.object(&catalog::CRON, cron, "/schedule/cron");
                if let Some(depend) = &cron.depend_jobs {
                    self.depend_jobs(depend, "/schedule/cron/dependJobs");
                }
            }
            if let Some(event) = &schedule.event {
                self.object(&catalog::EVENT, event, "/schedule/event");
            }
        }
        if let Some(basic) = &job.basic_config {
            self.object(&catalog::BASIC_CONFIG, basic, "/basicConfig");
        }
        for (i, approver) in job.approvers.iter().flatten().enumerate() {
            self.object(&catalog::APPROVER, approver, Item { base: "", list: "approvers", index: i, field: "" });
        }
        for (i, param) in job.params().iter().enumerate() {
            let pointer = format!("/params/{i}");
            self.object(&catalog::JOB_PARAM, param, &pointer);
            self.name(param.name.as_deref(), NameRule::Param, (pointer.as_str(), "name"), "parameter name");
            let value_pointer = (pointer.as_str(), "value");
            match &param.value {
                Some(Scalar::String(text)) => {
                    self.el(text, value_pointer, None);
                    self.credentials(text, value_pointer, param.name.as_deref(), credential::Depth::Every);
                }
                Some(other) => {
                    let name = param.name.as_deref().unwrap_or("?");
                    // A number can be a secret too: not repeated where the name says so.
                    let (message, hint) = if credential::is_secret_key(name) {
                        (format!("parameter `{name}` has a value that is not a string"), "quote it".to_owned())
                    } else {
                        let text = other.as_text();
                        (
                            format!("parameter `{name}` has the value {text}, not a string"),
                            format!("quote it: `\"{text}\"`"),
                        )
                    };
                    self.push(Code::NotAString, value_pointer, message, &hint);
                    self.credentials(other.as_text(), value_pointer, param.name.as_deref(), credential::Depth::Every);
                }
                None => {}
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

    fn depend_jobs(&mut self, depend: &DependJobs, pointer: &str) {
        self.object(&catalog::DEPEND_JOBS, depend, pointer);
        for (list, jobs) in
            [("sameWorkSpaceJobs", &depend.same_work_space_jobs), ("otherWorkSpaceJobs", &depend.other_work_space_jobs)]
        {
            for (i, job) in jobs.iter().flatten().enumerate() {
                self.object(&catalog::WORKSPACE_JOB, job, Item { base: pointer, list, index: i, field: "" });
            }
        }
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
            for (j, property) in node.properties().iter().enumerate() {
                if let Some(text) = property.text() {
                    self.el(text, Item { base, list: "properties", index: j, field: "value" }, Some((nodes, node)));
                }
            }
            for (j, condition) in node.conditions.iter().flatten().enumerate() {
                if let Some(text) = &condition.expression {
                    self.el(
                        text,
                        Item { base, list: "conditions", index: j, field: "expression" },
                        Some((nodes, node)),
                    );
                }
            }
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
        self.object(&catalog::NODE, node, pointer);
        self.name(node.name.as_deref(), NameRule::Node, (pointer, "name"), "node name");
        let node_type = node.node_type.as_ref().map_or("?", NodeType::as_str);
        let mut names = BTreeSet::new();
        for (j, property) in node.properties().iter().enumerate() {
            // Most properties are whole (a name, a value, no odd `value_is_sensitive`): the
            // rows of PROPERTY can find nothing in them, so they run only on the others.
            let whole = property.name.as_deref().is_some_and(|name| !name.is_empty())
                && property.value.is_some()
                && property.value_is_sensitive.as_ref().is_none_or(|flag| flag.as_bool().is_some());
            if !whole {
                self.object(
                    &catalog::PROPERTY,
                    property,
                    Item { base: pointer, list: "properties", index: j, field: "" },
                );
            }
            let Some(name) = property.name.as_deref() else { continue };
            if !names.insert(name) {
                self.push(
                    Code::DuplicateProperty,
                    Item { base: pointer, list: "properties", index: j, field: "name" },
                    format!("property `{name}` appears more than once; the first is used"),
                    "keep one property of each name",
                );
            }
            self.property_value(
                node,
                node_type,
                property,
                Item { base: pointer, list: "properties", index: j, field: "value" },
            );
        }
        self.properties(node, node_type, pointer);
        if let Some(trigger) = &node.event_trigger {
            self.object(&catalog::EVENT, trigger, (pointer, "eventTrigger"));
        }
        if let Some(trigger) = &node.cron_trigger {
            let base = format!("{pointer}/cronTrigger");
            self.object(&catalog::CRON_TRIGGER, trigger, &base);
            if let Some(depend) = &trigger.depend_jobs {
                self.depend_jobs(depend, &format!("{base}/dependJobs"));
            }
        }
        for (j, condition) in node.conditions.iter().flatten().enumerate() {
            self.object(
                &catalog::CONDITION,
                condition,
                Item { base: pointer, list: "conditions", index: j, field: "" },
            );
        }
    }

    /// One property's value: a string, and no literal credential where one
    /// may be (a row that may carry one, a property the catalog does not
    /// know, a secret's name, or a value the console marks sensitive).
    fn property_value(&mut self, node: &Node, node_type: &str, property: &Property, pointer: Item<'_>) {
        let name = property.name.as_deref().unwrap_or("?");
        let Some(value) = &property.value else { return };
        let sensitive = property.value_is_sensitive.as_ref().and_then(Scalar::as_bool) == Some(true);
        let Some(text) = value.as_str() else {
            if !value.is_null() {
                let written = crate::json::to_string_compact(value);
                // A number can be a secret too: not repeated where the name or the console says so.
                let hidden = sensitive || credential::is_secret_key(name);
                let hint = if hidden { "quote it".to_owned() } else { format!("quote it: `\"value\": {written:?}`") };
                self.push(
                    Code::NotAString,
                    pointer,
                    format!("`{node_type}` node property `{name}` is {}, not a string", value.type_name()),
                    &hint,
                );
                if matches!(value, crate::json::Value::Number(_)) {
                    self.credentials(&written, pointer, Some(name), credential::Depth::Every);
                }
            }
            return;
        };
        let row = node.node_type.as_ref().and_then(NodeType::spec).and_then(|spec| spec.property(name));
        if sensitive {
            if let Some(found) = credential::sensitive(name, text) {
                self.push(Code::LiteralCredential, pointer, found.message(), credential::HINT);
            }
        } else if row.is_none_or(|row| row.secret) {
            // A row the catalog lists that carries none is never a secret's name.
            self.credentials(text, pointer, Some(name), credential::Depth::Every);
        }
    }

    /// What the catalog says of the node's type: its properties, where they
    /// apply, are present and of their form. A type it does not know, or
    /// whose property names are unverified, is not checked.
    fn properties(&mut self, node: &Node, node_type: &str, pointer: &str) {
        let Some(spec) = node.node_type.as_ref().and_then(NodeType::spec).filter(|spec| spec.verified) else { return };
        let properties = node.properties();
        let value = |name: &str| node.property(name);
        for row in spec.rows() {
            if (row.presence == Presence::Optional && !row.form.is_checked()) || !row.applies(value) {
                continue;
            }
            let subject = Subject::Property(node_type, row.name);
            let found = properties.iter().position(|p| p.name.as_deref() == Some(row.name));
            match found.map(|j| (j, properties.get(j).and_then(Property::text))) {
                // Not a string: reported as such.
                Some((_, None)) => {}
                Some((j, Some(text))) if !text.is_empty() => {
                    if let Some(problem) = value_problem(row, text, subject) {
                        self.place(problem, Item { base: pointer, list: "properties", index: j, field: "value" });
                    }
                }
                _ => {
                    if !row.also.iter().any(|name| value(name).is_some_and(|v| !v.is_empty())) {
                        self.absent(row, subject, (pointer, "properties"), Code::ScriptModeWithoutScript);
                    }
                }
            }
        }
    }

    /// The `#{…}` expressions of a text where EL may stand; `node`: the
    /// node it belongs to, among the job's nodes, when it does.
    fn el(&mut self, text: &str, pointer: impl Pointer + Copy, node: Option<(&[Node], &Node)>) {
        if expression::find_opening(text, b'#').is_none() {
            return;
        }
        for found in expression::find(text) {
            match &found.parsed {
                Err(problem) => self.push(
                    Code::MalformedEl,
                    pointer,
                    format!("`#{{{}}}`: {problem}", found.source),
                    "balance the braces, parentheses and quotes of the expression",
                ),
                Ok(expr) => self.expression(node, expr, pointer),
            }
        }
    }

    fn expression(&mut self, node: Option<(&[Node], &Node)>, expr: &expression::Expr, pointer: impl Pointer + Copy) {
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
                && let Some((nodes, node)) = node
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
        self.object(&catalog::SCRIPT, script, "");
        if let Some(spec) = script.script_type.as_ref().and_then(ScriptType::spec) {
            let fields = catalog::ObjectSpec { fields: spec.fields, ..catalog::SCRIPT };
            self.object(&fields, script, "");
        }
        self.name(script.name.as_deref(), NameRule::Script, "/name", "script name");
        self.directory(script.directory.as_deref(), "/directory");
        if let Some(content) = &script.content {
            if content.len() > MAX_SCRIPT_BYTES {
                self.push(
                    Code::TextTooLong,
                    "/content",
                    format!("script content is {} bytes; at most 4 MB", content.len()),
                    "split the script",
                );
            }
            self.credentials(content, "/content", None, credential::Depth::Common);
        }
    }

    pub(crate) fn resource(&mut self, resource: &Resource) {
        self.object(&catalog::RESOURCE, resource, "");
        for (i, package) in resource.depend_packages.iter().flatten().enumerate() {
            self.object(
                &catalog::DEPEND_PACKAGE,
                package,
                Item { base: "", list: "dependPackages", index: i, field: "" },
            );
        }
        self.name(resource.name.as_deref(), NameRule::Resource, "/name", "resource name");
        self.directory(resource.directory.as_deref(), "/directory");
    }
}

/// The pointer to the value of the property `property` of the node `node`
/// (to the node, when it has no such property).
pub(crate) fn property_pointer(job: &Job, node: Option<&str>, property: &str) -> Option<String> {
    let name = node?;
    let (i, node) = job.nodes().iter().enumerate().find(|(_, n)| n.name.as_deref() == Some(name))?;
    Some(match node.properties().iter().position(|p| p.name.as_deref() == Some(property)) {
        Some(j) => format!("/nodes/{i}/properties/{j}/value"),
        None => format!("/nodes/{i}"),
    })
}

/// "did you mean `Env`?" for the nearest of `names`, when one is close.
fn nearest_hint(name: &str, names: &[&str]) -> String {
    match name::nearest(name, names.iter().copied()) {
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

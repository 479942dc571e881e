//! The diagnostic codes: one table holding each code's severity, title and
//! explanation, so that a mistyped code does not compile.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
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

macro_rules! codes {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $code:literal, $severity:ident, $title:literal,
        $explanation:literal;
    )*) => {
        /// A diagnostic code. Codes are stable: a code keeps its meaning,
        /// and new ones are added in minor releases.
        ///
        /// ```
        /// use dlf_bundle::diagnostic::{Code, Severity};
        /// let code: Code = "DLFB0302".parse()?;
        /// assert_eq!(code, Code::MissingDependency);
        /// assert_eq!(code.severity(), Severity::Error);
        /// assert!(code.explanation().contains("exportDepend"));
        /// # Ok::<(), dlf_bundle::Error>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in code order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written: `DLFB0302`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }

            /// The severity a diagnostic of this code has.
            pub fn severity(self) -> Severity {
                match self {
                    $(Self::$variant => Severity::$severity,)*
                }
            }

            /// A one-line summary.
            pub fn title(self) -> &'static str {
                match self {
                    $(Self::$variant => $title,)*
                }
            }

            /// What it means, an example, and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Self::$variant => $explanation,)*
                }
            }
        }
    };
}

codes! {
    /// The archive is unreadable, corrupt or unsafe.
    UnreadableArchive = "DLFB0001", Error, "the archive is unreadable, corrupt or unsafe",
    "The file is not a zip archive this tool reads safely: it is cut off or damaged (a CRC-32 or size \
     mismatch, a broken central directory), its entries overlap or disagree with their local headers (what \
     zip bombs and smuggled entries do), data sits before or after the archive, or an entry is a symlink, \
     encrypted or compressed with a method other than deflate.\n\nExample: `jobs.zip` cut off by an \
     interrupted download.\n\nFix: export the bundle again. An intact archive that uses another method or a \
     password: re-zip the files with deflate and no password (`zip -r -Z deflate jobs.zip jobs`); a split \
     archive: join it first (`zip -s 0 in.zip --out joined.zip`).";
    /// An entry name is unsafe or undecodable.
    UnsafeName = "DLFB0002", Error, "an entry name is unsafe or undecodable",
    "An entry name would escape the folder it is extracted into, or cannot be written safely: an absolute \
     path, a `..` or `.` component, a backslash, a colon (drive letter), a control character, more than four \
     components, or bytes that are neither UTF-8 nor GBK.\n\nExample: `jobs/../../etc/passwd`.\n\nFix: \
     re-create the zip from the exported files; names are relative `/` paths such as \
     `jobs/job_batch/job_batch.job`.";
    /// The archive exceeds a reader limit.
    LimitExceeded = "DLFB0003", Error, "the archive exceeds a reader limit",
    "The archive passes one of the reader's limits: its size (512 MiB), its entries (25,000), the bytes of \
     one entry (16 MiB) or of all (1 GiB), or a compression ratio above 200:1 for a large entry. Real exports \
     are far smaller: DataArts imports at most 10 MB.\n\nExample: a 42 KB file that inflates to 4 GB.\n\n\
     Fix: check where the file came from; for a trusted, very large export raise the entry limit with \
     `--max-entries`.";
    /// The entries do not form a batch or single layout.
    NotALayout = "DLFB0004", Error, "the entries do not form a batch or single layout",
    "Definitions sit where neither export layout puts them, the two layouts are mixed, or a job folder does \
     not hold exactly one job named after it.\n\nExample: `jobs/a/b.job` in a batch bundle (the folder must \
     be named after the job).\n\nFix: use `jobs/<job>/<job>.job` with the job's scripts and resources beside \
     it (batch), or `jobs/<job>.job`, `scripts/<s>.script`, `resources/<r>.resource` (single).";
    /// A definition is not valid JSON.
    InvalidJson = "DLFB0005", Error, "a definition is not valid JSON",
    "A `.job`, `.script` or `.resource` file is not valid JSON (RFC 8259): a syntax error, a duplicate key, \
     invalid UTF-8 or nesting deeper than 128.\n\nExample: `{\"name\": \"a\",}` (a \
     trailing comma).\n\nFix: correct the JSON at the line and column given.";
    /// A documented field has the wrong JSON type.
    WrongType = "DLFB0006", Error, "a documented field has the wrong JSON type",
    "A field the format documents holds another JSON type than the service reads.\n\nExample: `properties` \
     written as an object `{\"scriptName\": \"s\"}` where the format has an array of `{\"name\", \"value\"}`.\n\n\
     Fix: write the field with the type the format documents.";
    /// A file that is not a definition is ignored.
    StrayFile = "DLFB0010", Warning, "a file that is not a definition is ignored",
    "The bundle holds a file that is neither a job, a script nor a resource where the layout puts them; \
     import ignores it.\n\nExample: `jobs/job_batch/notes.txt`.\n\nFix: remove the file from the bundle.";
    /// Entries are wrapped in an extra folder.
    WrapperFolder = "DLFB0011", Warning, "entries are wrapped in an extra folder",
    "Every entry sits inside one extra folder, as when a folder around `jobs/` was zipped. It is read as if \
     the folder were absent; the service may not.\n\nExample: `export/jobs/job_batch/job_batch.job`.\n\n\
     Fix: zip the `jobs/` folder itself (and `scripts/`, `resources/`), not the folder around it.";
    /// An entry name is stored in GBK.
    GbkName = "DLFB0012", Warning, "an entry name is stored in GBK",
    "An entry name is not UTF-8 and carries no UTF-8 flag: it was zipped on Chinese Windows and is read as \
     GBK. Other tools may show it garbled.\n\nExample: `jobs/测试/测试.job` zipped by Windows Explorer.\n\n\
     Fix: re-zip with a tool that writes UTF-8 names (Info-ZIP `zip`, 7-Zip, this tool's `pack`).";
    /// Names collide on a case-insensitive file system.
    CaseCollision = "DLFB0013", Warning, "names collide on a case-insensitive file system",
    "Two entry names differ only in case or Unicode normalisation: unpacked on Windows or macOS, one \
     overwrites the other.\n\nExample: `jobs/Load/Load.job` and `jobs/load/load.job`.\n\nFix: rename one of \
     the objects.";
    /// The bundle exceeds DataArts's 10 MB import limit.
    OverImportLimit = "DLFB0014", Warning, "the bundle exceeds DataArts's 10 MB import limit",
    "The zip, or the definitions it unpacks to, is larger than the 10 MB the console imports.\n\nExample: a \
     100-job export with large SQL scripts.\n\nFix: export the jobs in several bundles of fewer jobs.";
    /// Entry names were normalised as re-zipping tools write them.
    NormalisedName = "DLFB0015", Warning, "entry names were normalised (`\\` separators, a leading `./`)",
    "The archive writes its names as some re-zipping tools do, and they were read in the usual form: `\\` \
     as separator in names made on Windows (.NET Framework's `ZipFile`, PowerShell 5's `Compress-Archive`), \
     or a leading `./` (`bsdtar -cf x.zip .`). Every name rule applies to the normalised name \
     (`..\\..\\evil` is still refused).\n\nExample: `jobs\\job_a\\job_a.job`.\n\nFix: nothing is needed; \
     re-zip with `zip -r jobs.zip jobs` or 7-Zip to write plain names.";
    /// A definition starts with a UTF-8 byte order mark.
    ByteOrderMark = "DLFB0016", Warning, "a definition starts with a UTF-8 byte order mark",
    "The file starts with the bytes `EF BB BF`, a byte order mark, as old Notepad writes when it saves \
     UTF-8. RFC 8259 lets a parser ignore it and it is read as if it were absent (and kept when the file is \
     written back unchanged); DataArts writes none, and some JSON tools refuse it.\n\nExample: a \
     `job_batch.job` edited in Notepad on Windows 7.\n\nFix: save the file as UTF-8 without a BOM (Notepad \
     10+: \"UTF-8\"; `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`).";
    /// A required field or property is missing or empty.
    MissingField = "DLFB0101", Error, "a required field or property is missing or empty",
    "A field or node property the service requires is absent, or an empty string: a job's `name`, `nodes`, \
     `schedule` or `processType`; a node's `name`, `type`, `location` or `properties`; a cron's `startTime` and \
     `expression`; a property the node's type requires (an SMN node's `topic`, `subject`, `messageType` and \
     `message`, a REST API node's `url` and `method`); a field a script type requires (a DLI SQL script's \
     `queueName`). `dlf-bundle explain DLFB0101` lists every required row of the catalog.\n\nExample: an \
     `OBSManager` node without `path`.\n\nFix: add the field or property as the Create Job, Create Script or \
     Create Resource API documents it.";
    /// A value this tool does not know, where the service adds values over time.
    UnknownEnumValue = "DLFB0102", Warning, "an enum field has a value this tool does not know",
    "A node, script, resource or schedule type is one this tool does not know. The service adds types over \
     time, so this is a warning, and nothing more is checked of a node of an unknown type.\n\nExample: \
     `\"type\": \"HiveSq\"`.\n\nFix: correct a typo (the hint names the nearest known value); a value the \
     service has added can be ignored.";
    /// A numeric field is out of range or not a number.
    NumberOutOfRange = "DLFB0103", Error, "a numeric field is out of range or not a number",
    "A numeric setting is outside the range the service accepts, or not a whole number (`dlf-bundle explain \
     DLFB0103` lists the ranges).\n\nExample: `\"retryTimes\": 9` (0–5).\n\nFix: set the value within its \
     range.";
    /// A name breaks the naming rule.
    InvalidName = "DLFB0104", Error, "a name breaks the naming rule",
    "A job, node, script, resource or parameter name is empty, too long or holds a character the service \
     refuses. Jobs and scripts: 1–128 letters (Chinese too), digits, `-`, `_`, `.`; nodes also `/`, `<`, `>`; \
     resources 1–32 with `-`, `_`; parameters 1–64 ASCII letters, digits, `-`, `_`. `--strict-names` \
     applies the older ASCII-only rule.\n\nExample: a job named `daily load`.\n\nFix: rename the object.";
    /// A text is too long.
    TextTooLong = "DLFB0105", Error, "a text is too long",
    "A text passes its limit: script content 4 MB, a description 255 characters, a parameter value 1,024 \
     characters.\n\nExample: a 5 MB SQL script.\n\nFix: shorten it or split the script.";
    /// A directory path is invalid.
    InvalidDirectory = "DLFB0106", Error, "a directory path is invalid",
    "A `directory` is not an absolute path of at most 10 levels of 1–64 letters, digits, `_` or `-`.\n\n\
     Example: `etl/daily` (no leading `/`).\n\nFix: write it as `/etl/daily`.";
    /// A value is not one the service accepts.
    ValueNotAllowed = "DLFB0107", Error, "a value is not one the service accepts",
    "A field or node property with a fixed set of values holds another (values are compared exactly, case \
     included).\n\nExample: a REST API node's `method` `FETCH`, or `post` for `POST`.\n\nFix: use one of the \
     values the message lists; the hint names the nearest.";
    /// A value has the wrong form.
    MalformedValue = "DLFB0108", Error, "a value has the wrong form",
    "A value does not have the form the service reads: an http(s) URL, an OBS path `obs://bucket/path` \
     (bucket names are 3–63 lower-case letters, digits, `-` and `.`), an SMN topic URN \
     `urn:smn:<region>:<project id>:<topic>`, `key=value` lines, `true` or `false`, an interval such as \
     `1 hours`. A value that is an EL expression or a `${parameter}` is checked only when the job runs, not \
     here.\n\nExample: an SMN node whose `topic` is `alerts` instead of its URN.\n\nFix: write the value in \
     the form the message gives.";
    /// A property or parameter value is not a JSON string.
    NotAString = "DLFB0109", Error, "a property or parameter value is not a JSON string",
    "The service's models type every node property value and job parameter value as a string; a number, \
     boolean or object there is refused or read otherwise.\n\nExample: `{\"name\": \"retry\", \"value\": 3}`.\n\n\
     Fix: quote the value: `\"value\": \"3\"`.";
    /// A credential is written in plain text.
    LiteralCredential = "DLFB0110", Warning, "a credential is written in plain text",
    "A node property, job parameter, script or script argument holds a literal credential: an \
     `Authorization` or token header with its value, `user:password@` in a URL, `password=…`, `--token …` or \
     a `\"secret\": …` member, a Huawei Cloud secret key, a private key. Bundles are kept in git and shared; \
     the service's own exports mask what it knows to be secret. EL (`#{Env.get(\"db_password\")}`), \
     `${parameters}`, masked values (`******`) and empty values are not findings. The message names the \
     key and never the secret. With `--deny-warnings`, or `DLFB0110 = \"error\"` in the config, it fails \
     the run.\n\nExample: a REST API node's `headers` `Authorization=Basic dXNlcjpwYXNz`.\n\nFix: keep the \
     secret in a DataArts connection, or in an environment variable read with `#{Env.get(\"name\")}`, and \
     rotate the leaked one.";
    /// Two nodes of a job share a name.
    DuplicateNodeName = "DLFB0201", Error, "two nodes of a job share a name",
    "Nodes are identified by name within a job; two with the same name make its edges ambiguous.\n\n\
     Example: two nodes named `load`.\n\nFix: give every node of the job its own name.";
    /// A preNodeName or condition names no node of the job.
    UnknownUpstreamNode = "DLFB0202", Error, "a preNodeName or condition names no node of the job",
    "An edge points at a node the job does not have.\n\nExample: `\"preNodeName\": [\"extract\"]` in a job \
     without an `extract` node.\n\nFix: name an existing node, or remove the edge.";
    /// The nodes of a job form a cycle.
    NodeCycle = "DLFB0203", Error, "the nodes of a job form a cycle",
    "The `preNodeName` edges of a job form a cycle, so no node of it could ever start.\n\nExample: `a` after \
     `b` and `b` after `a`.\n\nFix: remove one `preNodeName` edge of the cycle.";
    /// A cron expression is malformed.
    MalformedCron = "DLFB0204", Error, "a cron expression is malformed",
    "The schedule's expression is not the 6-field Quartz form DataArts accepts: seconds `0`, minutes, \
     hours, day of month, month `*`, day of week, with one of the two day fields `?`.\n\nExample: \
     `0 20 1 * *` (5 fields).\n\nFix: write e.g. `0 20 1 * * ?`.";
    /// A start or end time is malformed.
    MalformedTime = "DLFB0205", Error, "a start or end time is malformed",
    "`startTime` and `endTime` must be `yyyy-MM-dd'T'HH:mm:ssZ` with an offset.\n\nExample: \
     `2024-01-01 00:00:00`.\n\nFix: write it like `2024-01-01T00:00:00+08`.";
    /// singleNodeJobFlag disagrees with the nodes.
    SingleNodeFlagMismatch = "DLFB0206", Error, "singleNodeJobFlag disagrees with the nodes",
    "`singleNodeJobFlag` is true but the job does not have exactly one node.\n\nExample: a flagged job with \
     three nodes.\n\nFix: set the flag to false, or keep one node.";
    /// A node lists the same property twice.
    DuplicateProperty = "DLFB0207", Warning, "a node lists the same property twice",
    "Two properties of a node have the same name; the service uses the first.\n\nExample: two \
     `scriptName` properties.\n\nFix: keep one property of each name.";
    /// A job has more than 200 nodes.
    TooManyNodes = "DLFB0208", Warning, "a job has more than 200 nodes",
    "DataArts allows 200 nodes a job by default.\n\nExample: a generated job of 250 nodes.\n\nFix: split the \
     job, or raise the workspace's quota first.";
    /// A node in script mode names no script.
    ScriptModeWithoutScript = "DLFB0209", Warning, "a node in script mode names no script",
    "A node of a type that runs scripts is in script mode (`statementOrScript` is absent or `SCRIPT`, in any \
     case) but has no `scriptName`.\n\nExample: a Hive SQL node switched to script mode and never given its \
     script.\n\nFix: add a `scriptName` property, or set `statementOrScript` to `STATEMENT`.";
    /// A schedule lacks its cron or event block.
    ScheduleBlockMissing = "DLFB0210", Warning, "a schedule lacks its cron or event block",
    "A schedule of type `CRON` has no `cron` block, or one of type `EVENT` no `event` block.\n\nExample: \
     `\"schedule\": {\"type\": \"CRON\"}`.\n\nFix: add `cron` with `startTime` and `expression`, or `event` \
     with `eventType` and `channel`.";
    /// An EL object or method the expression reference does not document.
    UnknownElMember = "DLFB0211", Warning, "an EL expression uses an object or method the reference does not document",
    "An `#{…}` expression calls an object or method the DataArts expression reference does not list (`Env`, \
     `Job`, `DateUtil`, `StringUtil`, `JSONUtil`, `OBSUtil`, `Loop`). Usually a typo, which fails when the node \
     runs.\n\nExample: `#{Evn.get(\"db\")}` (the reference's own typo).\n\nFix: use the name the hint \
     suggests, e.g. `#{Env.get(\"db\")}`.";
    /// An EL expression is malformed.
    MalformedEl = "DLFB0212", Error, "an EL expression is malformed",
    "An `#{…}` expression does not parse: an unbalanced brace, parenthesis or quote, or a misplaced \
     operator.\n\nExample: `#{DateUtil.format(Job.planTime, \"yyyyMMdd\"}`.\n\nFix: balance the \
     expression.";
    /// An EL expression reads a node that is not upstream.
    ElNodeNotUpstream = "DLFB0213", Error, "an EL expression reads the output of a node that is not upstream",
    "`Job.getNodeOutput(n)` and `Job.getRunningData(n)` may only name a node that runs before the node using \
     them (an ancestor through `preNodeName`).\n\nExample: node `report` reads \
     `#{Job.getNodeOutput(\"load\")}` but does not come after `load`.\n\nFix: add the edge, or name an \
     upstream node.";
    /// An EL method has the wrong number of arguments.
    ElArity = "DLFB0214", Error, "an EL method has the wrong number of arguments",
    "A method of the expression reference is called with another number of arguments than it takes.\n\n\
     Example: `#{DateUtil.format(Job.planTime)}` (format takes a date and a pattern).\n\nFix: pass the \
     documented arguments.";
    /// A file name or folder disagrees with the name inside.
    FileNameMismatch = "DLFB0301", Error, "a file name or folder disagrees with the name inside",
    "DataArts identifies objects by name and names each exported file after the object; a file whose \
     `name` differs imports under the inner name and breaks the references to the file's.\n\nExample: \
     `jobs/a/a.job` holding `\"name\": \"b\"`.\n\nFix: name the file after the `name` inside, or the other \
     way round.";
    /// A script or resource a node needs is missing from the bundle.
    MissingDependency = "DLFB0302", Error, "a script or resource a node needs is missing from the bundle",
    "The bundle carries dependencies (it was exported with exportDepend=true) but lacks a script or resource \
     a node names; in a batch bundle it must sit in that job's folder.\n\nExample: node `load` names script \
     `dws_sql`, and `jobs/job_batch/dws_sql.script` is absent.\n\nFix: export again with dependencies, or \
     add the file.";
    /// Scripts or resources must already exist in the target workspace.
    DependencyMustExist = "DLFB0303", Warning, "scripts or resources must already exist in the target workspace",
    "The bundle carries no scripts or resources at all (exportDepend=false), so those its nodes name must \
     already exist where it is imported.\n\nExample: a jobs-only export of a job with a Hive SQL script.\n\n\
     Fix: check the target workspace has them, or export with dependencies.";
    /// A script or resource no job uses.
    UnusedDefinition = "DLFB0304", Warning, "a script or resource no job uses",
    "A script or resource in the bundle is named by no node of its jobs (in a batch bundle: of the job whose \
     folder holds it).\n\nExample: a script left in a job folder after its node was deleted.\n\nFix: remove \
     it, or check the node that should name it.";
    /// The same object differs between two job folders.
    ConflictingCopies = "DLFB0305", Error, "the same object differs between two job folders",
    "A batch bundle carries a shared script or resource once per job folder; the copies differ, but the \
     workspace holds one object of each name.\n\nExample: `jobs/a/s.script` and `jobs/b/s.script` with \
     different SQL.\n\nFix: make the copies identical.";
    /// A job this bundle's jobs depend on is not in the bundle.
    JobOutsideBundle = "DLFB0306", Info, "a job this bundle's jobs depend on is not in the bundle",
    "A job depends on another job (dependJobs, sub-job) that the bundle does not carry; the import succeeds, \
     but the first run waits for or fails on the missing job.\n\nExample: `job_report` depends on \
     `job_load`, exported separately.\n\nFix: make sure the job exists in the target workspace, or export it \
     too (`--with-upstream`).";
    /// A node runs a script of a type it cannot run.
    ScriptTypeMismatch = "DLFB0307", Error, "a node runs a script of a type it cannot run",
    "Each node type runs scripts of its own type: a DWS SQL node a `DWSSQL` script, a Hive SQL node a \
     `HiveSQL` one, a Shell node a `Shell` one, a Python node a `PYTHON` one (`dlf-bundle explain DLFB0307` \
     lists them all).\n\nExample: a `DWSSQL` node whose `scriptName` names a `HiveSQL` script.\n\nFix: name a \
     script of the node's type, or change the node's type.";
    /// `plan`: an environment object the bundle uses is missing in the target.
    PlanMissingObject = "DLFB0501", Error, "an environment object the bundle uses is missing in the target",
    "A node or script uses a data connection, DLI queue, CDM or MRS cluster, DIS stream or SMN topic (after \
     the map, when one is given) that the target's inventory does not list. The import succeeds, but the \
     job fails when it runs.\n\nExample: DWS SQL nodes use `dws_dev`; the target has `dws_prod`.\n\nFix: \
     create the object in the target, or map the name (`[connection] dws_dev = \"dws_prod\"`) and import \
     the remapped bundle.";
    /// `plan`: an environment variable the bundle needs is missing in the target.
    PlanMissingVariable = "DLFB0502", Error, "an environment variable the bundle needs is missing in the target",
    "A property or script uses `${name}` (no job parameter defines it, no builtin date form) or \
     `#{Env.get(\"name\")}`, and the target's inventory lists no environment variable of that name.\n\n\
     Example: `select * from ${db}.t`, with no `db` variable in the target.\n\nFix: add the variable to \
     the target workspace's environment variables, or define it as a job parameter.";
    /// `plan`: the import would overwrite a job that is running in the target.
    PlanOverwritesRunningJob = "DLFB0503", Error, "the import would overwrite a job that is running in the target",
    "With sameNamePolicy OVERWRITE, a job of the bundle replaces the target's job of the same name, and the \
     service refuses to replace a job that is scheduled. Every status but NORMAL and STOPPED counts as \
     running (SCHEDULING, PAUSED, EXCEPTION and any other), since the service does not document the list in \
     full.\n\nExample: `job_a` is SCHEDULING in the target.\n\nFix: stop the job in the target first, then \
     import.";
    /// `plan`: a job depends on a job neither the bundle nor the target holds.
    PlanMissingUpstream = "DLFB0504", Error, "a job depends on a job neither the bundle nor the target holds",
    "A job's dependJobs (or a sub-job node) names a job that is neither in the bundle nor in the target's \
     inventory. The import succeeds; the first scheduled run fails with \"depend job [X] is not running or \
     pause\".\n\nExample: `job_report` depends on `job_load`, exported separately and not yet imported.\n\n\
     Fix: export the upstream job too (`export --with-upstream`), or import it first.";
    /// `plan`: the bundle is over the import limit.
    PlanOverImportLimit = "DLFB0505", Error, "the bundle is over the 10 MB import limit",
    "The definitions of the bundle come to more than 10 MB, which the import refuses.\n\nExample: 200 jobs \
     with large SQL scripts.\n\nFix: export in batches (`export --workspace DIR --all --split 50 -o OUT`) and \
     import them in order.";
    /// `plan`: a same-name object in the target is kept.
    PlanSkipped = "DLFB0506", Warning, "the target's same-name object is kept and the bundle's is not imported",
    "With sameNamePolicy SKIP (the service's default), an object the target already has is left as it is and \
     the bundle's version is silently not imported.\n\nExample: re-importing a fixed `job_a` keeps the old \
     one.\n\nFix: import with sameNamePolicy OVERWRITE (`--same-name-policy overwrite`) when the bundle's \
     version should win.";
    /// `plan`: an upstream job in the target is stopped.
    PlanStoppedUpstream = "DLFB0507", Warning, "a job depends on a target job that is not scheduled",
    "A job depends on a job the target holds but does not schedule (NORMAL or STOPPED): the first run waits \
     for it or fails with \"depend job [X] is not running or pause\".\n\nExample: `job_load` was never \
     started in the target.\n\nFix: schedule the upstream job in the target.";
    /// `plan`: an environment variable whose value must be set in the target.
    PlanVariableToSet = "DLFB0508", Info, "an environment variable's value must be set in the target",
    "The bundle uses an environment variable that the target holds as a variable (not a constant): its value \
     is the target's, set per workspace.\n\nExample: `db` is `dev_db` in development and must be `prod_db` \
     in production.\n\nFix: check the value in the target's environment variables before the first run.";
}

impl Code {
    /// The code of a value that does not have `form`.
    pub(crate) fn of_form(form: crate::catalog::Form) -> Self {
        use crate::catalog::Form;
        match form {
            Form::Known(_) => Self::UnknownEnumValue,
            Form::OneOf(_) => Self::ValueNotAllowed,
            Form::Integer { .. } | Form::ZeroOr { .. } => Self::NumberOutOfRange,
            Form::Bounded(_) => Self::TextTooLong,
            Form::Cron => Self::MalformedCron,
            Form::Time => Self::MalformedTime,
            Form::Text
            | Form::Boolean
            | Form::Url
            | Form::ObsPath
            | Form::StoragePath
            | Form::TopicUrn
            | Form::KeyValueLines
            | Form::Period
            | Form::Structure => Self::MalformedValue,
        }
    }

    /// The rows of the catalog this code checks, one line each
    /// (`` `SMN` node property `topic`: the SMN topic's URN ``), for `explain`;
    /// empty for codes the catalog does not drive.
    ///
    /// ```
    /// use dlf_bundle::diagnostic::Code;
    /// let rows = Code::ValueNotAllowed.catalog_rows();
    /// assert!(rows.iter().any(|row| row.starts_with("`RESTAPI` node property `method`: one of GET, POST, PUT, DELETE")));
    /// ```
    pub fn catalog_rows(self) -> Vec<String> {
        use crate::catalog::Presence;
        let wanted = |field: &crate::catalog::FieldSpec, in_node: bool| -> Option<String> {
            let matches = match self {
                Self::MissingField => field.presence == Presence::Required,
                Self::ScriptModeWithoutScript => in_node && field.presence == Presence::Expected,
                Self::ScheduleBlockMissing => !in_node && field.presence == Presence::Expected,
                Self::UnknownEnumValue
                | Self::ValueNotAllowed
                | Self::NumberOutOfRange
                | Self::TextTooLong
                | Self::MalformedCron
                | Self::MalformedTime
                | Self::MalformedValue => field.form.is_checked() && Self::of_form(field.form) == self,
                Self::LiteralCredential => field.secret,
                _ => false,
            };
            matches.then(|| {
                let what = match self {
                    Self::MissingField
                    | Self::ScriptModeWithoutScript
                    | Self::ScheduleBlockMissing
                    | Self::LiteralCredential => field.description.to_owned(),
                    _ => field.form.describe(),
                };
                let when = field.conditions();
                if when.is_empty() { what } else { format!("{what} ({when})") }
            })
        };
        let mut rows = Vec::new();
        for object in crate::catalog::OBJECTS {
            for field in object.fields {
                if let Some(what) = wanted(field, false) {
                    rows.push(format!("{} `{}`: {what}", object.noun, field.name));
                }
            }
        }
        for (spellings, spec) in crate::catalog::node_types() {
            let spellings = spellings.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" / ");
            if self == Self::ScriptTypeMismatch && !spec.scripts.is_empty() {
                rows.push(format!("{spellings} node: runs {} scripts", spec.scripts.join(", ")));
            }
            for field in spec.properties {
                if let Some(what) = wanted(field, true) {
                    rows.push(format!("{spellings} node property `{}`: {what}", field.name));
                }
            }
        }
        for field in crate::catalog::GENERIC_PROPERTIES {
            if let Some(what) = wanted(field, true) {
                rows.push(format!("property `{}` of any node the catalog describes: {what}", field.name));
            }
        }
        for spelling in crate::model::ScriptType::KNOWN {
            for field in crate::model::ScriptType::from(*spelling).spec().map_or(&[][..], |spec| spec.fields) {
                if let Some(what) = wanted(field, false) {
                    rows.push(format!("`{spelling}` script `{}`: {what}", field.name));
                }
            }
        }
        if self == Self::NotAString {
            rows.push("property `value`: every node property's value".into());
            rows.push("parameter `value`: every job parameter's value".into());
        }
        rows
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = crate::error::Error;

    fn from_str(text: &str) -> crate::error::Result<Self> {
        Self::ALL.iter().copied().find(|code| code.as_str().eq_ignore_ascii_case(text)).ok_or_else(|| {
            let nearest = crate::name::nearest(text, Self::ALL.iter().map(|code| code.as_str()));
            crate::error::Error::invalid_request(
                crate::error::RequestPart::Code,
                format!("`{text}` is not a diagnostic code"),
            )
            .with_nearest(nearest)
        })
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

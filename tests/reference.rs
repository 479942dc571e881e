//! Reference extraction, node type by node type and mode by mode.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::model::NodeType;
use dlf_bundle::resolve::{self, ReferenceOptions, Target};
use dlf_bundle::{Job, Node, Resource, Script};

/// `kind:name` for each reference, in order.
fn targets(job: &Job, known: &[&str]) -> Vec<String> {
    let known_jobs = |name: &str| known.contains(&name);
    resolve::job_references(job, &ReferenceOptions::default(), &known_jobs)
        .iter()
        .map(|r| format!("{}:{}{}", r.target.kind_str(), r.target.name(), if r.probable { "?" } else { "" }))
        .collect()
}

fn job_with(node_type: &str, properties: &[(&str, &str)]) -> Job {
    let mut node = Node::new("n", NodeType::from(node_type));
    for (name, value) in properties {
        node = node.with_property(name, value);
    }
    let mut job = Job::new("j");
    job.nodes = Some(vec![node]);
    job
}

/// Node type, its properties, the expected `kind:name` references (`?` = probable).
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

#[test]
fn node_references_by_type_and_mode() {
    let cases: &[Case] = &[
        ("HiveSQL", &[("scriptName", "s"), ("connectionName", "hive")], &["script:s", "connection:hive"]),
        ("SparkSQL", &[("scriptName", "s"), ("statementOrScript", "SCRIPT")], &["script:s"]),
        ("DWSSQL", &[("scriptName", "s"), ("statementOrScript", "STATEMENT"), ("sql", "select 1")], &[]),
        ("DLISQL", &[("scriptName", "s"), ("queueName", "q")], &["script:s", "dli_queue:q"]),
        ("DLISQL", &[("statementOrScript", "SCRIPT"), ("queueName", "q")], &["dli_queue:q"]),
        ("RDS SQL", &[("scriptName", "s"), ("connectionId", "c-1")], &["script:s", "connection:c-1"]),
        ("Shell", &[("scriptName", "sh"), ("connectionName", "host")], &["script:sh", "connection:host"]),
        ("Python", &[("scriptName", "py"), ("statementOrScript", "STATEMENT")], &[]),
        ("Python", &[("scriptName", "py"), ("connectionId", "id")], &["script:py", "connection:id"]),
        ("CSJob", &[("scriptName", "flink")], &["script:flink"]),
        (
            "MRSFlinkJob",
            &[("flinkJobType", "Flink SQL"), ("scriptName", "f"), ("clusterName", "mrs")],
            &["script:f", "mrs_cluster:mrs"],
        ),
        (
            "MRSFlinkJob",
            &[("flinkJobType", "Flink JAR"), ("scriptName", "f"), ("resourcePath", "flink_jar")],
            &["resource:flink_jar"],
        ),
        (
            "MRSHetuEngine",
            &[("statementOrScript", "SCRIPT"), ("scriptName", "h"), ("Data Warehouse", "hetu"), ("clusterName", "m")],
            &["script:h", "connection:hetu", "mrs_cluster:m"],
        ),
        ("MRSHetuEngine", &[("statementOrScript", "STATEMENT"), ("scriptName", "h")], &[]),
        ("MRSSpark", &[("resourcePath", "spark_jar"), ("clusterName", "m")], &["resource:spark_jar", "mrs_cluster:m"]),
        // MRS input and output paths are OBS objects when they say `obs://` (an HDFS path is not).
        (
            "MRSSpark",
            &[("input", "obs://in-bucket/data/"), ("output", "hdfs:///tmp/out")],
            &["obs_path:obs://in-bucket/data/"],
        ),
        (
            "MapReduce",
            &[("input", "obs://b/in"), ("output", "obs://b/out")],
            &["obs_path:obs://b/in", "obs_path:obs://b/out"],
        ),
        // A type the catalog does not know: its script is probable, its connection certain.
        ("QuantumSQL", &[("scriptName", "q"), ("connectionName", "c")], &["script:q?", "connection:c"]),
        ("MapReduce", &[("resourcePath", "obs://b/mr.jar")], &["obs_path:obs://b/mr.jar"]),
        (
            "DLISpark",
            &[("resourceType", "DLIResources"), ("resourcePath", "udf"), ("clusterName", "q")],
            &["resource:udf", "dli_queue:q"],
        ),
        ("DLISpark", &[("resourceType", "OBS"), ("resourcePath", "obs://b/x.jar")], &["obs_path:obs://b/x.jar"]),
        (
            "CDMJob",
            &[("clusterName", "cdm-1"), ("jobName", "mysql2hive"), ("jobType", "existsJob")],
            &["cdm_cluster:cdm-1", "cdm_job:cdm-1/mysql2hive"],
        ),
        ("CDMJob", &[("clusterId", "uuid"), ("jobName", "j")], &["cdm_cluster:uuid", "cdm_job:uuid/j"]),
        ("RESTAPI", &[("url", "https://x"), ("agentName", "cdm-relay")], &["cdm_cluster:cdm-relay"]),
        ("SMN", &[("topic", "urn:smn:x")], &["smn_topic:urn:smn:x"]),
        ("DISTransferTask", &[("streamName", "dis-1")], &["dis_stream:dis-1"]),
        ("OBSManager", &[("action", "CREATE_PATH"), ("path", "obs://b/p")], &["obs_path:obs://b/p"]),
        ("Dummy", &[], &[]),
        ("DataQualityMonitor", &[("anything", "value")], &[]),
        ("DLFSubJob", &[("subJobName", "child")], &["job:child?"]),
        ("ForEachJob", &[("unknownKey", "known_job"), ("dataset", "#{Job.getNodeOutput('x')}")], &["job:known_job?"]),
    ];
    for (node_type, properties, expected) in cases {
        let job = job_with(node_type, properties);
        // The references of one node, in any order.
        let mut found = targets(&job, &["known_job"]);
        found.sort();
        let mut expected = expected.to_vec();
        expected.sort_unstable();
        assert_eq!(found, expected, "{node_type} {properties:?}");
    }
}

#[test]
fn sub_job_property_naming_a_known_job_is_certain() {
    let job = job_with("DLFSubJob", &[("subJobName", "child")]);
    assert_eq!(targets(&job, &["child"]), ["job:child"]);
}

#[test]
fn job_level_references() {
    let job = Job::from_slice(
        br#"{"name":"j","logPath":"obs://logs/","schedule":{"type":"CRON","cron":{"dependJobs":{
            "jobs":["up1"],
            "sameWorkSpaceJobs":[{"jobName":"up2"}],
            "otherWorkSpaceJobs":[{"jobName":"far","workSpace":"ws2"}]}}},
          "nodes":[{"name":"rt","type":"DLISQL","cronTrigger":{"dependJobs":{"jobs":["up3"]}},
                    "eventTrigger":{"eventType":"DIS","channel":"dis-9"}}]}"#,
    )
    .unwrap();
    assert_eq!(
        targets(&job, &[]),
        ["job:up1", "job:up2", "other_workspace_job:ws2/far", "obs_path:obs://logs/", "job:up3", "dis_stream:dis-9"]
    );
}

#[test]
fn environment_objects_carry_the_import_replacement_type() {
    let job = job_with("DWSSQL", &[("scriptName", "s"), ("connectionName", "dws")]);
    let refs = resolve::job_references(&job, &ReferenceOptions::default(), &|_| false);
    let connection = refs.iter().find(|r| r.target.kind_str() == "connection").unwrap();
    assert!(matches!(connection.target, Target::Environment { import_type: Some("DWS_CONNECTION"), .. }));
    assert_eq!(connection.node.as_deref(), Some("n"));
}

#[test]
fn scripts_and_resources_need_environment_objects() {
    let script = Script::from_slice(br#"{"name":"s","type":"DLISQL","connectionName":"dli","queueName":"q"}"#).unwrap();
    let names: Vec<String> = resolve::script_references(&script).iter().map(|r| r.target.to_string()).collect();
    assert_eq!(names, ["connection `dli`", "dli_queue `q`"]);
    let resource = Resource::from_slice(
        br#"{"name":"r","location":"obs://b/r.jar","dependFiles":["obs://b/old.jar"],"dependPackages":[{"type":"jar","location":"obs://b/new.jar"}]}"#,
    )
    .unwrap();
    let paths: Vec<String> =
        resolve::resource_references(&resource).iter().map(|r| r.target.name().to_owned()).collect();
    assert_eq!(paths, ["obs://b/r.jar", "obs://b/new.jar"], "dependPackages wins over dependFiles");
}

/// `${name}`: a job parameter when the job defines it, a builtin date form,
/// else an environment variable; `#{Env.get("x")}` is the variable `x`.
/// A `$` or `#` without its `{` opens nothing, even right before one that does.
#[test]
fn environment_variables_are_what_neither_params_nor_builtins_define() {
    use dlf_bundle::resolve::ParamStyle;
    let job = dlf_bundle::Job::from_slice(
        br#"{"name":"j","params":[{"name":"bizdate","value":"1"}],"nodes":[{"name":"n","type":"Shell","properties":[
            {"name":"args","value":"${bizdate} $$${db} $5 ${yyyymmdd-1} ${yyyy} # #x ##{Env.get(\"region\")} ${dlf.host} $"}]}]}"#,
    )
    .unwrap();
    let variables = |style| -> Vec<(String, String)> {
        resolve::job_references(&job, &ReferenceOptions::default().param_style(style), &|_| false)
            .into_iter()
            .filter(|r| r.target.kind_str() == "env_variable")
            .map(|r| (r.target.name().to_owned(), r.via))
            .collect()
    };
    let via = |name: &str| (name.to_owned(), "args".to_owned());
    assert_eq!(variables(ParamStyle::Plain), [via("db"), via("dlf.host"), via("region")]);
    assert_eq!(variables(ParamStyle::Dlf), [via("host"), via("region")]);
}

/// A script's variables are resolved against each job that uses it: the
/// job's `params` and the node's `scriptArgs` (`key=value` lines) define some.
#[test]
fn script_variables_the_job_defines_are_not_environment_variables() {
    use dlf_bundle::resolve::bundle_dependencies;
    let mut bundle = dlf_bundle::Bundle::new(dlf_bundle::Layout::Batch);
    let job = dlf_bundle::Job::from_slice(
        br#"{"name":"j","params":[{"name":"bizdate","value":"1"}],"nodes":[{"name":"n","type":"HiveSQL","properties":[{"name":"scriptName","value":"s"},
            {"name":"scriptArgs","value":"region=cn-north-4\n tbl = t1\nnot an argument"}]}]}"#,
    )
    .unwrap();
    bundle.add_job(job).unwrap();
    let script = dlf_bundle::Script::new(
        "s",
        dlf_bundle::model::ScriptType::HiveSql,
        "select ${bizdate}, ${host} from ${tbl} -- ${region}",
    );
    bundle.add_script(Some("j"), script).unwrap();
    let report = bundle_dependencies(&bundle, &ReferenceOptions::default()).unwrap();
    let variables: Vec<(&str, Option<&str>)> = report[0]
        .dependencies
        .iter()
        .filter(|d| d.reference.target.kind_str() == "env_variable")
        .map(|d| (d.reference.target.name(), d.via_script.as_deref()))
        .collect();
    assert_eq!(variables, [("host", Some("s"))]);
}

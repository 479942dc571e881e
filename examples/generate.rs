//! Generates a realistic workspace folder and batch bundle for benchmarks.
//!
//! ```sh
//! cargo run --release --example generate -- --jobs 1000 --nodes 8 --script-kb 8 --out target/bench/ws1000
//! ```
//!
//! Writes `OUT/workspace/` (the single layout unpacked: `jobs/`, `scripts/`,
//! `resources/`) and `OUT/jobs.zip` (every job in the batch layout, each with
//! its scripts and resources). Each job has `nodes` nodes: one `MRSSpark`
//! node using a resource (in four jobs of five; a `Dummy` node otherwise), one
//! `CDMJob` node, and SQL,
//! Shell and Python nodes each with its own script of about `script-kb` KB;
//! jobs depend on earlier jobs, nodes on earlier nodes, and nodes name
//! connections, queues and clusters, so every reference kind appears. The
//! content is pseudo-random but fixed by `--seed`, so runs are comparable.

use dlf_bundle::json::{self, Object, Value};
use dlf_bundle::model::Document;
use dlf_bundle::{Bundle, DefinitionKind, Layout, Limits};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Options {
    jobs: usize,
    nodes: usize,
    script_kb: usize,
    out: PathBuf,
    seed: u64,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options { jobs: 1000, nodes: 8, script_kb: 8, out: PathBuf::from("target/bench/ws"), seed: 7 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--jobs" => options.jobs = number()?,
            "--nodes" => options.nodes = number()?.max(3),
            "--script-kb" => options.script_kb = number()?,
            "--seed" => options.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => options.out = PathBuf::from(value),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(options)
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("x")
    }
}

const TABLES: &[&str] = &["orders", "customers", "trips", "payments", "stations", "sensors", "invoices", "events"];
const COLUMNS: &[&str] = &["id", "amount", "created_at", "region", "status", "user_id", "price", "quantity", "city"];

fn sql(rng: &mut Rng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 200);
    while out.len() < bytes {
        let (table, other) = (rng.pick(TABLES), rng.pick(TABLES));
        let (a, b, c) = (rng.pick(COLUMNS), rng.pick(COLUMNS), rng.pick(COLUMNS));
        let _ = write!(
            out,
            "insert into dw_{table}_{n} select t.{a}, sum(t.{b}) as total_{b}, count(distinct o.{c})\n  from ods_{table} t join ods_{other} o on t.{a} = o.{a}\n  where t.dt = '${{bizdate}}' and t.{c} > {m}\n  group by t.{a};\n",
            n = rng.below(500),
            m = rng.below(100_000),
        );
    }
    out
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Object>())
}

fn property(name: &str, value: &str) -> Value {
    object(vec![("name", Value::from(name)), ("value", Value::from(value)), ("value_is_sensitive", Value::from(false))])
}

struct Generated {
    job: Value,
    scripts: Vec<(String, Value)>,
    resource: Option<(String, Value)>,
}

fn generate_job(index: usize, options: &Options, rng: &mut Rng) -> Generated {
    let name = format!("job_{index:05}");
    let mut nodes = Vec::new();
    let mut scripts = Vec::new();
    let resource_name = format!("udf_{index:05}");
    let with_resource = index % 5 != 4;
    for n in 0..options.nodes {
        nodes.push(generate_node(n, index, &name, with_resource, &resource_name, options, rng, &mut scripts));
    }
    let depends: Vec<Value> =
        if index == 0 { vec![] } else { vec![Value::from(format!("job_{:05}", rng.below(index)))] };
    let job = object(vec![
        ("name", Value::from(name.as_str())),
        ("directory", Value::from("/generated")),
        ("processType", Value::from("BATCH")),
        ("logPath", Value::from("obs://dlf-log-generated/")),
        ("nodes", Value::Array(nodes)),
        (
            "schedule",
            object(vec![
                ("type", Value::from("CRON")),
                (
                    "cron",
                    object(vec![
                        ("startTime", Value::from("2024-01-01T00:00:00+08")),
                        ("expression", Value::from("0 20 1 * * ?")),
                        ("expressionTimeZone", Value::from("GMT+8")),
                        (
                            "dependJobs",
                            object(vec![("jobs", Value::Array(depends)), ("dependPeriod", Value::from("SAME_PERIOD"))]),
                        ),
                    ]),
                ),
            ]),
        ),
        (
            "params",
            Value::Array(vec![object(vec![("name", Value::from("bizdate")), ("value", Value::from("${yyyyMMdd}"))])]),
        ),
        (
            "basicConfig",
            object(vec![
                ("owner", Value::from("etl")),
                ("priority", Value::from(0)),
                ("customFields", Value::Object(Object::new())),
            ]),
        ),
        ("resouces", Value::Array(vec![])),
        ("maskedParams", Value::Array(vec![])),
    ]);
    let resource = with_resource.then(|| {
        let value = object(vec![
            ("name", Value::from(resource_name.as_str())),
            ("type", Value::from("jar")),
            ("location", Value::from(format!("obs://dlf-resources/{resource_name}.jar"))),
            ("directory", Value::from("/generated")),
        ]);
        (resource_name, value)
    });
    Generated { job, scripts, resource }
}

/// One node of job `index`; script nodes add their script to `scripts`.
#[allow(clippy::too_many_arguments, reason = "a generator's knobs, passed through")]
fn generate_node(
    n: usize,
    index: usize,
    name: &str,
    with_resource: bool,
    resource_name: &str,
    options: &Options,
    rng: &mut Rng,
    scripts: &mut Vec<(String, Value)>,
) -> Value {
    let node_name = format!("node_{n}");
    let (node_type, properties) = match n {
        0 if with_resource => (
            "MRSSpark",
            vec![
                property("clusterName", "mrs_prod"),
                property("jobName", &format!("spark_{index}")),
                property("resourcePath", resource_name),
                property("parameters", "--conf spark.executor.memory=4g"),
            ],
        ),
        0 => ("Dummy", vec![]),
        1 => (
            "CDMJob",
            vec![
                property("clusterName", "cdm_prod"),
                property("jobName", &format!("mysql_to_obs_{}", rng.below(50))),
                property("jobType", "existsJob"),
            ],
        ),
        _ => {
            let script = format!("{name}_s{n}");
            let (node_type, script_type, connection) = match n % 3 {
                0 => ("Shell", "Shell", "ecs_host"),
                1 => ("HiveSQL", "HiveSQL", "mrs_hive"),
                _ => ("DLISQL", "DLISQL", "dli_conn"),
            };
            let mut script_value = vec![
                ("name", Value::from(script.as_str())),
                ("type", Value::from(script_type)),
                ("directory", Value::from("/generated/etl")),
                ("content", Value::from(sql(rng, options.script_kb * 1024))),
                ("connectionName", Value::from(connection)),
                ("currentDatabase", Value::from("default")),
                ("configuration", Value::Object(Object::new())),
                ("templateVersion", Value::from("1.0")),
            ];
            let mut properties = vec![property("scriptName", &script), property("connectionName", connection)];
            if script_type == "DLISQL" {
                script_value.push(("queueName", Value::from("dli_queue")));
                properties.push(property("queueName", "dli_queue"));
            }
            scripts.push((script, object(script_value)));
            (node_type, properties)
        }
    };
    let pre = if n == 0 { vec![] } else { vec![Value::from(format!("node_{}", rng.below(n)))] };
    object(vec![
        ("name", Value::from(node_name)),
        ("type", Value::from(node_type)),
        ("location", object(vec![("x", Value::from(format!("{}.5", n * 120))), ("y", Value::from("-207.0"))])),
        ("preNodeName", Value::Array(pre)),
        ("properties", Value::Array(properties)),
        ("pollingInterval", Value::from(20)),
        ("maxExecutionTime", Value::from(360)),
        ("retryTimes", Value::from(1)),
        ("retryInterval", Value::from(120)),
        ("failPolicy", Value::from("FAIL_CHILD")),
        ("execTimeOutRetry", Value::from("false")),
        ("lineageInfo", Value::from("[{\"outputs\":[],\"inputs\":[]}]")),
    ])
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        #[allow(clippy::disallowed_methods, reason = "a generator writing into its own fresh output folder")]
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let options = parse_args()?;
    let mut rng = Rng(options.seed.max(1));
    let workspace = options.out.join("workspace");
    let mut bundle = Bundle::new(Layout::Batch);
    let mut unpacked: usize = 0;
    for index in 0..options.jobs {
        let generated = generate_job(index, &options, &mut rng);
        let job_name = format!("job_{index:05}");
        let mut files = vec![(DefinitionKind::Job, job_name.clone(), generated.job)];
        files.extend(generated.scripts.into_iter().map(|(name, value)| (DefinitionKind::Script, name, value)));
        files.extend(generated.resource.into_iter().map(|(name, value)| (DefinitionKind::Resource, name, value)));
        for (kind, name, value) in files {
            let bytes = json::to_vec_pretty(&value);
            unpacked += bytes.len();
            write(&workspace.join(Layout::Single.path_for(kind, &name, None)), &bytes)?;
            let document = Document::parse(kind, bytes).map_err(|e| e.to_string())?;
            bundle
                .insert(&Layout::Batch.path_for(kind, &name, Some(&job_name)), document)
                .map_err(|e| e.to_string())?;
        }
    }
    let zip = bundle.to_vec().map_err(|e| e.to_string())?;
    write(&options.out.join("jobs.zip"), &zip)?;
    // Prove the output reads back under the reader's checks.
    let limits = Limits::default().max_entries(usize::MAX);
    Bundle::from_slice_with(&zip, &dlf_bundle::ReadOptions::new().limits(limits)).map_err(|e| e.to_string())?;
    let megabytes = |bytes: usize| format!("{}.{}", bytes / 1_000_000, bytes / 100_000 % 10);
    println!(
        "{} jobs, {} entries, {} MB unpacked, {} MB zipped -> {}",
        options.jobs,
        bundle.len(),
        megabytes(unpacked),
        megabytes(zip.len()),
        options.out.display()
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::from(1)
        }
    }
}

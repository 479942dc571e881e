//! Property tests: generated jobs, scripts, resources and bundles.
//!
//! Case counts are set per block; raise them with `PROPTEST_CASES=…` for a
//! longer run. Failures are saved under `proptest-regressions/` and replayed
//! first on every run.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::export::{ExportOptions, export};
use dlf_bundle::json::{self, Number, Object, Value};
use dlf_bundle::model::{Document, NodeType};
use dlf_bundle::resolve::{self, Status};
use dlf_bundle::resolve::{ReferenceOptions, Target};
use dlf_bundle::validate::{ValidateOptions, validate_archive};
use dlf_bundle::{Bundle, DefinitionKind, Job, Layout, Limits, ReadOptions, Resource, Script, Workspace};
use proptest::prelude::*;
use proptest::sample::select;

fn name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z][a-zA-Z0-9_-]{0,12}", "[\u{4e00}-\u{9fa5}]{1,4}", "[a-z]{1,4}_[\u{4e00}-\u{9fa5}]{1,3}",]
}

/// The same scalar written the ways real files write it.
fn loose_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-1000i64..1000).prop_map(Value::from),
        (-1000i64..1000).prop_map(|n| Value::from(n.to_string())),
        (-1000i64..1000, 0u32..99).prop_map(|(a, b)| Value::Number(Number::parse(&format!("{a}.{b}")).unwrap())),
        (-1000i64..1000, 0u32..99).prop_map(|(a, b)| Value::from(format!("{a}.{b}"))),
        Just(Value::Number(Number::parse("1e3").unwrap())),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,20}", "[\u{4e00}-\u{9fa5} ]{0,10}", Just(String::new()), "[a-z\n\t\"\\\\]{0,12}"]
}

/// Undocumented keys real exports carry, with values of several shapes.
fn extra_entries() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec(
        (
            select(vec![
                "resouces",
                "maskedParams",
                "useCdmCache",
                "taskWorkGroupId",
                "runAtOnceAfterIncubate",
                "x_custom",
            ]),
            prop_oneof![
                Just(Value::Array(vec![])),
                any::<bool>().prop_map(Value::from),
                text().prop_map(Value::from),
                loose_number(),
                Just(Value::Null),
            ],
        ),
        0..3,
    )
    .prop_map(|entries| entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn object(entries: Vec<(String, Value)>) -> Value {
    Value::Object(entries.into_iter().collect::<Object>())
}

fn property(key: &str, value: &str) -> Value {
    object(vec![("name".into(), Value::from(key)), ("value".into(), Value::from(value))])
}

/// A node of any known type (or an unknown one), in script or statement mode.
fn node(script_names: Vec<String>, resource_names: Vec<String>) -> impl Strategy<Value = Value> {
    let mut types: Vec<String> = NodeType::KNOWN.iter().map(|t| (*t).to_owned()).collect();
    types.push("FutureNode2030".into());
    (
        name(),
        select(types),
        loose_number(),
        loose_number(),
        select(script_names),
        select(resource_names),
        any::<bool>(),
        loose_number(),
        extra_entries(),
    )
        .prop_map(|(name, node_type, x, y, script, resource, statement, polling, extras)| {
            let mut properties = vec![property("scriptName", &script), property("connectionName", "conn")];
            if statement {
                properties.push(property("statementOrScript", "STATEMENT"));
            }
            properties.push(property("resourcePath", &resource));
            let mut entries = vec![
                ("name".to_owned(), Value::from(name)),
                ("type".to_owned(), Value::from(node_type)),
                ("location".to_owned(), object(vec![("x".into(), x), ("y".into(), y)])),
                ("properties".to_owned(), Value::Array(properties)),
                ("pollingInterval".to_owned(), polling),
            ];
            entries.extend(extras);
            entries
        })
        .prop_shuffle()
        .prop_map(object)
}

fn job_value(
    job_name: String,
    script_names: Vec<String>,
    resource_names: Vec<String>,
    other_jobs: Vec<String>,
) -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(node(script_names, resource_names), 0..5),
        prop::collection::vec(select(other_jobs), 0..2),
        select(vec!["BATCH", "REAL_TIME", "STREAMING"]),
        extra_entries(),
        "/[a-z\u{4e00}-\u{9fa5}]{1,6}",
    )
        .prop_map(move |(nodes, depends, process_type, extras, directory)| {
            let depend_jobs =
                object(vec![("jobs".into(), Value::Array(depends.into_iter().map(Value::from).collect()))]);
            let cron =
                object(vec![("expression".into(), Value::from("0 0 1 * * ?")), ("dependJobs".into(), depend_jobs)]);
            let mut entries = vec![
                ("name".to_owned(), Value::from(job_name.clone())),
                ("nodes".to_owned(), Value::Array(nodes)),
                ("processType".to_owned(), Value::from(process_type)),
                ("directory".to_owned(), Value::from(directory)),
                ("schedule".to_owned(), object(vec![("type".into(), Value::from("CRON")), ("cron".into(), cron)])),
            ];
            entries.extend(extras);
            entries
        })
        .prop_shuffle()
        .prop_map(object)
}

fn script_value(name: String) -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just(String::new()), text(), "[a-z ;\n]{1000,70000}"],
        select(vec!["database", "currentDatabase"]),
        extra_entries(),
    )
        .prop_map(move |(content, database_key, extras)| {
            let mut entries = vec![
                ("name".to_owned(), Value::from(name.clone())),
                ("type".to_owned(), Value::from("HiveSQL")),
                ("content".to_owned(), Value::from(content)),
                (database_key.to_owned(), Value::from("default")),
            ];
            entries.extend(extras);
            object(entries)
        })
}

fn resource_value(name: &str) -> Value {
    object(vec![
        ("name".into(), Value::from(name)),
        ("type".into(), Value::from("jar")),
        ("location".into(), Value::from(format!("obs://bucket/{name}.jar"))),
    ])
}

/// A workspace: jobs j0..jN, scripts s0..sM, resources r0..rK; nodes refer to
/// existing scripts and resources, jobs to each other.
#[derive(Debug, Clone)]
struct GeneratedWorkspace {
    jobs: Vec<Value>,
    scripts: Vec<Value>,
    resources: Vec<Value>,
}

fn workspace_strategy() -> impl Strategy<Value = GeneratedWorkspace> {
    (1usize..6, 1usize..4, 1usize..3).prop_flat_map(|(job_count, script_count, resource_count)| {
        let scripts: Vec<String> = (0..script_count).map(|i| format!("s{i}")).collect();
        let resources: Vec<String> = (0..resource_count).map(|i| format!("r{i}")).collect();
        let jobs: Vec<String> = (0..job_count).map(|i| format!("j{i}")).collect();
        let job_values: Vec<_> =
            jobs.iter().map(|name| job_value(name.clone(), scripts.clone(), resources.clone(), jobs.clone())).collect();
        let script_values: Vec<_> = scripts.iter().map(|name| script_value(name.clone())).collect();
        let resource_values: Vec<Value> = resources.iter().map(|name| resource_value(name)).collect();
        (job_values, script_values, Just(resource_values)).prop_map(|(jobs, scripts, resources)| GeneratedWorkspace {
            jobs,
            scripts,
            resources,
        })
    })
}

fn parse_document(kind: DefinitionKind, value: &Value) -> Document {
    Document::parse(kind, json::to_vec_pretty(value)).unwrap()
}

fn build_workspace(generated: &GeneratedWorkspace) -> Workspace {
    let mut workspace = Workspace::new();
    for (kind, values) in [
        (DefinitionKind::Job, &generated.jobs),
        (DefinitionKind::Script, &generated.scripts),
        (DefinitionKind::Resource, &generated.resources),
    ] {
        for value in values {
            workspace.insert(parse_document(kind, value)).unwrap();
        }
    }
    workspace
}

fn build_bundle(generated: &GeneratedWorkspace, layout: Layout) -> Bundle {
    let mut bundle = Bundle::new(layout);
    for job in &generated.jobs {
        let document = parse_document(DefinitionKind::Job, job);
        let job_name = document.name().unwrap().to_owned();
        bundle.insert(&layout.path_for(DefinitionKind::Job, &job_name, None), document).unwrap();
        for (kind, values) in
            [(DefinitionKind::Script, &generated.scripts), (DefinitionKind::Resource, &generated.resources)]
        {
            for value in values {
                let document = parse_document(kind, value);
                let path = layout.path_for(kind, document.name().unwrap(), Some(&job_name));
                if bundle.get(&path).is_none() {
                    bundle.insert(&path, document).unwrap();
                }
            }
        }
    }
    bundle
}

/// One hostile change to an archive.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Truncate { at: usize },
    RenameEntry { index: usize, name: Vec<u8> },
    DuplicateEntry { index: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..12))
            .prop_map(|(index, name)| Mutation::RenameEntry { index, name }),
        any::<usize>().prop_map(|index| Mutation::DuplicateEntry { index }),
    ]
}

/// Applies a mutation; names are patched in place in both headers, so the
/// structure stays parseable and the name checks are what is exercised.
fn mutate(zip: &[u8], bundle: &Bundle, mutation: &Mutation) -> Vec<u8> {
    let mut out = zip.to_vec();
    let paths: Vec<&str> = bundle.iter().map(dlf_bundle::Entry::path).collect();
    let patch = |out: &mut Vec<u8>, from: &[u8], to: &[u8]| {
        let mut at = 0;
        while let Some(found) = out[at..].windows(from.len()).position(|w| w == from) {
            let start = at + found;
            out[start..start + from.len()].copy_from_slice(to);
            at = start + from.len();
        }
    };
    match mutation {
        Mutation::Flip { at, mask } => {
            let at = at % out.len();
            out[at] ^= mask;
        }
        Mutation::Truncate { at } => out.truncate(at % out.len()),
        Mutation::RenameEntry { index, name } => {
            let from = paths[index % paths.len()].as_bytes();
            let mut to = name.clone();
            to.resize(from.len(), b'x');
            patch(&mut out, from, &to);
        }
        Mutation::DuplicateEntry { index } => {
            if paths.len() > 1 {
                let from = paths[index % paths.len()].as_bytes();
                let to = paths[(index + 1) % paths.len()].as_bytes();
                if from.len() == to.len() {
                    patch(&mut out, from, to);
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn job_model_round_trips(generated in workspace_strategy()) {
        for value in &generated.jobs {
            let text = json::to_vec_pretty(value);
            let job = Job::from_slice(&text).unwrap();
            prop_assert_eq!(json::to_vec_pretty(&job.to_value()), text.clone(), "canonical text -> model -> same text");
            let compact = json::to_string_compact(value);
            let from_compact = Job::from_slice(compact.as_bytes()).unwrap();
            prop_assert_eq!(json::to_string_compact(&from_compact.to_value()), compact, "any form survives");
            prop_assert_eq!(&Job::from_slice(&job.to_vec()).unwrap(), &job, "value -> JSON -> value");
        }
        for value in &generated.scripts {
            let text = json::to_vec_pretty(value);
            let script = Script::from_slice(&text).unwrap();
            prop_assert_eq!(json::to_vec_pretty(&script.to_value()), text);
        }
        for value in &generated.resources {
            let resource = Resource::from_slice(&json::to_vec_pretty(value)).unwrap();
            prop_assert_eq!(&resource.to_value(), value);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bundles_round_trip_deterministically(generated in workspace_strategy(), single in any::<bool>()) {
        let layout = if single { Layout::Single } else { Layout::Batch };
        let bundle = build_bundle(&generated, layout);
        let zip = bundle.to_vec().unwrap();
        prop_assert_eq!(&bundle.to_vec().unwrap(), &zip, "byte-identical twice");
        let back = crate::common::read(&zip).unwrap();
        prop_assert_eq!(back.layout(), layout);
        prop_assert_eq!(crate::common::contents(&back), crate::common::contents(&bundle));
        prop_assert_eq!(back.to_vec().unwrap(), zip);
    }

    #[test]
    fn the_reader_survives_mutations_within_limits(
        generated in workspace_strategy(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let bundle = build_bundle(&generated, Layout::Batch);
        let mut zip = bundle.to_vec().unwrap();
        for m in &mutations {
            if zip.is_empty() {
                break;
            }
            zip = mutate(&zip, &bundle, m);
        }
        let limits = Limits::default().max_entries(40).max_total_bytes(2 << 20).max_entry_bytes(1 << 20);
        if let Ok(read) = crate::common::read_with(&zip, &ReadOptions::new().limits(limits)) {
            prop_assert!(read.len() <= 40);
            let total: usize = read.iter().map(|e| e.document().unwrap().bytes().len()).sum();
            prop_assert!(total as u64 <= 2 << 20);
        }
        let _ = validate_archive(&zip, &ValidateOptions::default());
    }

    #[test]
    fn exports_are_closed_under_their_dependencies(
        generated in workspace_strategy(),
        pick in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        upstream in any::<bool>(),
    ) {
        let workspace = build_workspace(&generated);
        let names: Vec<String> = workspace.names(DefinitionKind::Job).map(str::to_owned).collect();
        let mut jobs: Vec<String> = pick.iter().map(|i| names[i.index(names.len())].clone()).collect();
        jobs.sort();
        jobs.dedup();
        let options = ExportOptions::default().with_upstream(upstream);
        let export = export(&workspace, &jobs, &options).unwrap();
        let report = resolve::bundle_dependencies(&export.bundle, &ReferenceOptions::default()).unwrap();
        for job in &report {
            for dependency in &job.dependencies {
                let missing_definition = dependency.status == Status::Missing
                    && matches!(dependency.reference.target, Target::Script(_) | Target::Resource(_));
                prop_assert!(!missing_definition, "{}: {:?}", job.job, dependency);
                if upstream && let Target::Job(name) = &dependency.reference.target {
                    prop_assert_eq!(dependency.status, Status::Present, "{} -> {}", job.job, name);
                }
            }
        }
        let diagnostics = dlf_bundle::validate::validate_bundle(&export.bundle, &ValidateOptions::default());
        prop_assert!(!diagnostics.iter().any(|d| d.code == "DLFB0302"), "{:?}", diagnostics);
    }
}

/// What Finder or ditto adds beside one entry: 0 `__MACOSX/<dir>/._<file>`,
/// 1 `<dir>/._<file>`, 2 `<dir>/.DS_Store`, 3 `.DS_Store` at the top.
fn macos_metadata() -> impl Strategy<Value = Vec<(u8, usize)>> {
    prop::collection::vec((0u8..4, any::<usize>()), 1..6)
}

/// Each definition's path and bytes, or the error's kind and entry.
type Read = Result<Vec<(String, Vec<u8>)>, String>;

/// The read of an archive and its validation, with the macOS metadata warning left out.
fn read_and_validate(archive: &[u8]) -> (Read, Vec<String>) {
    let read = crate::common::read(archive)
        .map(|bundle| {
            bundle.iter().map(|e| (e.path().to_owned(), e.document().unwrap().bytes().into_owned())).collect()
        })
        .map_err(|e| format!("{:?} {:?}", e.kind(), e.entry().map(dlf_bundle::error::EntryRef::name)));
    let diagnostics = validate_archive(archive, &ValidateOptions::default())
        .into_iter()
        .filter(|d| !d.message.contains("macOS metadata"))
        .map(|d| format!("{} {:?} {:?} {}", d.code, d.entry, d.pointer, d.message))
        .collect();
    (read, diagnostics)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Re-zipped on a Mac: `__MACOSX/`, `._*` and `.DS_Store` entries change
    /// neither the definitions nor any diagnostic, in a wrapper folder too,
    /// and whether or not a definition is broken.
    #[test]
    fn macos_metadata_changes_neither_definitions_nor_errors(
        generated in workspace_strategy(),
        single in any::<bool>(),
        wrapped in any::<bool>(),
        broken in prop::option::of(any::<usize>()),
        metadata in macos_metadata(),
    ) {
        let bundle = build_bundle(&generated, if single { Layout::Single } else { Layout::Batch });
        let prefix = if wrapped { "export/" } else { "" };
        let mut plain: Vec<crate::common::RawEntry> = bundle
            .iter()
            .map(|e| crate::common::RawEntry::new(format!("{prefix}{}", e.path()), e.document().unwrap().bytes()).deflated())
            .collect();
        if let Some(index) = broken {
            let count = plain.len();
            plain[index % count].data = b"{\"name\":".to_vec();
        }
        let mut with_metadata = plain.clone();
        let mut added = std::collections::BTreeSet::new();
        for (what, index) in metadata {
            let path = String::from_utf8(plain[index % plain.len()].name.clone()).unwrap();
            let (dir, file) = path.rsplit_once('/').unwrap();
            let name = match what {
                0 => format!("__MACOSX/{dir}/._{file}"),
                1 => format!("{dir}/._{file}"),
                2 => format!("{dir}/.DS_Store"),
                _ => ".DS_Store".to_owned(),
            };
            if added.insert(name.clone()) {
                let data: &[u8] = if what < 2 { b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X" } else { b"Bud1" };
                with_metadata.insert(index % (with_metadata.len() + 1), crate::common::RawEntry::new(name, data));
            }
        }
        prop_assert_eq!(
            read_and_validate(&crate::common::raw_zip(&with_metadata)),
            read_and_validate(&crate::common::raw_zip(&plain))
        );
    }
}

//! Read, check, edit and write the job export bundles of Huawei Cloud
//! DataArts Studio's job service (DataArts Factory, `DLF`).
//!
//! A bundle is the zip the service's export gives: `jobs.zip` of a batch
//! export (`jobs/<job>/<job>.job` beside the scripts and resources each job
//! uses) or `DLF_<job>.zip` of a single-job export (`jobs/`, `scripts/`,
//! `resources/`). This crate reads one safely (every name, size, ratio and
//! header checked before anything is inflated), keeps every definition
//! losslessly (unknown keys, key order, the bytes of what is not changed),
//! validates it offline with the service's rules, and writes it back
//! deterministically.
//!
//! ```
//! use dlf_bundle::{Bundle, ReadOptions};
//! use dlf_bundle::validate::{validate_bundle, ValidateOptions};
//! let bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
//! for job in bundle.jobs() {
//!     let (entry, job) = job?; // definitions are parsed as they are used
//!     println!("{}: {} nodes", entry.path(), job.nodes().len());
//! }
//! let found = validate_bundle(&bundle, &ValidateOptions::default());
//! assert!(found.iter().all(|finding| finding.severity != dlf_bundle::diagnostic::Severity::Error));
//! # Ok::<(), dlf_bundle::Error>(())
//! ```
//!
//! Edits keep every byte that was not asked to change:
//!
//! ```
//! use dlf_bundle::{Bundle, ReadOptions};
//! let mut bundle = Bundle::from_dir("examples/workspace", &ReadOptions::default())?;
//! let entry = bundle.get_mut("jobs/job_batch.job").unwrap();
//! let before = String::from_utf8(entry.document()?.bytes().into_owned()).unwrap();
//! entry.document_mut()?.definition_mut().as_job_mut().unwrap().set_param("bizdate", "20260101");
//! let after = String::from_utf8(entry.document()?.bytes().into_owned()).unwrap();
//! let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
//! assert_eq!(changed.len(), 1, "one line changes: {changed:?}");
//! assert!(changed[0].1.contains("\"20260101\""));
//! # Ok::<(), dlf_bundle::Error>(())
//! ```
//!
//! What is where:
//! - the crate root: the bundle ([`Bundle`], [`Entry`], [`BundleDir`] for a
//!   folder, [`Workspace`] for a workspace of definitions), its definitions
//!   ([`Job`], [`Node`], [`Script`], [`Resource`]), how it is read
//!   ([`ReadOptions`], [`Limits`], [`Layout`]), findings ([`Diagnostic`]) and
//!   the one error type ([`Error`], [`ErrorKind`]);
//! - [`model`]: what definitions are made of, the service's enumerations,
//!   field paths; [`error`]: what an error carries; [`diagnostic`]: the codes
//!   of findings and the warnings of reading; [`catalog`]: what the crate
//!   knows of each node type, script type and object, and the JSON Schemas
//!   made from it;
//! - one module per operation, with its options and report: [`validate`],
//!   [`resolve`] (dependencies), [`diff`], [`remap`] (promotion between
//!   environments), [`plan`] (an import's pre-flight), [`export`] (offline
//!   export of a workspace, as the API does);
//! - the formats inside definitions: [`json`] (the lossless JSON tree),
//!   [`expression`] (EL, `#{…}`), [`name`] (entry and object names).
//!
//! The command line `dlf-bundle` (feature `cli`) is built on this API alone.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

// Modules are the nouns of the domain, layered so that every import runs
// one way: docs/ARCHITECTURE.md lists the layers.
mod archive;
mod bundle;
pub mod catalog;
pub mod diagnostic;
pub mod diff;
pub mod error;
pub mod export;
pub mod expression;
mod folder;
mod graph;
pub mod json;
mod kind;
mod layout;
mod limits;
pub mod model;
pub mod name;
pub mod plan;
mod read;
mod reference;
pub mod remap;
pub mod resolve;
pub mod validate;
mod workspace;
mod write;

pub use bundle::{Bundle, BundleDir, Entry, Packed, UnpackOptions};
pub use diagnostic::finding::Diagnostic;
pub use error::kind::{Error, ErrorKind, Result};
pub use kind::DefinitionKind;
pub use layout::{Layout, Placement};
pub use limits::Limits;
pub use model::job::{Job, Node};
pub use model::resource::Resource;
pub use model::script::Script;
pub use read::ReadOptions;
pub use workspace::Workspace;

/// The README's Rust examples, compiled and run as tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;

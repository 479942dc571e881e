#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

// Modules are the nouns of the domain, layered so that every import runs
// one way: docs/ARCHITECTURE.md lists the layers.
mod archive;
mod bundle;
pub mod catalog;
pub mod check;
pub mod diff;
mod error;
pub mod export;
pub mod expression;
mod folder;
mod graph;
pub mod json;
mod kind;
mod layout;
mod limits;
mod model;
pub mod name;
pub mod path;
pub mod plan;
mod read;
pub mod reference;
pub mod remap;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod validate;
mod warning;
mod workspace;
mod write;

pub use bundle::{Bundle, BundleDir, Entry, Packed, UnpackOptions};
pub use catalog::values::{FailPolicy, NodeType, ProcessType, ResourceType, ScheduleType, ScriptType};
pub use error::{
    Corruption, EntryRef, Error, ErrorKind, HeaderField, Limit, NameProblem, Position, RequestPart, Result,
    Unsupported, ZipHeader,
};
pub use kind::DefinitionKind;
pub use layout::{Layout, Placement};
pub use limits::Limits;
pub use model::{
    Approver, BasicConfig, Condition, Cron, CronTrigger, Definition, DependJobs, DependPackage, Document, Event, Job,
    JobParam, Location, Node, Property, Rendering, Resource, Scalar, Schedule, Script, WorkspaceJob,
};
pub use read::ReadOptions;
pub use warning::{Warning, WarningKind};
pub use workspace::Workspace;

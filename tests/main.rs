//! The integration tests: one binary, a module per concern (regressions in
//! `regression/`, one file per bug found), sharing `common` and
//! `fuzz_support`. One binary links the crate and its dev-dependencies once.

mod common;
mod fuzz_support;

mod catalog;
mod ci;
mod cli;
mod diff;
mod edit;
mod explain;
mod export;
mod expression;
mod fuzz_corpus;
mod hostile_archives;
mod json_model;
mod json_output;
mod layouts;
mod pack;
mod plan;
mod properties;
mod raw_entries;
mod read_windows;
mod real_world;
mod reference;
mod regression;
mod remap;
mod rezip_tools;
mod samples;
mod serde;
mod set_get;
mod validate;
mod writer;

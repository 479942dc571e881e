#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod archive;
pub mod bundle;
pub mod error;
pub mod export;
pub mod graph;
pub mod json;
pub mod layout;
pub mod limits;
pub mod model;
pub mod name;
pub mod pack;
pub mod read;
pub mod resolve;
pub mod validate;
pub mod workspace;
pub mod write;

pub use bundle::{Bundle, Entry, Warning, WarningKind};
pub use error::{Error, ErrorKind, Position, Result};
pub use layout::Layout;
pub use limits::Limits;
pub use model::*;
pub use pack::{BundleDir, Packed, UnpackOptions};
pub use read::ReadOptions;
pub use workspace::Workspace;

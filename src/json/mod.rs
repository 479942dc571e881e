//! Lossless JSON: the parser and writer under the definition model.
//!
//! `serde_json` cannot keep a number's text (`60.0`, `1e3`) without its global
//! `arbitrary_precision` feature, which would change `serde_json::Number` for
//! every crate in a dependent's build, and its maps keep the last of two
//! duplicate keys silently. This small RFC 8259 parser keeps number text and
//! key order, rejects duplicate keys, a byte order mark, invalid UTF-8 and
//! nesting deeper than [`MAX_DEPTH`], and reports line and column. The tests
//! check it against `serde_json` on every input both accept.

mod parse;
mod value;
mod write;

pub use parse::{MAX_DEPTH, PathSegment, SyntaxError, parse};
pub(crate) use parse::{line_column, locate};
pub use value::{Number, Object, Value};
pub use write::{to_string_compact, to_vec_pretty};

//! Lossless JSON: the parser and writer under the definition model.
//!
//! `serde_json` cannot keep a number's text (`60.0`, `1e3`) without its global
//! `arbitrary_precision` feature, which would change `serde_json::Number` for
//! every crate in a dependent's build, and its maps keep the last of two
//! duplicate keys silently. This small RFC 8259 parser keeps number text and
//! key order, rejects duplicate keys, invalid UTF-8 and nesting deeper than
//! [`MAX_NESTING`], skips a leading byte order mark, and reports line and column. The tests
//! check it against `serde_json` on every input both accept.

mod edit;
mod parse;
mod reader;
mod serialize;
mod value;
mod write;

pub(crate) use edit::{Rewrite, members, pointer_position, replace_strings, rewrite};
pub use parse::MAX_NESTING;
pub(crate) use parse::{BYTE_ORDER_MARK, PathSegment, line_column, locate};
pub(crate) use reader::{Detour, Reader};
pub use value::{Number, Object, Value};
pub use write::{to_string_compact, to_vec_pretty};

use crate::error::{Error, ErrorKind, Position, Result};

/// Whether JSON text `bytes` may spell a name with an escape a byte search
/// would miss: `\u0064ws_link` is `dws_link`, `obs:\/\/b` is `obs://b`;
/// with `quotes` (a name holds `"` or `\`), `\"` and `\\` too. Other
/// escapes (`\n`, `\t`, …) cannot occur in a definition's name.
pub(crate) fn may_escape_a_name(bytes: &[u8], quotes: bool) -> bool {
    let found = |escape: &[u8]| memchr::memmem::find(bytes, escape).is_some();
    found(b"\\u") || found(b"\\/") || (quotes && (found(b"\\\"") || found(b"\\\\")))
}

/// Parses one JSON document into the lossless [`Value`] tree.
///
/// ```
/// let value = dlf_bundle::json::parse(br#"{"x": "-45.5", "n": 60.0}"#)?;
/// assert_eq!(dlf_bundle::json::to_string_compact(&value), r#"{"x":"-45.5","n":60.0}"#);
/// let error = dlf_bundle::json::parse(b"{\"a\": 1, \"a\": 2}").unwrap_err();
/// assert_eq!(error.position().map(|p| (p.line, p.column)), Some((1, 10)));
/// # Ok::<(), dlf_bundle::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::Json`] with line and column for invalid JSON, duplicate
/// keys, invalid UTF-8 or nesting deeper than [`MAX_NESTING`]. A leading UTF-8
/// byte order mark is not an error (RFC 8259 §8.1): it is skipped.
pub fn parse(bytes: &[u8]) -> Result<Value> {
    parse::parse(bytes).map_err(|e| {
        let error = if e.internal {
            Error::internal(&e.message)
        } else {
            Error::new(ErrorKind::Json, format!("invalid JSON: {}", e.message))
        };
        error.at(Position::new(e.line, e.column)).with_source(e)
    })
}

//! The one canonical JSON style used for new or changed definitions.
//!
//! Two-space indentation, `": "` after keys, one element per line, empty
//! containers as `{}` / `[]`, non-ASCII text as UTF-8, and a final newline.
//! Escapes match `serde_json` (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other
//! control characters as `\u00XX`), so the output equals
//! `serde_json::to_string_pretty` of the same value plus the newline.

use super::Value;
use std::io::Write as _;

/// Serialises `value` in the canonical pretty style, with a final newline.
///
/// ```
/// let value = dlf_bundle::json::parse(br#"{"a":[1,"x"],"b":{}}"#).unwrap();
/// assert_eq!(
///     String::from_utf8(dlf_bundle::json::to_vec_pretty(&value)).unwrap(),
///     "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {}\n}\n"
/// );
/// ```
pub fn to_vec_pretty(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, value, Some(0));
    out.push(b'\n');
    out
}

/// Serialises `value` on one line without spaces (for messages and tests).
pub fn to_string_compact(value: &Value) -> String {
    let mut out = Vec::with_capacity(64);
    write_value(&mut out, value, None);
    // Only valid UTF-8 is ever written; were it not, the damage would show.
    String::from_utf8(out).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

fn newline(out: &mut Vec<u8>, indent: Option<usize>) {
    if let Some(level) = indent {
        out.push(b'\n');
        out.resize(out.len() + 2 * level, b' ');
    }
}

fn write_value(out: &mut Vec<u8>, value: &Value, indent: Option<usize>) {
    let inner = indent.map(|level| level + 1);
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => out.extend_from_slice(number.as_str().as_bytes()),
        Value::String(text) => write_string(out, text),
        Value::Array(items) if items.is_empty() => out.extend_from_slice(b"[]"),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, inner);
                write_value(out, item, inner);
            }
            newline(out, indent);
            out.push(b']');
        }
        Value::Object(object) if object.is_empty() => out.extend_from_slice(b"{}"),
        Value::Object(object) => {
            out.push(b'{');
            for (i, (key, item)) in object.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, inner);
                write_string(out, key);
                out.extend_from_slice(if indent.is_some() { b": " } else { b":" });
                write_value(out, item, inner);
            }
            newline(out, indent);
            out.push(b'}');
        }
    }
}

fn write_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    // Each piece ends with the one character that needs an escape, if any.
    for piece in text.split_inclusive(|c: char| c == '"' || c == '\\' || c < ' ') {
        let mut chars = piece.chars();
        let escape: &[u8] = match chars.next_back() {
            Some('"') => b"\\\"",
            Some('\\') => b"\\\\",
            Some('\n') => b"\\n",
            Some('\r') => b"\\r",
            Some('\t') => b"\\t",
            Some('\u{8}') => b"\\b",
            Some('\u{c}') => b"\\f",
            Some(control) if control < ' ' => {
                out.extend_from_slice(chars.as_str().as_bytes());
                let _ = write!(out, "\\u{:04x}", u32::from(control));
                continue;
            }
            _ => {
                out.extend_from_slice(piece.as_bytes());
                continue;
            }
        };
        out.extend_from_slice(chars.as_str().as_bytes());
        out.extend_from_slice(escape);
    }
    out.push(b'"');
}

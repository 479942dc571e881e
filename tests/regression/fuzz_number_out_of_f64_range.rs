//! Fuzz finding `number-out-of-f64-range` (`fuzz/regressions/json_model/`):
//! `1.5e123250` is valid JSON that `serde_json` refuses; the parser must keep
//! its text, not refuse it or turn it into infinity.

use dlf_bundle::json;

#[test]
fn a_number_beyond_f64_is_kept_verbatim() {
    let text = "[0,-0,1.5e123250,1.02356749467494506]";
    let value = json::parse(text.as_bytes()).unwrap();
    assert_eq!(json::to_string_compact(&value), text);
    assert!(serde_json::from_str::<serde_json::Value>(text).is_err());
}

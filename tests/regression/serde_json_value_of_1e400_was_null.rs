//! `From<json::Value> for serde_json::Value` turned `1e400` into `null` (and
//! rounded numbers with more digits than f64 keeps) while its doc said
//! "rounded": the conversion is now exact or an `ErrorKind::Lossy` error.

use dlf_bundle::ErrorKind;
use dlf_bundle::json::{self, Number, Value};

#[test]
fn numbers_convert_exactly_or_not_at_all() {
    let table: &[(&str, Option<serde_json::Value>)] = &[
        ("60", Some(serde_json::json!(60))),
        ("-45.5", Some(serde_json::json!(-45.5))),
        ("18446744073709551615", Some(serde_json::json!(u64::MAX))),
        ("0.1", Some(serde_json::json!(0.1))),
        ("6e1", Some(serde_json::json!(60.0))),
        ("1e400", None),
        ("-1e400", None),
        ("0.30000000000000000444", None),
        ("123456789012345678901234567890", None),
    ];
    for (text, expected) in table {
        let converted = serde_json::Value::try_from(Value::Number(Number::parse(text).unwrap()));
        match expected {
            Some(expected) => assert_eq!(&converted.unwrap(), expected, "{text}"),
            None => assert_eq!(converted.unwrap_err().kind(), &ErrorKind::Lossy, "{text}"),
        }
    }
}

#[test]
fn a_lossy_number_inside_a_document_fails_the_whole_conversion() {
    let value = json::parse(br#"{"a": [1, {"b": 1e400}]}"#).unwrap();
    assert!(serde_json::Value::try_from(value).is_err());
}

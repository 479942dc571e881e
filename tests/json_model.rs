//! The lossless JSON layer and model: what survives a round trip, what is an
//! error, and agreement with `serde_json` on everything both accept.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::error::Position;
use dlf_bundle::json::{self, Value};
use dlf_bundle::model::{Definition, NodeType, ProcessType, Scalar};
use dlf_bundle::{DefinitionKind, ErrorKind, Job, Script};

fn round_trip_compact(text: &str) -> String {
    let job = Job::from_slice(text.as_bytes()).unwrap();
    json::to_string_compact(&job.to_value())
}

#[test]
fn scalar_forms_survive() {
    let cases = [
        r#"{"nodes":[{"location":{"x":"-45.5","y":-207.0}}]}"#,
        r#"{"nodes":[{"location":{"x":705,"y":"705"}}]}"#,
        r#"{"nodes":[{"maxExecutionTime":60,"execTimeOutRetry":"false","retryTimes":"0"}]}"#,
        r#"{"id":608627,"version":"1","emptyRunningJob":"0","cleanOverdueDays":6e1}"#,
        r#"{"singleNodeJobFlag":false,"basicConfig":{"priority":1.0,"tags":{}}}"#,
        r#"{"basicConfig":{"tags":[]},"x":1E+2,"y":-0,"z":0.10}"#,
    ];
    for text in cases {
        assert_eq!(round_trip_compact(text), text);
    }
}

#[test]
fn unknown_keys_keep_their_place_between_known_ones() {
    let text = r#"{"resouces":[],"name":"j","maskedParams":[],"nodes":[{"lineageInfo":"[{\"outputs\":[]}]","name":"n","value_is_sensitive":false,"properties":[{"name":"a","value_is_sensitive":false,"value":"b","zz":1}]}],"useCdmCache":false}"#;
    assert_eq!(round_trip_compact(text), text);
    let job = Job::from_slice(text.as_bytes()).unwrap();
    assert_eq!(job.extra.keys().collect::<Vec<_>>(), ["maskedParams", "useCdmCache"]);
    assert_eq!(job.nodes()[0].extra.keys().collect::<Vec<_>>(), ["value_is_sensitive"]);
}

#[test]
fn null_documented_fields_are_kept() {
    let text = r#"{"name":"j","description":null,"nodes":null}"#;
    assert_eq!(round_trip_compact(text), text);
    let mut job = Job::from_slice(text.as_bytes()).unwrap();
    assert!(job.description.is_none());
    job.description = Some("set later".into());
    assert_eq!(json::to_string_compact(&job.to_value()), r#"{"name":"j","description":"set later","nodes":null}"#);
}

#[test]
fn new_fields_are_appended_and_removed_fields_vanish() {
    let mut job = Job::from_slice(br#"{"name":"j","directory":"/a","extra":1}"#).unwrap();
    job.directory = None;
    job.log_path = Some("obs://logs".into());
    assert_eq!(json::to_string_compact(&job.to_value()), r#"{"name":"j","extra":1,"logPath":"obs://logs"}"#);
}

#[test]
fn open_enums_keep_unknown_values() {
    let job = Job::from_slice(br#"{"processType":"STREAMING","nodes":[{"type":"ForEachJob"},{"type":"NewNode2027"}]}"#)
        .unwrap();
    assert_eq!(job.process_type, Some(ProcessType::Other("STREAMING".into())));
    assert_eq!(job.nodes()[0].node_type, Some(NodeType::ForEach));
    assert!(job.nodes()[1].node_type.as_ref().unwrap().is_unknown());
    assert_eq!(
        round_trip_compact(r#"{"nodes":[{"type":"NewNode2027"},{"type":"RDS SQL"}]}"#),
        r#"{"nodes":[{"type":"NewNode2027"},{"type":"RDS SQL"}]}"#
    );
}

#[test]
fn variant_spellings_are_both_read() {
    let script = Script::from_slice(br#"{"name":"s","currentDatabase":"db1","database":"db2"}"#).unwrap();
    assert_eq!(script.effective_database(), Some("db1"));
    let resource = dlf_bundle::Resource::from_slice(
        br#"{"dependFiles":["a.jar"],"dependPackages":[{"type":"jar","location":"obs://x"}]}"#,
    )
    .unwrap();
    assert_eq!(resource.depend_files.unwrap().len(), 1);
    assert_eq!(resource.depend_packages.unwrap()[0].location.as_deref(), Some("obs://x"));
}

#[test]
fn scalars_read_in_either_form() {
    assert_eq!(Scalar::from("-45.5").as_f64(), Some(-45.5));
    assert_eq!(Scalar::from("false").as_bool(), Some(false));
    assert_eq!(Scalar::from(true).as_bool(), Some(true));
    assert_eq!(Scalar::from("60").as_i64(), Some(60));
}

#[test]
fn wrong_types_name_the_field() {
    let cases: &[(&str, &str)] = &[
        (r#"{"nodes":"x"}"#, "`nodes`: expected an array, found a string"),
        (r#"{"nodes":[1]}"#, "`nodes[0]`: expected an object, found a number"),
        (
            r#"{"nodes":[{"properties":[{"name":5}]}]}"#,
            "`nodes[0].properties[0].name`: expected a string, found a number",
        ),
        (r#"{"schedule":{"cron":{"dependJobs":{"jobs":"a"}}}}"#, "`schedule.cron.dependJobs.jobs`: expected an array"),
        (r#"{"nodes":[{"location":{"x":[]}}]}"#, "`nodes[0].location.x`: expected a string, number or boolean"),
        ("[]", "the document: expected an object, found an array"),
    ];
    for (text, message) in cases {
        let error = Job::from_slice(text.as_bytes()).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::WrongType { .. }), "{text}");
        assert!(error.message().contains(message), "{text}: {error}");
    }
}

#[test]
fn syntax_errors_have_positions() {
    let cases: &[(&[u8], usize, usize, &str)] = &[
        (b"{\"a\":1,\"a\":2}", 1, 8, "duplicate key `a`"),
        (b"{\"a\":1}x", 1, 8, "trailing characters"),
        (b"", 1, 1, "the file is empty (0 bytes)"),
        (b"{\"a\":\"\\ud800\"}", 1, 7, "lone leading surrogate"),
        (b"{\"a\":01}", 1, 6, "invalid number"),
        (b"{\n\"a\":\"\t\"}", 2, 6, "control character"),
        // A byte order mark is skipped and takes no column.
        (b"\xEF\xBB\xBF{\"a\":1,\"a\":2}", 1, 8, "duplicate key `a`"),
        (b"{\"\xc3\x28\":1}", 1, 3, "invalid UTF-8"),
    ];
    for (text, line, column, message) in cases {
        let error = Job::from_slice(text).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Json);
        assert_eq!(error.position(), Some(Position::new(*line, *column)), "{error}");
        assert!(error.message().contains(message), "{error}");
    }
}

#[test]
fn nesting_is_bounded_without_stack_overflow() {
    for depth in [129, 10_000, 1_000_000] {
        let text = format!("{{\"x\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        let error = Job::from_slice(text.as_bytes()).unwrap_err();
        assert!(error.message().contains("nesting deeper than 128"), "{error}");
    }
    let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
    assert!(json::parse(ok.as_bytes()).is_ok());
}

#[test]
fn canonical_output_matches_serde_json_pretty() {
    let text = r#"{"a":"x\"y\\z\n\t\u0001\u007f中文","b":[1,2.5,-3,true,null,{}],"c":{"d":[]},"e":"\/"}"#;
    let ours = json::to_vec_pretty(&json::parse(text.as_bytes()).unwrap());
    let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
    // serde_json without preserve_order sorts keys; these are already sorted.
    let expected = serde_json::to_string_pretty(&theirs).unwrap() + "\n";
    assert_eq!(String::from_utf8(ours).unwrap(), expected);
}

#[test]
fn every_character_that_needs_an_escape_is_written_as_serde_json_writes_it() {
    let specials = (0_u8..0x20).map(char::from).chain(['"', '\\']);
    for special in specials {
        for text in
            [special.to_string(), format!("a{special}"), format!("{special}é"), format!("中{special}{special}文")]
        {
            let ours = json::to_string_compact(&Value::from(text.as_str()));
            assert_eq!(ours, serde_json::to_string(&text).unwrap(), "{text:?}");
            assert_eq!(json::parse(ours.as_bytes()).unwrap(), Value::from(text.as_str()), "{text:?}");
        }
    }
}

#[test]
fn acceptance_agrees_with_serde_json() {
    let inputs: &[&[u8]] = &[
        b"{}",
        b"[]",
        b"1",
        b"-0.0e+1",
        b"\"\\u00e9\"",
        b" [1 , 2 ] ",
        b"{\"a\":[{\"b\":null}]}",
        b"01",
        b"1.",
        b".5",
        b"+1",
        b"[1,]",
        b"{\"a\":1,}",
        b"nul",
        b"\"\\x\"",
        b"[\"\x01\"]",
        b"\"\\ud83d\\ude00\"",
        b"\"\\udc00\"",
        b"tru",
        b"{\"a\" 1}",
        b"[1 2]",
        b"1e",
        b"-",
        b"\"abc",
        b"{\"a\":1}}",
        b"  ",
    ];
    for input in inputs {
        let ours = json::parse(input).is_ok();
        let theirs = serde_json::from_slice::<serde_json::Value>(input).is_ok();
        assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(input));
        if let (Ok(value), Ok(reference)) = (json::parse(input), serde_json::from_slice::<serde_json::Value>(input)) {
            let converted = serde_json::Value::try_from(value).unwrap();
            assert_eq!(converted, reference, "{}", String::from_utf8_lossy(input));
        }
    }
}

#[test]
fn definition_kinds_parse_through_one_entry_point() {
    let definition = Definition::from_slice(DefinitionKind::Script, br#"{"name":"s","type":"SparkPython"}"#).unwrap();
    assert_eq!((definition.kind(), definition.name()), (DefinitionKind::Script, Some("s")));
    assert!(matches!(json::parse(b"[1]").unwrap(), Value::Array(_)));
}

/// `from_slice` reads documented fields straight from the text; it must give
/// what parsing into a `Value` and converting gives, or the same error.
#[test]
fn reading_straight_from_text_agrees_with_the_value_tree() {
    let many_keys = (0..40).map(|i| format!("\"k{i}\":{i}")).collect::<Vec<_>>().join(",") + ",";
    let inputs: Vec<Vec<u8>> = [
        r#"{"name":"j","nodes":[{"name":"a","type":"DWSSQL","properties":[{"name":"scriptName","value":"s"}]}]}"#,
        r#"{"name":null,"nodes":null,"x":1}"#,
        r#"{"name":"j","name":"k"}"#,
        r#"{"x":1,"x":2}"#,
        r#"{"n\u0061me":"j"}"#,
        r#"{"name":"j\n\"k\""}"#,
        r#"{"nodes":[{"location":{"x":-45.5,"y":"60"},"retryTimes":true}]}"#,
        r#"{"nodes":[{"location":{"x":nope}}]}"#,
        r#"{"name":1}"#,
        r#"{"nodes":{}}"#,
        r#"{"nodes":[1]}"#,
        r#"{"processType":"SOMETHING_NEW","type":"HiveSQL","content":"select\n1"}"#,
        r#"{"name":"j"} x"#,
        r#"{"name":"j",}"#,
        r#"{"name":"j""#,
        "\u{feff}{\"name\":\"j\"}",
        "[]",
        "",
        "   ",
        r#"{"params":[{"name":"p","value":01}]}"#,
        r#"{"description":"\ud800"}"#,
    ]
    .iter()
    .map(|text| text.as_bytes().to_vec())
    .chain([
        format!("{{{many_keys}\"name\":\"j\",\"k3\":0}}").into_bytes(),
        format!("{{{many_keys}\"name\":\"j\"}}").into_bytes(),
        format!("{{\"lineageInfo\":{}{}}}", "[".repeat(127), "]".repeat(127)).into_bytes(),
        format!("{{\"lineageInfo\":{}{}}}", "[".repeat(128), "]".repeat(128)).into_bytes(),
        b"{\"name\":\"\xff\"}".to_vec(),
    ])
    .collect();
    for input in &inputs {
        for kind in DefinitionKind::ALL {
            let direct = Definition::from_slice(kind, input);
            let through_tree = json::parse(input).and_then(|value| Definition::from_value(kind, value));
            let shown = String::from_utf8_lossy(input);
            match (&direct, &through_tree) {
                (Ok(direct), Ok(tree)) => {
                    assert_eq!(json::to_string_compact(&direct.to_value()), json::to_string_compact(&tree.to_value()));
                }
                (Err(direct), Err(tree)) => assert_eq!(direct.kind(), tree.kind(), "{shown}"),
                _ => panic!("{kind:?} {shown}: direct {direct:?}, through the tree {through_tree:?}"),
            }
        }
    }
}

/// A trailing comma is reported at the comma, not at the `}` after it.
#[test]
fn a_trailing_comma_is_reported_where_it_stands() {
    for (text, line, column) in [
        ("{\n  \"name\": \"a\",\n  \"nodes\": [],\n}\n", 3, 14),
        ("{\"name\": \"a\", \"nodes\": [1,]}", 1, 26),
        ("{\"name\": \"a\",}", 1, 13),
    ] {
        let error = dlf_bundle::Job::from_slice(text.as_bytes()).unwrap_err();
        assert!(error.message().contains("trailing comma"), "{text}: {error}");
        assert_eq!(error.position(), Some(dlf_bundle::error::Position::new(line, column)), "{text}: {error}");
    }
}

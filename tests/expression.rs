//! EL expressions: the parser on the expression reference's examples, and
//! the diagnostics validation gives for typos, imbalance and arity.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::expression::{Expr, find, parse};

#[test]
fn the_reference_examples_parse() {
    let examples = [
        r#"DateUtil.format(Job.planTime, "yyyy-MM-dd")"#,
        r#"DateUtil.format(DateUtil.addDays(Job.planTime, -1), "yyyyMMdd")"#,
        r#"Env.get("db_name")"#,
        r#"Job.getNodeOutput("extract")"#,
        r#"JSONUtil.path(Job.getNodeOutput("rest"), "data.items[0].id")"#,
        r#"StringUtil.isNotEmpty(Job.getParam("x")) ? Job.getParam("x") : "default""#,
        "Loop.current[0]",
        "Job.getYesterday()",
        "DateUtil.getDay(Job.planTime) == 1 && !false || 2 * 3 % 4 >= 1",
        "'single quoted {braces}'",
    ];
    for example in examples {
        assert!(parse(example).is_ok(), "{example}: {:?}", parse(example));
    }
    assert_eq!(
        parse(r#"Env.get("a")"#).unwrap(),
        Expr::Call(
            Box::new(Expr::Member(Box::new(Expr::Name("Env".into())), "get".into())),
            vec![Expr::Text("a".into())]
        )
    );
}

#[test]
fn malformed_expressions_say_what_is_wrong() {
    let table = [
        (r#"DateUtil.format(Job.planTime, "x""#, "expected `,` or `)` closing the arguments at the end", 33),
        (r#"Env.get("a)"#, "unbalanced quote `\"` at 8", 8),
        ("Job.", "expected a member name after `.` at the end", 4),
        ("1 +", "expected a value at the end", 3),
        ("1 + )", "expected a value, found `)` at 4", 4),
        ("a b", "expected the end of the expression, found `b` at 2", 2),
        ("a ? b", "expected `:` at the end", 5),
        ("x[1", "expected `]` at the end", 3),
        ("#", "unexpected `#` at 0", 0),
    ];
    for (source, message, offset) in table {
        let error = parse(source).unwrap_err();
        assert_eq!((error.to_string().as_str(), error.offset()), (message, offset), "{source}");
    }
}

#[test]
fn expressions_are_found_in_text_with_braces_inside_quotes() {
    let found = find(r#"a #{Env.get("}")} b #{Job.name} c #{open"#);
    let sources: Vec<&str> = found.iter().map(|f| f.source.as_str()).collect();
    assert_eq!(sources, [r#"Env.get("}")"#, "Job.name", "open"]);
    assert!(found[0].parsed.is_ok() && found[1].parsed.is_ok() && found[2].parsed.is_err());
    assert_eq!((found[0].offset, found[1].offset), (2, 20));
}

/// A `#` opens an expression only with its `{`, even right before one that does.
#[test]
fn a_hash_without_its_brace_opens_nothing() {
    let found = find("# ##{Job.name} 测#x #");
    let found: Vec<(usize, &str)> = found.iter().map(|f| (f.offset, f.source.as_str())).collect();
    assert_eq!(found, [(3, "Job.name")]);
    assert!(find("#").is_empty() && find("# #x 测#").is_empty());
}

#[test]
fn the_reference_typo_gets_a_hint() {
    use dlf_bundle::diagnostic::Code;
    use dlf_bundle::validate::{ValidateOptions, validate_bundle};
    let text = r##"{"name":"j","nodes":[{"name":"n","type":"Shell","location":{"x":"0","y":"0"},"properties":[{"name":"p","value":"#{Evn.get(\"db\")} #{Job.getNodeOutpt(\"m\")}"}]}],"schedule":{"type":"EXECUTE_ONCE"},"processType":"BATCH"}"##;
    let mut bundle = dlf_bundle::Bundle::new(dlf_bundle::Layout::Single);
    bundle
        .insert(
            "jobs/j.job",
            dlf_bundle::model::Document::parse(dlf_bundle::DefinitionKind::Job, text.as_bytes().to_vec()).unwrap(),
        )
        .unwrap();
    let diagnostics = validate_bundle(&bundle, &ValidateOptions::default());
    let hints: Vec<(&str, &str)> = diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownElMember)
        .map(|d| (d.pointer.as_deref().unwrap(), d.hint.as_str()))
        .collect();
    assert_eq!(
        hints,
        [
            ("/nodes/0/properties/0/value", "did you mean `Env`?"),
            ("/nodes/0/properties/0/value", "did you mean `getNodeOutput`?")
        ]
    );
}

/// Canonical text prints back as it is; other spellings print canonically
/// and parse to the same expression.
#[test]
fn expressions_print_back_canonically() {
    let canonical = [
        r#"DateUtil.format(DateUtil.addDays(Job.planTime, -1), "yyyyMMdd")"#,
        r#"StringUtil.isNotEmpty(Job.getParam("x")) ? Job.getParam("x") : "default""#,
        "Loop.current[0]",
        "(a + b) * c",
        "a - (b - c)",
        "a - b - c",
        "!(a == b) || c && d",
        "(a ? b : c).d",
        "(1).x",
        "a ? b ? c : d : e",
        r#""quote \" and backslash \\""#,
        "--1",
        "null == true",
    ];
    for text in canonical {
        assert_eq!(parse(text).unwrap().to_string(), text);
    }
    let spellings = [
        ("DateUtil.format( Job.planTime ,'yyyy' )", r#"DateUtil.format(Job.planTime, "yyyy")"#),
        ("((a))+(b*c)", "a + b * c"),
        ("1 .x", "(1).x"),
        ("'it\\'s'", r#""it's""#),
    ];
    for (text, printed) in spellings {
        let expr = parse(text).unwrap();
        assert_eq!(expr.to_string(), printed, "{text}");
        assert_eq!(parse(printed).unwrap(), expr, "{text}");
    }
}

/// A hostile file cannot make the parser, the printer or the drop of the
/// tree run out of stack.
#[test]
fn nesting_and_length_are_bounded() {
    let table = [
        ("(".repeat(100_000), "longer than 1000 tokens"),
        ("(".repeat(500), "nested deeper than 64 levels"),
        ("!".repeat(100_000) + "a", "longer than 1000 tokens"),
        ("!".repeat(100) + "a", "nested deeper than 64 levels"),
        (vec!["a"; 2000].join(" + "), "longer than 1000 tokens"),
    ];
    for (text, message) in table {
        let error = parse(&text).unwrap_err();
        assert!(error.to_string().contains(message), "{}…: {error}", &text[..10]);
    }
    assert!(parse(&format!("{}a{}", "(".repeat(60), ")".repeat(60))).is_ok());
}

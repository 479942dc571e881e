//! `dlf-bundle explain`: every code is listed, explained, and in the
//! README's table with the same severity and title.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use dlf_bundle::diagnostic::Code;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dlf-bundle")).args(args).output().unwrap()
}

/// `(code, severity, title)` of every row of the README's code table.
fn readme_table() -> Vec<(String, String, String)> {
    let readme = include_str!("../README.md");
    readme
        .lines()
        .filter(|line| line.starts_with("| `DLFB"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].trim_matches('`').to_owned(), cells[1].to_owned(), cells[2].to_owned())
        })
        .collect()
}

#[test]
fn the_json_list_holds_every_code_and_the_readme_table_the_same_rows() {
    let output = run(&["explain", "--list", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let rows: Vec<(String, String, String)> = listed
        .iter()
        .map(|code| {
            let field = |key: &str| code[key].as_str().unwrap().to_owned();
            (field("code"), field("severity"), field("title"))
        })
        .collect();
    assert_eq!(rows.len(), Code::ALL.len());
    assert_eq!(rows, readme_table(), "the README's table must list exactly the codes, severities and titles");
}

#[test]
fn every_code_is_explained_with_an_example_and_a_fix() {
    for code in Code::ALL {
        let output = run(&["explain", code.as_str()]);
        assert_eq!(output.status.code(), Some(0), "{code}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.starts_with(&format!("{code} ({}): {}", code.severity().as_str(), code.title())), "{text}");
        assert!(text.contains("Example:") && text.contains("Fix:"), "{code}: {text}");
    }
}

#[test]
fn codes_are_found_in_any_case_and_unknown_codes_are_usage_errors() {
    let table = [("dlfb0302", 0), ("DLFB0302", 0), ("DLFB9999", 2), ("Evn", 2)];
    for (code, exit) in table {
        let output = run(&["explain", code]);
        assert_eq!(output.status.code(), Some(exit), "{code}");
        if exit == 2 {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("is not a diagnostic code") && stderr.contains("--list"), "{stderr}");
        }
    }
}

#[test]
fn the_text_list_has_a_line_per_code() {
    let output = run(&["explain", "--list"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), Code::ALL.len());
    assert!(text.lines().next().unwrap().starts_with("DLFB0001  error"), "{text}");
}

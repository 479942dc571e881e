//! Bundles as users re-zip them, with the tools they have: each row unpacks
//! a bundle, re-zips it with one tool in one way, and says what reading the
//! result must give: the same definitions with exactly these warnings, or a
//! refusal of this kind whose advice says how to fix it.
//!
//! A row whose tool is not installed is skipped with a message; `.ci/run`
//! installs them all (Info-ZIP, 7-Zip, bsdtar, Go, a JDK, Python). What no
//! tool here writes (Finder's `AppleDouble` files, .NET Framework's `\`
//! separators, a FAT host) is built byte by byte in `tests/real_world.rs`.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods, reason = "the tests lay out folders for the tools to zip")]

use crate::common::sample_bundle;
use dlf_bundle::diagnostic::WarningKind;
use dlf_bundle::error::Unsupported;
use dlf_bundle::{Bundle, ErrorKind};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn definitions(bundle: &Bundle) -> BTreeMap<String, Vec<u8>> {
    bundle.iter().map(|e| (e.path().to_owned(), e.document().unwrap().bytes().into_owned())).collect()
}

/// What reading the re-zipped archive must give.
#[derive(Debug)]
enum Expect {
    /// The sample's definitions, with exactly these kinds of warning.
    Reads(&'static [WarningKind]),
    /// A refusal of this kind, whose hint starts so.
    Refused(ErrorKind, &'static str),
}

use Expect::{Reads, Refused};

struct Row {
    tool: &'static str,
    case: &'static str,
    /// Programs the row needs, each with an argument that only prints its version.
    needs: &'static [(&'static str, &'static str)],
    /// A shell script run in a folder holding `jobs/`; it writes the archive to `$OUT`.
    script: &'static str,
    expect: Expect,
}

fn method(method: u16) -> ErrorKind {
    ErrorKind::UnsupportedEntry(Unsupported::Method { method })
}

const ENCRYPTED: ErrorKind = ErrorKind::UnsupportedEntry(Unsupported::Encrypted);
const DEFLATE_HINT: &str = "re-zip the files with Deflate: `zip -r -Z deflate jobs.zip jobs`";
const PASSWORD_HINT: &str = "re-zip the files without a password";

const INFO_ZIP: &[(&str, &str)] = &[("zip", "-v")];
const SEVEN_ZIP: &[(&str, &str)] = &[("7z", "i")];
const BSDTAR: &[(&str, &str)] = &[("bsdtar", "--version")];
const PYTHON: &[(&str, &str)] = &[("python3", "--version")];
const INFO_ZIP_AND_PYTHON: &[(&str, &str)] = &[("zip", "-v"), ("python3", "--version")];

/// A Zip64 archive whose end record holds 0xFFFF in both disk fields, as
/// writers may when the Zip64 record carries the real values.
const ZIP64_PLACEHOLDER_DISKS: &str = r#"zip -qr -fz "$OUT" jobs && python3 - "$OUT" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
assert data.find(b"PK\x06\x07") >= 0, "no Zip64 locator"
end = data.rfind(b"PK\x05\x06")
data[end + 4:end + 8] = b"\xff\xff\xff\xff"
open(path, "wb").write(data)
PY"#;

/// Python's `zipfile` with one compression method.
const PYTHON_ZIP: &str = r#"python3 - "$OUT" <<'PY'
import os, sys, zipfile
method = getattr(zipfile, os.environ["METHOD"])
with zipfile.ZipFile(sys.argv[1], "w", method) as archive:
    for root, folders, files in os.walk("jobs"):
        folders.sort()
        for name in sorted(files):
            archive.write(os.path.join(root, name))
PY"#;

/// Go's `archive/zip`, as Go programs and CI tools built with it write.
const GO_ZIP: &str = r#"cat > main.go <<'GO'
package main

import (
	"archive/zip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	out, _ := os.Create(os.Args[1])
	archive := zip.NewWriter(out)
	filepath.WalkDir("jobs", func(path string, entry fs.DirEntry, err error) error {
		if err != nil || entry.IsDir() {
			return err
		}
		header := &zip.FileHeader{Name: filepath.ToSlash(path), Method: zip.Deflate}
		writer, err := archive.CreateHeader(header)
		if err != nil {
			return err
		}
		file, err := os.Open(path)
		if err != nil {
			return err
		}
		defer file.Close()
		_, err = io.Copy(writer, file)
		return err
	})
	if err := archive.Close(); err != nil {
		panic(err)
	}
	out.Close()
}
GO
go run main.go "$OUT" && rm main.go"#;

#[allow(clippy::too_many_lines, reason = "one table, a row per tool and case")]
fn rows() -> Vec<Row> {
    let row = |tool, case, needs, script, expect| Row { tool, case, needs, script, expect };
    vec![
        row("Info-ZIP", "zip -r", INFO_ZIP, r#"zip -qr "$OUT" jobs"#, Reads(&[])),
        row("Info-ZIP", "Zip64 forced (zip -fz)", INFO_ZIP, r#"zip -qr -fz "$OUT" jobs"#, Reads(&[])),
        row(
            "Info-ZIP",
            "Zip64 forced, end record's disk numbers set to the placeholder 65,535 (APPNOTE 4.4.1.4)",
            INFO_ZIP_AND_PYTHON,
            ZIP64_PLACEHOLDER_DISKS,
            Reads(&[]),
        ),
        row(
            "Info-ZIP",
            "the folder around jobs/ zipped",
            INFO_ZIP,
            r#"mkdir export && mv jobs export/ && zip -qr "$OUT" export"#,
            Reads(&[WarningKind::WrapperFolder]),
        ),
        row(
            "Info-ZIP",
            "Windows Extract All, re-zipped: jobs/jobs/",
            INFO_ZIP,
            r#"mkdir outer && mv jobs outer/ && mv outer jobs && zip -qr "$OUT" jobs"#,
            Reads(&[WarningKind::WrapperFolder]),
        ),
        // Some tools store small files whatever the method asked for: a
        // compressible padding file makes sure one entry uses it.
        row(
            "Info-ZIP",
            "-Z bzip2",
            INFO_ZIP,
            r#"seq 1 40000 > jobs/padding.txt && zip -qr -Z bzip2 "$OUT" jobs"#,
            Refused(method(12), DEFLATE_HINT),
        ),
        row(
            "Info-ZIP",
            "-P (ZipCrypto)",
            INFO_ZIP,
            r#"zip -qr -P secret "$OUT" jobs"#,
            Refused(ENCRYPTED, PASSWORD_HINT),
        ),
        row(
            "Info-ZIP",
            "-s 64k (split)",
            INFO_ZIP,
            r#"head -c 300000 /dev/urandom > jobs/blob.bin && zip -qr -s 64k "$OUT" jobs"#,
            Refused(ErrorKind::SplitArchive, "join the parts into one file first: `zip -s 0 in.zip --out joined.zip`"),
        ),
        row("7-Zip", "a -tzip", SEVEN_ZIP, r#"7z a -tzip -bso0 "$OUT" jobs"#, Reads(&[])),
        row(
            "7-Zip",
            "-mm=Deflate64",
            SEVEN_ZIP,
            r#"seq 1 40000 > jobs/padding.txt && 7z a -tzip -bso0 -mm=Deflate64 "$OUT" jobs"#,
            Refused(method(9), DEFLATE_HINT),
        ),
        row(
            "7-Zip",
            "-mm=BZip2",
            SEVEN_ZIP,
            r#"seq 1 40000 > jobs/padding.txt && 7z a -tzip -bso0 -mm=BZip2 "$OUT" jobs"#,
            Refused(method(12), DEFLATE_HINT),
        ),
        row(
            "7-Zip",
            "-mm=LZMA",
            SEVEN_ZIP,
            r#"seq 1 40000 > jobs/padding.txt && 7z a -tzip -bso0 -mm=LZMA "$OUT" jobs"#,
            Refused(method(14), DEFLATE_HINT),
        ),
        row(
            "7-Zip",
            "-mm=PPMd",
            SEVEN_ZIP,
            r#"seq 1 40000 > jobs/padding.txt && 7z a -tzip -bso0 -mm=PPMd "$OUT" jobs"#,
            Refused(method(98), DEFLATE_HINT),
        ),
        row(
            "7-Zip",
            "-p (ZipCrypto)",
            SEVEN_ZIP,
            r#"7z a -tzip -bso0 -psecret "$OUT" jobs"#,
            Refused(ENCRYPTED, PASSWORD_HINT),
        ),
        row(
            "7-Zip",
            "-mem=AES256",
            SEVEN_ZIP,
            r#"7z a -tzip -bso0 -mem=AES256 -psecret "$OUT" jobs"#,
            Refused(ENCRYPTED, PASSWORD_HINT),
        ),
        row("bsdtar", "--format zip jobs", BSDTAR, r#"bsdtar --format zip -cf "$OUT" jobs"#, Reads(&[])),
        row(
            "bsdtar",
            "-cf x.zip . (a leading ./)",
            BSDTAR,
            r#"bsdtar --format zip -cf "$OUT" ."#,
            Reads(&[WarningKind::CurrentDirectoryPrefix]),
        ),
        row(
            "bsdtar",
            "--options zip:compression=store",
            BSDTAR,
            r#"bsdtar --format zip --options zip:compression=store -cf "$OUT" jobs"#,
            Reads(&[]),
        ),
        row("Go", "archive/zip", &[("go", "version")], GO_ZIP, Reads(&[])),
        row("Java", "jar cfM", &[("jar", "--version")], r#"jar cfM "$OUT" jobs"#, Reads(&[])),
        row("Python", "zipfile ZIP_DEFLATED", PYTHON, PYTHON_ZIP, Reads(&[])),
        row("Python", "zipfile ZIP_STORED", PYTHON, PYTHON_ZIP, Reads(&[])),
        row("Python", "zipfile ZIP_BZIP2", PYTHON, PYTHON_ZIP, Refused(method(12), DEFLATE_HINT)),
        row("Python", "zipfile ZIP_LZMA", PYTHON, PYTHON_ZIP, Refused(method(14), DEFLATE_HINT)),
    ]
}

fn installed(needs: &[(&str, &str)]) -> bool {
    needs.iter().all(|(program, version)| Command::new(program).arg(version).output().is_ok())
}

/// Runs `row`'s script on an unpacked sample and returns the archive it wrote.
fn rezip(row: &Row, work: &Path) -> std::path::PathBuf {
    let source = work.join("src");
    sample_bundle().unpack(&source, dlf_bundle::UnpackOptions::default()).unwrap();
    let out = work.join("out.zip");
    let method = row.case.split_whitespace().last().unwrap_or_default();
    let output = Command::new("sh")
        .arg("-ec")
        .arg(row.script)
        .current_dir(&source)
        .env("OUT", &out)
        .env("METHOD", method)
        // Go needs somewhere to cache its builds, and no network.
        .env("GOCACHE", work.join("go-cache"))
        .env("GOPATH", work.join("go-path"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{} {}: the tool failed: {}",
        row.tool,
        row.case,
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

#[test]
fn archives_re_zipped_by_other_tools_read_or_are_refused_with_a_fix() {
    let expected = definitions(&sample_bundle());
    let mut skipped = Vec::new();
    for row in rows() {
        if !installed(row.needs) {
            skipped.push(format!("{} {}", row.tool, row.case));
            continue;
        }
        let work = tempfile::tempdir().unwrap();
        let archive = rezip(&row, work.path());
        let what = format!("{} {}", row.tool, row.case);
        match (&row.expect, Bundle::open(&archive)) {
            (Reads(warnings), Ok(bundle)) => {
                assert_eq!(definitions(&bundle), expected, "{what}: the definitions");
                let mut kinds: Vec<WarningKind> = bundle.warnings().iter().map(|w| w.kind).collect();
                kinds.dedup();
                assert_eq!(kinds, *warnings, "{what}: the warnings {:?}", bundle.warnings());
            }
            (Refused(kind, hint), Err(error)) => {
                assert_eq!(error.kind(), kind, "{what}: {error}");
                assert!(error.hint().is_some_and(|h| h.starts_with(hint)), "{what}: hint {:?}", error.hint());
                let message = error.to_string();
                for internal in ["failed to fill whole buffer", "Invalid signature", "0x02014b50", "rawzip"] {
                    assert!(!message.contains(internal), "{what}: the reader's wording passed on: {message}");
                }
                if let ErrorKind::UnsupportedEntry(Unsupported::Method { method }) = kind {
                    assert!(message.contains(&format!("(method {method})")), "{what}: names the method: {message}");
                }
            }
            (expect, read) => panic!("{what}: expected {expect:?}, got {:?}", read.map(|b| definitions(&b))),
        }
    }
    if !skipped.is_empty() {
        eprintln!("skipping (tool not installed): {}", skipped.join(", "));
    }
}

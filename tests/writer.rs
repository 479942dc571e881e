//! The writer: deterministic bytes, atomic files, and output that Info-ZIP
//! `unzip`, Python's `zipfile` and Java's `ZipInputStream` read identically;
//! and the other way round, archives those tools write (to files and to
//! pipes, with data descriptors) read here to the same definitions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::sample_bundle;
use dlf_bundle::model::ScriptType;
use dlf_bundle::{Bundle, Job, Layout, Script};
use std::collections::BTreeMap;
use std::process::Command;

/// path -> contents, as our reader sees the bundle.
fn expected_files(bundle: &Bundle) -> BTreeMap<String, Vec<u8>> {
    bundle.iter().map(|e| (e.path().to_owned(), e.document().unwrap().bytes().into_owned())).collect()
}

fn tool_available(program: &str, arg: &str) -> bool {
    let found = Command::new(program).arg(arg).output().is_ok();
    if !found {
        eprintln!("skipping: `{program}` is not installed");
    }
    found
}

/// Parses lines of `<path>\t<hex>` into path -> bytes.
fn parse_listing(stdout: &[u8]) -> BTreeMap<String, Vec<u8>> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|line| {
            let (path, hex) = line.split_once('\t').unwrap();
            let bytes = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
            (path.to_owned(), bytes)
        })
        .collect()
}

fn write_temp_zip(bundle: &Bundle) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    bundle.write_to_path(dir.path().join("jobs.zip")).unwrap();
    dir
}

/// Compiles the Java class `class` from `source` into `dir`.
fn compile_java(dir: &std::path::Path, class: &str, source: &str) {
    let file = dir.join(format!("{class}.java"));
    std::fs::write(&file, source).unwrap();
    let compiled = Command::new("javac").arg("-d").arg(dir).arg(&file).output().unwrap();
    assert!(compiled.status.success(), "{}", String::from_utf8_lossy(&compiled.stderr));
}

/// Unpacks the sample bundle into `dir/src` for another tool to zip.
fn unpacked_sample(dir: &std::path::Path) -> std::path::PathBuf {
    let source = dir.join("src");
    sample_bundle().unpack(&source, dlf_bundle::UnpackOptions::default()).unwrap();
    source
}

/// Entries are compressed a chunk at a time; across chunk boundaries the
/// archive is one, in path order, and another reader agrees.
#[test]
fn archives_of_many_entries_are_written_whole_and_in_order() {
    let mut bundle = Bundle::new(Layout::Single);
    for index in 0..5000 {
        let name = format!("s{index:05}");
        bundle.add_script(None, Script::new(&name, ScriptType::DwsSql, format!("select {index};"))).unwrap();
    }
    let zip = bundle.to_vec().unwrap();
    assert_eq!(crate::common::contents(&Bundle::from_slice(&zip).unwrap()), crate::common::contents(&bundle));
    let mut other = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    let names: Vec<String> =
        (0..other.len()).map(|i| other.by_index(i).unwrap().name().unwrap().into_owned()).collect();
    let expected: Vec<String> = (0..5000).map(|i| format!("scripts/s{i:05}.script")).collect();
    assert_eq!(names, expected);
}

#[test]
fn writing_is_deterministic() {
    let first = sample_bundle().to_vec().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(first, sample_bundle().to_vec().unwrap());
    // Insertion order does not matter: entries are sorted by path.
    let mut reversed = Bundle::new(Layout::Batch);
    let original = sample_bundle();
    for entry in original.entries().into_iter().rev() {
        reversed.insert(entry.path(), entry.document().unwrap().clone()).unwrap();
    }
    assert_eq!(first, reversed.to_vec().unwrap());
}

/// Enough pseudo-random script text to be split into several compression runs.
fn large_bundle() -> Bundle {
    let mut bundle = Bundle::new(Layout::Batch);
    let mut state = 0x2545_f491_u32;
    for index in 0..40 {
        let job = format!("job_{index:02}");
        bundle.add_job(Job::new(&job)).unwrap();
        let content: String = (0..30_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let alphabet = b"select from where  ;\n";
                char::from(alphabet[state as usize % alphabet.len()])
            })
            .collect();
        bundle.add_script(Some(&job), Script::new(format!("s_{index}"), ScriptType::Shell, content)).unwrap();
    }
    bundle
}

#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    let bundle = large_bundle();
    let write_with = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| bundle.to_vec().unwrap())
    };
    let single = write_with(1);
    assert_eq!(single, write_with(2));
    assert_eq!(single, write_with(7));
    assert_eq!(expected_files(&Bundle::from_slice(&single).unwrap()), expected_files(&bundle));
}

#[test]
fn a_read_bundle_writes_back_identically() {
    let zip = sample_bundle().to_vec().unwrap();
    assert_eq!(Bundle::from_slice(&zip).unwrap().to_vec().unwrap(), zip);
}

/// Only the changed value's bytes change, in the file's own style; the
/// untouched definition keeps its bytes.
#[test]
fn only_changed_values_are_rewritten() {
    let original = br#"{"name":"j",  "nodes":[], "x": 1.50}"#;
    let mut bundle = Bundle::new(Layout::Single);
    bundle
        .insert(
            "jobs/j.job",
            dlf_bundle::model::Document::parse(dlf_bundle::DefinitionKind::Job, &original[..]).unwrap(),
        )
        .unwrap();
    bundle
        .insert(
            "jobs/k.job",
            dlf_bundle::model::Document::parse(dlf_bundle::DefinitionKind::Job, &original[..]).unwrap(),
        )
        .unwrap();
    let entry = bundle.get_mut("jobs/k.job").unwrap();
    if let dlf_bundle::model::Definition::Job(job) = entry.document_mut().unwrap().definition_mut() {
        job.name = Some("k".into());
    }
    let read = Bundle::from_slice(&bundle.to_vec().unwrap()).unwrap();
    assert_eq!(read.get("jobs/j.job").unwrap().document().unwrap().bytes().as_ref(), original);
    assert_eq!(
        String::from_utf8(read.get("jobs/k.job").unwrap().document().unwrap().bytes().into_owned()).unwrap(),
        r#"{"name":"k",  "nodes":[], "x": 1.50}"#
    );
}

#[test]
fn written_names_are_utf8_flagged_and_entries_fixed() {
    let zip = sample_bundle().to_vec().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    for i in 0..archive.len() {
        let file = archive.by_index(i).unwrap();
        let name = std::str::from_utf8(file.name_raw()).unwrap().to_owned();
        assert!(!file.is_dir(), "{name}");
        assert_eq!(file.compression(), zip::CompressionMethod::DEFLATE, "{name}");
        assert_eq!(file.unix_mode(), Some(0o100_644), "{name}");
        let utf8_flag = file.flags().as_u16() & (1 << 11) != 0;
        assert_eq!(utf8_flag, !name.is_ascii(), "{name}");
        let modified = file.last_modified().unwrap();
        assert_eq!((modified.year(), modified.month(), modified.day()), (1980, 1, 1), "{name}");
    }
}

#[test]
fn writing_to_a_path_is_atomic() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("jobs.zip");
    std::fs::write(&target, b"previous").unwrap();
    // A write that cannot complete (its folder is missing) leaves no file behind.
    let failing = sample_bundle().write_to_path(dir.path().join("missing-folder/x.zip")).unwrap_err();
    assert!(failing.to_string().contains("missing-folder"), "{failing}");
    assert_eq!(std::fs::read(&target).unwrap(), b"previous");
    sample_bundle().write_to_path(&target).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), sample_bundle().to_vec().unwrap());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("jobs.zip")], "no temporary files left");
}

#[test]
fn info_zip_unzip_reads_identical_contents() {
    if !tool_available("unzip", "-v") {
        return;
    }
    let bundle = sample_bundle();
    let dir = write_temp_zip(&bundle);
    let zip = dir.path().join("jobs.zip");
    let test = Command::new("unzip").arg("-tq").arg(&zip).output().unwrap();
    assert!(test.status.success(), "unzip -t: {}", String::from_utf8_lossy(&test.stdout));
    let out = dir.path().join("out");
    let status = Command::new("unzip").arg("-q").arg(&zip).arg("-d").arg(&out).status().unwrap();
    assert!(status.success());
    for (path, bytes) in expected_files(&bundle) {
        assert_eq!(std::fs::read(out.join(&path)).unwrap(), bytes, "{path}");
    }
}

#[test]
fn python_zipfile_reads_identical_contents() {
    if !tool_available("python3", "--version") {
        return;
    }
    let bundle = sample_bundle();
    let dir = write_temp_zip(&bundle);
    let script = "import sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        assert z.testzip() is None\n\
        for i in z.infolist(): print(i.filename + '\\t' + z.read(i).hex())\n";
    let output = Command::new("python3").arg("-c").arg(script).arg(dir.path().join("jobs.zip")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(parse_listing(&output.stdout), expected_files(&bundle));
}

#[test]
fn java_zip_input_stream_reads_identical_contents() {
    if !tool_available("javac", "-version") || !tool_available("java", "-version") {
        return;
    }
    let bundle = sample_bundle();
    let dir = write_temp_zip(&bundle);
    let source = r#"
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.zip.*;
public class ListZip {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        try (ZipInputStream in = new ZipInputStream(new FileInputStream(args[0]), StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] data = in.readAllBytes();
                StringBuilder hex = new StringBuilder();
                for (byte b : data) hex.append(String.format("%02x", b));
                out.println(e.getName() + "\t" + hex);
            }
        }
    }
}
"#;
    compile_java(dir.path(), "ListZip", source);
    let output = Command::new("java")
        .arg("-cp")
        .arg(dir.path())
        .arg("ListZip")
        .arg(dir.path().join("jobs.zip"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(parse_listing(&output.stdout), expected_files(&bundle));
}

#[test]
fn info_zip_archives_are_read() {
    if !tool_available("zip", "-v") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = unpacked_sample(dir.path());
    let zip = dir.path().join("infozip.zip");
    let status = Command::new("zip").arg("-qr").arg(&zip).arg("jobs").current_dir(&source).status().unwrap();
    assert!(status.success());
    let read = Bundle::open(&zip).unwrap();
    assert_eq!(expected_files(&read), expected_files(&sample_bundle()));
}

/// Info-ZIP writing to a pipe cannot seek back: a data descriptor after
/// each deflated entry.
#[test]
fn info_zip_streamed_archives_are_read() {
    if !tool_available("zip", "-v") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = unpacked_sample(dir.path());
    let output = Command::new("sh").arg("-c").arg("zip -qr - jobs | cat").current_dir(&source).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let read = Bundle::from_slice(&output.stdout).unwrap();
    assert_eq!(expected_files(&read), expected_files(&sample_bundle()));
}

/// Python's `zipfile`, to a file and to an unseekable stream (where it
/// writes data descriptors).
#[test]
fn python_zipfile_archives_are_read() {
    if !tool_available("python3", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = unpacked_sample(dir.path());
    let script = r"
import os, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
class Unseekable:
    def __init__(self, stream): self.stream = stream
    def write(self, data): return self.stream.write(data)
    def flush(self): self.stream.flush()
out = Unseekable(sys.stdout.buffer) if target == '-' else open(target, 'wb')
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
    for root, folders, files in os.walk(source):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            archive.write(path, os.path.relpath(path, source))
";
    let file = dir.path().join("python.zip");
    for target in [file.to_str().unwrap(), "-"] {
        let output = Command::new("python3").arg("-c").arg(script).arg(&source).arg(target).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let read =
            if target == "-" { Bundle::from_slice(&output.stdout).unwrap() } else { Bundle::open(&file).unwrap() };
        assert_eq!(expected_files(&read), expected_files(&sample_bundle()), "{target}");
    }
}

/// Java's `ZipOutputStream` (data descriptors after every deflated entry).
#[test]
fn java_zip_output_stream_archives_are_read() {
    if !tool_available("javac", "-version") || !tool_available("java", "-version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = unpacked_sample(dir.path());
    let program = r"
import java.io.*;
import java.nio.file.*;
import java.util.List;
import java.util.zip.*;
public class MakeZip {
    public static void main(String[] args) throws Exception {
        Path source = Paths.get(args[0]);
        List<Path> files;
        try (var walk = Files.walk(source)) { files = walk.filter(Files::isRegularFile).sorted().toList(); }
        try (ZipOutputStream out = new ZipOutputStream(new FileOutputStream(args[1]))) {
            for (Path file : files) {
                out.putNextEntry(new ZipEntry(source.relativize(file).toString()));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }
}
";
    compile_java(dir.path(), "MakeZip", program);
    let zip = dir.path().join("java.zip");
    let output =
        Command::new("java").arg("-cp").arg(dir.path()).arg("MakeZip").arg(&source).arg(&zip).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let read = Bundle::open(&zip).unwrap();
    assert_eq!(expected_files(&read), expected_files(&sample_bundle()));
}

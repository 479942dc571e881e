//! The floor of `validate`: what no validator of a bundle can beat. It reads
//! the file, inflates every entry with libdeflate and parses it with
//! `serde_json` into `IgnoredAny`, on all cores, and does nothing else: no
//! safety checks, no layout, no model, no rules. `benches/compare/run.sh`
//! times `dlf-bundle validate` against it.
//!
//!     cargo run --release --example floor -- BUNDLE.zip
#![allow(clippy::print_stderr, reason = "a benchmark program")]

use libdeflater::Decompressor;
use rayon::prelude::*;
use std::process::ExitCode;

// The allocator `dlf-bundle` uses, so that the comparison is of the work done.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor BUNDLE.zip");
        return ExitCode::from(2);
    };
    match parse_every_entry(&path) {
        Ok(count) => {
            eprintln!("{count} entries inflated and parsed");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{path}: {message}");
            ExitCode::from(1)
        }
    }
}

fn parse_every_entry(path: &str) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let archive = rawzip::ZipArchive::from_slice(&bytes).map_err(|e| e.to_string())?;
    let mut entries = Vec::new();
    for header in archive.entries() {
        let header = header.map_err(|e| e.to_string())?;
        if !header.is_dir() {
            entries.push((header.wayfinder(), header.compression_method()));
        }
    }
    entries
        .par_iter()
        .map_init(Decompressor::new, |decompressor, (wayfinder, method)| {
            let entry = archive.get_entry(*wayfinder).map_err(|e| e.to_string())?;
            let size = usize::try_from(wayfinder.uncompressed_size_hint()).map_err(|e| e.to_string())?;
            let data = if *method == rawzip::CompressionMethod::STORE {
                entry.data().to_vec()
            } else {
                let mut out = vec![0; size];
                decompressor.deflate_decompress(entry.data(), &mut out).map_err(|e| e.to_string())?;
                out
            };
            serde_json::from_slice::<serde::de::IgnoredAny>(&data).map_err(|e| e.to_string())?;
            Ok(())
        })
        .collect::<Result<Vec<()>, String>>()
        .map(|parsed| parsed.len())
}

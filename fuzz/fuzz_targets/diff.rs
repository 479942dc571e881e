#![no_main]
//! Fuzz target `diff`: two arbitrary bundles compared; the checks live in
//! `tests/fuzz_support`, shared with the stable corpus replay test.

#[path = "../../tests/fuzz_support/mod.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| support::diff_target(data));

#![no_main]
//! Fuzz target `read_bundle`; the checks live in `tests/fuzz_support`, shared with
//! the stable corpus replay test.

#[path = "../../tests/fuzz_support/mod.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| support::read_target(data));

#![no_main]
//! Fuzz target `expression`: arbitrary text as EL expressions and as a
//! remap map; the checks live in `tests/fuzz_support`, shared with the
//! stable corpus replay test.

#[path = "../../tests/fuzz_support/mod.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| support::expression_target(data));

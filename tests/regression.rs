//! One file per bug found, named after it (`serde_json`'s `tests/regression/`
//! is the model): each test fails on the code that had the bug.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod common;

#[path = "regression/disk_number_placeholder_without_zip64_record_read_as_one_part.rs"]
mod disk_number_placeholder_without_zip64_record_read_as_one_part;
#[path = "regression/fuzz_number_out_of_f64_range.rs"]
mod fuzz_number_out_of_f64_range;
#[path = "regression/fuzz_serde_json_one_ulp_off.rs"]
mod fuzz_serde_json_one_ulp_off;
#[path = "regression/macos_metadata_entries_were_not_crc_checked.rs"]
mod macos_metadata_entries_were_not_crc_checked;
#[path = "regression/output_files_had_the_temporary_files_mode.rs"]
mod output_files_had_the_temporary_files_mode;
#[path = "regression/output_to_a_closed_pipe_panicked.rs"]
mod output_to_a_closed_pipe_panicked;
#[path = "regression/serde_json_value_of_1e400_was_null.rs"]
mod serde_json_value_of_1e400_was_null;
#[path = "regression/validate_dev_stdin_read_by_position.rs"]
mod validate_dev_stdin_read_by_position;
#[path = "regression/zip64_placeholder_count_read_as_65535_entries.rs"]
mod zip64_placeholder_count_read_as_65535_entries;

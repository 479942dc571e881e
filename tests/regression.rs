//! One file per bug found, named after it (`serde_json`'s `tests/regression/`
//! is the model): each test fails on the code that had the bug.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

#[path = "regression/a_folder_file_read_twice_counted_twice_against_the_total_limit.rs"]
mod a_folder_file_read_twice_counted_twice_against_the_total_limit;
#[path = "regression/a_remap_after_an_edit_wrote_the_renames_without_the_edit.rs"]
mod a_remap_after_an_edit_wrote_the_renames_without_the_edit;
#[path = "regression/a_renamed_job_in_a_batch_folder_was_read_as_a_workspace.rs"]
mod a_renamed_job_in_a_batch_folder_was_read_as_a_workspace;
#[path = "regression/a_resources_unmapped_path_was_reported_under_a_script_entry.rs"]
mod a_resources_unmapped_path_was_reported_under_a_script_entry;
#[path = "regression/a_script_of_the_wrong_type_was_reported_valid.rs"]
mod a_script_of_the_wrong_type_was_reported_valid;
#[path = "regression/disk_number_placeholder_without_zip64_record_read_as_one_part.rs"]
mod disk_number_placeholder_without_zip64_record_read_as_one_part;
#[path = "regression/el_in_job_parameters_was_not_checked.rs"]
mod el_in_job_parameters_was_not_checked;
#[path = "regression/fuzz_number_out_of_f64_range.rs"]
mod fuzz_number_out_of_f64_range;
#[path = "regression/fuzz_serde_json_one_ulp_off.rs"]
mod fuzz_serde_json_one_ulp_off;
#[path = "regression/macos_metadata_entries_were_not_crc_checked.rs"]
mod macos_metadata_entries_were_not_crc_checked;
#[path = "regression/mrs_input_and_output_paths_were_not_remapped.rs"]
mod mrs_input_and_output_paths_were_not_remapped;
#[path = "regression/node_contents_were_reported_valid.rs"]
mod node_contents_were_reported_valid;
#[path = "regression/output_files_had_the_temporary_files_mode.rs"]
mod output_files_had_the_temporary_files_mode;
#[path = "regression/output_to_a_closed_pipe_panicked.rs"]
mod output_to_a_closed_pipe_panicked;
#[path = "regression/script_mode_was_decided_two_ways.rs"]
mod script_mode_was_decided_two_ways;
#[path = "regression/serde_json_value_of_1e400_was_null.rs"]
mod serde_json_value_of_1e400_was_null;
#[path = "regression/set_added_a_misspelled_field.rs"]
mod set_added_a_misspelled_field;
#[path = "regression/shell_arguments_did_not_define_script_parameters.rs"]
mod shell_arguments_did_not_define_script_parameters;
#[path = "regression/validate_dev_stdin_read_by_position.rs"]
mod validate_dev_stdin_read_by_position;
#[path = "regression/zip64_placeholder_count_read_as_65535_entries.rs"]
mod zip64_placeholder_count_read_as_65535_entries;

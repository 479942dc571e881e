//! `dlf-bundle`: the command line (`cli/`), with the allocator it runs best on.

mod cli;

// Thousands of small definitions are parsed on two threads; see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::run(std::env::args_os()))
}

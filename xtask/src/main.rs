//! `cargo xtask <command>`: the project's build automation, in plain Rust.
//!
//! - `setup`: install every tool the other commands need, PocketPaw for the real-server
//!   row included (idempotent, quick when done).
//! - `build [--dev]`: build the npm package into pkg/.
//! - `demo [--rust] [--no-simulate] [devserver flags]`: build, then serve the demo page
//!   (with `--rust`, the Leptos example) and the API (its projects progressing by
//!   themselves unless `--no-simulate`); prints the URL.
//! - `test [row…]`: every test of the project: native, headless Chromium and Firefox,
//!   the demo and the Leptos example end to end, the npm package in each kind of
//!   consumer, the crate as Rust users take it, and the package against the real
//!   server; or only the named rows (`test::ROWS`).
//! - `bench`: size, start-up, per-call cost and memory against raw fetch, as one table.

mod bench;
mod breakdown;
mod consumers;
mod devserver;
mod docs;
mod e2e;
mod imports;
mod interrupt;
mod node_tests;
mod package;
mod patched;
mod process;
mod real_server;
mod rust_app;
mod rust_crate;
mod size;
mod test;
mod toolchain;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("setup") => toolchain::ensure(&root)
            .and_then(|_| real_server::install(&root))
            .map(drop),
        Some("build") => toolchain::ensure(&root)
            .and_then(|tools| package::build(&root, &tools, args.iter().any(|a| a == "--dev")))
            .map(|pkg| eprintln!("built {}", pkg.display())),
        Some("demo") => devserver::demo(&root, &args[1..]),
        Some("test") => test::run(&root, &args[1..]),
        Some("bench") => bench::run(&root),
        _ => Err(
            format!(
                "usage: cargo xtask <setup | build [--dev] | demo [--rust] [--no-simulate] [devserver flags] | test [row…] | bench>; \
                 the test rows: {}",
                test::ROWS.join(", ")
            ),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

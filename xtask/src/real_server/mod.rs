//! The `real-server` row of `cargo xtask test`: the built package against PocketPaw,
//! the real server, in headless Chromium and Firefox (tests/real-server/sdk/), and the
//! devserver held to it (tests/real-server/parity/: one script of requests sent to
//! PocketPaw and to a lenient devserver, their answers compared).
//!
//! One PocketPaw serves the whole row; every test makes the projects it needs. It is
//! stopped by its pid and its HOME removed however the row ends: by `Drop` on a pass,
//! a failure or a time limit, and through `interrupt` on Ctrl-C.

mod install;
mod server;

use crate::devserver;
use crate::interrupt;
use crate::node_tests::{tap_line, test_files};
use crate::package;
use crate::process::{run_counting_within, Counts, Result};
use crate::toolchain::{self, Tools};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub use install::ensure as install;

/// Bound for one test (node's own timeout) and for one run of node.
const TEST_TIMEOUT_MS: &str = "120000";
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// The runs of node: a folder of tests/real-server/ and the browser it drives (None:
/// no browser, run once).
const RUNS: [(&str, Option<&str>); 3] = [
    ("parity", None),
    ("sdk", Some("chromium")),
    ("sdk", Some("firefox")),
];

/// Runs the row; returns its counts and whether every run of node exited 0.
pub fn run(root: &Path, tools: &Tools, devserver_bin: &Path) -> Result<(Counts, bool)> {
    let _guard = interrupt::guard();
    let installed = install::ensure(root)?;
    // The browsers load the package as it is built for npm (release).
    package::build(root, tools, false)?;
    let tests = root.join("tests/real-server");
    toolchain::ensure_npm_deps(&tests, "")?;
    let out = root.join("target/real-server");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    // The lenient flavor is the one that models the real server; --rate-limit for its
    // limiter, --faults for the routes that make the script's projects.
    let flags = [
        "--addr",
        "127.0.0.1:0",
        "--flavor",
        "lenient",
        "--faults",
        "--rate-limit",
    ];
    let devserver = devserver::start(
        devserver_bin,
        &flags.map(String::from),
        Some(&out.join("devserver.log")),
    )?;
    let pocketpaw = server::start(&installed.python, &installed.version, &out)?;

    let mut total = Counts::default();
    let mut all_ok = true;
    for (folder, browser) in RUNS {
        interrupt::check()?;
        let files = test_files(&tests.join(folder))?;
        let mut cmd = Command::new("node");
        cmd.current_dir(&tests)
            .args(["--test", "--test-reporter=tap", "--test-concurrency=1"])
            .arg(format!("--test-timeout={TEST_TIMEOUT_MS}"))
            .args(files.iter().map(|file| format!("{folder}/{file}")))
            .env("POCKETPAW_URL", &pocketpaw.base_url)
            .env("POCKETPAW_TOKEN", &pocketpaw.token)
            .env("POCKETPAW_LOG", &pocketpaw.log)
            .env("DEVSERVER_URL", &devserver.base_url)
            .env("DEVSERVER_TOKEN", &devserver.token)
            .env("DEEPWORK_BROWSER", browser.unwrap_or(""));
        let label = format!("[real server: {}] ", browser.unwrap_or(folder));
        let (counts, ok) = run_counting_within(&label, &mut cmd, tap_line, RUN_LIMIT)?;
        total.passed += counts.passed;
        total.failed += counts.failed;
        all_ok &= ok;
    }
    eprintln!(
        "real server: PocketPaw's log in {}, the devserver's in {}",
        pocketpaw.log.display(),
        out.join("devserver.log").display()
    );
    Ok((total, all_ok))
}

//! The end-to-end steps of `cargo xtask test`: the demo dashboard in headless Chromium
//! and Firefox ESR, driven by playwright-core from node's test runner
//! (`tests/e2e/*.test.mjs`, once per browser), against the demo's own server started
//! the way `cargo xtask demo` starts it; and the same for the Leptos example
//! (`crate::rust_app`).

use crate::devserver::{self, Site};
use crate::node_tests::{tap_line, test_files};
use crate::process::{run_counting_as, side_by_side, Counts, Result};
use crate::toolchain::{self, Tools};
use std::fs;
use std::path::Path;
use std::process::Command;

/// Bound for each test (node's own timeout); a test that waits longer has failed.
const TEST_TIMEOUT_MS: &str = "120000";

/// The browsers every test file runs in, as `DEEPWORK_E2E_BROWSER` names them.
const BROWSERS: [&str; 2] = ["chromium", "firefox"];

/// The `e2e` row: the demo's tests (tests/e2e/*.test.mjs) in each browser.
pub fn run(root: &Path, tools: &Tools) -> Result<(Counts, bool)> {
    let site = devserver::js_demo(root, tools)?;
    run_site(root, &site, "tests/e2e", "e2e", &BROWSERS)
}

/// Runs the end-to-end tests of `tests` (a folder of the repository) against `site`, in
/// each of `browsers` side by side: the tests mostly wait for polls. Each browser has a
/// server of its own, since the list tests compare counts that the other browser's tests
/// would change. Returns the passed and failed counts of all runs and whether node exited
/// 0 each time. Screenshots (named after the browser) and each server's log land in
/// target/NAME/.
pub fn run_site(
    root: &Path,
    site: &Site,
    tests: &str,
    name: &str,
    browsers: &[&str],
) -> Result<(Counts, bool)> {
    // The e2e folder's playwright-core, which every such test imports (support.mjs).
    toolchain::ensure_npm_deps(&root.join("tests/e2e"), "")?;
    let out = root.join("target").join(name);
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let dir = root.join(tests);
    let files = test_files(&dir)?;
    let runs = side_by_side(browsers, |&browser| {
        let log = out.join(format!("devserver-{browser}.log"));
        // Stopped when dropped, once node is done.
        let (_server, url) = devserver::serve(root, site, &server_flags(), Some(&log))?;
        let label = format!("[{name} {browser}] ");
        let mut node = node_tests(&dir, &files, &url, &out, browser);
        let (counts, ok) = run_counting_as(&label, &mut node, tap_line)?;
        eprintln!(
            "{name} {browser}: {} passed, {} failed",
            counts.passed, counts.failed
        );
        Ok((counts, ok))
    });
    let mut total = Counts::default();
    let mut all_ok = true;
    for run in runs {
        let (counts, ok) = run?;
        total.passed += counts.passed;
        total.failed += counts.failed;
        all_ok &= ok;
    }
    eprintln!(
        "{name}: screenshots and the servers' request logs in {}",
        out.display()
    );
    Ok((total, all_ok))
}

/// The flags of a devserver for end-to-end tests. The documented flavor, so that a
/// wrong status is an error (the lenient one answers 200 with the project unchanged);
/// --faults for the dev routes that create and advance projects. No --simulate: a
/// project moves only when a test advances it (the start flow's planning →
/// awaiting_approval too), so each change comes when the test expects it.
fn server_flags() -> Vec<String> {
    [
        "--addr",
        "127.0.0.1:0",
        "--faults",
        "--flavor",
        "documented",
    ]
    .map(String::from)
    .to_vec()
}

/// node's test runner on `files` (in `dir`) in `browser`, against the page at `url`
/// (`DEEPWORK_DEMO_URL`, which tests/e2e/support.mjs reads), reporting in TAP.
fn node_tests(dir: &Path, files: &[String], url: &str, out: &Path, browser: &str) -> Command {
    let mut cmd = Command::new("node");
    cmd.current_dir(dir)
        .args(["--test", "--test-reporter=tap"])
        .arg(format!("--test-timeout={TEST_TIMEOUT_MS}"))
        // One file at a time: the list test compares counts that others would change.
        .arg("--test-concurrency=1")
        .args(files)
        .env("DEEPWORK_DEMO_URL", url)
        .env("DEEPWORK_E2E_OUT", out)
        .env("DEEPWORK_E2E_BROWSER", browser);
    cmd
}

//! `cargo xtask test [row…]`: every row of tests, or the named ones: native tests,
//! the browser suites in headless Chromium and Firefox against live devservers (each
//! flavor, and each with the real server's limiter for the request budget), the demo
//! and the Leptos example end to end, the npm package in each kind of consumer, the
//! crate as Rust users take it, and the package against the real server. Ends with one
//! summary line.

use crate::devserver::{self, Devserver};
use crate::interrupt;
use crate::process::{run_counting, run_counting_as, side_by_side, Counts, Result};
use crate::toolchain::{self, Tools};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The rows `cargo xtask test` runs, in this order; naming some runs only those.
pub const ROWS: [&str; 8] = [
    "native",
    "chromium",
    "firefox",
    "e2e",
    "rust-app",
    "npm",
    "crate",
    "real-server",
];

/// The browser rows: their names, and the summary line of each.
const BROWSERS: [(&str, &str); 2] = [
    ("chromium", "chromium (wasm-pack test)"),
    ("firefox", "firefox (wasm-pack test)"),
];

pub fn run(root: &Path, names: &[String]) -> Result {
    let started = Instant::now();
    let wanted = selected(names)?;
    let wants = |row: &str| wanted.contains(&row);
    let tools = toolchain::ensure(root)?;
    let mut rows: Vec<(&str, Counts, bool)> = Vec::new();
    // Where each row's lines end, and the seconds it took: what to look at first when
    // the whole command gets slow.
    let mut took: Vec<(usize, f64)> = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |rows: &Vec<(&str, Counts, bool)>| {
        took.push((rows.len(), clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };

    if wants("native") {
        let mut native = devserver::cargo();
        native
            .current_dir(root)
            .args(["test", "--workspace", "--no-fail-fast"]);
        let (counts, ok) = run_counting(&mut native, cargo_test_line)?;
        rows.push(("native (cargo test)", counts, ok));
        lap(&rows);
    }

    let needs_devserver = ["chromium", "firefox", "npm", "real-server"];
    let bin = if needs_devserver.iter().any(|row| wants(row)) {
        devserver::build(root)?
    } else {
        PathBuf::new() // not used by the rows asked for
    };
    let browsers: Vec<(&str, &str)> = BROWSERS.into_iter().filter(|(row, _)| wants(row)).collect();
    if !browsers.is_empty() {
        let suites = browser_suites(root)?;
        let sdk = crate::patched::sdk(root)?;
        // The two browsers run side by side: a suite spends most of its time waiting
        // (timeouts, Retry-After), not computing. Each has its own devservers, so that a
        // fault one arms on a route of the whole server never meets the other's calls, and
        // its own target folder (see `browser_tests`).
        let runs = side_by_side(&browsers, |&(browser, _)| {
            browser_row(root, &sdk, &tools, &bin, &suites, browser)
        });
        for ((_, name), run) in browsers.into_iter().zip(runs) {
            let (counts, ok) = run?;
            rows.push((name, counts, ok));
        }
        lap(&rows);
    }

    if wants("e2e") {
        let (counts, ok) = crate::e2e::run(root, &tools)?;
        rows.push(("e2e (playwright, chromium + firefox)", counts, ok));
        lap(&rows);
    }
    if wants("rust-app") {
        let (counts, ok) = crate::rust_app::test(root, &tools)?;
        rows.push(("rust-app (leptos, chromium)", counts, ok));
        lap(&rows);
    }

    if wants("npm") {
        for (name, passed, failed, ok) in crate::consumers::run(root, &tools, &bin)? {
            rows.push((name, Counts { passed, failed }, ok));
        }
        lap(&rows);
    }
    if wants("crate") {
        for (name, passed, failed, ok) in crate::rust_crate::run(root, &tools) {
            rows.push((name, Counts { passed, failed }, ok));
        }
        lap(&rows);
    }

    if wants("real-server") {
        // A row that cannot run (e.g. no Python for PocketPaw) fails, saying why; the
        // others still count. Only an interrupt stops the whole command.
        let run = crate::real_server::run(root, &tools, &bin);
        interrupt::check()?;
        let (counts, ok) = run.unwrap_or_else(|e| {
            eprintln!("real server: {e}");
            (
                Counts {
                    passed: 0,
                    failed: 1,
                },
                false,
            )
        });
        rows.push(("real server (PocketPaw)", counts, ok));
        lap(&rows);
    }

    eprintln!(
        "\n{:<28} {:>7} {:>7} {:>8}",
        "suite", "passed", "failed", "seconds"
    );
    let mut total = Counts::default();
    let mut all_ok = true;
    for (line, (name, counts, ok)) in rows.iter().enumerate() {
        // A row's time goes on its last line.
        let seconds = took
            .iter()
            .find(|(end, _)| *end == line + 1)
            .map(|(_, seconds)| format!("{seconds:.0}"))
            .unwrap_or_default();
        eprintln!(
            "{name:<28} {:>7} {:>7} {seconds:>8}{}",
            counts.passed,
            counts.failed,
            if *ok { "" } else { "  (exit: failed)" }
        );
        total.passed += counts.passed;
        total.failed += counts.failed;
        all_ok &= ok;
    }
    eprintln!("took {:.0}s", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", total.passed, total.failed);
    if all_ok && total.failed == 0 && total.passed > 0 {
        Ok(())
    } else {
        Err("some tests failed".into())
    }
}

/// The rows named on the command line, in run order; all of them when none is named.
fn selected(names: &[String]) -> Result<Vec<&'static str>> {
    if let Some(unknown) = names.iter().find(|name| !ROWS.contains(&name.as_str())) {
        return Err(format!(
            "no test row named {unknown:?}; the rows are: {}",
            ROWS.join(", ")
        ));
    }
    Ok(ROWS
        .into_iter()
        .filter(|row| names.is_empty() || names.iter().any(|name| name == row))
        .collect())
}

/// Every browser suite in `browser` ("chromium" or "firefox"), against devservers of
/// its own; each output line is labelled with the browser.
fn browser_row(
    root: &Path,
    sdk: &Path,
    tools: &Tools,
    bin: &Path,
    suites: &[String],
    browser: &str,
) -> Result<(Counts, bool)> {
    let servers = [
        (
            "DOCUMENTED",
            start_for_tests(root, bin, "documented", false, browser)?,
        ),
        (
            "LENIENT",
            start_for_tests(root, bin, "lenient", false, browser)?,
        ),
        (
            "LIMITED",
            start_for_tests(root, bin, "lenient", true, browser)?,
        ),
        (
            "LIMITED_DOCUMENTED",
            start_for_tests(root, bin, "documented", true, browser)?,
        ),
    ];
    let label = format!("[{browser}] ");
    // One run per suite: wasm-pack cannot pass --no-fail-fast, and every suite should
    // run even when another fails.
    let mut counts = Counts::default();
    let mut ok = true;
    for suite in suites {
        let mut cmd = browser_tests(tools, root, sdk, browser, &servers);
        // --nocapture: the load suite prints its memory figures.
        cmd.args([".", "--test", suite, "--", "--nocapture"]);
        let (suite_counts, suite_ok) = run_counting_as(&label, &mut cmd, cargo_test_line)?;
        counts.passed += suite_counts.passed;
        counts.failed += suite_counts.failed;
        ok &= suite_ok;
    }
    Ok((counts, ok))
}

/// A devserver for one browser's suites (with the real server's limiter if `limited`);
/// its request log (thousands of lines) goes to target/devserver-<browser>-<flavor>.log.
fn start_for_tests(
    root: &Path,
    bin: &Path,
    flavor: &str,
    limited: bool,
    browser: &str,
) -> Result<Devserver> {
    let mut args = ["--addr", "127.0.0.1:0", "--flavor", flavor, "--faults"]
        .map(String::from)
        .to_vec();
    let mut name = flavor.to_owned();
    if limited {
        args.push("--rate-limit".into());
        name.push_str("-limited");
    }
    let log = root
        .join("target")
        .join(format!("devserver-{browser}-{name}.log"));
    devserver::start(bin, &args, Some(&log))
}

/// `wasm-pack test` in one browser. The servers' addresses reach the tests at compile
/// time (`option_env!`), as in gloo-net's own browser tests.
fn browser_tests(
    tools: &Tools,
    root: &Path,
    sdk: &Path,
    browser: &str,
    servers: &[(&str, Devserver)],
) -> Command {
    let mut cmd = tools.wasm("wasm-pack");
    // A target folder per browser: the servers' addresses are compiled into the suites,
    // and cargo holds its folder's lock while the tests run. The suites test what ships:
    // the SDK with its patched serde-wasm-bindgen (patched.rs).
    cmd.current_dir(sdk)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/browsers").join(browser),
        )
        .args(["test", "--headless"])
        // The load suite makes 10,000 calls in one test: more than the default 20 s.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "180")
        // The runner prefers GECKODRIVER over CHROMEDRIVER: set exactly one.
        .env_remove("GECKODRIVER")
        .env_remove("CHROMEDRIVER");
    for (name, server) in servers {
        cmd.env(format!("DEEPWORK_{name}_URL"), &server.base_url)
            .env(format!("DEEPWORK_{name}_TOKEN"), &server.token);
    }
    if browser == "chromium" {
        cmd.arg("--chrome")
            .arg("--chromedriver")
            .arg(&tools.chromedriver);
    } else {
        cmd.arg("--firefox")
            .arg("--geckodriver")
            .arg(&tools.geckodriver);
    }
    cmd
}

/// The browser suites: one per file in tests/.
fn browser_suites(root: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(root.join("tests")).map_err(|e| e.to_string())?;
    let mut suites: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".rs")
                .map(str::to_owned)
        })
        .collect();
    suites.sort();
    Ok(suites)
}

/// cargo test's (and wasm-bindgen-test's) `test result: ok. 12 passed; 0 failed; …`.
fn cargo_test_line(line: &str, counts: &mut Counts) {
    if let Some(result) = line.trim().strip_prefix("test result: ") {
        counts.passed += number_before(result, " passed");
        counts.failed += number_before(result, " failed");
    }
}

/// In "ok. 12 passed; 0 failed; …", the number before `label`.
fn number_before(text: &str, label: &str) -> u32 {
    text.split(';')
        .find_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .trim_start_matches("FAILED. ")
                .strip_suffix(label)
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_every_row_or_the_named_ones_in_order() {
        assert_eq!(selected(&[]).unwrap(), ROWS.to_vec());
        let named = ["real-server".to_owned(), "native".to_owned()];
        assert_eq!(selected(&named).unwrap(), ["native", "real-server"]);
        let error = selected(&["chrome".to_owned()]).unwrap_err();
        assert!(
            error.contains("\"chrome\"") && error.contains("chromium"),
            "{error}"
        );
    }
}

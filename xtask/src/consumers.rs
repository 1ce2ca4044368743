//! The npm consumer tests: the release package is packed with `npm pack`, installed
//! from that tarball into each fixture under tests/consumers/ (a plain page, a Web
//! Worker, a Vite app, Node, TypeScript, and the package's own contents), and each
//! fixture's `node --test` file runs against a devserver of its own. Then the docs are
//! checked against the fixtures and the package (`crate::docs`).
//!
//! Lockfiles: each fixture declares `"deepwork-client":
//! "file:../../../target/consumers/deepwork-client.tgz"` and commits its lockfile, which
//! pins every third-party package, but its deepwork-client entry has NO `integrity`.
//! The tarball changes with every change to the SDK, and with a pinned hash npm 11
//! (checked by hand) either fails with EINTEGRITY (empty cache: a fresh machine) or,
//! worse, silently installs the old contents from its cache, found by that hash.
//! Without the hash, `npm ci` unpacks the file that is there now. So: [`check_lockfile`] refuses a lockfile with that hash (rerun
//! `npm install` adds it back: delete the line), and [`check_installed`] compares the
//! installed package with the tarball's contents byte for byte after every install.

use crate::devserver::{self, Devserver};
use crate::node_tests::spec_line;
use crate::package;
use crate::process::{describe, run_bounded, run_counting_within, Result};
use crate::size::{Sizes, BUDGET_KIB};
use crate::toolchain::{self, Tools};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Each fixture: its folder under tests/consumers/, its test file, the summary row.
const FIXTURES: [(&str, &str, &str); 6] = [
    ("package", "package.test.mjs", "npm: package contents"),
    ("page", "page.test.mjs", "npm: plain page (chromium)"),
    ("worker", "worker.test.mjs", "npm: web worker (chromium)"),
    ("vite", "vite.test.mjs", "npm: vite app (chromium)"),
    ("node", "cancel.test.mjs", "npm: node 20"),
    ("typescript", "types.test.mjs", "npm: typescript (tsc)"),
];

/// Where every fixture's package.json expects the tarball.
const TARBALL: &str = "target/consumers/deepwork-client.tgz";
/// The lockfile key and `resolved` of the package in each fixture.
const LOCK_KEY: &str = "node_modules/deepwork-client";
const LOCK_RESOLVED: &str = "file:../../../target/consumers/deepwork-client.tgz";
/// Bound for one fixture's node tests.
const TEST_LIMIT: Duration = Duration::from_secs(300);

/// One row of the summary: name, passed, failed, whether the step itself succeeded.
pub type Row = (&'static str, u32, u32, bool);

/// Builds and packs the package, installs it into every fixture, runs their tests and
/// checks the docs. Errors only when the tests cannot run at all.
pub fn run(root: &Path, tools: &Tools, devserver_bin: &Path) -> Result<Vec<Row>> {
    let started = Instant::now();
    let pkg = package::build(root, tools, false)?;
    let mut rows = vec![size_budget(&pkg)?];
    let packed = pack(root, &pkg)?;
    let unpacked = unpack(root)?;
    let consumers = root.join("tests/consumers");

    toolchain::ensure_npm_deps(&consumers.join("harness"), "")?;
    // A fixture that cannot be installed fails its own row; the others still run.
    let ready: Vec<Result> = FIXTURES
        .iter()
        .map(|(dir, _, _)| {
            let fixture = consumers.join(dir);
            check_lockfile(&fixture)?;
            toolchain::ensure_npm_deps(&fixture, &packed.shasum)?;
            check_installed(&fixture, &unpacked, &packed.files)
        })
        .collect();
    eprintln!(
        "consumers: built, packed and installed in {:.0}s",
        started.elapsed().as_secs_f64()
    );

    let args = ["--addr", "127.0.0.1:0", "--flavor", "lenient", "--faults"].map(String::from);
    // Its request log goes to a file: the failing request is then easy to find.
    let log = root.join("target/consumers/devserver.log");
    let server = devserver::start(devserver_bin, &args, Some(&log))?;
    for ((dir, file, name), ready) in FIXTURES.into_iter().zip(ready) {
        let (passed, failed, ok) = match ready {
            Ok(()) => node_test(&consumers.join(dir), file, &server)?,
            Err(e) => {
                eprintln!("{name}: {e}");
                (0, 1, false)
            }
        };
        rows.push((name, passed, failed, ok));
    }
    // Every fixture but `package` (the tarball's own contents) is quoted by the docs.
    let quoted: Vec<&str> = FIXTURES
        .iter()
        .map(|(dir, _, _)| *dir)
        .filter(|dir| *dir != "package")
        .collect();
    rows.extend(crate::docs::check(root, &unpacked, &quoted));
    Ok(rows)
}

/// The package's one deterministic performance figure, as a test: what a browser
/// downloads, gzipped, within the budget (`cargo xtask bench` measures the rest).
fn size_budget(pkg: &Path) -> Result<Row> {
    let sizes = Sizes::measure(pkg)?;
    let ok = sizes.within_budget();
    eprintln!(
        "size: wasm {} B + JS {} B = {} B gzipped; budget {BUDGET_KIB} KiB = {} B: {}",
        sizes.wasm_gzip,
        sizes.js_total(),
        sizes.total(),
        (BUDGET_KIB * 1024.0) as u64,
        if ok { "within" } else { "OVER" }
    );
    Ok(("npm: size budget (gzip)", u32::from(ok), u32::from(!ok), ok))
}

/// What `npm pack` reported.
struct Packed {
    shasum: String,
    files: Vec<String>,
}

/// Packs pkg/ into target/consumers/, copies the tarball to the fixed path the fixtures
/// name, and prints its size and contents.
fn pack(root: &Path, pkg: &Path) -> Result<Packed> {
    let out_dir = root.join("target/consumers");
    fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let mut cmd = npm();
    cmd.current_dir(pkg)
        .args(["pack", "--json", "--pack-destination"])
        .arg(&out_dir);
    eprintln!("$ {}", describe(&cmd));
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run npm pack: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "npm pack failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let report: Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("npm pack --json: {e}"))?;
    let report = report.get(0).ok_or("npm pack --json printed no package")?;
    let text = |key: &str| {
        report
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let number = |key: &str| report.get(key).and_then(Value::as_u64).unwrap_or_default();
    let files: Vec<String> = report
        .get("files")
        .and_then(Value::as_array)
        .map(|files| {
            files
                .iter()
                .filter_map(|f| f.get("path")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    fs::copy(out_dir.join(text("filename")), root.join(TARBALL))
        .map_err(|e| format!("{TARBALL}: {e}"))?;
    eprintln!(
        "packed {}: {} files, {:.1} kB tarball, {:.1} kB unpacked",
        text("id"),
        files.len(),
        number("size") as f64 / 1000.0,
        number("unpackedSize") as f64 / 1000.0
    );
    for file in &files {
        eprintln!("  {file}");
    }
    Ok(Packed {
        shasum: text("shasum"),
        files,
    })
}

/// Refuses a lockfile that pins the tarball's hash (see the module comment).
fn check_lockfile(fixture: &Path) -> Result {
    let path = fixture.join("package-lock.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let lock: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let entry = lock
        .get("packages")
        .and_then(|p| p.get(LOCK_KEY))
        .ok_or_else(|| format!("{}: no {LOCK_KEY} entry", path.display()))?;
    if entry.get("resolved").and_then(Value::as_str) != Some(LOCK_RESOLVED) {
        return Err(format!(
            "{}: {LOCK_KEY} must be resolved from {LOCK_RESOLVED}",
            path.display()
        ));
    }
    if entry.get("integrity").is_some() {
        return Err(format!(
            "{}: delete the \"integrity\" line of {LOCK_KEY}: npm would install a stale \
             deepwork-client from its cache by that hash (see xtask/src/consumers.rs)",
            path.display()
        ));
    }
    Ok(())
}

/// Unpacks the tarball into target/consumers/unpacked/package/, for [`check_installed`].
fn unpack(root: &Path) -> Result<PathBuf> {
    let dir = root.join("target/consumers/unpacked");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run_bounded(
        Command::new("tar")
            .arg("-xzf")
            .arg(root.join(TARBALL))
            .arg("-C")
            .arg(&dir),
        Duration::from_secs(60),
    )?;
    Ok(dir.join("package"))
}

/// The installed package must be the one just packed: every file the same as in the tarball.
fn check_installed(fixture: &Path, unpacked: &Path, files: &[String]) -> Result {
    let installed = fixture.join("node_modules/deepwork-client");
    for file in files {
        let packed = fs::read(unpacked.join(file))
            .map_err(|e| format!("{}: {e}", unpacked.join(file).display()))?;
        if fs::read(installed.join(file)).ok().as_ref() != Some(&packed) {
            return Err(format!(
                "{}: {file} is not the one in {TARBALL}: npm installed another deepwork-client than the one packed",
                installed.display()
            ));
        }
    }
    Ok(())
}

/// `node --test` on one fixture's test file, echoing its report and reading its counts.
/// Killed after [`TEST_LIMIT`].
fn node_test(dir: &Path, file: &str, server: &Devserver) -> Result<(u32, u32, bool)> {
    let mut cmd = Command::new("node");
    cmd.current_dir(dir)
        .args(["--test", "--test-reporter=spec", file])
        .env("DEEPWORK_URL", &server.base_url)
        .env("DEEPWORK_TOKEN", &server.token);
    eprintln!("(in {})", dir.display());
    let (counts, ok) = run_counting_within("", &mut cmd, spec_line, TEST_LIMIT)?;
    Ok((counts.passed, counts.failed, ok))
}

fn npm() -> Command {
    Command::new("npm")
}

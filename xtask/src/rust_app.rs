//! The Leptos example, examples/leptos-dashboard/: built for `cargo xtask demo --rust`,
//! and tested by the `rust-app` row, which runs its end-to-end test
//! (tests/e2e/rust-app/) in headless Chromium against the demo's own server.

use crate::devserver::Site;
use crate::e2e;
use crate::process::{run_bounded, Counts, Result, BUILD_LIMIT};
use crate::toolchain::Tools;
use std::path::Path;

/// Where the example lives, from the repository's root.
const APP: &str = "examples/leptos-dashboard";
/// The name of the JS glue and the module in its pkg/ (www/main.js imports it).
const MODULE: &str = "leptos_dashboard";

/// Builds the app (release, wasm32) and its JS glue; returns what the devserver serves.
pub fn build(root: &Path, tools: &Tools) -> Result<Site> {
    let app = root.join(APP);
    // A folder of its own inside the repository's target/, kept between runs, so that a
    // second build, by the demo or the test row, finds every crate built. Not target/
    // itself: the npm package's build compiles some of the same crates there with other
    // RUSTFLAGS (package.rs), into the same files (seen: the app then failed to build
    // against the package build's futures-core).
    // --locked: the example's Cargo.lock pins wasm-bindgen to the version of the CLI
    // below.
    let target = root.join("target/leptos-dashboard");
    run_bounded(
        tools
            .wasm("cargo")
            .current_dir(&app)
            .args(["build", "--release", "--locked"])
            .args(["--target", "wasm32-unknown-unknown", "--target-dir"])
            .arg(&target),
        BUILD_LIMIT,
    )?;
    let pkg = target.join("pkg");
    run_bounded(
        tools
            .wasm("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-name", MODULE])
            .arg("--out-dir")
            .arg(&pkg)
            .arg(target.join("wasm32-unknown-unknown/release/leptos-dashboard.wasm")),
        BUILD_LIMIT,
    )?;
    Ok(Site {
        www: app.join("www"),
        pkg,
    })
}

/// The `rust-app` row: builds the app, serves it as `cargo xtask demo --rust` does (but
/// still, like the e2e row's server), and runs tests/e2e/rust-app/ in Chromium.
/// Screenshots and the server's log land in target/rust-app/.
pub fn test(root: &Path, tools: &Tools) -> Result<(Counts, bool)> {
    let site = build(root, tools)?;
    e2e::run_site(root, &site, "tests/e2e/rust-app", "rust-app", &["chromium"])
}

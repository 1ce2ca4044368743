//! The crate as Rust users take it: a crate outside the workspace builds against it for
//! wasm32, its wasm dependency tree holds the seven crates it is built on, its docs
//! build for wasm32 as docs.rs would build them, and `cargo publish --dry-run` passes.

use crate::consumers::Row;
use crate::process::{output, run_bounded, BUILD_LIMIT};
use crate::toolchain::Tools;
use std::path::Path;
use std::process::Command;

/// The crates the SDK is built on; each must be a normal dependency of the wasm module.
const STACK: [&str; 7] = [
    "wasm-bindgen",
    "wasm-bindgen-futures",
    "web-sys",
    "js-sys",
    "serde",
    "serde-wasm-bindgen",
    "gloo-net",
];

pub fn run(root: &Path, tools: &Tools) -> Vec<Row> {
    let consumer = root.join("tests/consumers/rust");
    let mut build = tools.wasm("cargo");
    build
        .current_dir(&consumer)
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        // Its own target dir, inside ours: the fixture is not a workspace member.
        .env("CARGO_TARGET_DIR", root.join("target/rust-consumer"));
    let mut docs = tools.wasm("cargo");
    docs.current_dir(root)
        .args([
            "doc",
            "--no-deps",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "deepwork-client",
        ])
        .env("RUSTDOCFLAGS", "-D warnings");
    let mut publish = tools.wasm("cargo");
    // --allow-dirty: a working tree with changes is checked too; CI's clone is clean.
    publish.current_dir(root).args([
        "publish",
        "--dry-run",
        "--allow-dirty",
        "-p",
        "deepwork-client",
    ]);
    vec![
        step("crate: Rust app outside the workspace (wasm32)", &mut build),
        stack(root),
        step("crate: rustdoc for wasm32 (as docs.rs)", &mut docs),
        step("crate: cargo publish --dry-run", &mut publish),
    ]
}

/// One command as one test: passed when it exits 0.
fn step(name: &'static str, cmd: &mut Command) -> Row {
    match run_bounded(cmd, BUILD_LIMIT) {
        Ok(()) => (name, 1, 0, true),
        Err(e) => {
            eprintln!("{name}: {e}");
            (name, 0, 1, false)
        }
    }
}

/// `cargo tree -e normal --target wasm32-unknown-unknown` lists every crate of `STACK`.
fn stack(root: &Path) -> Row {
    let name = "crate: wasm dependency tree";
    let manifest = root.join("Cargo.toml");
    let manifest = manifest.to_string_lossy();
    let tree = output(
        "cargo",
        &[
            "tree",
            "-e",
            "normal",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "deepwork-client",
            "--prefix",
            "none",
            "--manifest-path",
            &manifest,
        ],
    )
    .unwrap_or_default();
    let listed: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let missing: Vec<&str> = STACK.into_iter().filter(|c| !listed.contains(c)).collect();
    if missing.is_empty() && !listed.is_empty() {
        eprintln!("{name}: all of {}", STACK.join(", "));
        (name, 1, 0, true)
    } else {
        eprintln!("{name}: missing {missing:?} in:\n{tree}");
        (name, 0, 1, false)
    }
}

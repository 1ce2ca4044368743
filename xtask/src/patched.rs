//! The SDK as every wasm build of ours compiles it: with serde-wasm-bindgen patched by
//! `patches/serde-wasm-bindgen-<version>.patch` (why: the patch's own header).
//!
//! The patch is applied to the registry's own `.crate` of exactly the version
//! Cargo.lock pins, checked against the lock's checksum, unpacked in target/patched/.
//! The SDK is then compiled from target/patched/sdk: the package's manifest plus a
//! `[patch.crates-io]` entry for that copy, links to src/, js/ and tests/, and a
//! lockfile of its own (a copy of Cargo.lock that cargo amends for the patch). So the
//! repository's Cargo.lock, and every build outside xtask's wasm builds, stay exactly
//! what crates.io users get: `cargo publish` drops any patch.

use crate::process::{run, run_bounded, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CRATE: &str = "serde-wasm-bindgen";

/// What the patched build links to, by name: the sources and the files the manifest
/// and the test runner read.
const LINKED: [&str; 7] = [
    "src",
    "js",
    "tests",
    "webdriver.json",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
];

/// Prepares target/patched/sdk and returns it: the folder to run the wasm builds in.
/// Fails, saying why, when the registry's copy is missing or not the one Cargo.lock
/// pins: never an unpatched build in its place.
pub fn sdk(root: &Path) -> Result<PathBuf> {
    let lock = read(&root.join("Cargo.lock"))?;
    let (version, checksum) = locked(&lock, CRATE)
        .ok_or_else(|| format!("Cargo.lock pins no registry version of {CRATE}"))?;
    let patch_file = root
        .join("patches")
        .join(format!("{CRATE}-{version}.patch"));
    let patch = read(&patch_file).map_err(|e| {
        format!("Cargo.lock pins {CRATE} {version}, but there is no patch for it: {e}")
    })?;
    let patched = root.join("target/patched");
    let source = patched.join(format!("{CRATE}-{version}"));
    let stamp = format!("{checksum}\n{patch}");
    let stamp_file = patched.join(format!("{CRATE}-{version}.stamp"));
    if fs::read_to_string(&stamp_file).ok().as_deref() != Some(&stamp) {
        let packed = registry_crate(root, &version)?;
        let found = sha256(&packed)?;
        if found != checksum {
            return Err(format!(
                "{} has checksum {found}, but Cargo.lock says {checksum}: refusing to build on it",
                packed.display()
            ));
        }
        let _ = fs::remove_dir_all(&source);
        fs::create_dir_all(&patched).map_err(|e| e.to_string())?;
        run(Command::new("tar")
            .arg("xzf")
            .arg(&packed)
            .arg("-C")
            .arg(&patched))?;
        // Outside any repository, as `patch -p1` would: without the ceiling, git would
        // find ours above target/ and apply the paths relative to its top.
        run(Command::new("git")
            .current_dir(&source)
            .env("GIT_CEILING_DIRECTORIES", &patched)
            .arg("apply")
            .arg(&patch_file))?;
        write_if_changed(&stamp_file, &stamp)?;
    }

    let sdk = patched.join("sdk");
    fs::create_dir_all(&sdk).map_err(|e| e.to_string())?;
    let manifest = read(&root.join("Cargo.toml"))?;
    write_if_changed(&sdk.join("Cargo.toml"), &manifest_for(&manifest, &source)?)?;
    for name in LINKED {
        let link = sdk.join(name);
        let to = root.join(name);
        // A link into another checkout (a target/ copied or moved from there) would
        // build that checkout's sources: it is made anew.
        if fs::read_link(&link).ok() != Some(to.clone()) {
            let _ = fs::remove_file(&link);
            std::os::unix::fs::symlink(&to, &link)
                .map_err(|e| format!("{}: {e}", link.display()))?;
        }
    }
    // The repository's lockfile, which cargo then amends here for the patch: the same
    // versions of everything else.
    let origin = sdk.join("Cargo.lock.origin");
    if fs::read_to_string(&origin).ok().as_deref() != Some(&lock) {
        write_if_changed(&sdk.join("Cargo.lock"), &lock)?;
        write_if_changed(&origin, &lock)?;
    }
    Ok(sdk)
}

/// The version and checksum Cargo.lock records for the registry package `name`.
fn locked(lock: &str, name: &str) -> Option<(String, String)> {
    let entry = lock.split("[[package]]").find(|entry| {
        entry
            .lines()
            .any(|l| l.trim() == format!("name = \"{name}\""))
    })?;
    let value = |key: &str| {
        entry.lines().find_map(|l| {
            l.trim()
                .strip_prefix(key)
                .and_then(|rest| rest.trim().strip_prefix("= \""))
                .and_then(|rest| rest.strip_suffix('"'))
                .map(str::to_owned)
        })
    };
    Some((value("version")?, value("checksum")?))
}

/// The package's manifest as a workspace of its own that takes `CRATE` from `source`.
fn manifest_for(manifest: &str, source: &Path) -> Result<String> {
    // The repository's [workspace] table names the devserver and xtask as members, which
    // are not here; an empty one makes this folder its own workspace root.
    let start = manifest
        .find("[workspace]\n")
        .ok_or("Cargo.toml has no [workspace] table")?;
    let end = manifest[start + 1..]
        .find("\n[")
        .map_or(manifest.len(), |at| start + 1 + at + 1);
    Ok(format!(
        "# Generated by xtask/src/patched.rs from the repository's Cargo.toml.\n{}[workspace]\nresolver = \"2\"\n\n{}\n[patch.crates-io]\n{CRATE} = {{ path = \"{}\" }}\n",
        &manifest[..start],
        &manifest[end..],
        source.display()
    ))
}

/// The `.crate` file cargo downloaded for `CRATE` `version`, fetching it when missing.
fn registry_crate(root: &Path, version: &str) -> Result<PathBuf> {
    let file = format!("{CRATE}-{version}.crate");
    let cache = crate::toolchain::cargo_home().join("registry/cache");
    let find = || {
        fs::read_dir(&cache).ok()?.flatten().find_map(|index| {
            let path = index.path().join(&file);
            path.is_file().then_some(path)
        })
    };
    if let Some(found) = find() {
        return Ok(found);
    }
    run_bounded(
        Command::new("cargo").current_dir(root).arg("fetch"),
        Duration::from_secs(600),
    )?;
    find().ok_or_else(|| {
        format!(
            "{file} is not in {} even after `cargo fetch`: cannot build the patched package",
            cache.display()
        )
    })
}

/// The file's SHA-256 in hex, as Cargo.lock writes checksums.
fn sha256(path: &Path) -> Result<String> {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run sha256sum: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_whitespace().next() {
        Some(hex) if out.status.success() => Ok(hex.to_owned()),
        _ => Err(format!("sha256sum {} failed", path.display())),
    }
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `text` unless the file already holds it: cargo re-reads a manifest it sees
/// touched.
fn write_if_changed(path: &Path, text: &str) -> Result {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "serde"
version = "1.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "aaa"

[[package]]
name = "serde-wasm-bindgen"
version = "0.6.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "8302"
dependencies = [
 "js-sys",
]
"#;

    #[test]
    fn the_lock_gives_the_version_and_checksum_of_the_named_package() {
        assert_eq!(locked(LOCK, CRATE), Some(("0.6.5".into(), "8302".into())));
        assert_eq!(locked(LOCK, "serde"), Some(("1.0.1".into(), "aaa".into())));
        assert_eq!(locked(LOCK, "gloo-net"), None);
    }

    #[test]
    fn the_manifest_becomes_a_workspace_of_its_own_with_the_patch() {
        let manifest = "[workspace]\nmembers = [\".\", \"xtask\"]\nresolver = \"2\"\n\n[package]\nname = \"x\"\n";
        let out = manifest_for(manifest, Path::new("/t/swb")).expect("a manifest");
        assert!(!out.contains("members"), "{out}");
        assert!(out.contains("[workspace]\nresolver = \"2\"\n"), "{out}");
        assert!(out.contains("[package]\nname = \"x\"\n"), "{out}");
        assert!(
            out.ends_with("[patch.crates-io]\nserde-wasm-bindgen = { path = \"/t/swb\" }\n"),
            "{out}"
        );
    }
}

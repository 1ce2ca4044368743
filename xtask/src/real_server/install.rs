//! PocketPaw for the real-server row, installed by `cargo xtask setup`: the pinned
//! packages of tests/real-server/requirements.txt in a virtualenv under
//! target/pocketpaw/, made once and reused while the pins and the Python stay the
//! same. The package registries are used here only: running the server needs none.

use crate::process::{output, run_bounded, Result};
use crate::toolchain::apt_install;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// PocketPaw and every package it pulls in, pinned; its `pocketpaw==` line is the
/// version the SDK is tested against.
pub const REQUIREMENTS: &str = "tests/real-server/requirements.txt";
/// PocketPaw's own floor.
const MIN_PYTHON: (u32, u32) = (3, 11);
/// Where to look for a Python, in order: Debian's own first (the one its python3-venv
/// package completes), then any on PATH.
const PYTHONS: [&str; 5] = [
    "/usr/bin/python3",
    "python3.13",
    "python3.12",
    "python3.11",
    "python3",
];
/// A cold pip downloads about 60 packages.
const PIP_LIMIT: Duration = Duration::from_secs(20 * 60);

/// What is installed: the virtualenv's Python, and the PocketPaw version pinned.
pub struct Installed {
    pub python: PathBuf,
    pub version: String,
}

/// Makes sure the virtualenv is there and current.
pub fn ensure(root: &Path) -> Result<Installed> {
    let requirements = root.join(REQUIREMENTS);
    let pins = fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    let version = pinned_version(&pins)
        .ok_or_else(|| format!("{REQUIREMENTS} has no pocketpaw== line"))?
        .to_owned();
    let venv = root.join("target/pocketpaw/venv");
    let installed = Installed {
        python: venv.join("bin/python"),
        version,
    };
    let python = python()?;
    // What the virtualenv was made from: a change to either makes it anew.
    let wanted = format!(
        "{} {}.{}\n{pins}",
        python.program, python.version.0, python.version.1
    );
    let stamp = venv.join("deepwork.stamp");
    if installed.python.exists() && fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(installed);
    }
    eprintln!(
        "installing PocketPaw {} for the real-server row into {}",
        installed.version,
        venv.display()
    );
    if venv.exists() {
        fs::remove_dir_all(&venv).map_err(|e| format!("{}: {e}", venv.display()))?;
    }
    run_bounded(
        Command::new(&python.program)
            .arg("-m")
            .arg("venv")
            .arg(&venv),
        Duration::from_secs(300),
    )?;
    run_bounded(
        Command::new(&installed.python)
            .args([
                "-m",
                "pip",
                "install",
                "--no-input",
                "--disable-pip-version-check",
            ])
            .arg("--requirement")
            .arg(&requirements),
        PIP_LIMIT,
    )?;
    fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(installed)
}

/// The version pinned on the `pocketpaw==` line.
pub fn pinned_version(pins: &str) -> Option<&str> {
    pins.lines()
        .find_map(|line| line.trim().strip_prefix("pocketpaw=="))
}

/// A Python that runs, its version and whether it can make a virtualenv.
struct Python {
    program: String,
    version: (u32, u32),
    has_venv: bool,
}

impl Python {
    fn fits(&self) -> bool {
        self.version >= MIN_PYTHON && self.has_venv
    }
}

/// The first Python that fits; failing that, Debian's python3 and python3-venv are
/// installed and the search runs again. The error says what was found and what is
/// missing.
fn python() -> Result<Python> {
    if let Some(python) = pythons().into_iter().find(Python::fits) {
        return Ok(python);
    }
    let installed = apt_install(&["python3", "python3-venv"]);
    let mut found = pythons();
    if let Some(at) = found.iter().position(Python::fits) {
        return Ok(found.swap_remove(at));
    }
    let seen: Vec<String> = found
        .iter()
        .map(|p| {
            let venv = if p.has_venv {
                ""
            } else {
                ", without its venv module"
            };
            format!("{} is {}.{}{venv}", p.program, p.version.0, p.version.1)
        })
        .collect();
    Err(format!(
        "the real-server row needs Python {}.{} or newer with its venv module, for PocketPaw; \
         found: {}{}. Install one (Debian: apt-get install python3 python3-venv) and run \
         `cargo xtask setup` again",
        MIN_PYTHON.0,
        MIN_PYTHON.1,
        if seen.is_empty() {
            "no python3 at all".to_owned()
        } else {
            seen.join("; ")
        },
        installed
            .err()
            .map(|e| format!(" (installing them failed: {e})"))
            .unwrap_or_default(),
    ))
}

/// Every candidate that runs.
fn pythons() -> Vec<Python> {
    PYTHONS
        .iter()
        .filter_map(|program| {
            let version = output(program, &["-c", "import sys; print(*sys.version_info[:2])"])?;
            Some(Python {
                program: (*program).to_owned(),
                version: parse_version(&version)?,
                // Debian's python3 lacks ensurepip until python3-venv is installed.
                has_venv: output(program, &["-c", "import venv, ensurepip"]).is_some(),
            })
        })
        .collect()
}

/// "3 11" → (3, 11).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split_whitespace().map(str::parse::<u32>);
    Some((parts.next()?.ok()?, parts.next()?.ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn reads_python_versions() {
        assert_eq!(parse_version("3 11\n"), Some((3, 11)));
        assert_eq!(parse_version("3 9"), Some((3, 9)));
        assert_eq!(parse_version("3"), None);
        assert!((3, 9) < MIN_PYTHON && (3, 13) > MIN_PYTHON && (4, 0) > MIN_PYTHON);
    }

    #[test]
    fn the_readme_names_the_pinned_version() {
        let pins = fs::read_to_string(root().join(REQUIREMENTS)).unwrap();
        let version = pinned_version(&pins).expect("a pocketpaw== line");
        let readme = fs::read_to_string(root().join("README.md")).unwrap();
        assert!(
            readme.contains(&format!("PocketPaw {version}")),
            "README.md must say the SDK is tested against PocketPaw {version}"
        );
    }
}

//! Makes sure every build and test tool is present, installing what is missing.
//!
//! Each check is cheap when the tool is already there, so `cargo xtask demo` and
//! `cargo xtask test` run it every time. Installs go where the next run finds them:
//! cargo tools in `$CARGO_HOME/bin`, npm tools in `tools/node_modules`, Debian packages
//! system-wide. Every download is bounded in time: on these machines some hang.

use crate::process::{output, run, run_bounded, Result};
use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_PACK_VERSION: &str = "0.15.1";
const GECKODRIVER_VERSION: &str = "0.37.1";
const TWIGGY_VERSION: &str = "0.8.0";
/// Where Debian's rustc keeps per-target standard libraries.
const DEBIAN_SYSROOT: &str = "/usr/lib/rustlib";
/// Flags the hand-built std is compiled with; part of the stamp so a change rebuilds it.
/// Bitcode is needed because the release profile uses LTO.
const STD_RUSTFLAGS: &str = "-Cembed-bitcode=yes";

/// Everything later steps need to find the tools that setup made sure of.
pub struct Tools {
    /// PATH for wasm builds: puts the Rust toolchain that has the wasm32 std first.
    wasm_path: OsString,
    /// Debian's cargo, when the wasm32 std lives in Debian's sysroot.
    system_cargo: Option<PathBuf>,
    pub chromedriver: PathBuf,
    pub geckodriver: PathBuf,
    /// Minifies the package's JS (tools/package.json).
    pub esbuild: PathBuf,
}

impl Tools {
    /// A command that builds for wasm32 (cargo, wasm-pack) with the right toolchain.
    pub fn wasm(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("PATH", &self.wasm_path).env_remove("RUSTC");
        // wasm-pack runs the cargo named by $CARGO, which `cargo xtask` sets to rustup's.
        if let Some(cargo) = &self.system_cargo {
            cmd.env("CARGO", cargo).env_remove("RUSTUP_TOOLCHAIN");
        }
        cmd
    }
}

/// Installs whatever is missing and describes where everything is.
pub fn ensure(root: &Path) -> Result<Tools> {
    let cargo_bin = cargo_home().join("bin");
    let npm_bin = root.join("tools/node_modules/.bin");
    let esbuild = npm_bin.join("esbuild");
    let base_path = env::var_os("PATH").unwrap_or_default();
    let tool_path = env::join_paths(
        [cargo_bin.clone(), npm_bin]
            .into_iter()
            .chain(env::split_paths(&base_path)),
    )
    .map_err(|e| e.to_string())?;

    let system_rust = ensure_wasm_target(root)?;
    let wasm_path = if system_rust {
        // Debian's /usr/bin/cargo and rustc must win over rustup's proxies.
        env::join_paths(
            [PathBuf::from("/usr/bin")]
                .into_iter()
                .chain(env::split_paths(&tool_path)),
        )
        .map_err(|e| e.to_string())?
    } else {
        tool_path
    };

    ensure_browsers()?;
    let bindgen = wasm_bindgen_version(root)?;
    ensure_cargo_tool(&cargo_bin, "wasm-bindgen", "wasm-bindgen-cli", &bindgen)?;
    ensure_cargo_tool(&cargo_bin, "wasm-pack", "wasm-pack", WASM_PACK_VERSION)?;
    ensure_cargo_tool(
        &cargo_bin,
        "geckodriver",
        "geckodriver",
        GECKODRIVER_VERSION,
    )?;
    ensure_npm_deps(&root.join("tools"), "")?;

    Ok(Tools {
        wasm_path,
        system_cargo: system_rust.then(|| PathBuf::from("/usr/bin/cargo")),
        chromedriver: PathBuf::from("/usr/bin/chromedriver"),
        geckodriver: cargo_bin.join("geckodriver"),
        esbuild,
    })
}

/// twiggy, which `cargo xtask bench` runs to tell where the module's bytes go; only
/// the bench needs it, so only the bench installs it.
pub fn ensure_twiggy() -> Result<PathBuf> {
    let cargo_bin = cargo_home().join("bin");
    ensure_cargo_tool(&cargo_bin, "twiggy", "twiggy", TWIGGY_VERSION)?;
    Ok(cargo_bin.join("twiggy"))
}

/// Where cargo keeps its registry and installed tools.
pub fn cargo_home() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env::var_os("HOME").unwrap_or_default()).join(".cargo"))
}

/// Returns true when wasm builds must use Debian's toolchain (/usr/bin) rather than the
/// ambient rustup one.
fn ensure_wasm_target(root: &Path) -> Result<bool> {
    let rustup_has_target = || {
        output("rustup", &["target", "list", "--installed"])
            .is_some_and(|list| list.lines().any(|l| l.trim() == WASM_TARGET))
    };
    if rustup_has_target() {
        return Ok(false);
    }
    if debian_std_is_current() {
        return Ok(true);
    }
    // The ordinary way, where rustup can download targets. Here it hangs: bound it.
    if output("rustup", &["--version"]).is_some() {
        let added = run_bounded(
            Command::new("rustup").args(["target", "add", WASM_TARGET]),
            Duration::from_secs(60),
        );
        match added {
            Ok(()) if rustup_has_target() => return Ok(false),
            Ok(()) => {}
            Err(e) => eprintln!("rustup could not add {WASM_TARGET} ({e}); using Debian's Rust"),
        }
    }
    install_debian_wasm_std(root)?;
    Ok(true)
}

fn std_stamp_path() -> PathBuf {
    Path::new(DEBIAN_SYSROOT)
        .join(WASM_TARGET)
        .join("deepwork-std.stamp")
}

/// What the installed wasm32 std was built for: the compiler's identity and our flags.
fn expected_std_stamp() -> Option<String> {
    let version = output("/usr/bin/rustc", &["-vV"])?;
    Some(format!("{version}\nRUSTFLAGS={STD_RUSTFLAGS}\n"))
}

fn debian_std_is_current() -> bool {
    let linker = Path::new(DEBIAN_SYSROOT).join("x86_64-unknown-linux-gnu/bin/rust-lld");
    match (expected_std_stamp(), fs::read_to_string(std_stamp_path())) {
        // (lld only runs under a flavor name, so check the link, not a run.)
        (Some(expected), Ok(found)) => expected == found && linker.exists(),
        _ => false,
    }
}

/// Debian packages a current rustc and the std source, but no wasm32 std: build it
/// once from source into Debian's sysroot (docs/testing.md, "The toolchain", says how).
fn install_debian_wasm_std(root: &Path) -> Result {
    apt_install(&["rustc-web", "cargo-web", "rust-web-src", "lld-19"])?;
    let scratch = root.join("target/xtask/wasm-std");
    fs::create_dir_all(scratch.join("src")).map_err(|e| e.to_string())?;
    fs::write(
        scratch.join("Cargo.toml"),
        "[package]\nname = \"wasm-std-scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .map_err(|e| e.to_string())?;
    fs::write(scratch.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    run(Command::new("/usr/bin/cargo")
        .current_dir(&scratch)
        .env("PATH", prepend_usr_bin())
        .env_remove("RUSTC")
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", STD_RUSTFLAGS)
        .args(["build", "--release", "--target", WASM_TARGET])
        .args(["-Zbuild-std=std,panic_abort,test"]))?;

    let lib_dir = Path::new(DEBIAN_SYSROOT).join(WASM_TARGET).join("lib");
    let _ = fs::remove_dir_all(&lib_dir);
    fs::create_dir_all(&lib_dir).map_err(|e| e.to_string())?;
    let deps = scratch
        .join("target")
        .join(WASM_TARGET)
        .join("release/deps");
    for entry in fs::read_dir(&deps).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".rlib") && !name.starts_with("libwasm_std_scratch") {
            fs::copy(&path, lib_dir.join(&*name)).map_err(|e| e.to_string())?;
        }
    }
    // rustc links wasm with `rust-lld`, which Debian ships as lld-19.
    let host_bin = Path::new(DEBIAN_SYSROOT).join("x86_64-unknown-linux-gnu/bin");
    fs::create_dir_all(&host_bin).map_err(|e| e.to_string())?;
    let linker = host_bin.join("rust-lld");
    let _ = fs::remove_file(&linker);
    std::os::unix::fs::symlink("/usr/bin/lld-19", &linker).map_err(|e| e.to_string())?;
    // Artifacts built against the previous std no longer link with the new one.
    let _ = fs::remove_dir_all(root.join("target").join(WASM_TARGET));
    let stamp = expected_std_stamp().ok_or("cannot run /usr/bin/rustc")?;
    fs::write(std_stamp_path(), stamp).map_err(|e| e.to_string())
}

fn prepend_usr_bin() -> OsString {
    let base = env::var_os("PATH").unwrap_or_default();
    env::join_paths(
        [PathBuf::from("/usr/bin")]
            .into_iter()
            .chain(env::split_paths(&base)),
    )
    .unwrap_or(base)
}

fn ensure_browsers() -> Result {
    let missing: Vec<&str> = [
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
        ("/usr/bin/firefox-esr", "firefox-esr"),
    ]
    .into_iter()
    .filter(|(bin, _)| !Path::new(bin).exists())
    .map(|(_, package)| package)
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        apt_install(&missing)
    }
}

/// Installs Debian packages, refreshing the package lists first (a new machine has none).
pub fn apt_install(packages: &[&str]) -> Result {
    let installed = |p: &&str| {
        output("dpkg-query", &["-W", "-f=${Status}", p]).is_some_and(|s| s.ends_with(" installed"))
    };
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if output("apt-get", &["--version"]).is_none() {
        return Err(format!(
            "missing {missing:?} and no apt-get to install them; install them by hand"
        ));
    }
    run_bounded(
        Command::new("apt-get").args(["update", "-qq"]),
        Duration::from_secs(300),
    )?;
    run_bounded(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing),
        Duration::from_secs(1200),
    )
}

/// The wasm-bindgen version pinned (`version = "=X"`) in Cargo.toml: the CLI must match
/// it exactly.
fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("wasm-bindgen = "))
        .and_then(|rest| rest.split("\"=").nth(1))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .ok_or_else(|| {
            "Cargo.toml must pin wasm-bindgen as `wasm-bindgen = { version = \"=X.Y.Z\", … }`"
                .into()
        })
}

/// `cargo install`s `krate` at `version` unless `bin --version` already reports it.
/// `--locked` first, for the versions its authors tested; a registry mirror may lack
/// one of those, so then without it.
fn ensure_cargo_tool(cargo_bin: &Path, bin: &str, krate: &str, version: &str) -> Result {
    let reported = output(cargo_bin.join(bin), &["--version"]).unwrap_or_default();
    if reported.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    let install = |locked: &[&str]| {
        run_bounded(
            Command::new("cargo")
                .args(["install", krate, "--version", version])
                .args(locked),
            Duration::from_secs(1200),
        )
    };
    install(&["--locked"]).or_else(|e| {
        eprintln!("{e}; trying again without --locked");
        install(&[])
    })
}

/// `npm ci` in `dir` unless its node_modules already matches its package-lock.json and
/// `also` (a stamp holds what it was installed from; the npm consumer fixtures pass the
/// packed tarball's checksum): wasm-opt (`binaryen`) in tools/, playwright-core in
/// tests/e2e/ and bench/, the fixtures under tests/consumers/.
pub fn ensure_npm_deps(dir: &Path, also: &str) -> Result {
    let lock = fs::read_to_string(dir.join("package-lock.json"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let wanted = format!("{lock}\n{also}\n");
    let stamp = dir.join("node_modules/.deepwork-lock");
    if fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(());
    }
    if output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    run_bounded(
        // --prefer-offline: a machine that installed these once needs no registry again.
        Command::new("npm").current_dir(dir).args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
        ]),
        Duration::from_secs(600),
    )?;
    fs::write(stamp, wanted).map_err(|e| e.to_string())
}

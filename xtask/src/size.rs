//! What a browser downloads from the package, gzipped, against the size budget: the
//! bench's size rows and the size test of `cargo xtask test` (size is deterministic,
//! so unlike time it can be a test).

use crate::process::Result;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The size budget of the whole package (wasm + the JS a browser loads), gzipped, with
/// every call, the watches and the live-dashboard layer; `cargo xtask test` fails above
/// it. The package builds against serde-wasm-bindgen with our patch (patches/).
pub const BUDGET_KIB: f64 = 80.0;

/// The goal: openai-node's size, minified and gzipped.
pub const GOAL_KIB: f64 = 52.0;

/// Gzipped and raw sizes of what a browser loads from the package, in bytes.
pub struct Sizes {
    pub wasm_raw: u64,
    pub wasm_gzip: u64,
    /// Each JS file the browser entry loads, with its gzipped size.
    pub js_gzip: Vec<(String, u64)>,
}

impl Sizes {
    pub fn measure(pkg: &Path) -> Result<Sizes> {
        let wasm = pkg.join("deepwork_client_bg.wasm");
        let wasm_raw = fs::metadata(&wasm)
            .map_err(|e| format!("{}: {e}", wasm.display()))?
            .len();
        // package.json `files` lists what ships; of its .js files, only node.js (Node's
        // entry) is never loaded by a browser.
        let manifest = pkg.join("package.json");
        let manifest: Value = fs::read_to_string(&manifest)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .ok_or_else(|| format!("cannot read {}", manifest.display()))?;
        let files = manifest["files"]
            .as_array()
            .ok_or("pkg/package.json has no `files`")?;
        let mut shipped = Vec::new();
        for entry in files.iter().filter_map(Value::as_str) {
            files_under(&pkg.join(entry), &mut shipped)?;
        }
        let mut js_gzip = Vec::new();
        for file in shipped {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            if let Some(name) = name.filter(|n| n.ends_with(".js") && n != "node.js") {
                js_gzip.push((name, gzip_size(&file)?));
            }
        }
        Ok(Sizes {
            wasm_raw,
            wasm_gzip: gzip_size(&wasm)?,
            js_gzip,
        })
    }

    pub fn js_total(&self) -> u64 {
        self.js_gzip.iter().map(|(_, size)| size).sum()
    }

    /// The whole package as a browser downloads it: wasm and JS, gzipped.
    pub fn total(&self) -> u64 {
        self.wasm_gzip + self.js_total()
    }

    pub fn within_budget(&self) -> bool {
        self.total() as f64 <= BUDGET_KIB * 1024.0
    }
}

/// `path` itself, or every file under it when it is a folder (package.json `files`
/// may name either), in a stable order.
fn files_under(path: &Path, out: &mut Vec<PathBuf>) -> Result {
    if !path.is_dir() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<_> = fs::read_dir(path)
        .and_then(|dir| dir.map(|entry| entry.map(|e| e.path())).collect())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    entries.sort();
    for entry in entries {
        files_under(&entry, out)?;
    }
    Ok(())
}

/// Bytes of `gzip -9` output, as a server compressing at its best would send the file.
/// `-n` leaves the file's name and time out of the header, as when gzip reads a pipe.
fn gzip_size(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip {} failed ({})", path.display(), out.status));
    }
    Ok(out.stdout.len() as u64)
}

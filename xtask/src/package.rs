//! Building `pkg/`: wasm-pack's output plus the entry point that starts the module and
//! exports the error class, described by a complete package.json.

use crate::process::{run_bounded, Result, BUILD_LIMIT};
use crate::toolchain::Tools;
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};

/// The wasm-bindgen module name inside pkg/.
const MODULE: &str = "deepwork_client";

/// Builds pkg/ (release unless `dev`) and returns its path.
pub fn build(root: &Path, tools: &Tools, dev: bool) -> Result<PathBuf> {
    let pkg = root.join("pkg");
    let mut cmd = tools.wasm("wasm-pack");
    cmd.current_dir(root)
        .args(["build", "--target", "web", "--out-dir", "pkg", "--out-name", MODULE])
        .arg(if dev { "--dev" } else { "--release" });
    run_bounded(&mut cmd, BUILD_LIMIT)?;
    write_entry(root, &pkg)?;
    Ok(pkg)
}

/// Copies js/index.{js,d.ts} into pkg/, pointing them at the error snippet that
/// wasm-bindgen placed under a hashed folder, and rewrites package.json around them.
fn write_entry(root: &Path, pkg: &Path) -> Result {
    let snippet = find_snippet(&pkg.join("snippets"))?;
    let js = read(&root.join("js/index.js"))?.replace("__ERROR_MODULE__", &snippet);
    fs::write(pkg.join("index.js"), js).map_err(|e| e.to_string())?;
    fs::copy(root.join("js/index.d.ts"), pkg.join("index.d.ts")).map_err(|e| e.to_string())?;
    // wasm-pack writes a .gitignore of "*" into pkg/, which would make npm skip every file.
    let _ = fs::remove_file(pkg.join(".gitignore"));

    let manifest_path = pkg.join("package.json");
    let mut manifest: Value = serde_json::from_str(&read(&manifest_path)?).map_err(|e| e.to_string())?;
    let Some(fields) = manifest.as_object_mut() else {
        return Err("pkg/package.json is not an object".into());
    };
    fields.insert("type".into(), json!("module"));
    fields.insert("main".into(), json!("./index.js"));
    fields.insert("module".into(), json!("./index.js"));
    fields.insert("types".into(), json!("./index.d.ts"));
    fields.insert(
        "exports".into(),
        json!({ ".": { "types": "./index.d.ts", "default": "./index.js" }, "./package.json": "./package.json" }),
    );
    // index.js starts the wasm module when imported; the snippets define the error class.
    fields.insert("sideEffects".into(), json!(["./index.js", "./snippets/*"]));
    let mut files: Vec<Value> = fields
        .get("files")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for extra in ["index.js", "index.d.ts"] {
        if !files.iter().any(|f| f == extra) {
            files.push(json!(extra));
        }
    }
    fields.insert("files".into(), Value::Array(files));
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    fs::write(manifest_path, text + "\n").map_err(|e| e.to_string())
}

/// `snippets/deepwork-client-<hash>/js/error.js`, relative to pkg/.
fn find_snippet(snippets: &Path) -> Result<String> {
    let entries = fs::read_dir(snippets).map_err(|e| format!("{}: {e}", snippets.display()))?;
    for entry in entries.flatten() {
        if entry.path().join("js/error.js").is_file() {
            return Ok(format!("snippets/{}/js/error.js", entry.file_name().to_string_lossy()));
        }
    }
    Err(format!("no js/error.js snippet under {}", snippets.display()))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

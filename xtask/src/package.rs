//! Building `pkg/`: wasm-pack's output plus the entry points that start the module
//! (one for browsers, one for Node) and export the error class, described by a complete
//! package.json and a README for npm readers.

use crate::process::{run_bounded, Result, BUILD_LIMIT};
use crate::toolchain::Tools;
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm-bindgen module name inside pkg/.
const MODULE: &str = "deepwork_client";

/// The JS snippets (js/) the module imports: wasm-bindgen copies them into pkg/snippets/.
/// Only the error class: a class that extends `Error` cannot be written in Rust.
const SNIPPETS: [&str; 1] = ["error.js"];

/// Sections of the repository's README that are about working on this repository, not
/// about using the package: left out of the package's README.
const DEVELOPER_SECTIONS: [&str; 1] = ["## Try it, test it"];

/// Builds pkg/ (release unless `dev`) and returns its path.
pub fn build(root: &Path, tools: &Tools, dev: bool) -> Result<PathBuf> {
    let pkg = root.join("pkg");
    // wasm-pack overwrites what it writes but leaves the rest: a snippet an older build
    // shipped would stay in the snippet folder (same name) and be packed. Start empty.
    if pkg.exists() {
        fs::remove_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    }
    let mut cmd = tools.wasm("wasm-pack");
    // Built from the patched copy (patched.rs), into the repository's own target/ and pkg/.
    cmd.current_dir(crate::patched::sdk(root)?)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["build", "--target", "web", "--out-dir"])
        .arg(&pkg)
        .args(["--out-name", MODULE])
        .arg(if dev { "--dev" } else { "--release" });
    if !dev {
        // The package picks its allocator (see Cargo.toml's `talc` feature).
        cmd.args(["--", "--features", "talc"])
            .env("CARGO_ENCODED_RUSTFLAGS", remapped_registry());
    }
    run_bounded(&mut cmd, BUILD_LIMIT)?;
    if !dev {
        crate::imports::shorten(
            &pkg.join(format!("{MODULE}_bg.wasm")),
            &pkg.join(format!("{MODULE}.js")),
            &format!("./{MODULE}_bg.js"),
        )?;
    }
    let snippets = write_entries(root, &pkg)?;
    if !dev {
        minify(tools, &pkg, &snippets)?;
    }
    Ok(pkg)
}

/// rustc flags that write the crates' sources as `crates/<crate>/…` in the module's
/// panic locations, instead of where this machine's cargo keeps them: the package
/// carries no machine's paths, and is a little smaller.
fn remapped_registry() -> String {
    let sources = crate::toolchain::cargo_home().join("registry/src");
    let indexes = fs::read_dir(&sources).into_iter().flatten().flatten();
    indexes
        .map(|index| format!("--remap-path-prefix={}=crates", index.path().display()))
        .collect::<Vec<_>>()
        .join("\x1f")
}

/// Copies js/index.js (browsers), js/node.js (Node) and js/index.d.ts into pkg/,
/// pointing them at the error snippet, and rewrites package.json and README.md.
/// Returns the snippet folder (relative to pkg/).
fn write_entries(root: &Path, pkg: &Path) -> Result<String> {
    let snippets = find_snippets(pkg)?;
    let error_module = format!("{snippets}/js/error.js");
    for entry in ["index.js", "node.js"] {
        let js = read(&root.join("js").join(entry))?.replace("__ERROR_MODULE__", &error_module);
        write(&pkg.join(entry), &js)?;
    }
    write(&pkg.join("index.d.ts"), &read(&root.join("js/index.d.ts"))?)?;
    let glue_types = pkg.join(format!("{MODULE}.d.ts"));
    write(&glue_types, &public_types(&read(&glue_types)?)?)?;
    // wasm-pack writes a .gitignore of "*" into pkg/; npm would skip every file.
    let _ = fs::remove_file(pkg.join(".gitignore"));

    let manifest_path = pkg.join("package.json");
    let generated: Value =
        serde_json::from_str(&read(&manifest_path)?).map_err(|e| e.to_string())?;
    let Some(generated) = generated.as_object() else {
        return Err("pkg/package.json is not an object".into());
    };
    // name, version, description, license, repository and keywords come from
    // Cargo.toml through wasm-pack; the rest describes how the package is loaded.
    let from_cargo = |key: &str| generated.get(key).cloned().map(Json::Value);
    let repository = generated
        .get("repository")
        .and_then(|r| r.get("url"))
        .and_then(Value::as_str)
        .ok_or("pkg/package.json has no repository.url (set `repository` in Cargo.toml)")?
        .to_owned();
    let mut fields: Vec<(&str, Json)> = Vec::new();
    for key in ["name", "version", "description", "license"] {
        fields.push((
            key,
            from_cargo(key).ok_or(format!("pkg/package.json has no {key}"))?,
        ));
    }
    // In the form npm normalizes it to, so that `npm publish` has nothing to correct.
    let git_url = format!(
        "git+{}.git",
        repository
            .trim_start_matches("git+")
            .trim_end_matches(".git")
    );
    fields.push((
        "repository",
        Json::Value(json!({ "type": "git", "url": git_url })),
    ));
    fields.push((
        "homepage",
        Json::Value(json!(format!("{repository}#readme"))),
    ));
    fields.push((
        "bugs",
        Json::Value(json!({ "url": format!("{repository}/issues") })),
    ));
    if let Some(keywords) = from_cargo("keywords") {
        fields.push(("keywords", keywords));
    }
    fields.push(("type", Json::Value(json!("module"))));
    fields.push(("main", Json::Value(json!("./index.js"))));
    fields.push(("module", Json::Value(json!("./index.js"))));
    fields.push(("types", Json::Value(json!("./index.d.ts"))));
    // Node's fetch cannot load the .wasm by URL, so Node (and tools resolving for it)
    // gets an entry that reads it from disk; everything else gets the fetching one.
    // Conditions are tried in order: `types` first (TypeScript), `default` last.
    let root_export = Json::Object(vec![
        ("types", Json::Value(json!("./index.d.ts"))),
        ("node", Json::Value(json!("./node.js"))),
        ("default", Json::Value(json!("./index.js"))),
    ]);
    fields.push((
        "exports",
        Json::Object(vec![
            (".", root_export),
            ("./package.json", Json::Value(json!("./package.json"))),
        ]),
    ));
    // Only the entries have side effects (they start the wasm module): a bundler that
    // dropped them as unused re-export modules would leave the module unstarted.
    fields.push((
        "sideEffects",
        Json::Value(json!(["./index.js", "./node.js"])),
    ));
    // Exactly what ships: this build's snippet folder by its name, so that one left by
    // an older build (its name is a hash) is not packed too. npm adds package.json.
    let files = json!([
        "index.js",
        "index.d.ts",
        "node.js",
        format!("{MODULE}.js"),
        format!("{MODULE}.d.ts"),
        format!("{MODULE}_bg.wasm"),
        snippets,
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE"
    ]);
    fields.push(("files", Json::Value(files)));
    fields.push(("engines", Json::Value(json!({ "node": ">=20" }))));
    write(&manifest_path, &(Json::Object(fields).pretty(0) + "\n"))?;

    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        fs::copy(root.join(license), pkg.join(license)).map_err(|e| format!("{license}: {e}"))?;
    }
    write(
        &pkg.join("README.md"),
        &package_readme(&read(&root.join("README.md"))?, &repository),
    )?;
    Ok(snippets)
}

/// Minifies every JS file of the package in place: it is a quarter of what a browser
/// downloads, and comments and long local names are most of that. Exported names stay
/// (and DeepWorkError sets its `name` itself); the readable sources are js/ and the
/// glue wasm-bindgen generates from src/.
fn minify(tools: &Tools, pkg: &Path, snippets: &str) -> Result {
    let mut files: Vec<PathBuf> = ["index.js", "node.js", &format!("{MODULE}.js")]
        .iter()
        .map(|file| pkg.join(file))
        .collect();
    for file in SNIPPETS {
        files.push(pkg.join(snippets).join("js").join(file));
    }
    // Each file is written back where it was: --outbase keeps the folders.
    run_bounded(
        Command::new(&tools.esbuild)
            .args(&files)
            .args(["--minify", "--log-level=warning", "--allow-overwrite"])
            .arg(format!("--outbase={}", pkg.display()))
            .arg(format!("--outdir={}", pkg.display())),
        BUILD_LIMIT,
    )
}

/// The folder, relative to pkg/, of the JS snippets the wasm-bindgen glue imports
/// (`snippets/deepwork-client-<hash>`, holding the `SNIPPETS`). Read
/// from the glue itself, so a stale snippet folder from an older build cannot be picked
/// by mistake.
fn find_snippets(pkg: &Path) -> Result<String> {
    let glue = read(&pkg.join(format!("{MODULE}.js")))?;
    let imported: Vec<&str> = glue
        .lines()
        .filter(|line| line.starts_with("import "))
        .filter_map(|line| line.split('\'').nth(1))
        .filter_map(|path| path.strip_prefix("./snippets/"))
        .collect();
    let folder = imported
        .iter()
        .find_map(|path| path.strip_suffix("/js/error.js"))
        .ok_or("the wasm-bindgen glue does not import a js/error.js snippet")?;
    for file in SNIPPETS {
        let path = format!("{folder}/js/{file}");
        if !imported.contains(&path.as_str()) {
            return Err(format!(
                "the wasm-bindgen glue does not import snippets/{path}"
            ));
        }
        if !pkg.join("snippets").join(&path).is_file() {
            return Err(format!("pkg/snippets/{path} is missing"));
        }
    }
    Ok(format!("snippets/{folder}"))
}

/// wasm-bindgen's .d.ts without what the package does not export and what would not
/// compile in a strict program that checks libraries (no `skipLibCheck`):
/// - the init functions and their types (`InitInput`, …: the entries call init
///   themselves); they name DOM and WebAssembly types that a Node program lacks;
/// - `[Symbol.dispose]()` on the client class, which needs the `esnext.disposable`
///   library (the method is still there at run time where the engine has it).
///
/// tests/consumers/typescript compiles against the result in both kinds of program.
fn public_types(glue: &str) -> Result<String> {
    let init = glue.find("\nexport type InitInput").ok_or(
        "wasm-bindgen's .d.ts has no `export type InitInput`: check what package.rs trims",
    )?;
    let kept: Vec<&str> = glue[..init]
        .lines()
        .filter(|line| line.trim() != "[Symbol.dispose](): void;")
        .collect();
    Ok(kept.join("\n").trim_end().to_owned() + "\n")
}

/// The repository's README without the sections about developing this repository,
/// plus a pointer to them. Its links to files of the repository become links to the
/// repository's pages: npm shows the README without the files beside it.
fn package_readme(readme: &str, repository: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    let mut in_code = false;
    for line in readme.lines() {
        in_code ^= line.starts_with("```");
        if !in_code && line.starts_with("## ") {
            skipping = DEVELOPER_SECTIONS.contains(&line.trim_end());
        }
        if skipping {
            continue;
        }
        if in_code || line.starts_with("```") {
            out.push_str(line);
        } else {
            out.push_str(&absolute_links(line, repository));
        }
        out.push('\n');
    }
    format!(
        "{}\n\n## Development\n\nThe SDK is written in Rust; building it, its tests and a local API \
         server are described in the [repository]({repository}).\n",
        out.trim_end()
    )
}

/// `[text](docs/api.md)` → `[text](<repository>/blob/HEAD/docs/api.md)` (a folder:
/// `/tree/HEAD/…`), outside code spans; links to other sites and to anchors stay.
fn absolute_links(line: &str, repository: &str) -> String {
    let mut out = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part); // inside a code span
            continue;
        }
        let mut rest = part;
        while let Some(at) = rest.find("](") {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            let target = rest.trim_start_matches("./");
            let external = ["http://", "https://", "mailto:", "#"]
                .iter()
                .any(|prefix| target.starts_with(prefix));
            if !external {
                let end = target.find(')').unwrap_or(target.len());
                let kind = if target[..end]
                    .split('#')
                    .next()
                    .is_some_and(|path| path.ends_with('/'))
                {
                    "tree"
                } else {
                    "blob"
                };
                out.push_str(&format!("{repository}/{kind}/HEAD/"));
                rest = target;
            }
        }
        out.push_str(rest);
    }
    out
}

/// JSON whose object keys keep their order: serde_json (without its `preserve_order`
/// feature) sorts them, but the order of export conditions is what Node and bundlers go by.
enum Json {
    Value(Value),
    Object(Vec<(&'static str, Json)>),
}

impl Json {
    /// Pretty-printed like `JSON.stringify(value, null, 2)`, at `indent` levels.
    fn pretty(&self, indent: usize) -> String {
        match self {
            Json::Value(value) => {
                let text = serde_json::to_string_pretty(value).unwrap_or_default();
                text.replace('\n', &format!("\n{}", "  ".repeat(indent)))
            }
            Json::Object(fields) => {
                let pad = "  ".repeat(indent + 1);
                let body: Vec<String> = fields
                    .iter()
                    .map(|(key, value)| {
                        format!("{pad}{}: {}", json!(key), value.pretty(indent + 1))
                    })
                    .collect();
                format!("{{\n{}\n{}}}", body.join(",\n"), "  ".repeat(indent))
            }
        }
    }
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_readme_links_to_the_repository() {
        let repo = "https://github.com/o/r";
        let line = "See [api](docs/api.md#x), [it](./examples/app/), [npm](https://npmjs.com), [up](#install) and `[code](no.md)`.";
        assert_eq!(
            absolute_links(line, repo),
            "See [api](https://github.com/o/r/blob/HEAD/docs/api.md#x), [it](https://github.com/o/r/tree/HEAD/examples/app/), [npm](https://npmjs.com), [up](#install) and `[code](no.md)`."
        );
        let readme = "# x\n[a](LICENSE-MIT)\n## Try it, test it\n[b](docs/testing.md)\n## More\n```js\nf[0](1)\n```\n";
        let package = package_readme(readme, repo);
        assert!(
            package.contains("[a](https://github.com/o/r/blob/HEAD/LICENSE-MIT)"),
            "{package}"
        );
        assert!(
            !package.contains("testing.md") && package.contains("f[0](1)"),
            "{package}"
        );
    }
}

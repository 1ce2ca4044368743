//! Where the module's bytes go, by name: the package's module is built again with its
//! names kept (the same wasm-bindgen and wasm-opt steps, plus `-g`), twiggy lists its
//! items, and they are summed crate by crate. `cargo xtask bench` prints both tables, so
//! that a regression shows up by name.

use crate::process::{run_bounded, Result, BUILD_LIMIT};
use crate::toolchain::Tools;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Rows in the largest-items table.
const TOP: usize = 15;

/// The modules of the live-dashboard layer (shared polls, the request budget, watches).
const LIVE: [&str; 6] = [
    "deepwork_client::poll::",
    "deepwork_client::budget::",
    "deepwork_client::watch::",
    "deepwork_client::timer::",
    "deepwork_client::page::",
    "deepwork_client::bindings::watch::",
];

/// One item of the module (a function, a data segment, a section) or a group of its
/// monomorphizations, with its shallow size in the module built with names.
pub struct Item {
    pub name: String,
    pub krate: String,
    pub bytes: u64,
    /// How many items of this name (a generic function's copies).
    pub copies: u32,
}

/// The items of the module that `cargo xtask build` last built (its cargo output in
/// target/), largest first.
pub fn measure(root: &Path, tools: &Tools) -> Result<Vec<Item>> {
    let twiggy = crate::toolchain::ensure_twiggy()?;
    let built = root.join("target/wasm32-unknown-unknown/release/deepwork_client.wasm");
    let out = root.join("target/bench/named");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    run_bounded(
        tools
            .wasm("wasm-bindgen")
            .args(["--target", "web", "--keep-debug", "--out-dir"])
            .arg(&out)
            .arg(&built),
        BUILD_LIMIT,
    )?;
    // The package's import names, as package.rs shortens them.
    crate::imports::shorten(
        &out.join("deepwork_client_bg.wasm"),
        &out.join("deepwork_client.js"),
        "./deepwork_client_bg.js",
    )?;
    let named = out.join("named.wasm");
    run_bounded(
        tools
            .wasm("wasm-opt")
            .args(wasm_opt_flags(root)?)
            .arg("-g")
            .arg(out.join("deepwork_client_bg.wasm"))
            .arg("-o")
            .arg(&named),
        BUILD_LIMIT,
    )?;
    let listed = Command::new(twiggy)
        .args(["top", "-n", "1000000", "-f", "csv"])
        .arg(&named)
        .output()
        .map_err(|e| format!("cannot run twiggy: {e}"))?;
    if !listed.status.success() {
        return Err(format!("twiggy failed on {}", named.display()));
    }
    Ok(items(&String::from_utf8_lossy(&listed.stdout)))
}

/// The wasm-opt flags the package is built with (Cargo.toml's wasm-pack metadata): the
/// one place they are written.
fn wasm_opt_flags(root: &Path) -> Result<Vec<String>> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let line = manifest
        .lines()
        .find_map(|line| line.strip_prefix("wasm-opt = ["))
        .ok_or("Cargo.toml has no `wasm-opt = [...]` line")?;
    Ok(line
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect())
}

/// twiggy's CSV as items, the copies of one generic function taken together, largest
/// first; the name section (there only because of `-g`) left out.
fn items(csv: &str) -> Vec<Item> {
    let mut grouped: BTreeMap<String, Item> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let fields = csv_fields(line);
        let (Some(name), Some(bytes)) = (fields.first(), fields.get(1)) else {
            continue;
        };
        let Ok(bytes) = bytes.parse::<u64>() else {
            continue;
        };
        if name.ends_with("names\" subsection") {
            continue;
        }
        let name = without_hash(name);
        let item = grouped.entry(name.clone()).or_insert_with(|| Item {
            krate: crate_of(&name),
            name,
            bytes: 0,
            copies: 0,
        });
        item.bytes += bytes;
        item.copies += 1;
    }
    let mut items: Vec<Item> = grouped.into_values().collect();
    items.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.name.cmp(&b.name)));
    items
}

/// The fields of one CSV line, with `"…"` quoting and `""` for a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// `a::b::h0123456789abcdef` without its `::h…` hash, and `core[c59…]` without the
/// crate's: the copies of a generic function then share a name.
fn without_hash(name: &str) -> String {
    let mut name = name.to_owned();
    if let Some(at) = name.rfind("::h") {
        let hash = &name[at + 3..];
        if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            name.truncate(at);
        }
    }
    while let Some(open) = name.find('[') {
        let Some(close) = name[open..].find(']').map(|at| open + at) else {
            break;
        };
        let inner = &name[open + 1..close];
        if inner.len() == 16 && inner.bytes().all(|b| b.is_ascii_hexdigit()) {
            name.replace_range(open..=close, "");
        } else {
            break;
        }
    }
    name
}

/// The crate an item's code comes from: the first path segment of the function, or of
/// the type of an `<T as Trait>` impl; what wasm-bindgen and the linker add by kind.
fn crate_of(name: &str) -> String {
    if name.starts_with("data segment") {
        return "data".into();
    }
    if name.contains(" shim") || name.starts_with("__wbindgen") || name.starts_with("__wbg") {
        return "wasm-bindgen (generated)".into();
    }
    let path = name.trim_start_matches('<').trim_start_matches('&');
    let path = path.trim_start_matches("mut ").trim_start_matches("dyn ");
    match path.split_once("::") {
        Some((krate, _))
            if krate
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            krate.into()
        }
        _ => "module (sections, runtime)".into(),
    }
}

/// The two tables, in markdown: the largest items, and every crate's total.
pub fn tables(items: &[Item]) -> String {
    let total: u64 = items.iter().map(|i| i.bytes).sum();
    let percent = |bytes: u64| 100.0 * bytes as f64 / total.max(1) as f64;
    let mut out = format!(
        "The module built with names (wasm-opt `-g`): {total} bytes of code and data, before gzip.\n\n\
         | largest items | crate | bytes | % |\n|---|---|---|---|\n"
    );
    for item in items.iter().take(TOP) {
        let copies = if item.copies > 1 {
            format!(" (×{})", item.copies)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "| `{}`{copies} | {} | {} | {:.1} |\n",
            item.name.replace('|', "\\|"),
            item.krate,
            item.bytes,
            percent(item.bytes)
        ));
    }
    let mut crates: BTreeMap<&str, u64> = BTreeMap::new();
    for item in items {
        *crates.entry(&item.krate).or_default() += item.bytes;
    }
    let mut crates: Vec<(&str, u64)> = crates.into_iter().collect();
    crates.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    out.push_str("\n| crate | bytes | % |\n|---|---|---|\n");
    for (krate, bytes) in crates {
        out.push_str(&format!("| {krate} | {bytes} | {:.1} |\n", percent(bytes)));
    }
    let live: u64 = items
        .iter()
        .filter(|item| LIVE.iter().any(|module| item.name.contains(module)))
        .map(|item| item.bytes)
        .sum();
    out.push_str(&format!(
        "\nThe live layer's own functions (the modules poll, budget, watch, timer, page and the JS \
         watch class): {live} bytes ({:.1} %); what they inline into other functions counts there.\n\
         `js_sys::futures::future_to_promise`'s closure is the future every JS call runs: \
         the SDK's calls are inlined into it.\n",
        percent(live)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
\"\"\"function names\"\" subsection\",5000,25.0,,\n\
<serde_wasm_bindgen::de::Deserializer as serde_core::de::Deserializer>::deserialize_struct::hdfd4ecd1c42c66b9,900,1.0,,\n\
<serde_wasm_bindgen::de::Deserializer as serde_core::de::Deserializer>::deserialize_struct::h04cdbdb5d63c59eb,600,1.0,,\n\
\"deepwork_client::call::Call::send::{{closure}}::h99842123bcce12cd\",1100,1.0,,\n\
core[c5930c85a12de822]::fmt::write,490,1.0,,\n\
\"data segment \"\".rodata\"\"\",2255,1.0,,\n\
deepworkclient_watchProject externref shim multivalue shim,221,1.0,,\n\
code[546],54,1.0,,\n";

    #[test]
    fn items_group_copies_drop_hashes_and_name_their_crate() {
        let items = items(CSV);
        let found: Vec<(&str, &str, u64, u32)> = items
            .iter()
            .map(|i| (i.name.as_str(), i.krate.as_str(), i.bytes, i.copies))
            .collect();
        assert_eq!(
            found,
            [
                ("data segment \".rodata\"", "data", 2255, 1),
                (
                    "<serde_wasm_bindgen::de::Deserializer as serde_core::de::Deserializer>::deserialize_struct",
                    "serde_wasm_bindgen",
                    1500,
                    2
                ),
                ("deepwork_client::call::Call::send::{{closure}}", "deepwork_client", 1100, 1),
                ("core::fmt::write", "core", 490, 1),
                (
                    "deepworkclient_watchProject externref shim multivalue shim",
                    "wasm-bindgen (generated)",
                    221,
                    1
                ),
                ("code[546]", "module (sections, runtime)", 54, 1),
            ]
        );
        let tables = tables(&items);
        assert!(
            tables.contains("| serde_wasm_bindgen | 1500 | 26.7 |"),
            "{tables}"
        );
        assert!(
            tables.contains("(×2) | serde_wasm_bindgen | 1500 |"),
            "{tables}"
        );
    }

    #[test]
    fn the_wasm_opt_flags_are_read_from_the_manifest() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let flags = wasm_opt_flags(&root).expect("flags");
        assert!(flags.iter().any(|f| f == "-Oz"), "{flags:?}");
        assert!(flags.iter().all(|f| f.starts_with('-')), "{flags:?}");
    }
}

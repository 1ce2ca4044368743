//! The docs' code is the tests' code: each example marks its source with
//! `<!-- snippet: tests/consumers/DIR/FILE#REGION -->` on the line before its fenced
//! block, and the block must equal the lines between `#region REGION` and `#endregion`
//! in that file, less their common indentation. A block of code users write (js, ts,
//! html, rust, toml) without a marker fails: it would be tested by nothing. Commands
//! (sh) and output (text, json) need none.

use super::Page;
use crate::process::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// Languages of code a user copies into a program: such blocks must come from a fixture.
const CODE: [&str; 8] = ["js", "mjs", "ts", "tsx", "jsx", "html", "rust", "toml"];

/// Checks every page's snippets; each fixture of `fixtures` (folders of
/// tests/consumers/) must be quoted at least once. Returns (passed, failed).
pub fn check(root: &Path, pages: &[Page], fixtures: &[&str]) -> (u32, u32) {
    let (mut passed, mut failed) = (0, 0);
    let mut quoted: Vec<String> = Vec::new();
    for Page { name, text, .. } in pages {
        let lines: Vec<&str> = text.lines().collect();
        let mut in_code = false;
        for (i, line) in lines.iter().enumerate() {
            if let Some(info) = line.strip_prefix("```") {
                if !in_code
                    && CODE.contains(&info.trim())
                    && !is_marker(i.checked_sub(1).map(|j| lines[j]))
                {
                    failed += 1;
                    eprintln!("{name}:{}: a ```{} block that no fixture backs: mark it with <!-- snippet: … -->", i + 1, info.trim());
                }
                in_code = !in_code;
                continue;
            }
            let Some(source) = marker(line) else {
                continue;
            };
            let block = fenced_block(&lines[i + 1..]);
            match (block, region(root, source)) {
                (Some(block), Ok(expected)) if block == expected => {
                    passed += 1;
                    eprintln!("{name} snippet {source}: same as the fixture");
                }
                (None, _) => {
                    failed += 1;
                    eprintln!("{name} snippet {source}: no fenced block right after the marker");
                }
                (Some(_), Err(e)) => {
                    failed += 1;
                    eprintln!("{name} snippet {source}: {e}");
                }
                (Some(_), Ok(expected)) => {
                    failed += 1;
                    eprintln!(
                        "{name} snippet {source}: differs from the fixture, which has:\n{expected}"
                    );
                }
            }
            quoted.extend(source.split('/').nth(2).map(str::to_owned));
        }
    }
    for dir in fixtures {
        if quoted.iter().any(|q| q == dir) {
            passed += 1;
        } else {
            failed += 1;
            eprintln!("no page quotes anything from tests/consumers/{dir}");
        }
    }
    (passed, failed)
}

/// The source a `<!-- snippet: … -->` line names.
fn marker(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("<!-- snippet: ")
        .and_then(|s| s.strip_suffix(" -->"))
}

fn is_marker(line: Option<&str>) -> bool {
    line.and_then(marker).is_some()
}

/// The text of the fenced block that starts on the first line of `lines`.
fn fenced_block(lines: &[&str]) -> Option<String> {
    let (open, rest) = lines.split_first()?;
    if !open.starts_with("```") {
        return None;
    }
    let end = rest.iter().position(|l| l.starts_with("```"))?;
    Some(rest[..end].join("\n"))
}

/// The dedented lines of region `name` in `path#name`, relative to the repository root.
fn region(root: &Path, source: &str) -> Result<String> {
    let (path, name) = source
        .split_once('#')
        .ok_or("the marker names no #region")?;
    let file: PathBuf = root.join(path);
    let text = fs::read_to_string(&file).map_err(|e| format!("{path}: {e}"))?;
    let start_marker = format!("#region {name}");
    let mut lines = text.lines();
    lines
        .by_ref()
        .find(|l| l.trim_end().ends_with(&start_marker) || l.contains(&format!("{start_marker} ")))
        .ok_or_else(|| format!("{path} has no `{start_marker}`"))?;
    let body: Vec<&str> = lines.take_while(|l| !l.contains("#endregion")).collect();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let dedented: Vec<&str> = body
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect();
    Ok(dedented.join("\n"))
}

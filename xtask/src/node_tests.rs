//! Node's test runner, as the node-driven rows run it: which files it runs, and the
//! counts of its report (TAP, or the spec reporter's for the npm consumers).

use crate::process::{Counts, Result};
use std::fs;
use std::path::Path;

/// TAP's closing lines: `# pass N`, `# fail N`; a test cut off is `# cancelled N`.
pub fn tap_line(line: &str, counts: &mut Counts) {
    closing_line("# ", line, counts);
}

/// The spec reporter's: the same lines after `ℹ `.
pub fn spec_line(line: &str, counts: &mut Counts) {
    closing_line("ℹ ", line, counts);
}

fn closing_line(marker: &str, line: &str, counts: &mut Counts) {
    let count = |label: &str| {
        line.strip_prefix(marker)
            .and_then(|rest| rest.strip_prefix(label))
            .and_then(|n| n.trim().parse::<u32>().ok())
    };
    counts.passed += count("pass ").unwrap_or(0);
    counts.failed += count("fail ").or_else(|| count("cancelled ")).unwrap_or(0);
}

/// The test files, sorted, so that node runs exactly these (not support modules).
pub fn test_files(dir: &Path) -> Result<Vec<String>> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.test.mjs in {}", dir.display()));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::LineCounter;

    #[test]
    fn counts_passes_failures_and_cancelled_tests() {
        let readers: [(LineCounter, &str); 2] = [(tap_line, "#"), (spec_line, "ℹ")];
        for (read, marker) in readers {
            let mut counts = Counts::default();
            for line in ["tests 9", "pass 7", "fail 1", "cancelled 1"] {
                read(&format!("{marker} {line}"), &mut counts);
            }
            read(&format!("ok 1 - {marker} pass 3"), &mut counts);
            assert_eq!((counts.passed, counts.failed), (7, 2), "{marker}");
        }
    }
}

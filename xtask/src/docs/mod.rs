//! The checks that keep the docs true, rows of the npm step: the code on every page is
//! a tested fixture's (`snippets`), every relative link resolves (`links`), and
//! docs/api.md lists exactly what the package's .d.ts declares (`api`, over `dts`).

mod api;
mod dts;
mod links;
mod snippets;

use crate::consumers::Row;
use std::fs;
use std::path::{Path, PathBuf};

/// The rows: `package` is the package as it ships (its unpacked tarball), `fixtures`
/// the consumer folders a page must quote.
pub fn check(root: &Path, package: &Path, fixtures: &[&str]) -> Vec<Row> {
    let pages = pages(root);
    let (passed, failed) = snippets::check(root, &pages, fixtures);
    let mut rows = vec![("npm: docs snippets", passed, failed, failed == 0)];
    let (passed, failed) = links::check(root, &pages);
    rows.push(("npm: docs links", passed, failed, failed == 0));
    let read =
        |path: PathBuf| fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()));
    let (passed, failed) = match (
        read(root.join("docs/api.md")),
        read(package.join("index.d.ts")),
        read(package.join("deepwork_client.d.ts")),
    ) {
        (Ok(reference), Ok(entry), Ok(glue)) => api::check(&reference, &entry, &[&entry, &glue]),
        (reference, entry, glue) => {
            for e in [reference.err(), entry.err(), glue.err()]
                .into_iter()
                .flatten()
            {
                eprintln!("API reference: {e}");
            }
            (0, 1)
        }
    };
    rows.push(("npm: API reference (.d.ts)", passed, failed, failed == 0));
    rows
}

/// One page of the docs, read.
pub struct Page {
    pub path: PathBuf,
    /// Its path from the repository's root, for messages.
    pub name: String,
    pub text: String,
}

/// The pages: README.md, CONTRIBUTING.md, CHANGELOG.md and every page of docs/.
fn pages(root: &Path) -> Vec<Page> {
    let mut paths: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"]
        .iter()
        .map(|page| root.join(page))
        .filter(|page| page.exists())
        .collect();
    let mut docs: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|path| Page::read(root, path))
        .collect()
}

impl Page {
    /// The page at `path` (an unreadable one is empty: its checks then fail).
    pub fn read(root: &Path, path: PathBuf) -> Page {
        Page {
            name: path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string(),
            text: fs::read_to_string(&path).unwrap_or_default(),
            path,
        }
    }
}

//! Every relative link of the docs resolves: to a file or folder of the repository and,
//! for `page.md#section` (or `#section` on the same page), to a heading of that page,
//! by the anchors GitHub gives headings. Links to other sites are not fetched.

use super::Page;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Checks the links of each page. A page is a test; each broken link one failure.
pub fn check(root: &Path, pages: &[Page]) -> (u32, u32) {
    let (mut passed, mut failed) = (0, 0);
    for Page {
        path: page,
        name,
        text,
    } in pages
    {
        let broken: Vec<String> = links(text)
            .into_iter()
            .filter_map(|target| {
                problem(root, page, text, &target).map(|p| format!("{target}: {p}"))
            })
            .collect();
        if broken.is_empty() {
            passed += 1;
        } else {
            for link in &broken {
                eprintln!("{name}: broken link {link}");
            }
            failed += broken.len() as u32;
        }
    }
    (passed, failed)
}

/// What is wrong with `target`, a link on `page`, or None.
fn problem(root: &Path, page: &Path, text: &str, target: &str) -> Option<String> {
    if target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    let (path, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (target, None),
    };
    let (file, text) = if path.is_empty() {
        (page.to_path_buf(), text.to_owned())
    } else {
        let file = resolve(page.parent().unwrap_or(root), path);
        if !file.starts_with(root) {
            return Some("outside the repository".into());
        }
        if !file.exists() {
            return Some("no such file or folder".into());
        }
        let text = if file.extension().is_some_and(|ext| ext == "md") {
            fs::read_to_string(&file).unwrap_or_default()
        } else {
            String::new()
        };
        (file, text)
    };
    let anchor = anchor.filter(|_| file.extension().is_some_and(|ext| ext == "md"))?;
    (!anchors(&text).contains(anchor)).then(|| format!("no heading with the anchor #{anchor}"))
}

/// `path` relative to `dir`, with `.` and `..` worked out.
fn resolve(dir: &Path, path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in dir.join(path).components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The targets of the page's links, inline (`[text](target)`) and reference-style
/// (`[label]: target`), outside code.
fn links(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose(text) {
        if let Some(definition) = line.strip_prefix('[').and_then(|l| l.split_once("]: ")) {
            targets.extend(definition.1.split_whitespace().next().map(str::to_owned));
            continue;
        }
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            // `<a path with spaces>`, else up to a title.
            let target = match after[..end].strip_prefix('<') {
                Some(quoted) => quoted.split('>').next().unwrap_or_default(),
                None => after[..end].split_whitespace().next().unwrap_or_default(),
            };
            if !target.is_empty() {
                targets.push(target.to_owned());
            }
            rest = &after[end..];
        }
    }
    targets
}

/// The page's lines outside fenced blocks, without their code spans.
fn prose(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            let outside: Vec<&str> = line.split('`').step_by(2).collect();
            lines.push(outside.join(""));
        }
    }
    lines
}

/// The anchors GitHub gives the page's headings: lower case, punctuation dropped,
/// spaces as hyphens, `-1`, `-2`, … after a repeated one.
pub fn anchors(text: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let heading = line.trim_start_matches('#');
        if in_code || heading.len() == line.len() || !heading.starts_with(' ') {
            continue;
        }
        let slug: String = heading
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut unique = slug.clone();
        let mut n = 0;
        while anchors.contains(&unique) {
            n += 1;
            unique = format!("{slug}-{n}");
        }
        anchors.insert(unique);
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_githubs() {
        let text = "# deepwork-client\n## Retries and timeouts\n## `watchProject(id, { until })`\n## Retries and timeouts\n```\n# not a heading\n```\n#hashtag\n";
        let found: Vec<String> = anchors(text).into_iter().collect();
        assert_eq!(
            found,
            [
                "deepwork-client",
                "retries-and-timeouts",
                "retries-and-timeouts-1",
                "watchprojectid--until-"
            ]
        );
    }

    #[test]
    fn finds_links_outside_code() {
        let text = "See [a](docs/a.md#x) and [b](<b c.md>) `[c](no.md)`.\n```\n[d](no.md)\n```\n[e]: ./e.md \"title\"\n[f](https://example.com)\n";
        assert_eq!(
            links(text),
            ["docs/a.md#x", "b c.md", "./e.md", "https://example.com"]
        );
    }

    #[test]
    fn a_broken_link_fails() {
        let root = std::env::temp_dir().join(format!("xtask-links-{}", std::process::id()));
        let docs = root.join("docs");
        fs::create_dir_all(&docs).unwrap();
        fs::write(
            root.join("README.md"),
            "[a](docs/a.md#one) [x](#top) [up](../README.md)\n# top\n",
        )
        .unwrap();
        fs::write(
            docs.join("a.md"),
            "# One\n[back](../README.md#top) [gone](b.md) [nope](../README.md#two)\n",
        )
        .unwrap();
        let pages =
            || [root.join("README.md"), docs.join("a.md")].map(|path| Page::read(&root, path));
        // README's ../README.md leaves the repository; a.md has two broken links.
        assert_eq!(check(&root, &pages()), (0, 3));
        fs::write(
            root.join("README.md"),
            "[a](docs/a.md#one) [x](#top) [docs](docs/)\n# top\n",
        )
        .unwrap();
        assert_eq!(check(&root, &pages()), (1, 2));
        fs::remove_dir_all(&root).unwrap();
    }
}

//! docs/api.md, the JS API reference, held to the package's own declarations: every
//! export has a section `### \`Name\``, and each section lists exactly what the .d.ts
//! declares of it, neither less nor more. A member is the first code span of a table
//! row (`| \`timeoutMs?\` | …`), written as `dts::Export` says; `new X(…)` stands for
//! the constructor. A class or an interface that extends others says so on a line
//! that starts with `Extends`, naming each in a code span.

use super::dts;
use std::collections::{BTreeMap, BTreeSet};

/// One section of the reference: what it lists.
#[derive(Default)]
struct Section {
    members: BTreeSet<String>,
    extends: BTreeSet<String>,
}

/// Checks `reference` (the text of docs/api.md) against the package's entry .d.ts and
/// the files it re-exports from. Each export is one test; each section of something
/// the package does not export is one failure. Prints what differs.
pub fn check(reference: &str, entry: &str, declarations: &[&str]) -> (u32, u32) {
    let sections = sections(reference);
    let exported = dts::exported_names(entry);
    let (mut passed, mut failed) = (0, 0);
    for name in &exported {
        let problems = match (sections.get(name), dts::export(declarations, name)) {
            (None, _) => vec![format!(
                "the package exports `{name}`, which has no section `### \\`{name}\\``"
            )],
            (Some(_), None) => vec![format!("`{name}` is exported, but no .d.ts declares it")],
            (Some(_), Some(Err(e))) => vec![format!("cannot read the declaration: {e}")],
            (Some(section), Some(Ok(declared))) => differences(name, section, &declared),
        };
        if problems.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            for problem in problems {
                eprintln!("docs/api.md: {problem}");
            }
        }
    }
    for name in sections.keys().filter(|name| !exported.contains(*name)) {
        failed += 1;
        eprintln!("docs/api.md: a section for `{name}`, which the package does not export");
    }
    eprintln!("docs/api.md: {passed} exports as the .d.ts declares them, {failed} not");
    (passed, failed)
}

fn differences(name: &str, section: &Section, declared: &dts::Export) -> Vec<String> {
    let mut problems = Vec::new();
    for missing in declared.members.difference(&section.members) {
        problems.push(format!(
            "`{name}` lacks `{missing}`, which the .d.ts declares"
        ));
    }
    for extra in section.members.difference(&declared.members) {
        problems.push(format!(
            "`{name}` lists `{extra}`, which the .d.ts does not declare"
        ));
    }
    if section.extends != declared.extends {
        problems.push(format!(
            "`{name}` extends {:?} in the .d.ts, {:?} on its `Extends` line",
            declared.extends, section.extends
        ));
    }
    problems
}

/// The sections of the reference by export name.
fn sections(text: &str) -> BTreeMap<String, Section> {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if in_code {
            continue;
        }
        if let Some(heading) = line
            .strip_prefix("### ")
            .or_else(|| line.strip_prefix("## "))
            .or_else(|| line.strip_prefix("# "))
        {
            current = heading
                .trim()
                .strip_prefix('`')
                .and_then(|h| h.strip_suffix('`'))
                .filter(|_| line.starts_with("### "))
                .map(str::to_owned);
            if let Some(name) = &current {
                sections.entry(name.clone()).or_default();
            }
            continue;
        }
        let Some(section) = current.as_ref().and_then(|name| sections.get_mut(name)) else {
            continue;
        };
        if let Some(cell) = line.strip_prefix("| `") {
            let entry = cell.split('`').next().unwrap_or_default();
            section.members.insert(constructor(entry));
        } else if line.starts_with("Extends ") {
            section
                .extends
                .extend(line.split('`').skip(1).step_by(2).map(str::to_owned));
        }
    }
    sections
}

/// `new DeepWorkClient(options)` is how the reference shows `constructor(options)`.
fn constructor(entry: &str) -> String {
    match entry
        .strip_prefix("new ")
        .and_then(|rest| rest.find('(').map(|at| &rest[at..]))
    {
        Some(params) => format!("constructor{params}"),
        None => entry.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str =
        "export { Client } from './a.js';\nexport type { Options, Status } from './a.js';\n";
    const DECLARATIONS: &str = "export type Status = \"a\" | \"b\";\nexport interface Options extends Base {\n  timeoutMs?: number;\n  token: string;\n}\nexport class Client {\n  constructor(options: Options);\n  getPlan(projectId: string, options?: Options | null): Promise<Plan>;\n}\n";
    const REFERENCE: &str = "# API\n\n## The client\n\n### `Client`\n\n| member | what |\n|---|---|\n| `new Client(options)` | makes one |\n| `getPlan(projectId, options?)` | a plan |\n\n### `Options`\n\nExtends `Base`.\n\n| field | what |\n|---|---|\n| `timeoutMs?` | ms |\n| `token` | the token |\n\n```js\n### `NotASection`\n```\n\n### `Status`\n\n| value | meaning |\n|---|---|\n| `\"a\"` | a |\n| `\"b\"` | b |\n";

    fn run(reference: &str) -> (u32, u32) {
        check(reference, ENTRY, &[DECLARATIONS])
    }

    #[test]
    fn a_reference_that_matches_passes() {
        assert_eq!(run(REFERENCE), (3, 0));
    }

    #[test]
    fn a_missing_or_extra_entry_fails() {
        let missing = REFERENCE.replace("| `token` | the token |\n", "");
        assert_eq!(run(&missing), (2, 1));
        let extra = REFERENCE.replace("| `token` |", "| `token` | x |\n| `retries?` |");
        assert_eq!(run(&extra), (2, 1));
        let optional = REFERENCE.replace(
            "`getPlan(projectId, options?)`",
            "`getPlan(projectId, options)`",
        );
        assert_eq!(run(&optional), (2, 1));
        let no_extends = REFERENCE.replace("Extends `Base`.\n", "");
        assert_eq!(run(&no_extends), (2, 1));
        let literal = REFERENCE.replace("| `\"b\"` | b |\n", "");
        assert_eq!(run(&literal), (2, 1));
    }

    #[test]
    fn a_missing_or_extra_export_fails() {
        let missing = REFERENCE.replace("### `Status`", "### Status");
        assert_eq!(run(&missing), (2, 1));
        let extra = format!("{REFERENCE}\n### `Gone`\n");
        assert_eq!(run(&extra), (3, 1));
    }
}

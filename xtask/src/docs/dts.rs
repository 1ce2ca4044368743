//! What a TypeScript declaration file (.d.ts) exports and what each export holds, read
//! as far as the package's own declarations need: enough to tie docs/api.md to them.
//! Not a TypeScript parser: it reads declarations written the way js/ and wasm-bindgen
//! write them (one member per `;`), and says so when it meets something else.

use std::collections::BTreeSet;

/// One exported declaration.
#[derive(Debug, PartialEq)]
pub struct Export {
    pub name: String,
    /// What it holds, each as docs/api.md writes it: `timeoutMs?` (a field, optional),
    /// `getPlan(projectId, options?)` (a method, its parameters), `constructor(options)`,
    /// `"live"` (a string literal of a type alias), or the call of a function.
    pub members: BTreeSet<String>,
    /// What a class or an interface extends.
    pub extends: BTreeSet<String>,
}

/// The names a package entry (index.d.ts) exports: re-exported ones and its own.
pub fn exported_names(entry: &str) -> BTreeSet<String> {
    let text = strip_comments(entry);
    let mut names = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("export ") {
        rest = &rest[at + "export ".len()..];
        let list = rest.strip_prefix("type ").unwrap_or(rest);
        if let Some(list) = list.strip_prefix('{') {
            let inside = list.split('}').next().unwrap_or_default();
            names.extend(
                inside
                    .split(',')
                    .map(|item| item.split(" as ").last().unwrap_or(item).trim())
                    .filter(|name| !name.is_empty())
                    .map(str::to_owned),
            );
        } else if let Some((_, name)) = declared(rest) {
            names.insert(name);
        }
    }
    names
}

/// The declaration of `name` in any of `files`, or None.
pub fn export(files: &[&str], name: &str) -> Option<Result<Export, String>> {
    files
        .iter()
        .find_map(|file| find_export(&strip_comments(file), name))
}

fn find_export(text: &str, name: &str) -> Option<Result<Export, String>> {
    let mut rest = text;
    while let Some(at) = rest.find("export ") {
        rest = &rest[at + "export ".len()..];
        let Some((keyword, found)) = declared(rest) else {
            continue;
        };
        if found != name {
            continue;
        }
        let after = &rest[rest.find(name)? + name.len()..];
        return Some(match keyword {
            "type" => Ok(alias(name, after)),
            "function" => function(name, after),
            _ => body(name, after),
        });
    }
    None
}

/// `interface X`, `declare class X<T>`, `type X =`, `declare function X(`: the keyword
/// and the name.
fn declared(text: &str) -> Option<(&'static str, String)> {
    let text = text.strip_prefix("declare ").unwrap_or(text);
    let (keyword, rest) = ["interface", "class", "type", "function"]
        .into_iter()
        .find_map(|keyword| Some((keyword, text.strip_prefix(keyword)?.strip_prefix(' ')?)))?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
        .collect();
    (!name.is_empty()).then_some((keyword, name))
}

/// A type alias: its string literals (the cases of a union such as `WatchState`'s
/// statuses), but not the module of an `import("…")` type.
fn alias(name: &str, after: &str) -> Export {
    let text = until_depth_zero(after, ';');
    let mut members = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find(['"', '\'']) {
        let quote = rest[at..].chars().next().unwrap_or('"');
        let literal = &rest[at + 1..];
        let Some(end) = literal.find(quote) else {
            break;
        };
        if !rest[..at].trim_end().ends_with("import(") {
            members.insert(format!("\"{}\"", &literal[..end]));
        }
        rest = &literal[end + 1..];
    }
    Export {
        name: name.to_owned(),
        members,
        extends: BTreeSet::new(),
    }
}

/// A function: its one member is its call, `name(param, optional?)`.
fn function(name: &str, after: &str) -> Result<Export, String> {
    let params = after
        .strip_prefix('(')
        .map(|rest| until_depth_zero(rest, ')'))
        .ok_or_else(|| format!("{name}: a function without parameters in parentheses"))?;
    Ok(Export {
        name: name.to_owned(),
        members: BTreeSet::from([format!("{name}({})", parameters(params))]),
        extends: BTreeSet::new(),
    })
}

/// A class or an interface: its members between the braces, and what it extends.
fn body(name: &str, after: &str) -> Result<Export, String> {
    let open = after
        .find('{')
        .ok_or_else(|| format!("{name}: no body in braces"))?;
    let head = &after[..open];
    let extends = head
        .split_once(" extends ")
        .map(|(_, parents)| {
            split_depth_zero(parents, ',')
                .into_iter()
                .map(|parent| parent.trim().to_owned())
                .filter(|parent| !parent.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let inside = until_depth_zero(&after[open + 1..], '}');
    let mut members = BTreeSet::new();
    for member in split_depth_zero(inside, ';') {
        let member = member.trim();
        if member.is_empty() || member.starts_with("private ") {
            continue;
        }
        members
            .insert(self::member(member).ok_or_else(|| format!("{name}: cannot read `{member}`"))?);
    }
    Ok(Export {
        name: name.to_owned(),
        members,
        extends,
    })
}

/// `readonly kind: DeepWorkErrorKind` → `kind`; `timeoutMs?: number` → `timeoutMs?`;
/// `next(): Promise<…>` → `next()`; `[Symbol.asyncIterator](): …` keeps its brackets.
fn member(text: &str) -> Option<String> {
    let text = text.strip_prefix("readonly ").unwrap_or(text);
    let text = text.strip_prefix("static ").unwrap_or(text);
    let name_end = if text.starts_with('[') {
        text.find(']')? + 1
    } else {
        text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(text.len())
    };
    let (name, rest) = text.split_at(name_end);
    if name.is_empty() {
        return None;
    }
    let (optional, rest) = match rest.strip_prefix('?') {
        Some(rest) => ("?", rest),
        None => ("", rest),
    };
    if let Some(params) = rest.strip_prefix('(') {
        let params = until_depth_zero(params, ')');
        Some(format!("{name}{optional}({})", parameters(params)))
    } else if rest.starts_with(':') {
        Some(format!("{name}{optional}"))
    } else {
        None
    }
}

/// `projectId: string, options?: RequestOptions | null` → `projectId, options?`.
fn parameters(text: &str) -> String {
    split_depth_zero(text, ',')
        .into_iter()
        .map(str::trim)
        .filter(|param| !param.is_empty())
        .map(|param| {
            let name = param.split([':', '?']).next().unwrap_or(param).trim();
            let optional = param[name.len()..].trim_start().starts_with('?');
            format!("{name}{}", if optional { "?" } else { "" })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` up to the first `end` outside brackets (all of it if there is none).
fn until_depth_zero(text: &str, end: char) -> &str {
    let mut depth = 0i32;
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        if depth == 0 && c == end {
            return &text[..i];
        }
        depth += bracket(previous, c);
        previous = c;
    }
    text
}

/// `text` split at each `separator` outside brackets.
fn split_depth_zero(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start, mut previous) = (0i32, 0, ' ');
    for (i, c) in text.char_indices() {
        if depth == 0 && c == separator {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
        depth += bracket(previous, c);
        previous = c;
    }
    parts.push(&text[start..]);
    parts
}

/// +1 for an opening bracket, -1 for a closing one; the `>` of `=>` is no bracket.
fn bracket(previous: char, c: char) -> i32 {
    match c {
        '(' | '{' | '[' | '<' => 1,
        '>' if previous == '=' => 0,
        ')' | '}' | ']' | '>' => -1,
        _ => 0,
    }
}

/// The text without `/* … */` and `// …` comments (the declarations hold no strings
/// with those in them).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        match (rest.find("/*"), rest.find("//")) {
            (Some(block), line) if line.is_none_or(|line| block < line) => {
                out.push_str(&rest[..block]);
                rest = rest[block..]
                    .split_once("*/")
                    .map_or("", |(_, after)| after);
            }
            (_, Some(line)) => {
                out.push_str(&rest[..line]);
                rest = rest[line..].split_once('\n').map_or("", |(_, after)| after);
                out.push('\n');
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPES: &str = r#"// A comment with export interface Nope { x: 1 }
/** Doc with `export type Fake = "no"`. */
export type Status = "a" | "b";
export type State =
  | { status: "live" }
  | { status: "retrying"; error: import("./index.js").Error; nextPollAt: number };
export interface Options extends Base, Other<T> {
  /** ms */
  timeoutMs?: number;
  token: string;
  onChange?: (state: State) => void;
}
export declare class Watch<T> {
  private constructor();
  next(): Promise<IteratorResult<T, undefined>>;
  readonly state: State;
  [Symbol.asyncIterator](): Watch<T>;
}
export class Client {
  free(): void;
  constructor(options: Options);
  getPlan(projectId: string, options?: Options | null): Promise<Plan>;
  waitFor(id: string, options: { until: (plan: Plan) => boolean }): Promise<Plan>;
}
export function cancel(projectId: string, token: string, options?: Options | null): Promise<P>;
"#;

    const ENTRY: &str = "import type { X } from './a.js';\nexport { cancel, Client } from './a.js';\nexport type {\n  Options,\n  Status,\n} from './a.js';\nexport declare function isError(value: unknown): value is Error;\nexport interface Fields { status?: number; }\n";

    fn members(name: &str) -> Vec<String> {
        let export = export(&[ENTRY, TYPES], name)
            .expect("declared")
            .expect("read");
        export.members.into_iter().collect()
    }

    #[test]
    fn reads_every_export_of_an_entry() {
        let names: Vec<String> = exported_names(ENTRY).into_iter().collect();
        assert_eq!(
            names,
            ["Client", "Fields", "Options", "Status", "cancel", "isError"]
        );
    }

    #[test]
    fn reads_members_as_the_docs_write_them() {
        assert_eq!(members("Status"), ["\"a\"", "\"b\""]);
        assert_eq!(members("State"), ["\"live\"", "\"retrying\""]);
        assert_eq!(members("Options"), ["onChange?", "timeoutMs?", "token"]);
        assert_eq!(
            members("Watch"),
            ["[Symbol.asyncIterator]()", "next()", "state"]
        );
        assert_eq!(
            members("Client"),
            [
                "constructor(options)",
                "free()",
                "getPlan(projectId, options?)",
                "waitFor(id, options)"
            ]
        );
        assert_eq!(members("cancel"), ["cancel(projectId, token, options?)"]);
        assert_eq!(members("isError"), ["isError(value)"]);
        assert_eq!(members("Fields"), ["status?"]);
        let options = export(&[TYPES], "Options").unwrap().unwrap();
        assert_eq!(
            options.extends.into_iter().collect::<Vec<_>>(),
            ["Base", "Other<T>"]
        );
        assert!(export(&[TYPES], "Nope").is_none() && export(&[TYPES], "Fake").is_none());
    }
}

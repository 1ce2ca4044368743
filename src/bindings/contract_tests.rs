//! The TypeScript (js/types.d.ts, js/index.d.ts) and the Rust say the same: every error
//! kind is in `DeepWorkErrorKind` and back, every option key an options interface
//! declares is one its export reads and back, and the package entry re-exports every
//! type. Read from the files as they ship, so a second copy cannot drift.

use super::options::{
    CLIENT_KEYS, FUNCTION_KEYS, LIST_KEYS, METHOD_KEYS, START_KEYS, WAIT_KEYS, WATCH_KEYS,
    WATCH_LIST_KEYS,
};
use crate::error::ErrorKind;
use std::collections::BTreeSet;

const TYPES: &str = include_str!("../../js/types.d.ts");
const ENTRY: &str = include_str!("../../js/index.d.ts");

/// Every kind; `position` fails to compile when a kind is added and not listed here.
const KINDS: [ErrorKind; 15] = [
    ErrorKind::InvalidArgument,
    ErrorKind::Unauthorized,
    ErrorKind::Forbidden,
    ErrorKind::NotFound,
    ErrorKind::InvalidState,
    ErrorKind::TaskNotInProject,
    ErrorKind::BadRequest,
    ErrorKind::Validation,
    ErrorKind::RateLimited,
    ErrorKind::Server,
    ErrorKind::Http,
    ErrorKind::Network,
    ErrorKind::Timeout,
    ErrorKind::Aborted,
    ErrorKind::InvalidResponse,
];

fn position(kind: ErrorKind) -> usize {
    use ErrorKind::*;
    match kind {
        InvalidArgument => 0,
        Unauthorized => 1,
        Forbidden => 2,
        NotFound => 3,
        InvalidState => 4,
        TaskNotInProject => 5,
        BadRequest => 6,
        Validation => 7,
        RateLimited => 8,
        Server => 9,
        Http => 10,
        Network => 11,
        Timeout => 12,
        Aborted => 13,
        InvalidResponse => 14,
    }
}

/// The text of the declaration that starts with `head`, up to its end (`;` for a type,
/// the closing brace for an interface).
fn declaration<'a>(types: &'a str, head: &str) -> &'a str {
    let start = types
        .find(head)
        .unwrap_or_else(|| panic!("js/types.d.ts declares no `{head}`"));
    let rest = &types[start..];
    let end = if head.starts_with("export type") {
        rest.find(';')
    } else {
        rest.find("\n}")
    };
    &rest[..end.expect("the declaration ends")]
}

/// The string literals of a union type.
fn union(types: &str, name: &str) -> BTreeSet<String> {
    declaration(types, &format!("export type {name} ="))
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The keys an interface declares, with those of the interfaces it extends.
fn keys(types: &str, name: &str) -> BTreeSet<String> {
    let body = declaration(types, &format!("export interface {name} "));
    let (head, members) = body.split_once('{').expect("an interface body");
    let mut keys: BTreeSet<String> = members
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.trim().split(['?', ':']).next())
        .filter(|key| !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_owned)
        .collect();
    if let Some((_, parents)) = head.split_once(" extends ") {
        for parent in parents.split(',') {
            keys.extend(self::keys(types, parent.trim()));
        }
    }
    keys
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|key| (*key).to_owned()).collect()
}

#[test]
fn every_error_kind_is_in_the_typescript_union_and_back() {
    for (i, kind) in KINDS.iter().enumerate() {
        assert_eq!(position(*kind), i, "{kind:?} listed once, in place");
    }
    let rust: BTreeSet<String> = KINDS.iter().map(|k| k.as_str().to_owned()).collect();
    assert_eq!(union(TYPES, "DeepWorkErrorKind"), rust);
}

#[test]
fn every_option_the_types_declare_is_read_and_back() {
    for (interface, read) in [
        ("CancelProjectOptions", &FUNCTION_KEYS[..]),
        ("ClientOptions", &CLIENT_KEYS[..]),
        ("RequestOptions", &METHOD_KEYS[..]),
        ("StartProjectOptions", &START_KEYS[..]),
        ("ListProjectsOptions", &LIST_KEYS[..]),
        ("WatchProjectOptions", &WATCH_KEYS[..]),
        ("WatchProjectsOptions", &WATCH_LIST_KEYS[..]),
        ("WaitForProjectOptions", &WAIT_KEYS[..]),
    ] {
        assert_eq!(keys(TYPES, interface), set(read), "{interface}");
    }
}

#[test]
fn the_package_entry_exports_every_type() {
    let declared: BTreeSet<&str> = TYPES
        .lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("export type ")
                .or_else(|| line.strip_prefix("export interface "))
                .or_else(|| line.strip_prefix("export declare class "))?;
            rest.split([' ', '<', '=']).next()
        })
        .collect();
    let (_, exported) = ENTRY
        .split_once("export type {")
        .expect("js/index.d.ts re-exports the types");
    let exported: BTreeSet<&str> = exported
        .split('}')
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    assert_eq!(declared, exported);
}

#[test]
fn the_parsers_see_what_is_written() {
    let types = "export type K =\n  | \"a\" | \"b\";\nexport interface A {\n  x?: number;\n  /** y */\n  y: string;\n}\nexport interface B extends A {\n  z?: (s: { w: 1 }) => void;\n}\n";
    assert_eq!(union(types, "K"), set(&["a", "b"]));
    assert_eq!(keys(types, "B"), set(&["x", "y", "z"]));
}

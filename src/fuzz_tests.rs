//! Generated-input tests of everything that reads untrusted data: answer bodies
//! (valid projects with mutations, random JSON, random and invalid-UTF-8 bytes),
//! error mapping, `Retry-After`, ids, tokens and base URLs. Nothing may panic and every
//! result must be typed and consistent.
//!
//! `DEEPWORK_FUZZ_CASES` sets how many cases each test runs (default 20,000, a few
//! seconds); the long run: `DEEPWORK_FUZZ_CASES=1000000 cargo test --release -p
//! deepwork-client fuzz`.

use crate::error::{from_answer, Detail, ErrorKind};
use crate::model::{check_cancel_answer, check_plan_answer};
use crate::{auth, retry_after, url};
use serde_json::{json, Map, Value};

const ID: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const TOKEN: &str = "s3cret-Token_value";

fn cases() -> u64 {
    std::env::var("DEEPWORK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// xorshift64*: small, fast, and the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const NASTY: &[&str] = &[
    "",
    " ",
    "cancelled",
    "completed",
    "executing",
    "archived_v2",
    ID,
    TOKEN,
    "Project not found: x",
    "Cannot cancel project with status 'completed'",
    "Cannot cancel project with status '",
    "é",
    "项目",
    "\u{0}",
    "\r\n",
    "'",
    "\"",
    "\\",
    "%2F",
    "../approve",
    "🚀",
    "\u{FEFF}",
    "\u{202E}",
];

fn string(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => (*rng.pick(NASTY)).to_owned(),
        1 => rng.pick(NASTY).repeat(1 + rng.below(2000) as usize),
        2 => (0..rng.below(40))
            .map(|_| char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?'))
            .collect(),
        _ => format!("{}{}{}", rng.pick(NASTY), TOKEN, rng.pick(NASTY)),
    }
}

fn number(rng: &mut Rng) -> Value {
    let edges = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        1e308,
        -1e308,
        5e-324,
        9_007_199_254_740_993.0,
        4_294_967_296.0,
        0.5,
    ];
    match rng.below(3) {
        0 => json!(*rng.pick(&edges)),
        1 => json!(rng.next()),
        _ => json!(rng.next() as i64),
    }
}

fn any_value(rng: &mut Rng, depth: u32) -> Value {
    let leaf = depth > 6 || rng.chance(2);
    match (leaf, rng.below(6)) {
        (true, 0) => Value::Null,
        (true, 1) => json!(rng.chance(2)),
        (true, 2 | 3) => number(rng),
        (true, _) => json!(string(rng)),
        (false, 0..=2) => Value::Array(
            (0..rng.below(5))
                .map(|_| any_value(rng, depth + 1))
                .collect(),
        ),
        (false, _) => {
            let keys = [
                "id",
                "title",
                "status",
                "completed_at",
                "task_ids",
                "team_agent_ids",
                "success",
                "project",
                "detail",
                "loc",
                "msg",
            ];
            let mut map = Map::new();
            for _ in 0..rng.below(6) {
                map.insert((*rng.pick(&keys)).to_owned(), any_value(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// Nested arrays deeper than any parser's limit.
fn deep(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn project(rng: &mut Rng) -> Value {
    let mut p = json!({
        "id": ID, "title": "Build a REST API", "description": "…", "status": *rng.pick(&["cancelled", "completed", "executing"]),
        "planner_agent_id": null, "team_agent_ids": ["agent-1"], "task_ids": ["t1", "t2"],
        "prd_document_id": null, "creator_id": "human", "tags": [], "started_at": "2024-01-15T14:00:00+00:00",
        "completed_at": "2024-01-15T16:30:00Z", "created_at": "2024-01-15T13:58:12.402810+00:00",
        "updated_at": "2024-01-15T16:30:00.654200+00:00", "metadata": {}
    });
    let fields = [
        "id",
        "title",
        "description",
        "status",
        "planner_agent_id",
        "team_agent_ids",
        "task_ids",
        "tags",
        "completed_at",
        "metadata",
        "x_new",
    ];
    for _ in 0..rng.below(4) {
        let field = *rng.pick(&fields);
        if rng.chance(3) {
            p.as_object_mut().map(|o| o.remove(field));
        } else {
            p[field] = any_value(rng, 3);
        }
    }
    p
}

/// A body as bytes: well-formed answers with mutations, random JSON, or raw bytes.
fn body(rng: &mut Rng) -> Vec<u8> {
    let value = match rng.below(5) {
        0 | 1 => {
            json!({ "success": if rng.chance(8) { any_value(rng, 5) } else { json!(true) }, "project": project(rng) })
        }
        2 => {
            json!({ "detail": if rng.chance(2) { json!(string(rng)) } else { any_value(rng, 4) } })
        }
        3 => any_value(rng, 0),
        _ => return (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
    };
    let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
    match rng.below(6) {
        0 => bytes.truncate(rng.below(bytes.len() as u64 + 1) as usize),
        1 => {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len() as u64) as usize;
                if let Some(b) = bytes.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
        }
        2 if rng.chance(20) => bytes = deep(10_000).into_bytes(),
        _ => {}
    }
    bytes
}

/// What the browser does: decode as UTF-8 with replacement, then JSON.parse.
fn parse(bytes: &[u8]) -> Option<Value> {
    serde_json::from_str(&String::from_utf8_lossy(bytes)).ok()
}

#[test]
fn fuzz_answer_bodies_always_give_a_typed_result() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut accepted, mut rejected) = (0u64, 0u64);
    for _ in 0..cases() {
        let parsed = parse(&body(&mut rng));
        match check_cancel_answer(parsed.as_ref(), ID) {
            Ok(project) => {
                accepted += 1;
                assert_eq!(project["id"], json!(ID));
                assert!(matches!(
                    project["status"].as_str(),
                    Some("cancelled" | "completed")
                ));
            }
            Err(invalid) => {
                rejected += 1;
                assert!(!invalid.message().is_empty());
            }
        }
        if let Ok(project) = check_plan_answer(parsed.as_ref(), ID) {
            assert_eq!(project["status"], json!("cancelled"));
        }
        let status = *rng.pick(&[
            400u16, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503, 599,
        ]);
        let error = from_answer(status, parsed.as_ref(), Some(rng.below(100_000)), TOKEN);
        assert_eq!(error.status, Some(status));
        assert!(
            error.message.starts_with(&status.to_string()),
            "{}",
            error.message
        );
        assert!(!error.message.contains(TOKEN), "{}", error.message);
        if let Detail::Text(text) = &error.detail {
            assert!(!text.contains(TOKEN));
        }
        if error.current_status.is_some() {
            assert_eq!(error.kind, ErrorKind::InvalidState);
        }
    }
    assert!(
        accepted > 0 && rejected > 0,
        "both outcomes are reached: {accepted} accepted, {rejected} rejected"
    );
}

#[test]
fn fuzz_headers_ids_tokens_and_urls_never_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..cases() {
        let s = if rng.chance(3) {
            String::from_utf8_lossy(
                &(0..rng.below(40))
                    .map(|_| rng.next() as u8)
                    .collect::<Vec<_>>(),
            )
            .into_owned()
        } else {
            string(&mut rng)
        };
        let _ = retry_after::parse(&s, rng.next());
        if url::check_project_id(&s).is_ok() {
            let built = url::project_url("http://h", &s, "cancel");
            let segment =
                &built["http://h/api/deep-work/projects/".len()..built.len() - "/cancel".len()];
            assert!(
                !segment.contains(['/', '?', '#']) && segment != "." && segment != "..",
                "{built}"
            );
        }
        if let Ok(header) = auth::authorization(&s) {
            assert!(!header.contains(['\r', '\n', '\0']), "{header:?}");
        }
        if let Ok(base) = url::base_url(&s) {
            assert!(base.starts_with("http://") || base.starts_with("https://"));
            assert!(
                !base.contains(['?', '#', '@', ' ']) && !base.ends_with('/'),
                "{base}"
            );
        }
    }
}

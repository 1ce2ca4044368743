//! Property tests (proptest) of everything that reads untrusted data: answer bodies
//! through the serde decoders (valid projects with mutations, arbitrary JSON, bodies
//! cut short or corrupted, raw bytes), error mapping, `Retry-After`, ids, tokens and
//! base URLs. Nothing may panic, and every result must be typed and consistent.
//!
//! `DEEPWORK_FUZZ_CASES` sets how many cases each property runs (default 5,000, a few
//! seconds); the long run: `DEEPWORK_FUZZ_CASES=1000000 cargo test --release -p
//! deepwork-client fuzz`.

use crate::client::tests::check_cancel_answer;
use crate::decode::tests::from_text;
use crate::error::{from_answer, ErrorAnswer, ErrorKind};
use crate::model::tests::{full_project, ID};
use crate::model::{Deleted, FromBody, GoalAnswer, Plan, ProjectList, ProjectStatus, TaskAnswer};
use crate::{auth, retry_after, url};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};

const TOKEN: &str = "s3cret-Token_value";

fn runner() -> TestRunner {
    let cases = std::env::var("DEEPWORK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    TestRunner::new(Config {
        cases,
        // A failure is reported with its shrunk input; nothing is written to src/.
        failure_persistence: None,
        ..Config::default()
    })
}

/// Strings that matter to the SDK (statuses, the token, ids, markers of the detail
/// parser, odd Unicode), plain random ones, and long repeats.
fn text() -> impl Strategy<Value = String> {
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
        "expected a string",
    ];
    prop_oneof![
        proptest::sample::select(NASTY).prop_map(str::to_owned),
        any::<String>(),
        (proptest::sample::select(NASTY), 1..500usize).prop_map(|(s, n)| s.repeat(n)),
        (any::<String>(), any::<String>()).prop_map(|(a, b)| format!("{a}{TOKEN}{b}")),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        proptest::sample::select(
            &[
                0.0,
                -0.0,
                1.0,
                -1.0,
                1e308,
                -1e308,
                5e-324,
                9_007_199_254_740_993.0,
                0.5
            ][..]
        )
        .prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
    ]
}

/// Any JSON, nested up to six deep, with keys the decoders look for.
fn json() -> impl Strategy<Value = Value> {
    const KEYS: &[&str] = &[
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
        "type",
        "metadata",
        "tags",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |entries| {
                    let map: Map<String, Value> = entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect();
                    Value::Object(map)
                }
            ),
        ]
    })
}

/// The real server's project with up to four fields removed or replaced by any JSON.
fn project() -> impl Strategy<Value = Value> {
    const FIELDS: &[&str] = &[
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
        "started_at",
        "x_new",
    ];
    let status = proptest::sample::select(&["cancelled", "completed", "executing", "x_new"][..]);
    let edit = (
        proptest::sample::select(FIELDS),
        proptest::option::of(json()),
    );
    (status, proptest::collection::vec(edit, 0..4)).prop_map(|(status, edits)| {
        let mut project: Value = serde_json::from_str(&full_project(status)).unwrap_or_default();
        if let Some(object) = project.as_object_mut() {
            for (field, value) in edits {
                match value {
                    Some(value) => object.insert(field.to_owned(), value),
                    None => object.remove(field),
                };
            }
        }
        project
    })
}

/// A body as bytes: well-formed answers with mutations, error bodies, any JSON, each
/// possibly cut short or with bytes overwritten, or random bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        3 => (proptest::option::weighted(0.1, json()), project()).prop_map(|(success, project)| {
            serde_json::json!({ "success": success.unwrap_or(Value::Bool(true)), "project": project })
        }),
        1 => project().prop_map(|project| serde_json::json!({ "project": project, "tasks": [] })),
        2 => json().prop_map(|detail| serde_json::json!({ "detail": detail })),
        2 => json(),
    ];
    let damage = prop_oneof![
        3 => Just(None),
        1 => any::<proptest::sample::Index>().prop_map(|cut| Some((cut, None))),
        1 => (any::<proptest::sample::Index>(), any::<u8>()).prop_map(|(at, b)| Some((at, Some(b)))),
    ];
    prop_oneof![
        6 => (value, damage).prop_map(|(value, damage)| {
            let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
            match damage {
                Some((at, None)) => bytes.truncate(at.index(bytes.len() + 1)),
                Some((at, Some(byte))) if !bytes.is_empty() => {
                    let at = at.index(bytes.len());
                    bytes[at] = byte;
                }
                _ => {}
            }
            bytes
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        1 => (1..20_000usize).prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()),
    ]
}

#[test]
fn fuzz_answer_bodies_always_decode_to_a_typed_result() {
    let statuses = proptest::sample::select(
        &[
            400u16, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503, 599,
        ][..],
    );
    let accepted = std::cell::Cell::new(0u64);
    let rejected = std::cell::Cell::new(0u64);
    let result = runner().run(
        &(body(), statuses, any::<Option<u32>>()),
        |(bytes, status, wait)| {
            // What the browser's Response.json() reads: UTF-8 with replacement.
            let text = String::from_utf8_lossy(&bytes);
            match check_cancel_answer(&text) {
                Ok(project) => {
                    accepted.set(accepted.get() + 1);
                    prop_assert_eq!(project.id.as_str(), ID);
                    prop_assert!(matches!(
                        project.status,
                        ProjectStatus::Cancelled | ProjectStatus::Completed
                    ));
                }
                Err(invalid) => {
                    rejected.set(rejected.get() + 1);
                    prop_assert!(invalid
                        .message()
                        .starts_with("The server's answer broke the API contract: "));
                    prop_assert!(!invalid.message().contains(TOKEN), "{}", invalid.message());
                }
            }
            // Every other answer type takes any body without panicking.
            let _ = from_text::<Plan>(&text).and_then(FromBody::check);
            let _ = from_text::<ProjectList>(&text).and_then(FromBody::check);
            let _ = from_text::<TaskAnswer>(&text).and_then(FromBody::check);
            let _ = from_text::<GoalAnswer>(&text).and_then(FromBody::check);
            let _ = from_text::<Deleted>(&text).and_then(FromBody::check);
            let detail = from_text::<ErrorAnswer>(&text)
                .map(|a| a.detail)
                .unwrap_or_default();
            let error = from_answer(status, detail, wait.map(u64::from), TOKEN);
            prop_assert_eq!(error.status(), Some(status));
            prop_assert!(
                error.to_string().starts_with(&status.to_string()),
                "{}",
                error
            );
            let shown = format!("{error} {error:?}");
            prop_assert!(!shown.contains(TOKEN), "{}", shown);
            if error.current_status().is_some() {
                prop_assert_eq!(error.kind(), ErrorKind::InvalidState);
            }
            Ok(())
        },
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let (accepted, rejected) = (accepted.get(), rejected.get());
    assert!(
        accepted > 0 && rejected > 0,
        "both outcomes are reached: {accepted} accepted, {rejected} rejected"
    );
}

#[test]
fn fuzz_headers_ids_tokens_and_urls_never_panic() {
    let input = (
        prop_oneof![
            text(),
            any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned())
        ],
        any::<u64>(),
    );
    let result = runner().run(&input, |(s, now)| {
        let _ = retry_after::parse(&s, now);
        if url::check_id(&s, "projectId").is_ok() {
            let built = url::project_url("http://h", &s, "cancel");
            let segment = built
                .strip_prefix("http://h/api/deep-work/projects/")
                .and_then(|rest| rest.strip_suffix("/cancel"))
                .unwrap_or("/");
            prop_assert!(
                !segment.contains(['/', '?', '#']) && segment != "." && segment != "..",
                "{}",
                built
            );
        }
        if let Ok(header) = auth::authorization(&s) {
            prop_assert!(!header.contains(['\r', '\n', '\0']), "{:?}", header);
        }
        if let Ok(base) = url::base_url(&s) {
            prop_assert!(base.starts_with("http://") || base.starts_with("https://"));
            prop_assert!(
                !base.contains(['?', '#', '@', ' ']) && !base.ends_with('/'),
                "{}",
                base
            );
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

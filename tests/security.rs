//! The token is a secret and the server is untrusted: no error of any kind, nor the
//! console, ever shows the token; redirects are not followed; hostile ids and tokens
//! are refused before any request.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
// Replaces the console's methods with recorders; returns the recorded lines' array.
export function recordConsole() {
  const lines = [];
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    const original = console[name];
    console[name] = (...args) => { lines.push(args.map(String).join(' ')); original.apply(console, args); };
  }
  return lines;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = recordConsole)]
    fn record_console() -> Array;
}

/// Everything about an error a page could show or send somewhere.
fn every_rendering(error: &JsValue) -> Vec<String> {
    let as_error: &js_sys::Error = error.unchecked_ref();
    let mut shown = vec![String::from(as_error.to_string()), stringify(error)];
    shown.extend(text(error, "message"));
    shown.extend(text(error, "stack"));
    for value in Object::values(error.unchecked_ref()).iter() {
        shown.push(stringify(&value));
    }
    shown.push(stringify(&get(error, "detail")));
    shown
}

async fn run(server: &Server, id: &str, extra: &[(&str, JsValue)], kind: &str) -> JsValue {
    expect_error(cancel(server, id, extra).await, kind)
}

#[wasm_bindgen_test]
async fn no_error_kind_and_no_console_line_shows_the_token() {
    let console = record_console();
    let server = documented();
    let mut errors = Vec::new();

    errors.push(run(&server, " ", &[], "invalid_argument").await);
    // A server that echoes the token back in its detail: the SDK blanks it out.
    let id = faulty_project(&server, "echo_token_401").await;
    let echoed = run(&server, &id, &[], "unauthorized").await;
    assert!(text(&echoed, "detail")
        .unwrap_or_default()
        .contains("[redacted]"));
    errors.push(echoed);
    for (fault, kind) in [
        ("forbidden_403", "forbidden"),
        ("conflict_409", "invalid_state"),
        ("bad_request_400", "bad_request"),
        ("validation_422", "validation"),
        ("rate_limited", "rate_limited"),
        ("html_500", "server"),
        ("teapot_418", "http"),
        ("redirect_cross_origin", "http"),
        ("reset", "network"),
        ("wrong_shape", "invalid_response"),
    ] {
        let id = faulty_project(&server, fault).await;
        errors.push(run(&server, &id, &[no_retries()], kind).await);
    }
    errors.push(run(&server, "no-such-project", &[], "not_found").await);
    let id = faulty_project(&server, "hang").await;
    errors.push(
        run(
            &server,
            &id,
            &[("timeoutMs", JsValue::from_f64(200.0))],
            "timeout",
        )
        .await,
    );
    let controller = AbortController::new().expect("AbortController");
    controller.abort();
    errors.push(
        run(
            &server,
            "p",
            &[("signal", controller.signal().into())],
            "aborted",
        )
        .await,
    );

    let kinds: std::collections::BTreeSet<String> =
        errors.iter().filter_map(|e| text(e, "kind")).collect();
    assert_eq!(kinds.len(), 14, "every kind is covered: {kinds:?}");
    for error in &errors {
        for shown in every_rendering(error) {
            assert!(!shown.contains(server.token), "the token leaked: {shown}");
        }
    }
    for line in console.iter().filter_map(|l| l.as_string()) {
        assert!(
            !line.contains(server.token),
            "the token reached the console: {line}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_cross_origin_redirect_is_not_followed() {
    // The fault redirects 127.0.0.1 <-> localhost: another origin. Following it would
    // send a second request (with or without the token) to the same server.
    for server in both() {
        let id = faulty_project(&server, "redirect_cross_origin").await;
        let error = run(&server, &id, &[], "http").await;
        assert!(text(&error, "message")
            .unwrap_or_default()
            .contains("redirect"));
        assert_eq!(
            cancel_requests(&server, &id).await.0,
            1.0,
            "one request, not followed"
        );
    }
}

#[wasm_bindgen_test]
async fn hostile_ids_and_tokens_are_refused_before_any_request() {
    let server = lenient();
    let before = server_totals(&server).await.0;
    let long_id = "x".repeat(2000);
    let long_token = "t".repeat(9000);
    let cases: [(&str, &str); 8] = [
        ("nul\0id", server.token),
        ("line\r\nX-Injected: 1", server.token),
        (&long_id, server.token),
        ("..", server.token),
        ("ok-id", "tøken"),
        ("ok-id", "token\0"),
        ("ok-id", "token\r\nX-Injected: 1"),
        ("ok-id", &long_token),
    ];
    for (id, token) in cases {
        let promise = cancel_promise(
            id.into(),
            token.into(),
            obj(&[("baseUrl", server.url.into())]),
        );
        let error = expect_error(JsFuture::from(promise).await, "invalid_argument");
        assert_eq!(number(&error, "attempts"), Some(0.0));
    }
    assert_eq!(
        server_totals(&server).await.0,
        before,
        "no request reached the server"
    );
}

#[wasm_bindgen_test]
async fn unicode_ids_travel_as_one_encoded_segment() {
    let server = documented();
    for id in ["项目-ü 1", "emoji-🚀", "a%2Fb", "semi;colon", "back\\slash"] {
        let error = run(&server, id, &[], "not_found").await;
        assert_eq!(
            text(&error, "detail"),
            Some(format!("Project not found: {id}")),
            "{id}"
        );
    }
}

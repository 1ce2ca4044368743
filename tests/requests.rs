//! What the SDK sends, and when it sends nothing: invalid arguments never reach the
//! server, ids stay one path segment, and timeouts and AbortSignals stop the request
//! itself.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

async fn call(id: JsValue, token: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(cancel_promise(id, token, options)).await
}

#[wasm_bindgen_test]
async fn invalid_arguments_reject_before_any_request() {
    let server = documented();
    let id = new_project(&server, "executing").await;
    let base = || ("baseUrl", JsValue::from_str(server.url));
    let requests_before = api_requests(&server).await;
    let cases: Vec<(&str, JsValue, JsValue, JsValue)> = vec![
        ("empty id", "".into(), server.token.into(), obj(&[base()])),
        (
            "blank id",
            "  \t".into(),
            server.token.into(),
            obj(&[base()]),
        ),
        (
            "numeric id",
            JsValue::from_f64(42.0),
            server.token.into(),
            obj(&[base()]),
        ),
        (
            "dot-dot id",
            "..".into(),
            server.token.into(),
            obj(&[base()]),
        ),
        (
            "id with a newline",
            "a\nb".into(),
            server.token.into(),
            obj(&[base()]),
        ),
        ("empty token", id.clone().into(), "".into(), obj(&[base()])),
        (
            "missing token",
            id.clone().into(),
            JsValue::UNDEFINED,
            obj(&[base()]),
        ),
        (
            "token with CRLF",
            id.clone().into(),
            "tok\r\nX-Evil: 1".into(),
            obj(&[base()]),
        ),
        (
            "token with a space",
            id.clone().into(),
            "Bearer tok".into(),
            obj(&[base()]),
        ),
        (
            "non-ASCII token",
            id.clone().into(),
            "tøken".into(),
            obj(&[base()]),
        ),
        (
            "relative baseUrl",
            id.clone().into(),
            server.token.into(),
            obj(&[("baseUrl", "/api".into())]),
        ),
        (
            "ftp baseUrl",
            id.clone().into(),
            server.token.into(),
            obj(&[("baseUrl", "ftp://127.0.0.1".into())]),
        ),
        (
            "baseUrl with credentials",
            id.clone().into(),
            server.token.into(),
            obj(&[("baseUrl", "http://u:p@127.0.0.1".into())]),
        ),
        (
            "zero timeout",
            id.clone().into(),
            server.token.into(),
            obj(&[base(), ("timeoutMs", JsValue::from_f64(0.0))]),
        ),
        (
            "NaN timeout",
            id.clone().into(),
            server.token.into(),
            obj(&[base(), ("timeoutMs", JsValue::from_f64(f64::NAN))]),
        ),
        (
            "string timeout",
            id.clone().into(),
            server.token.into(),
            obj(&[base(), ("timeoutMs", "100".into())]),
        ),
        (
            "signal that is no AbortSignal",
            id.clone().into(),
            server.token.into(),
            obj(&[base(), ("signal", obj(&[]))]),
        ),
        (
            "unknown option",
            id.clone().into(),
            server.token.into(),
            obj(&[base(), ("timeout", JsValue::from_f64(5.0))]),
        ),
        (
            "options that are a string",
            id.clone().into(),
            server.token.into(),
            "fast".into(),
        ),
    ];
    for (what, id_arg, token, options) in cases {
        let error = expect_error(call(id_arg, token, options).await, "invalid_argument");
        let message = text(&error, "message").unwrap_or_default();
        assert!(!message.is_empty(), "{what}: a message says what is wrong");
        assert!(
            !message.contains("tok\r\n") && !message.contains(server.token),
            "{what}: {message}"
        );
    }
    assert_eq!(
        api_requests(&server).await,
        requests_before,
        "no request reached the server"
    );
    assert_eq!(cancel_requests(&server, &id).await, (0.0, 0.0));
    let project = get(&plan(&server, &id).await, "project");
    assert_eq!(text(&project, "status").as_deref(), Some("executing"));
}

#[wasm_bindgen_test]
async fn ids_that_look_like_paths_reach_only_the_cancel_route_as_one_segment() {
    let server = documented();
    let victim = new_project(&server, "awaiting_approval").await;
    for id in [
        "../approve".to_owned(),
        format!("{victim}/../approve"),
        "a/b".into(),
        "x?y#z".into(),
        "100%25".into(),
    ] {
        let error = expect_error(cancel(&server, &id, &[]).await, "not_found");
        // The server decoded exactly the id we sent: it arrived as one segment.
        assert_eq!(
            text(&error, "detail"),
            Some(format!("Project not found: {id}"))
        );
    }
    let project = get(&plan(&server, &victim).await, "project");
    assert_eq!(
        text(&project, "status").as_deref(),
        Some("awaiting_approval"),
        "no other route was hit"
    );
}

#[wasm_bindgen_test]
async fn unicode_ids_round_trip() {
    let server = lenient();
    let error = expect_error(cancel(&server, "项目-ü 1", &[]).await, "not_found");
    assert_eq!(
        text(&error, "detail").as_deref(),
        Some("Project not found: 项目-ü 1")
    );
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_rejects_at_once_without_a_request() {
    let server = lenient();
    let id = new_project(&server, "executing").await;
    let controller = AbortController::new().expect("AbortController");
    controller.abort();
    let error = expect_error(
        cancel(&server, &id, &[("signal", controller.signal().into())]).await,
        "aborted",
    );
    assert_eq!(text(&error, "projectId"), Some(id.clone()));
    assert_eq!(cancel_requests(&server, &id).await, (0.0, 0.0));
}

#[wasm_bindgen_test]
async fn aborting_during_a_request_rejects_with_aborted() {
    let server = lenient();
    let id = faulty_project(&server, "hang").await;
    let controller = AbortController::new().expect("AbortController");
    expect_error(
        cancel_then_abort(&server, &id, &controller).await,
        "aborted",
    );
}

#[wasm_bindgen_test]
async fn a_signal_used_for_many_calls_works_for_each() {
    // The SDK removes its listener after each call; the signal still aborts a later one.
    let server = lenient();
    let controller = AbortController::new().expect("AbortController");
    for _ in 0..3 {
        let id = new_project(&server, "executing").await;
        cancel(&server, &id, &[("signal", controller.signal().into())])
            .await
            .expect("cancel");
    }
    let id = faulty_project(&server, "hang").await;
    expect_error(
        cancel_then_abort(&server, &id, &controller).await,
        "aborted",
    );
}

#[wasm_bindgen_test]
async fn a_server_that_never_answers_times_out() {
    let server = documented();
    for fault in ["hang", "stall_body"] {
        let id = faulty_project(&server, fault).await;
        let error = expect_error(
            cancel(&server, &id, &[("timeoutMs", JsValue::from_f64(300.0))]).await,
            "timeout",
        );
        assert!(
            text(&error, "message")
                .unwrap_or_default()
                .contains("300 ms"),
            "{fault}"
        );
        assert_eq!(
            cancel_requests(&server, &id).await.0,
            1.0,
            "{fault}: the request was sent"
        );
    }
}

#[wasm_bindgen_test]
async fn a_client_checks_its_options_when_created() {
    let cases = [
        obj(&[]),
        obj(&[("token", "".into())]),
        obj(&[("token", "t".into()), ("baseUrl", "localhost:8000".into())]),
        obj(&[
            ("token", "t".into()),
            ("timeoutMs", JsValue::from_f64(-5.0)),
        ]),
        obj(&[("token", "t".into()), ("signal", JsValue::NULL)]),
        JsValue::UNDEFINED,
    ];
    for options in cases {
        let shown = stringify(&options);
        let Err(error) = deepwork_client::bindings::JsClient::new(options) else {
            panic!("{shown} should be refused");
        };
        expect_error(Err(error), "invalid_argument");
    }
}

#[wasm_bindgen_test]
async fn a_per_call_timeout_overrides_the_clients() {
    let server = lenient();
    let client = deepwork_client::bindings::JsClient::new(obj(&[
        ("token", server.token.into()),
        ("baseUrl", server.url.into()),
        ("timeoutMs", JsValue::from_f64(60_000.0)),
    ]))
    .expect("valid options");
    let id = faulty_project(&server, "hang").await;
    let promise = client.cancel_project(id.into(), obj(&[("timeoutMs", JsValue::from_f64(200.0))]));
    let error = expect_error(JsFuture::from(promise).await, "timeout");
    assert!(text(&error, "message")
        .unwrap_or_default()
        .contains("200 ms"));
}

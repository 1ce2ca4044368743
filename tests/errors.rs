//! Every error row of the API contract, in both flavors, and every devserver fault:
//! each rejects with a DeepWorkError of the right kind, status and detail, and none
//! carries the token.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Asserts the shape every DeepWorkError has, whatever its kind.
fn assert_error_shape(error: &JsValue, server: &Server) {
    let stack = text(error, "stack").unwrap_or_default();
    assert!(!stack.is_empty(), "stack is set");
    let message = text(error, "message").unwrap_or_default();
    assert!(!message.is_empty(), "message is set");
    let as_string = String::from(error.unchecked_ref::<js_sys::Error>().to_string());
    assert!(as_string.starts_with("DeepWorkError: "), "{as_string}");
    for shown in [message, stack, as_string, stringify(error)] {
        assert!(
            !shown.contains(server.token),
            "the token leaked into {shown}"
        );
    }
}

#[wasm_bindgen_test]
async fn already_terminal_projects_are_invalid_state_on_the_documented_server() {
    let server = documented();
    for status in ["completed", "cancelled"] {
        let id = new_project(&server, status).await;
        let error = expect_error(cancel(&server, &id, &[]).await, "invalid_state");
        assert_eq!(number(&error, "status"), Some(400.0));
        assert_eq!(text(&error, "currentStatus").as_deref(), Some(status));
        let detail = format!("Cannot cancel project with status '{status}'");
        assert_eq!(text(&error, "detail"), Some(detail.clone()));
        assert_eq!(text(&error, "message"), Some(format!("400 {detail}")));
        assert_eq!(text(&error, "projectId"), Some(id.clone()));
        assert_error_shape(&error, &server);
    }
}

#[wasm_bindgen_test]
async fn unknown_projects_are_not_found_in_both_flavors() {
    for server in both() {
        let id = "no-such-project-7d1e";
        let error = expect_error(cancel(&server, id, &[]).await, "not_found");
        let expected_status = if server.documented { 404.0 } else { 400.0 };
        assert_eq!(number(&error, "status"), Some(expected_status));
        assert_eq!(
            text(&error, "detail"),
            Some(format!("Project not found: {id}"))
        );
        assert_eq!(get(&error, "currentStatus"), JsValue::UNDEFINED);
        assert_error_shape(&error, &server);
    }
}

#[wasm_bindgen_test]
async fn a_wrong_token_is_unauthorized_and_changes_nothing() {
    for server in both() {
        let id = new_project(&server, "executing").await;
        let promise = cancel_promise(
            id.clone().into(),
            "wrong-token".into(),
            obj(&[("baseUrl", server.url.into())]),
        );
        let error = expect_error(
            wasm_bindgen_futures::JsFuture::from(promise).await,
            "unauthorized",
        );
        assert_eq!(number(&error, "status"), Some(401.0));
        assert_eq!(text(&error, "detail").as_deref(), Some("Unauthorized"));
        assert_eq!(cancel_requests(&server, &id).await, (1.0, 0.0));
        assert!(!stringify(&error).contains("wrong-token"));
    }
}

#[wasm_bindgen_test]
async fn an_unmatched_route_is_not_found() {
    // A base URL with a wrong path prefix reaches no route of the server.
    for server in both() {
        let promise = cancel_promise(
            "some-id".into(),
            server.token.into(),
            obj(&[("baseUrl", format!("{}/wrong-prefix", server.url).into())]),
        );
        let error = expect_error(
            wasm_bindgen_futures::JsFuture::from(promise).await,
            "not_found",
        );
        assert_eq!(number(&error, "status"), Some(404.0));
        assert_eq!(text(&error, "detail").as_deref(), Some("Not Found"));
    }
}

#[wasm_bindgen_test]
async fn rate_limiting_carries_retry_after_where_cors_exposes_it() {
    for server in both() {
        let id = faulty_project(&server, "rate_limited").await;
        let error = expect_error(cancel(&server, &id, &[no_retries()]).await, "rate_limited");
        assert_eq!(number(&error, "status"), Some(429.0));
        assert_eq!(text(&error, "detail").as_deref(), Some("Too many requests"));
        // Only the documented flavor exposes Retry-After to cross-origin pages.
        let expected = if server.documented {
            Some(1000.0)
        } else {
            None
        };
        assert_eq!(number(&error, "retryAfterMs"), expected);
        assert_error_shape(&error, &server);
    }
}

/// One fault: the kind, the HTTP status (None: no answer) and the detail it must give.
struct Case {
    fault: &'static str,
    kind: &'static str,
    status: Option<f64>,
    detail: Option<&'static str>,
}

const FAULTS: [Case; 9] = [
    Case {
        fault: "html_500",
        kind: "server",
        status: Some(500.0),
        detail: None,
    },
    Case {
        fault: "server_500",
        kind: "server",
        status: Some(500.0),
        detail: Some("Internal error: database unavailable"),
    },
    Case {
        fault: "empty_502",
        kind: "server",
        status: Some(502.0),
        detail: None,
    },
    Case {
        fault: "service_unavailable",
        kind: "server",
        status: Some(503.0),
        detail: Some("Service temporarily unavailable"),
    },
    Case {
        fault: "truncated_json",
        kind: "invalid_response",
        status: Some(200.0),
        detail: None,
    },
    Case {
        fault: "wrong_shape",
        kind: "invalid_response",
        status: Some(200.0),
        detail: None,
    },
    Case {
        fault: "success_false",
        kind: "invalid_response",
        status: Some(200.0),
        detail: None,
    },
    Case {
        fault: "wrong_status",
        kind: "invalid_response",
        status: Some(200.0),
        detail: None,
    },
    Case {
        fault: "redirect_cross_origin",
        kind: "http",
        status: None,
        detail: None,
    },
];

/// With retries off, each fault is seen exactly once. (tests/retries.rs covers them on.)
#[wasm_bindgen_test]
async fn every_faulty_answer_is_a_typed_error_and_the_project_is_untouched() {
    for server in both() {
        for case in &FAULTS {
            let id = faulty_project(&server, case.fault).await;
            let error = expect_error(cancel(&server, &id, &[no_retries()]).await, case.kind);
            assert_eq!(number(&error, "attempts"), Some(1.0));
            assert_eq!(number(&error, "status"), case.status, "{}", case.fault);
            assert_eq!(
                text(&error, "detail").as_deref(),
                case.detail,
                "{}",
                case.fault
            );
            assert_eq!(text(&error, "projectId"), Some(id.clone()));
            assert_error_shape(&error, &server);
            let (requests, transitions) = cancel_requests(&server, &id).await;
            assert_eq!((requests, transitions), (1.0, 0.0), "{}", case.fault);
        }
    }
}

#[wasm_bindgen_test]
async fn a_validation_error_keeps_the_issue_list() {
    let server = documented();
    let id = faulty_project(&server, "validation_422").await;
    let error = expect_error(cancel(&server, &id, &[]).await, "validation");
    assert_eq!(number(&error, "status"), Some(422.0));
    let issues = Array::from(&get(&error, "detail"));
    assert_eq!(issues.length(), 1);
    assert_eq!(
        text(&issues.get(0), "msg").as_deref(),
        Some("value is not a valid uuid")
    );
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("422 path.project_id: value is not a valid uuid")
    );
}

#[wasm_bindgen_test]
async fn a_dropped_connection_is_a_network_error_with_its_cause() {
    let server = lenient();
    let id = faulty_project(&server, "reset").await;
    let error = expect_error(cancel(&server, &id, &[no_retries()]).await, "network");
    assert_eq!(get(&error, "status"), JsValue::UNDEFINED);
    assert!(
        get(&error, "cause").is_instance_of::<js_sys::Error>(),
        "the browser's error is the cause"
    );
    assert_error_shape(&error, &server);
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_error() {
    let server = lenient();
    // Port 9 (discard) on loopback: nothing listens there. No answer is retried.
    let promise = cancel_promise(
        "p".into(),
        server.token.into(),
        obj(&[
            ("baseUrl", "http://127.0.0.1:9".into()),
            ("maxRetries", JsValue::from_f64(1.0)),
        ]),
    );
    let error = expect_error(
        wasm_bindgen_futures::JsFuture::from(promise).await,
        "network",
    );
    assert_eq!(number(&error, "attempts"), Some(2.0));
}

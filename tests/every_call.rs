//! The resilience cases, run over every call of the API (`common::ROUTES`) in both
//! flavors: each devserver fault armed on that call's route is a typed error with the
//! right status and detail and no token; hangs time out, aborts abort; busy servers
//! are retried where a second delivery is safe; a lost answer resolves truthfully, and
//! a start is never sent twice.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One fault: the kind it must give, the HTTP status (None: no answer) and the detail.
struct Case {
    fault: &'static str,
    kind: &'static str,
    status: Option<f64>,
    detail: Option<&'static str>,
}

const fn case(
    fault: &'static str,
    kind: &'static str,
    status: Option<f64>,
    detail: Option<&'static str>,
) -> Case {
    Case {
        fault,
        kind,
        status,
        detail,
    }
}

const FAULTS: [Case; 11] = [
    case("html_500", "server", Some(500.0), None),
    case(
        "server_500",
        "server",
        Some(500.0),
        Some("Internal error: database unavailable"),
    ),
    case("empty_502", "server", Some(502.0), None),
    case(
        "service_unavailable",
        "server",
        Some(503.0),
        Some("Service temporarily unavailable"),
    ),
    case("truncated_json", "invalid_response", Some(200.0), None),
    case("wrong_shape", "invalid_response", Some(200.0), None),
    case("redirect_cross_origin", "http", None, None),
    case(
        "echo_token_401",
        "unauthorized",
        Some(401.0),
        Some("Invalid token: [redacted]"),
    ),
    case("forbidden_403", "forbidden", Some(403.0), Some("Forbidden")),
    case("teapot_418", "http", Some(418.0), Some("I'm a teapot")),
    case(
        "rate_limited",
        "rate_limited",
        Some(429.0),
        Some("Too many requests"),
    ),
];

/// A global fault fires once, so that it cannot reach another test's calls.
fn once() -> (&'static str, JsValue) {
    ("fault_times", JsValue::from_f64(1.0))
}

fn assert_no_token(error: &JsValue, server: &Server, what: &str) {
    let shown = format!(
        "{} {} {}",
        stringify(error),
        text(error, "message").unwrap_or_default(),
        text(error, "stack").unwrap_or_default()
    );
    assert!(
        !shown.contains(server.token),
        "{what}: the token leaked: {shown}"
    );
}

#[wasm_bindgen_test]
async fn every_fault_on_every_call_is_a_typed_error_from_one_request() {
    for server in both() {
        for route in ROUTES {
            for case in &FAULTS {
                let what = format!("{route:?} {}", case.fault);
                let target = arm(&server, route, case.fault, &[once()]).await;
                let before = route_requests(&server, route, &target).await;
                let result = call_route(&server, route, &target, &[no_retries()]).await;
                let error = expect_error(result, case.kind);
                assert_eq!(number(&error, "status"), case.status, "{what}");
                assert_eq!(text(&error, "detail").as_deref(), case.detail, "{what}");
                assert_eq!(number(&error, "attempts"), Some(1.0), "{what}");
                let project_id = (!route.is_global()).then(|| target.project_id.clone());
                assert_eq!(text(&error, "projectId"), project_id, "{what}");
                assert_no_token(&error, &server, &what);
                let after = route_requests(&server, route, &target).await;
                assert_eq!(
                    after - before,
                    1.0,
                    "{what}: requests that reached the server"
                );
            }
        }
    }
}

#[wasm_bindgen_test]
async fn a_server_that_never_answers_or_stalls_its_body_times_out_on_every_call() {
    let server = lenient();
    for route in ROUTES {
        for fault in ["hang", "stall_body"] {
            let target = arm(&server, route, fault, &[once()]).await;
            let options = [no_retries(), ("timeoutMs", JsValue::from_f64(300.0))];
            let error = expect_error(
                call_route(&server, route, &target, &options).await,
                "timeout",
            );
            assert_eq!(
                get(&error, "status"),
                JsValue::UNDEFINED,
                "{route:?} {fault}"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_dropped_connection_is_a_network_error_on_every_call() {
    // Armed for every request: a browser resends a request by itself when a reused
    // connection is reset before any answer, so one reset may not reach the SDK.
    let server = documented();
    for route in ROUTES {
        let target = arm(&server, route, "reset", &[]).await;
        let result = call_route(&server, route, &target, &[no_retries()]).await;
        if route.is_global() {
            disarm(&server, route).await;
        }
        let error = expect_error(result, "network");
        assert!(
            get(&error, "cause").is_instance_of::<js_sys::Error>(),
            "{route:?}: the browser's error is the cause"
        );
    }
}

#[wasm_bindgen_test]
async fn an_abort_mid_request_rejects_with_aborted_on_every_call() {
    let server = documented();
    for route in ROUTES {
        let target = arm(&server, route, "hang", &[once()]).await;
        let before = route_requests(&server, route, &target).await;
        let controller = web_sys::AbortController::new().expect("AbortController");
        let options = obj(&[("signal", controller.signal().into())]);
        let promise = route.call(&client(&server, &[]), &target, options);
        // Abort once the server holds the request, so that the abort hits it in flight.
        let mut seen = false;
        for _ in 0..500 {
            if route_requests(&server, route, &target).await > before {
                seen = true;
                break;
            }
        }
        assert!(seen, "{route:?}: the server never saw the request");
        controller.abort();
        expect_error(JsFuture::from(promise).await, "aborted");
    }
}

#[wasm_bindgen_test]
async fn a_busy_server_is_retried_on_every_call_but_a_start_that_may_have_arrived_is_not() {
    for server in both() {
        // Each retry waits out a Retry-After of a second: the routes wait together.
        let server = &server;
        let checks = ROUTES.map(|route| Box::pin(busy_route(server, route)) as _);
        side_by_side(checks.into()).await;
    }
}

/// A 429, then a 503, on `route`'s next request.
async fn busy_route(server: &Server, route: Route) {
    // 429: the server did not act, every call may try again. 503: it may have
    // (a proxy can fail after passing the request on), so start does not.
    for (fault, retried) in [
        ("rate_limited", true),
        ("service_unavailable", !route.acts_on_each_delivery()),
    ] {
        let what = format!("{route:?} {fault}");
        let target = arm(server, route, fault, &[once()]).await;
        let before = route_requests(server, route, &target).await;
        let result = call_route(server, route, &target, &[]).await;
        let sent = route_requests(server, route, &target).await - before;
        if retried {
            assert!(
                result.is_ok(),
                "{what}: {:?}",
                result.err().map(|e| stringify(&e))
            );
            assert_eq!(sent, 2.0, "{what}");
        } else {
            let error = expect_error(result, "server");
            assert_eq!(number(&error, "attempts"), Some(1.0), "{what}");
            assert_eq!(sent, 1.0, "{what}");
        }
    }
}

#[wasm_bindgen_test]
async fn a_lost_answer_resolves_truthfully_on_every_call_and_a_start_is_not_repeated() {
    // The server carries the request out, then a proxy turns its answer into a 502.
    for server in both() {
        for route in ROUTES {
            let what = format!("{route:?}");
            let commits = ("fault_commits", JsValue::TRUE);
            let target = arm(&server, route, "empty_502", &[once(), commits]).await;
            let before = route_requests(&server, route, &target).await;
            let result = call_route(&server, route, &target, &[]).await;
            let sent = route_requests(&server, route, &target).await - before;
            if route.acts_on_each_delivery() {
                let error = expect_error(result, "server");
                assert_eq!(number(&error, "attempts"), Some(1.0), "{what}");
                assert_eq!(sent, 1.0, "{what}: one delivery, one project");
                continue;
            }
            let value = result.unwrap_or_else(|e| panic!("{what}: {}", stringify(&e)));
            assert_eq!(sent, 2.0, "{what}");
            match route {
                Route::Delete => assert!(value.is_undefined(), "{what}"),
                Route::Approve | Route::Resume => {
                    assert_eq!(
                        text(&value, "status").as_deref(),
                        Some("executing"),
                        "{what}"
                    )
                }
                Route::Pause => assert_eq!(text(&value, "status").as_deref(), Some("paused")),
                Route::Cancel => {
                    assert_eq!(text(&value, "status").as_deref(), Some("cancelled"))
                }
                Route::Skip | Route::Retry => {
                    let task = get(&value, "task");
                    assert_eq!(text(&task, "id"), Some(target.task_id.clone()), "{what}");
                    let expected = if route == Route::Skip {
                        "skipped"
                    } else {
                        "assigned"
                    };
                    assert_eq!(text(&task, "status").as_deref(), Some(expected), "{what}");
                    assert!(
                        number(&get(&value, "progress"), "total").is_some(),
                        "{what}"
                    );
                }
                _ => assert!(value.is_object(), "{what}"),
            }
        }
    }
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_on_every_call_before_any_request() {
    let server = lenient();
    let before = api_requests(&server).await;
    let sdk = client(&server, &[]);
    let good = Target {
        project_id: "p-1".into(),
        task_id: "t-1".into(),
    };
    for route in ROUTES {
        // An option no call has.
        let promise = route.call(&sdk, &good, obj(&[("timeout", 5.into())]));
        let error = expect_error(JsFuture::from(promise).await, "invalid_argument");
        assert!(text(&error, "message")
            .unwrap_or_default()
            .contains("unknown option"));
        if route.is_global() {
            continue;
        }
        for (project_id, task_id) in [("", "t-1"), ("..", "t-1"), ("p-1", ""), ("p-1", "a\nb")] {
            let needs_task = matches!(route, Route::Skip | Route::Retry);
            if project_id == "p-1" && !needs_task {
                continue;
            }
            let target = Target {
                project_id: project_id.into(),
                task_id: task_id.into(),
            };
            let promise = route.call(&sdk, &target, JsValue::UNDEFINED);
            expect_error(JsFuture::from(promise).await, "invalid_argument");
        }
    }
    for promise in [
        sdk.skip_task(7.into(), "t".into(), JsValue::UNDEFINED),
        sdk.retry_task("p".into(), JsValue::NULL, JsValue::UNDEFINED),
        sdk.get_plan(JsValue::UNDEFINED, JsValue::UNDEFINED),
    ] {
        expect_error(JsFuture::from(promise).await, "invalid_argument");
    }
    for description in [
        JsValue::from("too short"),
        JsValue::from("x".repeat(5001)),
        42.into(),
    ] {
        for promise in [
            sdk.start_project(description.clone(), JsValue::UNDEFINED),
            sdk.parse_goal(description.clone(), JsValue::UNDEFINED),
        ] {
            expect_error(JsFuture::from(promise).await, "invalid_argument");
        }
    }
    let long_enough = JsValue::from("Build a REST API for a todo app");
    for options in [
        obj(&[("researchDepth", "deeper".into())]),
        obj(&[("researchDepth", 1.into())]),
        obj(&[("goalAnalysis", "text".into())]),
        obj(&[("goalAnalysis", js_sys::Array::new().into())]),
    ] {
        let promise = sdk.start_project(long_enough.clone(), options);
        expect_error(JsFuture::from(promise).await, "invalid_argument");
    }
    for limit in [
        JsValue::from(0),
        JsValue::from(-1),
        JsValue::from(2.5),
        "10".into(),
    ] {
        let promise = sdk.list_projects(obj(&[("limit", limit)]));
        expect_error(JsFuture::from(promise).await, "invalid_argument");
    }
    let promise = sdk.list_projects(obj(&[("status", "".into())]));
    expect_error(JsFuture::from(promise).await, "invalid_argument");
    assert_eq!(
        api_requests(&server).await,
        before,
        "no request reached the server"
    );
}

//! The Rust API, as a Rust frontend (Leptos, Yew, Dioxus) calls it: `DeepWorkClient`,
//! `CallOptions`, `Project` and `Error`, with no JS values in sight, against the live
//! devservers in the browser. Success, each error kind, abort, timeouts and retries.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use deepwork_client::{CallOptions, DeepWorkClient, Error, ErrorKind, Project, ProjectStatus};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

fn client(server: &Server) -> DeepWorkClient {
    DeepWorkClient::new(server.url, server.token).expect("a valid client")
}

/// One attempt only: these tests are about a single answer.
fn once(server: &Server) -> DeepWorkClient {
    client(server).with_options(CallOptions::new().max_retries(0))
}

fn expect_kind(result: Result<Project, Error>, kind: ErrorKind) -> Error {
    match result {
        Ok(project) => panic!("expected {kind}, got {project:?}"),
        Err(e) => {
            assert_eq!(e.kind(), kind, "{e}");
            e
        }
    }
}

#[wasm_bindgen_test]
async fn cancels_and_resolves_with_a_typed_project() {
    for server in both() {
        let id = new_project(&server, "executing").await;
        let project = client(&server)
            .cancel_project(&id)
            .await
            .expect("cancelled");
        assert_eq!(project.id, id);
        assert_eq!(project.status, ProjectStatus::Cancelled);
        assert!(project.completed_at.is_some());
        assert!(!project.task_ids.is_empty());
        // The server's own object rides along, with every field it sent.
        assert_eq!(text(project.raw(), "status").as_deref(), Some("cancelled"));
        assert!(project.metadata().is_object());
        assert_eq!(cancel_requests(&server, &id).await, (1.0, 1.0));
    }
}

#[wasm_bindgen_test]
async fn every_answer_error_is_its_kind_with_status_and_detail() {
    let server = documented();
    let completed = new_project(&server, "completed").await;
    let e = expect_kind(
        once(&server).cancel_project(&completed).await,
        ErrorKind::InvalidState,
    );
    assert_eq!(
        (e.status(), e.current_status()),
        (Some(400), Some("completed"))
    );
    assert_eq!(
        e.detail(),
        Some("Cannot cancel project with status 'completed'")
    );
    assert_eq!(
        (e.project_id(), e.attempts()),
        (Some(completed.as_str()), 1)
    );

    let e = expect_kind(
        once(&server).cancel_project("no-such-project").await,
        ErrorKind::NotFound,
    );
    assert_eq!(e.status(), Some(404));

    let id = new_project(&server, "executing").await;
    let wrong = DeepWorkClient::new(server.url, "wrong-token").expect("client");
    let e = expect_kind(wrong.cancel_project(&id).await, ErrorKind::Unauthorized);
    assert_eq!(e.status(), Some(401));

    let cases = [
        ("validation_422", ErrorKind::Validation, Some(422)),
        ("rate_limited", ErrorKind::RateLimited, Some(429)),
        ("html_500", ErrorKind::Server, Some(500)),
        ("forbidden_403", ErrorKind::Forbidden, Some(403)),
        ("teapot_418", ErrorKind::Http, Some(418)),
        ("wrong_shape", ErrorKind::InvalidResponse, Some(200)),
        ("truncated_json", ErrorKind::InvalidResponse, Some(200)),
        ("redirect_cross_origin", ErrorKind::Http, None),
        ("reset", ErrorKind::Network, None),
    ];
    for (fault, kind, status) in cases {
        let id = faulty_project(&server, fault).await;
        let e = expect_kind(once(&server).cancel_project(&id).await, kind);
        assert_eq!(e.status(), status, "{fault}");
        assert_eq!(e.attempts(), 1, "{fault}");
        assert!(!e.to_string().is_empty());
    }
    let id = faulty_project(&server, "validation_422").await;
    let e = expect_kind(
        once(&server).cancel_project(&id).await,
        ErrorKind::Validation,
    );
    let issue = e.validation_issues().first().expect("one issue");
    assert_eq!(issue.msg, "value is not a valid uuid");
    assert_eq!(
        e.to_string(),
        "422 path.project_id: value is not a valid uuid"
    );
}

#[wasm_bindgen_test]
async fn invalid_arguments_fail_before_any_request() {
    let server = lenient();
    let before = api_requests(&server).await;
    for (base, token) in [("ftp://x", "t"), (server.url, ""), (server.url, "Bearer t")] {
        let e = DeepWorkClient::new(base, token).expect_err("refused");
        assert_eq!((e.kind(), e.attempts()), (ErrorKind::InvalidArgument, 0));
        assert!(!e.to_string().contains("Bearer t"), "{e}");
    }
    for id in ["", "  ", "..", "a\nb"] {
        expect_kind(
            client(&server).cancel_project(id).await,
            ErrorKind::InvalidArgument,
        );
    }
    let too_long = client(&server).with_options(CallOptions::new().timeout(Duration::ZERO));
    expect_kind(
        too_long.cancel_project("p").await,
        ErrorKind::InvalidArgument,
    );
    let retries = client(&server).with_options(CallOptions::new().max_retries(11));
    expect_kind(
        retries.cancel_project("p").await,
        ErrorKind::InvalidArgument,
    );
    assert_eq!(api_requests(&server).await, before, "no request was sent");
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_error_with_the_browsers_cause() {
    let server = lenient();
    let offline = DeepWorkClient::new("http://127.0.0.1:9", server.token).expect("client");
    let e = expect_kind(
        offline
            .with_options(CallOptions::new().max_retries(1))
            .cancel_project("p")
            .await,
        ErrorKind::Network,
    );
    assert_eq!(e.attempts(), 2);
    assert!(e
        .cause()
        .is_some_and(|c| c.is_instance_of::<js_sys::Error>()));
}

#[wasm_bindgen_test]
async fn an_abort_signal_stops_the_request_in_flight() {
    let server = lenient();
    let id = faulty_project(&server, "hang").await;
    let controller = AbortController::new().expect("AbortController");
    let call = client(&server).with_options(CallOptions::new().signal(controller.signal()));
    // The call runs on its own (as a UI event would start it) and reports its kind.
    let running = {
        let id = id.clone();
        future_to_promise(async move {
            let e = call.cancel_project(&id).await.expect_err("aborted");
            Ok(JsValue::from_str(&format!("{} {}", e.kind(), e.attempts())))
        })
    };
    until_server_saw(&server, &id, 1.0).await;
    controller.abort();
    let outcome = JsFuture::from(running).await.expect("settles");
    assert_eq!(outcome.as_string().as_deref(), Some("aborted 1"));
}

#[wasm_bindgen_test]
async fn a_server_that_never_answers_times_out() {
    let server = lenient();
    let id = faulty_project(&server, "hang").await;
    let quick = client(&server).with_options(
        CallOptions::new()
            .timeout(Duration::from_millis(300))
            .max_retries(0),
    );
    let e = expect_kind(quick.cancel_project(&id).await, ErrorKind::Timeout);
    assert!(e.to_string().contains("300 ms"), "{e}");
}

#[wasm_bindgen_test]
async fn a_busy_server_is_retried_until_it_cancels() {
    for server in both() {
        let id = new_project_with(
            &server,
            "executing",
            &[
                ("fault", "service_unavailable".into()),
                ("fault_times", 1.into()),
            ],
        )
        .await;
        let project = client(&server)
            .cancel_project(&id)
            .await
            .expect("the retry succeeds");
        assert_eq!(project.status, ProjectStatus::Cancelled);
        assert_eq!(cancel_requests(&server, &id).await, (2.0, 1.0));
    }
}

#[wasm_bindgen_test]
async fn a_lost_answer_is_read_back_and_resolves() {
    for server in both() {
        let id = new_project_with(
            &server,
            "executing",
            &[
                ("fault", "empty_502".into()),
                ("fault_times", 1.into()),
                ("fault_commits", true.into()),
            ],
        )
        .await;
        let project = client(&server)
            .cancel_project(&id)
            .await
            .expect("recovered");
        assert_eq!(
            (project.id.as_str(), project.status),
            (id.as_str(), ProjectStatus::Cancelled)
        );
    }
}

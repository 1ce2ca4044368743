//! The Rust API, as a Rust frontend (Leptos, Yew, Dioxus) calls it: `DeepWorkClient`,
//! `CallOptions`, the typed answers and `Error`, with no JS values in sight, against the live
//! devservers in the browser. Success, each error kind, abort, timeouts and retries.
#![cfg(target_arch = "wasm32")]

mod common;

use common::watching::{plan_requests, until_polled};
use common::*;
use deepwork_client::{
    CallOptions, DeepWorkClient, Error, ErrorKind, NewProject, Project, ProjectFilter,
    ProjectStatus, ResearchDepth, TaskStatus, Until, WaitOptions, WatchOptions, WatchState,
};
use std::cell::RefCell;
use std::rc::Rc;
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

#[wasm_bindgen_test]
async fn the_whole_lifecycle_is_typed() {
    for server in both() {
        let sdk = client(&server);
        let started = sdk
            .start_project(
                &NewProject::new("Build a REST API for a todo app")
                    .research_depth(ResearchDepth::None),
            )
            .await
            .expect("started");
        assert_eq!(started.status, ProjectStatus::Planning);

        let target = target_with(&server, Route::Retry, &[]).await;
        let plan = sdk.get_plan(&target.project_id).await.expect("a plan");
        assert_eq!(plan.project.id, target.project_id);
        assert_eq!(plan.progress.total as usize, plan.tasks.len());
        assert!(plan.execution_levels.len() >= 2);
        for (level, ids) in plan.execution_levels.iter().enumerate() {
            for id in ids {
                assert!(plan.task(id).is_some(), "{id} is a task of the plan");
                assert_eq!(plan.level_of(id), Some(level));
            }
        }
        assert!(plan.tasks.iter().any(|task| task.is_human()));

        let change = sdk
            .retry_task(&target.project_id, &target.task_id)
            .await
            .expect("retried");
        assert_eq!(change.task.status, TaskStatus::Assigned);
        assert!(change.task.retry_count >= 1);
        assert_eq!(change.progress.total, plan.progress.total);
        assert_eq!(change.progress.blocked + 1, plan.progress.blocked);

        let e = sdk
            .retry_task(&target.project_id, &target.task_id)
            .await
            .expect_err("no longer blocked");
        assert_eq!(e.kind(), ErrorKind::InvalidState);
        assert_eq!(e.current_status(), Some("assigned"));

        let e = sdk
            .resume_project(&target.project_id)
            .await
            .expect_err("it runs");
        assert_eq!(
            (e.kind(), e.current_status()),
            (ErrorKind::InvalidState, Some("executing"))
        );
        let paused = sdk.pause_project(&target.project_id).await.expect("paused");
        assert_eq!(paused.status, ProjectStatus::Paused);

        let listed = sdk
            .list_projects(&ProjectFilter::new().status(ProjectStatus::Paused).limit(1))
            .await
            .expect("a listing");
        assert_eq!(listed.projects.len(), 1);
        assert!(listed.count >= 1);

        sdk.delete_project(&target.project_id)
            .await
            .expect("deleted");
        let e = sdk.get_project(&target.project_id).await.expect_err("gone");
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
}

#[wasm_bindgen_test]
async fn bad_arguments_of_the_new_calls_fail_before_any_request() {
    let server = lenient();
    let before = api_requests(&server).await;
    let sdk = client(&server);
    let kinds = [
        sdk.start_project(&NewProject::new("short")).await.map(drop),
        sdk.start_project(&NewProject::new("long enough text").research_depth("deeper".into()))
            .await
            .map(drop),
        sdk.parse_goal(&"x".repeat(5001)).await.map(drop),
        sdk.list_projects(&ProjectFilter::new().limit(0))
            .await
            .map(drop),
        sdk.skip_task("p", "").await.map(drop),
        sdk.retry_task("", "t").await.map(drop),
        sdk.get_plan("..").await.map(drop),
        sdk.delete_project(" ").await.map(drop),
    ]
    .map(|result| result.map_err(|e| e.kind()));
    assert_eq!(kinds, [Err(ErrorKind::InvalidArgument); 8]);
    assert_eq!(api_requests(&server).await, before);
}

#[wasm_bindgen_test]
async fn a_watch_is_a_stream_of_changed_plans_that_ends_with_the_project() {
    let server = lenient();
    let client = client(&server);
    let id = new_project(&server, "approved").await;
    let options = WatchOptions::new().interval(Duration::from_millis(250));
    let mut watch = client.watch_project(&id, options).expect("a valid id");
    let first = watch.next().await.expect("a first plan").expect("no error");
    assert_eq!(first.project.status, ProjectStatus::Approved);
    advance(&server, &id, 1).await;
    let second = watch.next().await.expect("a change").expect("no error");
    assert_eq!(second.project.status, ProjectStatus::Executing);
    client.cancel_project(&id).await.expect("cancelled");
    let last = watch.next().await.expect("the end").expect("no error");
    assert_eq!(last.project.status, ProjectStatus::Cancelled);
    assert!(watch.next().await.is_none(), "ended after a terminal plan");

    // A stopped watch ends at once; a bad id is refused before any request.
    let mut stopped = client
        .watch_project(&id, WatchOptions::new())
        .expect("a valid id");
    stopped.stop();
    assert!(stopped.is_stopped());
    assert!(stopped.next().await.is_none());
    let e = client
        .watch_project("", WatchOptions::new())
        .map(drop)
        .expect_err("an empty id");
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
}

#[wasm_bindgen_test]
async fn the_live_layer_in_rust_lists_waits_and_tells_where_it_stands() {
    let server = lenient();
    let client = client(&server).with_rate_limit(None);
    // The list, live: the first update has every project added; a delete shows.
    let leaving = new_project(&server, "paused").await;
    let every = WatchOptions::new().interval(Duration::from_millis(250));
    let mut projects = client
        // Above every project the suites make on this server: under the default limit
        // of 100, the delete would bring in the 101st as added.
        .watch_projects(&ProjectFilter::new().limit(100_000), every.clone())
        .expect("a list watch");
    let first = projects.next().await.expect("a list").expect("no error");
    assert!(first.added.contains(&leaving));
    assert_eq!(first.added.len(), first.list.projects.len());
    client.delete_project(&leaving).await.expect("deleted");
    let update = projects.next().await.expect("an update").expect("no error");
    assert_eq!(update.removed, [leaving]);
    assert!(update.added.is_empty() && update.changed.is_empty());
    assert!(matches!(projects.state(), WatchState::Live));
    projects.stop();
    assert!(matches!(projects.state(), WatchState::Ended));
    assert!(projects.next().await.is_none());

    // Waiting: what can no longer come fails at once with the status it is in.
    let id = new_project(&server, "executing").await;
    let e = client
        .wait_for_project(&id, ProjectStatus::AwaitingApproval, WaitOptions::new())
        .await
        .expect_err("unreachable");
    assert_eq!(e.kind(), ErrorKind::InvalidState);
    assert_eq!(e.current_status(), Some("executing"));
    let plan = client
        .wait_for_project(
            &id,
            Until::plan(|plan| plan.tasks.iter().any(|t| t.status == TaskStatus::Done)),
            WaitOptions::new(),
        )
        .await
        .expect("a task is done");
    assert_eq!(plan.project.id, id);
    let e = client
        .wait_for_project(
            &id,
            ProjectStatus::Completed,
            WaitOptions::new()
                .timeout(Duration::from_millis(600))
                .interval(Duration::from_millis(250)),
        )
        .await
        .expect_err("times out");
    assert_eq!(e.kind(), ErrorKind::Timeout);

    // Where a watch stands, told as it changes: a 503 burst, then live again.
    let seen = Rc::new(RefCell::new(Vec::new()));
    let record = Rc::clone(&seen);
    let mut watch = client
        .watch_project(
            &id,
            every.on_state_change(move |state| record.borrow_mut().push(state.as_str())),
        )
        .expect("a watch");
    watch.next().await.expect("a plan").expect("no error");
    arm_project_fault(&server, &id, Route::Plan, "service_unavailable", 1).await;
    let polled = plan_requests(&server, &id).await;
    until_polled(&server, &id, polled + 3.0).await;
    let deadline = js_sys::Date::now() + 10_000.0;
    while seen.borrow().last() != Some(&"live") && js_sys::Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    let states = seen.borrow().clone();
    let retrying = states.iter().position(|s| *s == "retrying");
    assert!(
        retrying.is_some_and(|at| states[at..].contains(&"live")),
        "{states:?}"
    );
    drop(watch);
    assert_eq!(seen.borrow().last(), Some(&"ended"));
}

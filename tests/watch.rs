//! `watchProject` as JS drives it (`next()`, `return()`, `[Symbol.asyncIterator]`),
//! against the devserver: each change is seen exactly once, a terminal plan ends it,
//! transient failures are outlived, a delete ends it with `not_found`, and an abort or
//! a `break` ends it at once with no request and no timer after it; a hidden page
//! polls ten times less often, and at once when it is shown.
#![cfg(target_arch = "wasm32")]

mod common;

use common::watching::*;
use common::*;
use js_sys::{Date, Function, Object, Promise, Reflect, Symbol};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_watch_is_an_async_iterable_of_plans() {
    let server = lenient();
    let id = new_project(&server, "executing").await;
    let watch = watch(&server, &id, JsValue::UNDEFINED);
    let iterator: Function = Reflect::get(&watch, &Symbol::async_iterator())
        .expect("a property")
        .dyn_into()
        .expect("[Symbol.asyncIterator] is a method");
    let same = iterator.call0(&watch).expect("it does not throw");
    assert!(
        Object::is(&same, &watch),
        "[Symbol.asyncIterator]() returns the watch"
    );
    let plan = next_plan(&watch).await;
    assert_eq!(text(&get(&plan, "project"), "id"), Some(id));
    assert!(is_end(
        &JsFuture::from(call(&watch, "return").unchecked_into::<Promise>())
            .await
            .expect("return() resolves")
    ));
}

#[wasm_bindgen_test]
async fn each_change_is_seen_exactly_once() {
    for server in both() {
        let id = moving_project(&server).await;
        let watch = watch(&server, &id, fast(&[]));
        let first = next_plan(&watch).await;
        assert_eq!(project_status(&first).as_deref(), Some("approved"));
        let mut last = first;
        for change in 1..=3 {
            let pending = next(&watch);
            // Unchanged polls happen first: none of them may be yielded.
            let polled = plan_requests(&server, &id).await;
            until_polled(&server, &id, polled + 2.0).await;
            advance(&server, &id, 1).await;
            let plan = plan_of(JsFuture::from(pending).await);
            assert_eq!(
                changes(&last, &plan),
                1,
                "change {change}: one status moved, and it was yielded once"
            );
            last = plan;
        }
        call(&watch, "return");
    }
}

#[wasm_bindgen_test]
async fn a_terminal_plan_is_the_last_and_nothing_is_polled_after_it() {
    let server = lenient();
    let timers = Timers::count();
    let id = new_project(&server, "executing").await;
    let (signal, listeners) = counted_signal();
    let watch = watch(&server, &id, fast(&[("signal", signal)]));
    next_plan(&watch).await;
    let pending = next(&watch);
    JsFuture::from(client(&server, &[]).cancel_project(id.as_str().into(), JsValue::UNDEFINED))
        .await
        .expect("cancelled");
    let last = plan_of(JsFuture::from(pending).await);
    assert_eq!(project_status(&last).as_deref(), Some("cancelled"));
    let polled = plan_requests(&server, &id).await;
    let end = JsFuture::from(next(&watch)).await.expect("next() resolves");
    assert!(
        is_end(&end),
        "ended after the terminal plan: {}",
        stringify(&end)
    );
    assert_eq!(
        plan_requests(&server, &id).await,
        polled,
        "no request after the end"
    );
    assert_eq!(timers.pending(), 0.0, "no timer left");
    assert_no_listener_left(&listeners, "after the terminal plan");
}

#[wasm_bindgen_test]
async fn a_503_and_a_429_in_the_middle_are_waited_out() {
    let server = lenient();
    let id = moving_project(&server).await;
    let watch = watch(&server, &id, fast(&[]));
    let first = next_plan(&watch).await;
    let pending = next(&watch);
    for fault in ["service_unavailable", "rate_limited"] {
        let polled = plan_requests(&server, &id).await;
        arm_project_fault(&server, &id, Route::Plan, fault, 1).await;
        // The next poll meets the fault; the one after must still come.
        until_polled(&server, &id, polled + 2.0).await;
    }
    advance(&server, &id, 1).await;
    let plan = plan_of(JsFuture::from(pending).await);
    assert_eq!(changes(&first, &plan), 1, "the change, not an error");
    call(&watch, "return");
}

#[wasm_bindgen_test]
async fn a_delete_ends_the_watch_with_not_found() {
    for server in both() {
        let id = new_project(&server, "executing").await;
        let (signal, listeners) = counted_signal();
        let watch = watch(&server, &id, fast(&[("signal", signal)]));
        next_plan(&watch).await;
        let pending = next(&watch);
        JsFuture::from(client(&server, &[]).delete_project(id.as_str().into(), JsValue::UNDEFINED))
            .await
            .expect("deleted");
        let error = expect_error(JsFuture::from(pending).await, "not_found");
        assert_eq!(text(&error, "projectId"), Some(id.clone()));
        // `for await` calls no return() after a rejection: the error itself must let
        // go of the caller's signal.
        assert_no_listener_left(&listeners, "after the error");
        let end = JsFuture::from(next(&watch)).await.expect("next() resolves");
        assert!(is_end(&end), "ended after the error");
    }
}

#[wasm_bindgen_test]
async fn an_abort_ends_the_watch_at_once_without_an_error() {
    let server = lenient();
    let timers = Timers::count();
    let id = new_project(&server, "executing").await;
    let controller = AbortController::new().expect("an AbortController");
    let listeners = count_listeners(&controller.signal());
    let watch = watch(
        &server,
        &id,
        fast(&[("signal", controller.signal().into())]),
    );
    next_plan(&watch).await;
    // A poll that never gets its answer: the abort must end it.
    let polled = plan_requests(&server, &id).await;
    arm_project_fault(&server, &id, Route::Plan, "hang", 1).await;
    let pending = next(&watch);
    until_polled(&server, &id, polled + 1.0).await;
    controller.abort();
    let end = JsFuture::from(pending)
        .await
        .expect("next() resolves, not rejects");
    assert!(is_end(&end), "ended: {}", stringify(&end));
    let end = JsFuture::from(next(&watch)).await.expect("next() resolves");
    assert!(is_end(&end));
    assert_eq!(
        plan_requests(&server, &id).await,
        polled + 1.0,
        "no request after"
    );
    assert_eq!(timers.pending(), 0.0, "no timer left");
    assert_no_listener_left(&listeners, "after the abort");
}

#[wasm_bindgen_test]
async fn an_abort_while_the_caller_holds_a_plan_ends_the_next_at_once() {
    let server = lenient();
    let timers = Timers::count();
    let id = new_project(&server, "executing").await;
    let controller = AbortController::new().expect("an AbortController");
    // A long interval: a wait that missed the abort would hold the watch for a minute.
    let options = obj(&[
        ("intervalMs", JsValue::from_f64(60_000.0)),
        ("signal", controller.signal().into()),
    ]);
    let watch = watch(&server, &id, options);
    next_plan(&watch).await;
    // As a `for await` body does: abort while holding the plan, before the next().
    controller.abort();
    let end = JsFuture::from(next(&watch))
        .await
        .expect("next() resolves, not rejects");
    assert!(is_end(&end), "ended: {}", stringify(&end));
    // Ended at once: the shared poll's wait of a minute (it waits in the background
    // while the caller holds the plan) was cleared by the abort, not fired.
    let waits = timers.ends(60_000.0);
    assert!(
        waits.iter().all(|end| end == "cleared"),
        "every wait cleared at the abort: {waits:?}"
    );
    assert_eq!(plan_requests(&server, &id).await, 1.0, "no request after");
    assert_eq!(timers.pending(), 0.0, "no timer left");
}

#[wasm_bindgen_test]
async fn return_ends_the_watch_while_it_waits_and_while_it_polls() {
    let server = lenient();
    let timers = Timers::count();
    for waiting in [true, false] {
        let id = new_project(&server, "executing").await;
        let (signal, listeners) = counted_signal();
        let watch = watch(&server, &id, fast(&[("signal", signal)]));
        next_plan(&watch).await;
        let pending = next(&watch);
        let polled = plan_requests(&server, &id).await;
        if !waiting {
            arm_project_fault(&server, &id, Route::Plan, "hang", 1).await;
            until_polled(&server, &id, polled + 1.0).await;
        }
        let returned = JsFuture::from(call(&watch, "return").unchecked_into::<Promise>()).await;
        assert!(is_end(&returned.expect("return() resolves")));
        let end = JsFuture::from(pending)
            .await
            .expect("the pending next() resolves");
        assert!(is_end(&end), "the pending next() ends too");
        let after = plan_requests(&server, &id).await;
        let end = JsFuture::from(next(&watch)).await.expect("next() resolves");
        assert!(is_end(&end));
        assert_eq!(plan_requests(&server, &id).await, after, "no request after");
        assert_eq!(timers.pending(), 0.0, "no timer left (waiting: {waiting})");
        assert_no_listener_left(&listeners, &format!("after return() (waiting: {waiting})"));
    }
}

#[wasm_bindgen_test]
async fn bad_arguments_throw_before_any_request() {
    let server = lenient();
    let before = api_requests(&server).await;
    let client = client(&server, &[]);
    for (id, options) in [
        (JsValue::from_str(""), JsValue::UNDEFINED),
        (JsValue::from_f64(7.0), JsValue::UNDEFINED),
        ("p".into(), obj(&[("intervalMs", JsValue::from_f64(-1.0))])),
        ("p".into(), obj(&[("intervalMs", JsValue::from_str("2s"))])),
        ("p".into(), obj(&[("maxRetries", JsValue::from_f64(1.0))])),
    ] {
        let error = client
            .watch_project(id, options)
            .expect_err("watchProject throws");
        expect_error(Err(error), "invalid_argument");
    }
    assert_eq!(api_requests(&server).await, before, "no request");
}

#[wasm_bindgen_test]
async fn a_hidden_page_polls_ten_times_less_often_and_at_once_when_shown() {
    let server = lenient();
    let timers = Timers::count();
    let visibility = Visibility::fake();
    let id = moving_project(&server).await;
    let watch = watch(&server, &id, fast(&[]));
    let first = next_plan(&watch).await;
    // The shared poll waits one interval from its first plan on, visible then.
    let visible_waits = timers.ends(250.0).len();
    visibility.set("hidden");
    let pending = next(&watch);
    // The server round trips give the poll loop its turns.
    let deadline = Date::now() + 10_000.0;
    while timers.ends(2_500.0).is_empty() && Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    assert_eq!(timers.ends(2_500.0), ["pending"], "hidden: ten intervals");
    assert_eq!(
        timers.ends(250.0).len(),
        visible_waits,
        "and no wait of one interval once hidden"
    );
    advance(&server, &id, 1).await;
    visibility.set("visible");
    let plan = plan_of(JsFuture::from(pending).await);
    assert_eq!(changes(&first, &plan), 1, "the change, polled when shown");
    assert_eq!(
        timers.ends(2_500.0),
        ["cleared"],
        "shown: the long wait ended early, not by its timer"
    );
    // Visible again: the next wait is one interval.
    let pending = next(&watch);
    while timers.ends(250.0).len() == visible_waits && Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    assert_eq!(
        timers.ends(250.0).get(visible_waits).map(String::as_str),
        Some("pending"),
        "visible: one interval"
    );
    call(&watch, "return");
    assert!(is_end(
        &JsFuture::from(pending).await.expect("next() resolves")
    ));
    assert_eq!(timers.pending(), 0.0, "no timer left");
}

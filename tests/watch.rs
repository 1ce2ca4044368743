//! `watchProject` as JS drives it (`next()`, `return()`, `[Symbol.asyncIterator]`),
//! against the devserver: each change is seen exactly once, a terminal plan ends it,
//! transient failures are outlived, a delete ends it with `not_found`, and an abort or
//! a `break` ends it at once with no request and no timer after it; a hidden page
//! polls ten times less often, and at once when it is shown.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Date, Function, Object, Promise, Reflect, Symbol};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
// Wraps the global timer functions to count the timers still pending (set, and
// neither fired nor cleared), and to tell how each timer of a given delay ended.
export function countTimers() {
  const pending = new Map();
  const all = [];
  const set = globalThis.setTimeout, clear = globalThis.clearTimeout;
  globalThis.setTimeout = function (handler, ms, ...args) {
    const timer = { ms, end: 'pending' };
    all.push(timer);
    const id = set.call(globalThis, (...a) => { pending.delete(id); timer.end = 'fired'; handler(...a); }, ms, ...args);
    pending.set(id, timer);
    return id;
  };
  globalThis.clearTimeout = function (id) {
    const timer = pending.get(id);
    if (timer) timer.end = 'cleared';
    pending.delete(id);
    return clear.call(globalThis, id);
  };
  return {
    pending: () => pending.size,
    ends: (ms) => all.filter((timer) => timer.ms === ms).map((timer) => timer.end),
    restore: () => { globalThis.setTimeout = set; globalThis.clearTimeout = clear; },
  };
}

// Makes document.visibilityState what the test says (an own property shadows the
// prototype's getter), with the visibilitychange event a browser sends.
export function fakeVisibility() {
  let state = 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  return {
    set: (to) => { state = to; document.dispatchEvent(new Event('visibilitychange')); },
    restore: () => { delete document.visibilityState; },
  };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = countTimers)]
    fn count_timers() -> JsValue;
    #[wasm_bindgen(js_name = fakeVisibility)]
    fn fake_visibility() -> JsValue;
}

/// Pending timers from now on; the globals are restored when dropped.
struct Timers(JsValue);

impl Timers {
    fn count() -> Self {
        Self(count_timers())
    }

    fn pending(&self) -> f64 {
        call(&self.0, "pending").as_f64().expect("a count")
    }

    /// How each timer of `ms` ended, in the order they were set: "pending", "fired"
    /// or "cleared".
    fn ends(&self, ms: f64) -> Vec<String> {
        let ends: Function = get(&self.0, "ends").dyn_into().expect("a method");
        let ends = ends.call1(&self.0, &ms.into()).expect("it does not throw");
        js_sys::Array::from(&ends)
            .iter()
            .filter_map(|end| end.as_string())
            .collect()
    }
}

/// The page's visibility, as the test sets it; the real one again when dropped.
struct Visibility(JsValue);

impl Visibility {
    fn fake() -> Self {
        Self(fake_visibility())
    }

    fn set(&self, state: &str) {
        let set: Function = get(&self.0, "set").dyn_into().expect("a method");
        set.call1(&self.0, &state.into())
            .expect("it does not throw");
    }
}

impl Drop for Visibility {
    fn drop(&mut self) {
        call(&self.0, "restore");
    }
}

impl Drop for Timers {
    fn drop(&mut self) {
        call(&self.0, "restore");
    }
}

fn call(object: &JsValue, method: &str) -> JsValue {
    let function: Function = get(object, method).dyn_into().expect("a method");
    function.call0(object).expect("the call does not throw")
}

/// The quickest interval, so that the tests wait little.
fn fast(extra: &[(&str, JsValue)]) -> JsValue {
    let mut options = vec![("intervalMs", JsValue::from_f64(250.0))];
    options.extend(extra.iter().cloned());
    obj(&options)
}

/// A caller's signal for a watch, with the count of listeners put on it and taken off.
fn counted_signal() -> (JsValue, JsValue) {
    let controller = AbortController::new().expect("an AbortController");
    let counts = count_listeners(&controller.signal());
    (controller.signal().into(), counts)
}

/// The watch let go of every listener it put on its caller's signal.
fn assert_no_listener_left(counts: &JsValue, when: &str) {
    let added = number(counts, "added").unwrap_or(-1.0);
    assert!(added >= 1.0, "{when}: the watch listened to the signal");
    assert_eq!(
        number(counts, "removed"),
        Some(added),
        "{when}: no listener left on the signal"
    );
}

fn watch(server: &Server, id: &str, options: JsValue) -> JsValue {
    client(server, &[])
        .watch_project(id.into(), options)
        .unwrap_or_else(|e| panic!("watchProject threw {}", stringify(&e)))
}

/// `watch.next()`, not awaited yet.
fn next(watch: &JsValue) -> Promise {
    call(watch, "next").unchecked_into()
}

/// The next plan; panics when the watch ended or failed instead.
async fn next_plan(watch: &JsValue) -> JsValue {
    plan_of(JsFuture::from(next(watch)).await)
}

fn plan_of(step: Result<JsValue, JsValue>) -> JsValue {
    let step = step.unwrap_or_else(|e| panic!("next() rejected: {}", stringify(&e)));
    assert_eq!(get(&step, "done").as_bool(), Some(false), "ended early");
    get(&step, "value")
}

/// Whether `step` is the iterator's end, `{ done: true, value: undefined }`.
fn is_end(step: &JsValue) -> bool {
    get(step, "done").as_bool() == Some(true) && get(step, "value").is_undefined()
}

fn task_statuses(plan: &JsValue) -> Vec<(String, String)> {
    js_sys::Array::from(&get(plan, "tasks"))
        .iter()
        .map(|task| {
            (
                text(&task, "id").unwrap_or_default(),
                text(&task, "status").unwrap_or_default(),
            )
        })
        .collect()
}

/// How many statuses (the project's, its tasks') changed from `before` to `after`.
fn changes(before: &JsValue, after: &JsValue) -> usize {
    let (tasks_before, tasks_after) = (task_statuses(before), task_statuses(after));
    assert_eq!(tasks_before.len(), tasks_after.len(), "the same tasks");
    let tasks = tasks_before
        .iter()
        .zip(&tasks_after)
        .filter(|(a, b)| a != b)
        .count();
    tasks + usize::from(project_status(before) != project_status(after))
}

/// A project that each `advance` changes: approved, it starts executing, then its
/// first level's tasks start and finish (an executing seed waits on a failed task).
async fn moving_project(server: &Server) -> String {
    new_project(server, "approved").await
}

fn project_status(plan: &JsValue) -> Option<String> {
    text(&get(plan, "project"), "status")
}

async fn plan_requests(server: &Server, id: &str) -> f64 {
    let target = Target {
        project_id: id.to_owned(),
        task_id: String::new(),
    };
    route_requests(server, Route::Plan, &target).await
}

/// Waits (for at most 10 s) until the server has seen `count` plan requests for `id`.
async fn until_polled(server: &Server, id: &str, count: f64) {
    let deadline = Date::now() + 10_000.0;
    while Date::now() < deadline {
        if plan_requests(server, id).await >= count {
            return;
        }
    }
    panic!("the watch of {id} never made {count} plan requests");
}

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
    // Ended at once: the minute's wait was never set (one that missed the abort
    // would show here as fired).
    assert_eq!(
        timers.ends(60_000.0),
        Vec::<String>::new(),
        "no wait started"
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
    visibility.set("hidden");
    let pending = next(&watch);
    // The wait is set when the poller runs; the server round trips give it the turn.
    let deadline = Date::now() + 10_000.0;
    while timers.ends(2_500.0).is_empty() && Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    assert_eq!(timers.ends(2_500.0), ["pending"], "hidden: ten intervals");
    assert!(timers.ends(250.0).is_empty(), "and no wait of one interval");
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
    while timers.ends(250.0).is_empty() && Date::now() < deadline {
        plan_requests(&server, &id).await;
    }
    assert_eq!(timers.ends(250.0), ["pending"], "visible: one interval");
    call(&watch, "return");
    assert!(is_end(
        &JsFuture::from(pending).await.expect("next() resolves")
    ));
    assert_eq!(timers.pending(), 0.0, "no timer left");
}

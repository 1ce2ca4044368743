//! Helpers of the suites that watch (watch.rs, live.rs): a watch driven as JS drives
//! it (`next()`, `return()`), plans' statuses, and counts of what a watch leaves
//! behind: timers, listeners, requests.

use super::*;
use js_sys::{Date, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

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

// Makes navigator.onLine what the test says, with the online and offline events a
// browser sends on the window.
export function fakeNetwork() {
  let online = true;
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  return {
    set: (to) => { online = to; window.dispatchEvent(new Event(to ? 'online' : 'offline')); },
    restore: () => { delete navigator.onLine; },
  };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = countTimers)]
    fn count_timers() -> JsValue;
    #[wasm_bindgen(js_name = fakeVisibility)]
    fn fake_visibility() -> JsValue;
    #[wasm_bindgen(js_name = fakeNetwork)]
    fn fake_network() -> JsValue;
}

/// Pending timers from now on; the globals are restored when dropped.
pub struct Timers(JsValue);

impl Timers {
    pub fn count() -> Self {
        Self(count_timers())
    }

    pub fn pending(&self) -> f64 {
        call(&self.0, "pending").as_f64().expect("a count")
    }

    /// How each timer of `ms` ended, in the order they were set: "pending", "fired"
    /// or "cleared".
    pub fn ends(&self, ms: f64) -> Vec<String> {
        let ends: Function = get(&self.0, "ends").dyn_into().expect("a method");
        let ends = ends.call1(&self.0, &ms.into()).expect("it does not throw");
        js_sys::Array::from(&ends)
            .iter()
            .filter_map(|end| end.as_string())
            .collect()
    }
}

/// The page's visibility, as the test sets it; the real one again when dropped.
pub struct Visibility(JsValue);

impl Visibility {
    pub fn fake() -> Self {
        Self(fake_visibility())
    }

    pub fn set(&self, state: &str) {
        let set: Function = get(&self.0, "set").dyn_into().expect("a method");
        set.call1(&self.0, &state.into())
            .expect("it does not throw");
    }
}

/// Whether the browser says it is online, as the test sets it; the real state again
/// when dropped.
pub struct Network(JsValue);

impl Network {
    pub fn fake() -> Self {
        Self(fake_network())
    }

    pub fn set(&self, online: bool) {
        let set: Function = get(&self.0, "set").dyn_into().expect("a method");
        set.call1(&self.0, &online.into())
            .expect("it does not throw");
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        call(&self.0, "restore");
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

pub fn call(object: &JsValue, method: &str) -> JsValue {
    let function: Function = get(object, method).dyn_into().expect("a method");
    function.call0(object).expect("the call does not throw")
}

/// The quickest interval, so that the tests wait little.
pub fn fast(extra: &[(&str, JsValue)]) -> JsValue {
    let mut options = vec![("intervalMs", JsValue::from_f64(250.0))];
    options.extend(extra.iter().cloned());
    obj(&options)
}

/// A caller's signal for a watch, with the count of listeners put on it and taken off.
pub fn counted_signal() -> (JsValue, JsValue) {
    let controller = AbortController::new().expect("an AbortController");
    let counts = count_listeners(&controller.signal());
    (controller.signal().into(), counts)
}

/// The watch let go of every listener it put on its caller's signal.
pub fn assert_no_listener_left(counts: &JsValue, when: &str) {
    let added = number(counts, "added").unwrap_or(-1.0);
    assert!(added >= 1.0, "{when}: the watch listened to the signal");
    assert_eq!(
        number(counts, "removed"),
        Some(added),
        "{when}: no listener left on the signal"
    );
}

pub fn watch(server: &Server, id: &str, options: JsValue) -> JsValue {
    client(server, &[])
        .watch_project(id.into(), options)
        .unwrap_or_else(|e| panic!("watchProject threw {}", stringify(&e)))
}

/// `watch.next()`, not awaited yet.
pub fn next(watch: &JsValue) -> Promise {
    call(watch, "next").unchecked_into()
}

/// The next plan; panics when the watch ended or failed instead.
pub async fn next_plan(watch: &JsValue) -> JsValue {
    plan_of(JsFuture::from(next(watch)).await)
}

pub fn plan_of(step: Result<JsValue, JsValue>) -> JsValue {
    let step = step.unwrap_or_else(|e| panic!("next() rejected: {}", stringify(&e)));
    assert_eq!(get(&step, "done").as_bool(), Some(false), "ended early");
    get(&step, "value")
}

/// Whether `step` is the iterator's end, `{ done: true, value: undefined }`.
pub fn is_end(step: &JsValue) -> bool {
    get(step, "done").as_bool() == Some(true) && get(step, "value").is_undefined()
}

pub fn task_statuses(plan: &JsValue) -> Vec<(String, String)> {
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
pub fn changes(before: &JsValue, after: &JsValue) -> usize {
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
pub async fn moving_project(server: &Server) -> String {
    new_project(server, "approved").await
}

pub fn project_status(plan: &JsValue) -> Option<String> {
    text(&get(plan, "project"), "status")
}

pub async fn plan_requests(server: &Server, id: &str) -> f64 {
    let target = Target {
        project_id: id.to_owned(),
        task_id: String::new(),
    };
    route_requests(server, Route::Plan, &target).await
}

/// Waits (for at most 10 s) until the server has seen `count` plan requests for `id`.
pub async fn until_polled(server: &Server, id: &str, count: f64) {
    let deadline = Date::now() + 10_000.0;
    while Date::now() < deadline {
        if plan_requests(server, id).await >= count {
            return;
        }
    }
    panic!("the watch of {id} never made {count} plan requests");
}

//! Shared helpers of the browser suites: the live devservers (their addresses arrive
//! at compile time from `cargo xtask test`), the devserver's dev-control routes, and
//! small accessors for JS values.
#![allow(dead_code)] // each suite uses a different part of this module

pub mod watching;

use js_sys::{Object, Promise, Reflect, JSON};
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &JsValue) -> Promise;
}

#[wasm_bindgen(inline_js = r#"
// Counts the listeners added to and removed from `signal`.
export function countListeners(signal) {
  const counts = { added: 0, removed: 0 };
  const add = signal.addEventListener, remove = signal.removeEventListener;
  signal.addEventListener = function (...args) { counts.added++; return add.apply(this, args); };
  signal.removeEventListener = function (...args) { counts.removed++; return remove.apply(this, args); };
  return counts;
}
"#)]
extern "C" {
    /// From now on, counts the listeners added to and removed from `signal`: an
    /// object whose `added` and `removed` say how many.
    #[wasm_bindgen(js_name = countListeners)]
    pub fn count_listeners(signal: &web_sys::AbortSignal) -> JsValue;
}

/// One running devserver.
pub struct Server {
    pub url: &'static str,
    pub token: &'static str,
    /// The documented flavor answers as the API docs say; the lenient one as the real
    /// server was observed to.
    pub documented: bool,
}

fn required(value: Option<&'static str>, name: &str) -> &'static str {
    match value {
        Some(v) if !v.is_empty() => v,
        _ => panic!("{name} is not set: run the browser suites through `cargo xtask test`"),
    }
}

pub fn documented() -> Server {
    Server {
        url: required(
            option_env!("DEEPWORK_DOCUMENTED_URL"),
            "DEEPWORK_DOCUMENTED_URL",
        ),
        token: required(
            option_env!("DEEPWORK_DOCUMENTED_TOKEN"),
            "DEEPWORK_DOCUMENTED_TOKEN",
        ),
        documented: true,
    }
}

pub fn lenient() -> Server {
    Server {
        url: required(option_env!("DEEPWORK_LENIENT_URL"), "DEEPWORK_LENIENT_URL"),
        token: required(
            option_env!("DEEPWORK_LENIENT_TOKEN"),
            "DEEPWORK_LENIENT_TOKEN",
        ),
        documented: false,
    }
}

/// The lenient flavor with the real server's limiter (`--rate-limit`): for the request
/// budget, which only tests/live.rs exercises.
pub fn limited() -> Server {
    Server {
        url: required(option_env!("DEEPWORK_LIMITED_URL"), "DEEPWORK_LIMITED_URL"),
        token: required(
            option_env!("DEEPWORK_LIMITED_TOKEN"),
            "DEEPWORK_LIMITED_TOKEN",
        ),
        documented: false,
    }
}

/// The documented flavor with the limiter: it lets scripts read `X-RateLimit-*`.
pub fn limited_documented() -> Server {
    Server {
        url: required(
            option_env!("DEEPWORK_LIMITED_DOCUMENTED_URL"),
            "DEEPWORK_LIMITED_DOCUMENTED_URL",
        ),
        token: required(
            option_env!("DEEPWORK_LIMITED_DOCUMENTED_TOKEN"),
            "DEEPWORK_LIMITED_DOCUMENTED_TOKEN",
        ),
        documented: true,
    }
}

pub fn both() -> [Server; 2] {
    [documented(), lenient()]
}

/// The option that turns retries off, for tests about a single answer.
pub fn no_retries() -> (&'static str, JsValue) {
    ("maxRetries", JsValue::from_f64(0.0))
}

/// The statuses a project can be cancelled from.
pub const CANCELLABLE: [&str; 7] = [
    "draft",
    "planning",
    "awaiting_approval",
    "approved",
    "executing",
    "paused",
    "failed",
];

/// A plain JS object from key/value pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(key), value).expect("set on a plain object");
    }
    object.into()
}

pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn text(value: &JsValue, key: &str) -> Option<String> {
    get(value, key).as_string()
}

pub fn number(value: &JsValue, key: &str) -> Option<f64> {
    get(value, key).as_f64()
}

/// Calls a devserver route directly (not through the SDK) and returns its JSON.
pub async fn dev(server: &Server, method: &str, path: &str, body: Option<JsValue>) -> JsValue {
    let headers = obj(&[
        (
            "Authorization",
            JsValue::from_str(&format!("Bearer {}", server.token)),
        ),
        ("Content-Type", JsValue::from_str("application/json")),
    ]);
    let mut init = vec![("method", JsValue::from_str(method)), ("headers", headers)];
    if let Some(body) = body {
        init.push(("body", JSON::stringify(&body).expect("JSON body").into()));
    }
    let url = format!("{}{path}", server.url);
    let response: Response = JsFuture::from(fetch_with_init(&url, &obj(&init)))
        .await
        .unwrap_or_else(|e| panic!("devserver at {url} unreachable: {e:?}"))
        .unchecked_into();
    assert!(
        response.ok(),
        "{method} {path} answered {}",
        response.status()
    );
    JsFuture::from(response.json().expect("json()"))
        .await
        .expect("devserver JSON")
}

/// A fresh project in `status` (with tasks, as seeded), optionally with a fault or
/// another shape: `extra` holds more fields of the dev route's body.
pub async fn new_project_with(server: &Server, status: &str, extra: &[(&str, JsValue)]) -> String {
    let mut spec = vec![("status", JsValue::from_str(status))];
    spec.extend(extra.iter().cloned());
    let created = dev(server, "POST", "/__dev/projects", Some(obj(&spec))).await;
    text(&created, "id").expect("created project id")
}

pub async fn new_project(server: &Server, status: &str) -> String {
    new_project_with(server, status, &[]).await
}

/// A fresh project whose cancel requests answer with `fault`.
pub async fn faulty_project(server: &Server, fault: &str) -> String {
    new_project_with(server, "executing", &[("fault", JsValue::from_str(fault))]).await
}

/// `GET …/plan` of a project: `{project, tasks, …}`.
pub async fn plan(server: &Server, id: &str) -> JsValue {
    dev(
        server,
        "GET",
        &format!("/api/deep-work/projects/{id}/plan"),
        None,
    )
    .await
}

/// How many cancel requests for `id` reached the server, and how many status changes
/// into `cancelled` it made.
pub async fn cancel_requests(server: &Server, id: &str) -> (f64, f64) {
    let stats = dev(server, "GET", &format!("/__dev/projects/{id}/stats"), None).await;
    (
        number(&stats, "cancel_requests").expect("cancel_requests"),
        number(&stats, "transitions").expect("transitions"),
    )
}

/// When each cancel request for `id` reached the server (ms on the server's clock).
pub async fn cancel_times(server: &Server, id: &str) -> Vec<f64> {
    let stats = dev(server, "GET", &format!("/__dev/projects/{id}/stats"), None).await;
    js_sys::Array::from(&get(&stats, "cancel_request_ms"))
        .iter()
        .filter_map(|t| t.as_f64())
        .collect()
}

/// The gaps between consecutive cancel requests for `id`, in ms.
pub async fn cancel_gaps(server: &Server, id: &str) -> Vec<f64> {
    let times = cancel_times(server, id).await;
    times.windows(2).map(|pair| pair[1] - pair[0]).collect()
}

/// How many requests reached the server's /api/ routes in all, and how many status
/// changes into `cancelled` it made.
pub async fn server_totals(server: &Server) -> (f64, f64) {
    let stats = dev(server, "GET", "/__dev/stats", None).await;
    (
        number(&stats, "api_requests").expect("api_requests"),
        number(&stats, "transitions").expect("transitions"),
    )
}

/// Fresh projects in `status`, created in one request.
pub async fn new_projects(server: &Server, status: &str, count: u32) -> Vec<String> {
    let spec = obj(&[("status", status.into()), ("count", JsValue::from(count))]);
    let created = dev(server, "POST", "/__dev/projects", Some(spec)).await;
    js_sys::Array::from(&get(&created, "ids"))
        .iter()
        .filter_map(|id| id.as_string())
        .collect()
}

/// How many requests reached the server's /api/ routes in all.
pub async fn api_requests(server: &Server) -> f64 {
    number(
        &dev(server, "GET", "/__dev/stats", None).await,
        "api_requests",
    )
    .expect("api_requests")
}

/// `cancelProject(id, server.token, {baseUrl: server.url, ...extra})` through the SDK.
pub async fn cancel(
    server: &Server,
    id: &str,
    extra: &[(&str, JsValue)],
) -> Result<JsValue, JsValue> {
    JsFuture::from(start_cancel(server, id, extra)).await
}

fn start_cancel(server: &Server, id: &str, extra: &[(&str, JsValue)]) -> Promise {
    let mut options = vec![("baseUrl", JsValue::from_str(server.url)), UNBUDGETED];
    options.extend(extra.iter().cloned());
    cancel_promise(id.into(), server.token.into(), obj(&options))
}

/// `rateLimit: false`: the suites test each call, its retries and its timing, which a
/// request budget shared by every test in the page would hold back (tests/live.rs tests
/// the budget). A later `rateLimit` in a test's own options wins.
pub const UNBUDGETED: (&str, JsValue) = ("rateLimit", JsValue::FALSE);

/// The JS export `cancelProject(projectId, token, options)`, as JS calls it.
pub fn cancel_promise(id: JsValue, token: JsValue, options: JsValue) -> Promise {
    deepwork_client::bindings::cancel_project(id, token, options)
}

/// Starts a cancel of `id` with `controller`'s signal, aborts it once the server has
/// seen the request (so the abort hits a call in flight), and returns how it ended.
pub async fn cancel_then_abort(
    server: &Server,
    id: &str,
    controller: &web_sys::AbortController,
) -> Result<JsValue, JsValue> {
    let promise = start_cancel(server, id, &[("signal", controller.signal().into())]);
    until_server_saw(server, id, 1.0).await;
    controller.abort();
    JsFuture::from(promise).await
}

/// Runs `checks` side by side in the test's own task, until every one is done: checks
/// that spend their time waiting (a Retry-After, say) wait together. A failed assertion
/// in one fails the test as anywhere else.
pub async fn side_by_side(mut checks: Vec<Pin<Box<dyn Future<Output = ()> + '_>>>) {
    std::future::poll_fn(|cx| {
        checks.retain_mut(|check| check.as_mut().poll(cx).is_pending());
        if checks.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await
}

/// Asserts that `result` failed with a DeepWorkError of `kind`, and returns the error.
pub fn expect_error(result: Result<JsValue, JsValue>, kind: &str) -> JsValue {
    let error = match result {
        Ok(value) => panic!("expected a {kind} error, got {}", stringify(&value)),
        Err(error) => error,
    };
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "not an Error: {error:?}"
    );
    assert_eq!(text(&error, "name").as_deref(), Some("DeepWorkError"));
    assert_eq!(
        text(&error, "kind").as_deref(),
        Some(kind),
        "message: {:?}",
        text(&error, "message")
    );
    error
}

pub fn stringify(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Waits until the server has seen `count` cancel requests for `id`: the point from
/// which an abort or a timeout is known to hit a request in flight.
pub async fn until_server_saw(server: &Server, id: &str, count: f64) {
    for _ in 0..500 {
        if cancel_requests(server, id).await.0 >= count {
            return;
        }
    }
    panic!("the server never saw {count} cancel request(s) for {id}");
}

/// A `DeepWorkClient` of `server`, made as JS makes one, with `extra` options.
pub fn client(server: &Server, extra: &[(&str, JsValue)]) -> deepwork_client::bindings::JsClient {
    let mut options = vec![
        ("baseUrl", JsValue::from_str(server.url)),
        ("token", JsValue::from_str(server.token)),
        UNBUDGETED,
    ];
    options.extend(extra.iter().cloned());
    deepwork_client::bindings::JsClient::new(obj(&options)).expect("a valid client")
}

/// Every call of the API, as the suites drive it. The resilience suites run each case
/// over all of them (`ROUTES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Start,
    ParseGoal,
    Plan,
    Approve,
    Pause,
    Resume,
    Cancel,
    Skip,
    Retry,
    List,
    Get,
    Delete,
}

pub const ROUTES: [Route; 12] = [
    Route::Start,
    Route::ParseGoal,
    Route::Plan,
    Route::Approve,
    Route::Pause,
    Route::Resume,
    Route::Cancel,
    Route::Skip,
    Route::Retry,
    Route::List,
    Route::Get,
    Route::Delete,
];

/// What a call is about: a project (and a task of it), or nothing yet.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub project_id: String,
    pub task_id: String,
}

impl Route {
    /// The devserver's name for the route (its `fault_on`, `route`, counters).
    pub fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::ParseGoal => "parse_goal",
            Self::Plan => "plan",
            Self::Approve => "approve",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Cancel => "cancel",
            Self::Skip => "skip",
            Self::Retry => "retry",
            Self::List => "list",
            Self::Get => "get",
            Self::Delete => "delete",
        }
    }

    /// Calls about no project arm their faults server-wide.
    pub fn is_global(self) -> bool {
        matches!(self, Self::Start | Self::ParseGoal | Self::List)
    }

    /// The project status the call succeeds from.
    pub fn start_status(self) -> &'static str {
        match self {
            Self::Approve => "awaiting_approval",
            Self::Resume => "paused",
            _ => "executing",
        }
    }

    /// The task status the call succeeds from (skip: one not started; retry: blocked).
    fn task_statuses(self) -> &'static [&'static str] {
        match self {
            Self::Skip => &["inbox", "assigned"],
            Self::Retry => &["blocked"],
            _ => &[],
        }
    }

    /// A sent request the server acts on each time: a second delivery is not safe.
    pub fn acts_on_each_delivery(self) -> bool {
        self == Self::Start
    }

    /// The call, through the JS client.
    pub fn call(
        self,
        client: &deepwork_client::bindings::JsClient,
        target: &Target,
        options: JsValue,
    ) -> Promise {
        let id = || JsValue::from_str(&target.project_id);
        let task = || JsValue::from_str(&target.task_id);
        match self {
            Self::Start => client.start_project("Build a REST API for a todo app".into(), options),
            Self::ParseGoal => client.parse_goal("Build a REST API for a todo app".into(), options),
            Self::Plan => client.get_plan(id(), options),
            Self::Approve => client.approve_project(id(), options),
            Self::Pause => client.pause_project(id(), options),
            Self::Resume => client.resume_project(id(), options),
            Self::Cancel => client.cancel_project(id(), options),
            Self::Skip => client.skip_task(id(), task(), options),
            Self::Retry => client.retry_task(id(), task(), options),
            Self::List => client.list_projects(options),
            Self::Get => client.get_project(id(), options),
            Self::Delete => client.delete_project(id(), options),
        }
    }
}

/// A fresh target on which `route` would succeed, with `fault` armed on that route
/// (`fault` fields: `fault_times`, `fault_commits`, …, in `extra`).
pub async fn arm(server: &Server, route: Route, fault: &str, extra: &[(&str, JsValue)]) -> Target {
    let mut spec = vec![("fault", JsValue::from_str(fault))];
    spec.extend(extra.iter().cloned());
    if route.is_global() {
        spec.push(("route", route.name().into()));
        dev(server, "POST", "/__dev/faults", Some(obj(&spec))).await;
        return Target::default();
    }
    spec.push(("fault_on", route.name().into()));
    target_with(server, route, &spec).await
}

/// Arms `fault` on `route` of the existing project `id`, for its next `times` requests.
pub async fn arm_project_fault(server: &Server, id: &str, route: Route, fault: &str, times: u32) {
    let spec = obj(&[
        ("fault", fault.into()),
        ("fault_on", route.name().into()),
        ("fault_times", JsValue::from(times)),
    ]);
    dev(
        server,
        "POST",
        &format!("/__dev/projects/{id}/faults"),
        Some(spec),
    )
    .await;
}

/// Runs `steps` steps of the devserver's simulation on project `id`: each moves one task.
pub async fn advance(server: &Server, id: &str, steps: u32) {
    let body = obj(&[("steps", JsValue::from(steps))]);
    dev(
        server,
        "POST",
        &format!("/__dev/projects/{id}/advance"),
        Some(body),
    )
    .await;
}

/// Takes the server-wide fault off `route` (for faults armed without `fault_times`).
pub async fn disarm(server: &Server, route: Route) {
    let spec = obj(&[("route", route.name().into()), ("fault", JsValue::NULL)]);
    dev(server, "POST", "/__dev/faults", Some(spec)).await;
}

/// A fresh target on which `route` would succeed, made with `spec` (more fields of
/// the dev route's body).
pub async fn target_with(server: &Server, route: Route, spec: &[(&str, JsValue)]) -> Target {
    let mut body = vec![("status", JsValue::from_str(route.start_status()))];
    body.extend(spec.iter().cloned());
    let created = dev(server, "POST", "/__dev/projects", Some(obj(&body))).await;
    let project_id = text(&created, "id").expect("created project id");
    let task_id = js_sys::Array::from(&get(&created, "tasks"))
        .iter()
        .find(|task| {
            let status = text(task, "status").unwrap_or_default();
            route.task_statuses().contains(&status.as_str())
        })
        .and_then(|task| text(&task, "id"))
        .unwrap_or_default();
    assert!(
        route.task_statuses().is_empty() || !task_id.is_empty(),
        "a {route:?} target needs a task in {:?}",
        route.task_statuses()
    );
    Target {
        project_id,
        task_id,
    }
}

/// How many requests of `route` about `target` reached the server (for a global route:
/// in all, on this server).
pub async fn route_requests(server: &Server, route: Route, target: &Target) -> f64 {
    let counters = if route.is_global() {
        get(
            &dev(server, "GET", "/__dev/stats", None).await,
            "route_requests",
        )
    } else {
        let path = format!("/__dev/projects/{}/stats", target.project_id);
        get(&dev(server, "GET", &path, None).await, "requests")
    };
    number(&counters, route.name()).unwrap_or(0.0)
}

/// `route`'s call on `target` through a client of `server` with `options`.
pub async fn call_route(
    server: &Server,
    route: Route,
    target: &Target,
    options: &[(&str, JsValue)],
) -> Result<JsValue, JsValue> {
    JsFuture::from(route.call(&client(server, &[]), target, obj(options))).await
}

//! The JS surface: a thin `#[wasm_bindgen]` layer over the Rust API. It reads JS
//! arguments and options objects (`options`), calls [`crate::DeepWorkClient`], and
//! turns its results into JS values: [`Project`]s into the server's own objects and
//! every [`Error`] into a `DeepWorkError`, each in one `From` impl below.
//!
//! Rust callers use the Rust API instead; these functions are public so that the
//! browser test suites can call the SDK as JS does.

#[cfg(all(test, not(target_arch = "wasm32")))]
mod contract_tests;
mod options;
mod watch;

use crate::client::DeepWorkClient;
use crate::error::{Detail, Error, Loc};
use crate::model::ProjectStatus;
use crate::model::{GoalAnalysis, Plan, Project, ProjectDetail, ProjectList, TaskChange};
use crate::request::NewProject;
use crate::watch::{Until, WaitOptions, WatchOptions};
use js_sys::{Array, Object, Promise, Reflect};
use options::{
    JsOptions, CLIENT_KEYS, FUNCTION_KEYS, LIST_KEYS, METHOD_KEYS, START_KEYS, WAIT_KEYS,
    WATCH_KEYS, WATCH_LIST_KEYS,
};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use watch::JsWatch;

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    #[allow(clippy::too_many_arguments)]
    fn create_error(
        kind: &str,
        message: &str,
        status: Option<u16>,
        detail: JsValue,
        project_id: Option<String>,
        current_status: Option<String>,
        retry_after_ms: Option<f64>,
        attempts: u32,
        cause: JsValue,
    ) -> JsValue;
}

/// The one conversion of an [`Error`] into the JS `DeepWorkError`.
impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        let error = *error.0;
        let detail = match error.detail {
            Detail::None => JsValue::UNDEFINED,
            Detail::Text(text) => JsValue::from_str(&text),
            Detail::Issues(issues) => issues.iter().map(issue_to_js).collect::<Array>().into(),
        };
        create_error(
            error.kind.as_str(),
            &error.message,
            error.status,
            detail,
            error.project_id,
            error.current_status,
            error.retry_after_ms.map(|ms| ms as f64),
            error.attempts,
            error.cause.unwrap_or(JsValue::UNDEFINED),
        )
    }
}

/// `{loc, msg, type}`, as the server sent it (with the token blanked out).
fn issue_to_js(issue: &crate::ValidationIssue) -> JsValue {
    let loc: Array = issue
        .loc
        .iter()
        .map(|step| match step {
            Loc::Key(key) => JsValue::from_str(key),
            Loc::Index(index) => JsValue::from_f64(*index as f64),
        })
        .collect();
    let object = Object::new();
    for (key, value) in [
        ("loc", loc.into()),
        ("msg", JsValue::from_str(&issue.msg)),
        ("type", JsValue::from_str(&issue.kind)),
    ] {
        // Setting a property of a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    }
    object.into()
}

/// Answers go to JS as the server's own objects, with every field it sent (also
/// those the SDK does not know): one conversion per type.
macro_rules! to_js_as_sent {
    ($($type:ty),*) => {$(
        impl From<$type> for JsValue {
            fn from(value: $type) -> JsValue {
                value.raw().clone()
            }
        }
    )*};
}
to_js_as_sent!(
    Project,
    Plan,
    ProjectDetail,
    ProjectList,
    TaskChange,
    GoalAnalysis
);

// The TypeScript of the data and options the exports take and give: written once, in
// a .d.ts file, which wasm-bindgen copies into the package's deepwork_client.d.ts.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../../js/types.d.ts");

/// Cancels a Deep Work project: running tasks stop, pending tasks are skipped, done
/// tasks stay done, and the project becomes `cancelled` for good.
///
/// Resolves with the cancelled project (or the project as it is, when the server says
/// it had already completed). Rejects with a `DeepWorkError`; bad arguments reject with
/// kind `invalid_argument` before any request is made. Lost answers and busy servers
/// are retried (see `RetryOptions`); a retry that finds the project already cancelled
/// by the lost attempt resolves with it.
#[wasm_bindgen(js_name = cancelProject, unchecked_return_type = "Promise<Project>")]
pub fn cancel_project(
    #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "string",
        param_description = "the bearer token; sent only in the Authorization header"
    )]
    token: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CancelProjectOptions")] options: JsValue,
) -> Promise {
    let call = JsCall::Cancel(project_id);
    future_to_promise(run(Caller::Function(token), call, options))
}

/// A description that is not a string (the Rust API checks its length).
const BAD_DESCRIPTION: &str = "description must be a string of 10 to 5000 characters";

/// Who calls: a client, or the function form with a token still to check (a bad one
/// then rejects the promise rather than throws).
enum Caller {
    Client(DeepWorkClient),
    Function(JsValue),
}

/// One call from JS, with its arguments as JS passed them (checked in `run`).
enum JsCall {
    Start(JsValue),
    ParseGoal(JsValue),
    Plan(JsValue),
    Approve(JsValue),
    Pause(JsValue),
    Resume(JsValue),
    Cancel(JsValue),
    Skip(JsValue, JsValue),
    Retry(JsValue, JsValue),
    List,
    Get(JsValue),
    Delete(JsValue),
    Wait(JsValue),
}

impl JsCall {
    fn project_id(&self) -> Option<&JsValue> {
        match self {
            Self::Start(_) | Self::ParseGoal(_) | Self::List => None,
            Self::Plan(id)
            | Self::Approve(id)
            | Self::Pause(id)
            | Self::Resume(id)
            | Self::Cancel(id)
            | Self::Skip(id, _)
            | Self::Retry(id, _)
            | Self::Get(id)
            | Self::Delete(id)
            | Self::Wait(id) => Some(id),
        }
    }
}

/// Every call, for every export: they share this one future, so the module holds one
/// copy of the promise glue and of the argument checks.
async fn run(caller: Caller, call: JsCall, options: JsValue) -> Result<JsValue, JsValue> {
    let id = match call.project_id() {
        Some(id) => options::string(id, "projectId must be a string")?,
        None => String::new(),
    };
    let about = |e: Error| if id.is_empty() { e } else { e.for_project(&id) };
    let keys: &[&str] = match (&caller, &call) {
        (Caller::Function(_), _) => &FUNCTION_KEYS,
        (_, JsCall::Start(_)) => &START_KEYS,
        (_, JsCall::List) => &LIST_KEYS,
        (_, JsCall::Wait(_)) => &WAIT_KEYS,
        _ => &METHOD_KEYS,
    };
    let mut options = options::read(&options, keys).map_err(about)?;
    let client = match caller {
        Caller::Client(client) => client.with_options(options.call.clone()),
        Caller::Function(token) => {
            let token = options::string(&token, "token must be a string").map_err(about)?;
            let function_options = std::mem::take(&mut options);
            function_options.client(&token).map_err(about)?
        }
    };
    let task_id = |task: &JsValue| options::string(task, "taskId must be a string").map_err(about);
    Ok(match call {
        JsCall::Start(description) => {
            let project = NewProject {
                description: options::string(&description, BAD_DESCRIPTION)?,
                research_depth: options.research_depth.unwrap_or_default(),
                goal_analysis: options.goal_analysis,
            };
            client.start_project(&project).await?.into()
        }
        JsCall::ParseGoal(description) => {
            let description = options::string(&description, BAD_DESCRIPTION)?;
            client.parse_goal(&description).await?.into()
        }
        JsCall::Plan(_) => client.get_plan(&id).await?.into(),
        JsCall::Approve(_) => client.approve_project(&id).await?.into(),
        JsCall::Pause(_) => client.pause_project(&id).await?.into(),
        JsCall::Resume(_) => client.resume_project(&id).await?.into(),
        JsCall::Cancel(_) => client.cancel_project(&id).await?.into(),
        JsCall::Skip(_, task) => client.skip_task(&id, &task_id(&task)?).await?.into(),
        JsCall::Retry(_, task) => client.retry_task(&id, &task_id(&task)?).await?.into(),
        JsCall::List => client.list_projects(&options.filter).await?.into(),
        JsCall::Get(_) => client.get_project(&id).await?.into(),
        JsCall::Wait(_) => {
            // A function that throws ends the wait with what it threw.
            let thrown = Rc::new(RefCell::new(None));
            let until = until(&options.until, &thrown).map_err(about)?;
            let mut wait = WaitOptions::new();
            wait.timeout = options.call.timeout;
            wait.interval = options.interval;
            wait.signal = options.call.signal.take();
            if let Some(listener) = options.on_state_change.take() {
                wait = wait.on_state_change(watch::state_listener(listener));
            }
            let plan = client.wait_for_project(&id, until, wait).await;
            if let Some(thrown) = thrown.take() {
                return Err(thrown);
            }
            plan?.into()
        }
        JsCall::Delete(_) => {
            client.delete_project(&id).await?;
            JsValue::UNDEFINED
        }
    })
}

/// A client for one server and token: create it once, call it many times.
#[wasm_bindgen(js_name = DeepWorkClient)]
pub struct JsClient(DeepWorkClient);

/// Each method makes one `JsCall` and hands it to `run`.
macro_rules! project_methods {
    ($(
        $(#[$doc:meta])*
        $js:ident => $rust:ident, $variant:ident, $returns:literal;
    )*) => {
        #[wasm_bindgen(js_class = DeepWorkClient)]
        impl JsClient {
            /// Checks the options and keeps them; throws a `DeepWorkError` of kind
            /// `invalid_argument` when they are wrong. Makes no request.
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
            ) -> Result<JsClient, JsValue> {
                let mut options = options::read(&options, &CLIENT_KEYS)?;
                let token = options.token.take().unwrap_or_default();
                Ok(Self(options.client(&token)?))
            }
            $(
                $(#[$doc])*
                #[wasm_bindgen(js_name = $js, unchecked_return_type = $returns)]
                pub fn $rust(
                    &self,
                    #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")]
                    project_id: JsValue,
                    #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")]
                    options: JsValue,
                ) -> Promise {
                    self.run(JsCall::$variant(project_id), options)
                }
            )*
        }
    };
}

project_methods! {
    /// A project's plan: its tasks in execution levels, their progress, and what
    /// planning wrote. Lost answers and busy servers are retried.
    getPlan => get_plan, Plan, "Promise<Plan>";
    /// Approves a planned project (`awaiting_approval` → `executing`). Rejects with
    /// kind `invalid_state` (and `currentStatus`) in any other status; a retry that
    /// finds the project approved by a lost attempt resolves with it.
    approveProject => approve_project, Approve, "Promise<Project>";
    /// Pauses an `executing` project. Rejects with kind `invalid_state` in any other
    /// status; a retry that finds it paused by a lost attempt resolves with it.
    pauseProject => pause_project, Pause, "Promise<Project>";
    /// Resumes a `paused` project. Rejects with kind `invalid_state` in any other
    /// status; a retry that finds it resumed by a lost attempt resolves with it.
    resumeProject => resume_project, Resume, "Promise<Project>";
    /// Cancels a Deep Work project; see the `cancelProject` function.
    cancelProject => cancel_project, Cancel, "Promise<Project>";
    /// A project with its tasks and their progress. Retried like any read.
    getProject => get_project, Get, "Promise<ProjectDetail>";
    /// Deletes a project and its tasks; resolves with nothing. A retry that gets 404
    /// after a lost answer resolves (the project is gone, as asked); a 404 on the
    /// first answer rejects with kind `not_found`.
    deleteProject => delete_project, Delete, "Promise<void>";
}

#[wasm_bindgen(js_class = DeepWorkClient)]
impl JsClient {
    /// Starts a project (`planning`; the server plans it in the background). Rejects
    /// with kind `invalid_argument`, before any request, on a description outside
    /// 10..5000 characters or an unknown `researchDepth`.
    ///
    /// **Never retried once the request may have reached the server**: each delivery
    /// creates a project, so a lost answer rejects (`network`, `timeout`, `server`)
    /// rather than risk a second one; check `listProjects` before starting again.
    #[wasm_bindgen(js_name = startProject, unchecked_return_type = "Promise<Project>")]
    pub fn start_project(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] description: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "StartProjectOptions")] options: JsValue,
    ) -> Promise {
        self.run(JsCall::Start(description), options)
    }

    /// Analyses a goal before starting a project with it (free-form JSON, which
    /// `startProject` takes as `goalAnalysis`). A server without a language-model
    /// backend rejects with kind `server`.
    #[wasm_bindgen(js_name = parseGoal, unchecked_return_type = "Promise<GoalAnalysis>")]
    pub fn parse_goal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] description: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.run(JsCall::ParseGoal(description), options)
    }

    /// Skips a task that has not started: it becomes `skipped`. Rejects with kind
    /// `invalid_state` for a `done`, `skipped` or `in_progress` task, `not_found` for
    /// an unknown one, `task_not_in_project` for a task of another project.
    #[wasm_bindgen(js_name = skipTask, unchecked_return_type = "Promise<TaskChange>")]
    pub fn skip_task(
        &self,
        #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.run(JsCall::Skip(project_id, task_id), options)
    }

    /// Retries a `blocked` task: it is `assigned` again, `retry_count` one up. Rejects
    /// with kind `invalid_state` for a task in any other status, and as `skipTask` does.
    #[wasm_bindgen(js_name = retryTask, unchecked_return_type = "Promise<TaskChange>")]
    pub fn retry_task(
        &self,
        #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.run(JsCall::Retry(project_id, task_id), options)
    }

    /// Watches a project: `for await (const plan of client.watchProject(id, { signal }))`
    /// gets its plan at once, then each time the project's status, a task's status or
    /// the progress changed, and ends by itself after a `completed`, `failed` or
    /// `cancelled` plan. Watches of one project on one server with one token share one
    /// poll, every `intervalMs` (default 2000, at least 250; the shortest any of them
    /// asked for; ten times less often while the page is hidden, none while offline),
    /// through the server's request budget. Transient failures (no answer, 429, 503, …)
    /// are waited out with backoff and show in `state` (and `onStateChange`);
    /// `not_found` (the project was deleted), `unauthorized` and the like end it by
    /// rejecting (the loop throws). `signal`, `break` or `return()` end it without an
    /// error. Throws `invalid_argument` on a bad id or option.
    #[wasm_bindgen(js_name = watchProject, unchecked_return_type = "LiveWatch<Plan>")]
    pub fn watch_project(
        &self,
        #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WatchProjectOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = options::string(&project_id, "projectId must be a string")?;
        let options = options::read(&options, &WATCH_KEYS).map_err(|e| e.for_project(&id))?;
        let (client, watch) = self.watching(options);
        Ok(JsWatch::iterable(client.watch_project(&id, watch)?))
    }

    /// Watches the project list (by `status`, at most `limit`): `for await (const update
    /// of client.watchProjects())` gets `{ projects, count, added, removed, changed }` at
    /// once (every project `added`), then each time a project appeared, disappeared, or
    /// changed its status or title. One `listProjects` request per `intervalMs`, shared
    /// by every watch of the same list; it never ends by itself: `signal`, `break`,
    /// `return()`, or an error a watch cannot outlive end it.
    #[wasm_bindgen(js_name = watchProjects, unchecked_return_type = "LiveWatch<ProjectListChange>")]
    pub fn watch_projects(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "WatchProjectsOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = options::read(&options, &WATCH_LIST_KEYS)?;
        let filter = options.filter.clone();
        let (client, watch) = self.watching(options);
        Ok(JsWatch::iterable(client.watch_projects(&filter, watch)?))
    }

    /// Waits until the project is where `until` says (a status, a list of statuses, or
    /// a function of the plan) and resolves with that plan: after `startProject`,
    /// `waitForProject(id, { until: "awaiting_approval" })`. Rejects with kind
    /// `invalid_state` (and `currentStatus`) as soon as it can no longer come (a project
    /// only moves forward), `timeout` after `timeoutMs` (default 600000), `aborted` on
    /// `signal`, or the error that ended the project's watch. Rides on the project's
    /// shared watch: waiting for and watching a project cost one poll.
    #[wasm_bindgen(js_name = waitForProject, unchecked_return_type = "Promise<Plan>")]
    pub fn wait_for_project(
        &self,
        #[wasm_bindgen(js_name = projectId, unchecked_param_type = "string")] project_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WaitForProjectOptions")] options: JsValue,
    ) -> Promise {
        self.run(JsCall::Wait(project_id), options)
    }

    /// Lists projects, by `status` and at most `limit` of them; `count` is how many
    /// match before the limit. Rejects with kind `invalid_argument`, before any
    /// request, on a limit that is not a whole number from 1.
    #[wasm_bindgen(js_name = listProjects, unchecked_return_type = "Promise<ProjectList>")]
    pub fn list_projects(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListProjectsOptions")] options: JsValue,
    ) -> Promise {
        self.run(JsCall::List, options)
    }
}

impl JsClient {
    fn run(&self, call: JsCall, options: JsValue) -> Promise {
        future_to_promise(run(Caller::Client(self.0.clone()), call, options))
    }

    /// The client and the watch options of a watch's JS options.
    fn watching(&self, options: JsOptions) -> (DeepWorkClient, WatchOptions) {
        let mut watch = WatchOptions::new();
        watch.interval = options.interval;
        watch.signal = options.call.signal.clone();
        if let Some(listener) = options.on_state_change {
            watch = watch.on_state_change(watch::state_listener(listener));
        }
        (self.0.with_options(options.call), watch)
    }
}

/// `until` as JS gave it: a status, a list of statuses, or a function of the plan.
fn until(value: &JsValue, thrown: &Rc<RefCell<Option<JsValue>>>) -> Result<Until, Error> {
    const BAD_UNTIL: &str = "until must be a status, a list of statuses or a function of the plan";
    if let Some(function) = value.dyn_ref::<js_sys::Function>() {
        let (function, thrown) = (function.clone(), Rc::clone(thrown));
        return Ok(Until::plan(move |plan| {
            match function.call1(&JsValue::UNDEFINED, plan.raw()) {
                Ok(holds) => holds.is_truthy(),
                // Holding ends the wait at once; the binding then rejects with this.
                Err(e) => {
                    thrown.replace(Some(e));
                    true
                }
            }
        }));
    }
    let status = |value: JsValue| match value.as_string() {
        Some(status) if !status.trim().is_empty() => Ok(ProjectStatus::from(status.as_str())),
        _ => Err(Error::invalid_argument(BAD_UNTIL)),
    };
    if Array::is_array(value) {
        let statuses: Result<Vec<_>, _> = Array::from(value).iter().map(status).collect();
        return match statuses? {
            statuses if statuses.is_empty() => Err(Error::invalid_argument(BAD_UNTIL)),
            statuses => Ok(Until::any_of(statuses)),
        };
    }
    status(value.clone()).map(Until::from)
}

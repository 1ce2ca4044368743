//! The Rust API: a [`DeepWorkClient`] for one server and token, and its calls.

use crate::budget::{Budget, RateLimit};
use crate::call::Call;
use crate::decode::{self, Invalid};
use crate::error::{Error, ErrorKind};
use crate::model::{
    Deleted, FromBody, GoalAnalysis, GoalAnswer, Plan, Project, ProjectAnswer, ProjectDetail,
    ProjectList, TaskAnswer, TaskChange,
};
use crate::options::CallOptions;
use crate::poll::{Fetch, Follower, Joining, Polled};
use crate::request::{self, NewProject, ProjectFilter};
use crate::retry::Delivery;
use crate::server::Server;
use crate::url;
use gloo_net::http::Method;
use std::fmt;
use std::rc::Rc;
use web_sys::AbortSignal;

/// The docs' local server, for [`DeepWorkClient::local`].
pub use crate::url::DEFAULT_BASE_URL;

/// A client of one Deep Work server, as one user (a bearer token).
///
/// Cheap to clone (the checked settings are shared). Each call returns a future that
/// sends the request when first polled; dropping it aborts the request. Every client of
/// one server in a JS realm spends one request budget (see [`RateLimit`]), and watches
/// share their polls ([`watch_project`](Self::watch_project)).
///
/// ```no_run
/// use deepwork_client::{DeepWorkClient, ErrorKind, ProjectStatus};
///
/// # async fn run(id: &str, token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let client = DeepWorkClient::new("http://127.0.0.1:8000", token)?;
/// match client.cancel_project(id).await {
///     Ok(project) => assert_eq!(project.status, ProjectStatus::Cancelled),
///     Err(e) if e.kind() == ErrorKind::NotFound => {
///         println!("no such project ({:?}): {:?}", e.status(), e.detail());
///     }
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DeepWorkClient {
    server: Rc<Server>,
    options: CallOptions,
    /// The request budget's settings; None when rate limiting is off. The budget itself
    /// is looked up per call: making a client touches nothing of JS.
    rate_limit: Option<RateLimit>,
    /// Whether calls wait for the budget: a poll's request has waited already.
    admit: bool,
}

impl fmt::Debug for DeepWorkClient {
    /// The base URL and the options; never the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeepWorkClient")
            .field("base_url", &self.server.base_url)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl DeepWorkClient {
    /// A client of the server at `base_url` (an absolute http(s) URL, optionally with a
    /// path prefix) with a bearer `token`, sent only in the `Authorization` header.
    ///
    /// Fails with kind [`InvalidArgument`](crate::ErrorKind::InvalidArgument) on a URL
    /// or token that cannot work; makes no request.
    ///
    /// ```
    /// use deepwork_client::DeepWorkClient;
    /// let client = DeepWorkClient::new("https://agents.example.com/", "t0ken")?;
    /// assert_eq!(client.base_url(), "https://agents.example.com");
    /// assert!(!format!("{client:?}").contains("t0ken"));
    /// # Ok::<(), deepwork_client::Error>(())
    /// ```
    pub fn new(base_url: &str, token: &str) -> Result<Self, Error> {
        Ok(Self {
            server: Server::shared(base_url, token)?,
            options: CallOptions::default(),
            rate_limit: Some(RateLimit::default()),
            admit: true,
        })
    }

    /// A client of the docs' local server, `http://localhost:8000`.
    ///
    /// ```
    /// let client = deepwork_client::DeepWorkClient::local("t0ken")?;
    /// assert_eq!(client.base_url(), deepwork_client::DEFAULT_BASE_URL);
    /// # Ok::<(), deepwork_client::Error>(())
    /// ```
    pub fn local(token: &str) -> Result<Self, Error> {
        Self::new(DEFAULT_BASE_URL, token)
    }

    /// This client with `options` for its calls: each option set there replaces this
    /// client's; the others stay. The server and token are shared, not copied.
    ///
    /// ```
    /// use deepwork_client::{CallOptions, DeepWorkClient};
    /// use std::time::Duration;
    /// let client = DeepWorkClient::local("t0ken")?
    ///     .with_options(CallOptions::new().timeout(Duration::from_secs(10)));
    /// let patient = client.with_options(CallOptions::new().max_retries(5));
    /// assert_eq!(patient.options().timeout, Some(Duration::from_secs(10)));
    /// assert_eq!(patient.options().max_retries, Some(5));
    /// # Ok::<(), deepwork_client::Error>(())
    /// ```
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self {
            options: options.or(&self.options),
            ..self.clone()
        }
    }

    /// This client with another request budget: `Some(limit)` shares the budget of
    /// every client of the same server with the same limit, `None` sends without one.
    ///
    /// By default every client of a server in one JS realm (a page, a Worker) shares
    /// one budget, [`RateLimit::default`], because the server counts requests by client
    /// address, not by token: a burst of 20, then 8 requests a second, under the real
    /// server's 30 and 10. When it is spent, the user's calls wait for it within their
    /// timeout, ahead of every waiting poll; polls wait in line and stretch their
    /// interval. A 429 pauses them all until its `Retry-After`. Where the page can read
    /// the server's `X-RateLimit-Remaining` (same origin, Node), the budget follows it.
    ///
    /// ```
    /// use deepwork_client::{DeepWorkClient, RateLimit};
    /// let client = DeepWorkClient::local("t0ken")?.with_rate_limit(Some(RateLimit::new(30, 10.0)?));
    /// let unlimited = client.with_rate_limit(None);
    /// # Ok::<(), deepwork_client::Error>(())
    /// ```
    pub fn with_rate_limit(&self, limit: Option<RateLimit>) -> Self {
        Self {
            rate_limit: limit,
            ..self.clone()
        }
    }

    /// The budget this client's requests spend, shared with every client of the server
    /// with the same settings.
    fn budget(&self) -> Option<Rc<Budget>> {
        let origin = url::origin(&self.server.base_url);
        self.rate_limit
            .and_then(|limit| Budget::shared(origin, limit))
    }

    /// The server's base URL, normalised (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.server.base_url
    }

    /// The options of this client's calls (unset ones take the defaults).
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// Starts a project: the server creates it (`planning`) and plans it in the
    /// background; read the plan with [`get_plan`](Self::get_plan).
    ///
    /// **Not retried once the request may have reached the server**: each delivery
    /// creates a project, so a lost answer fails (kind `Network`, `Timeout` or
    /// `Server`) rather than risk a second project. Check
    /// [`list_projects`](Self::list_projects) before starting again. 408 and 429 are
    /// retried, as the server did not act on them.
    ///
    /// Fails with kind `InvalidArgument`, before any request, on a description
    /// outside 10..=5000 characters, an unknown research depth, or a goal analysis that
    /// is not a JSON object.
    ///
    /// ```no_run
    /// use deepwork_client::{DeepWorkClient, NewProject, ResearchDepth};
    /// # async fn run(client: DeepWorkClient) -> Result<(), deepwork_client::Error> {
    /// let project = client
    ///     .start_project(&NewProject::new("Build a REST API").research_depth(ResearchDepth::Quick))
    ///     .await?;
    /// println!("{} is {}", project.id, project.status);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_project(&self, project: &NewProject) -> Result<Project, Error> {
        let body = project.to_json()?;
        let mut call = self.call(None)?;
        call.delivery = Delivery::Once;
        let start_url = url::deep_work_url(&self.server.base_url, "start");
        let result = fetch(
            &mut call,
            Method::POST,
            &start_url,
            Some(&body),
            |a: ProjectAnswer| Ok(a.project),
        )
        .await;
        finish(&call, result, None)
    }

    /// Asks the server to analyse a goal (deliverables, complexity, …) before starting
    /// a project with it; the analysis is free-form JSON. Retried like a read: it
    /// changes nothing.
    ///
    /// A server without a language-model backend fails here (kind `Server`).
    ///
    /// ```no_run
    /// use deepwork_client::{DeepWorkClient, NewProject};
    /// # async fn run(client: DeepWorkClient) -> Result<(), deepwork_client::Error> {
    /// let goal = "Build a REST API for a todo app";
    /// let analysis = client.parse_goal(goal).await?;
    /// client.start_project(&NewProject::new(goal).goal_analysis(analysis)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn parse_goal(&self, description: &str) -> Result<GoalAnalysis, Error> {
        let body = request::goal_json(description)?;
        let mut call = self.call(None)?;
        let goal_url = url::deep_work_url(&self.server.base_url, "parse-goal");
        // serde reads a struct from an array too; an analysis is an object.
        let analysis = |a: GoalAnswer| match a.analysis.raw() {
            raw if js_sys::Array::is_array(raw) => {
                Err(Invalid::at("goal_analysis", "expected an object"))
            }
            _ => Ok(a.analysis),
        };
        let result = fetch(&mut call, Method::POST, &goal_url, Some(&body), analysis).await;
        finish(&call, result, None)
    }

    /// A project's plan: the project, its tasks in execution levels, their progress,
    /// and what planning wrote.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// let plan = client.get_plan(id).await?;
    /// for (level, ids) in plan.execution_levels.iter().enumerate() {
    ///     let titles: Vec<_> = ids.iter().filter_map(|id| plan.task(id)).map(|t| &t.title).collect();
    ///     println!("level {level}: {titles:?} ({}% done)", plan.progress.percent);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_plan(&self, project_id: &str) -> Result<Plan, Error> {
        let plan_url = self.checked_url(project_id, |base| {
            url::project_url(base, project_id, "plan")
        })?;
        let mut call = self.call(Some(project_id))?;
        let result = fetch(&mut call, Method::GET, &plan_url, None, Ok).await;
        finish(&call, result, Some(project_id))
    }

    /// Approves a planned project (`awaiting_approval`): it becomes `executing` and
    /// its tasks start.
    ///
    /// Fails with kind `InvalidState` (and [`Error::current_status`]) when the project
    /// is in another status (the real server says so with a 404). A retry that finds
    /// the project approved by a lost attempt resolves with it.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// use deepwork_client::ErrorKind;
    /// match client.approve_project(id).await {
    ///     Ok(project) => println!("{}", project.status),
    ///     Err(e) if e.kind() == ErrorKind::InvalidState => println!("it is {:?}", e.current_status()),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn approve_project(&self, project_id: &str) -> Result<Project, Error> {
        self.transition(project_id, &APPROVE).await
    }

    /// Pauses an `executing` project: running tasks finish, no new ones start.
    ///
    /// Fails with kind `InvalidState` in any other status. A retry that finds the
    /// project paused by a lost attempt resolves with it.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// let paused = client.pause_project(id).await?;
    /// let resumed = client.resume_project(&paused.id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pause_project(&self, project_id: &str) -> Result<Project, Error> {
        self.transition(project_id, &PAUSE).await
    }

    /// Resumes a `paused` project: it is `executing` again.
    ///
    /// Fails with kind `InvalidState` in any other status. A retry that finds the
    /// project resumed by a lost attempt resolves with it.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// let project = client.resume_project(id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resume_project(&self, project_id: &str) -> Result<Project, Error> {
        self.transition(project_id, &RESUME).await
    }

    /// Cancels a project: running tasks stop, pending tasks are skipped, done tasks
    /// stay done, and the project becomes `cancelled` for good.
    ///
    /// Resolves with the cancelled project, or with the project as it is when the
    /// server says it had already completed (the real server answers so). Lost answers
    /// and busy servers are retried (see [`CallOptions`]); a retry that finds the
    /// project already cancelled by the lost attempt resolves with it.
    ///
    /// Fails with kind [`InvalidArgument`](crate::ErrorKind::InvalidArgument), before
    /// any request, on an id that cannot be one.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// let project = client.cancel_project(id).await?;
    /// assert!(project.status.is_terminal());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn cancel_project(&self, project_id: &str) -> Result<Project, Error> {
        self.transition(project_id, &CANCEL).await
    }

    /// Skips a task that has not started (or is blocked): it becomes `skipped` and the
    /// tasks waiting for it can go on.
    ///
    /// Fails with kind `InvalidState` for a task that is `done`, `skipped` or
    /// `in_progress`, `NotFound` for an unknown task, `TaskNotInProject` for a task of
    /// another project. A retry that finds the task skipped by a lost attempt resolves
    /// with it.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, project_id: &str, task_id: &str) -> Result<(), deepwork_client::Error> {
    /// let change = client.skip_task(project_id, task_id).await?;
    /// println!("{} now {}; {}% settled", change.task.title, change.task.status, change.progress.percent);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn skip_task(&self, project_id: &str, task_id: &str) -> Result<TaskChange, Error> {
        self.task_change(project_id, task_id, &SKIP).await
    }

    /// Retries a `blocked` task: it is `assigned` again, with `retry_count` one up.
    ///
    /// Fails with kind `InvalidState` for a task in any other status, `NotFound` and
    /// `TaskNotInProject` as [`skip_task`](Self::skip_task) does. A retry that finds
    /// the task assigned or running after a lost attempt resolves with it.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, project_id: &str, task_id: &str) -> Result<(), deepwork_client::Error> {
    /// let change = client.retry_task(project_id, task_id).await?;
    /// println!("retry #{}", change.task.retry_count);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn retry_task(&self, project_id: &str, task_id: &str) -> Result<TaskChange, Error> {
        self.task_change(project_id, task_id, &RETRY).await
    }

    /// Lists projects, optionally by status and at most `limit` of them.
    /// [`ProjectList::count`] is how many match before the limit.
    ///
    /// Fails with kind `InvalidArgument`, before any request, on a limit of 0 or an
    /// empty status.
    ///
    /// ```no_run
    /// use deepwork_client::{ProjectFilter, ProjectStatus};
    /// # async fn run(client: deepwork_client::DeepWorkClient) -> Result<(), deepwork_client::Error> {
    /// let running = client
    ///     .list_projects(&ProjectFilter::new().status(ProjectStatus::Executing).limit(10))
    ///     .await?;
    /// println!("{} of {} running projects", running.projects.len(), running.count);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_projects(&self, filter: &ProjectFilter) -> Result<ProjectList, Error> {
        filter.check().map_err(Error::invalid_argument)?;
        let status = filter.status.as_ref().map(|status| status.as_str());
        let list_url = url::list_url(&self.server.base_url, status, filter.limit);
        let mut call = self.call(None)?;
        let result = fetch(&mut call, Method::GET, &list_url, None, Ok).await;
        finish(&call, result, None)
    }

    /// A project with its tasks and their progress.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// let detail = client.get_project(id).await?;
    /// let blocked = detail.tasks.iter().filter(|t| t.status == deepwork_client::TaskStatus::Blocked);
    /// println!("{} blocked", blocked.count());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_project(&self, project_id: &str) -> Result<ProjectDetail, Error> {
        let detail_url = self.checked_url(project_id, |base| {
            url::mission_control_url(base, project_id)
        })?;
        let mut call = self.call(Some(project_id))?;
        let detail = |plan: Plan| Ok(ProjectDetail::from(plan));
        let result = fetch(&mut call, Method::GET, &detail_url, None, detail).await;
        finish(&call, result, Some(project_id))
    }

    /// Deletes a project and its tasks.
    ///
    /// A repeated delete answers 404, so when a retry gets 404 after an attempt whose
    /// answer was lost, the project is gone as asked and the call succeeds; a 404 on
    /// the first answer fails with kind `NotFound`.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// client.delete_project(id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete_project(&self, project_id: &str) -> Result<(), Error> {
        let delete_url = self.checked_url(project_id, |base| {
            url::mission_control_url(base, project_id)
        })?;
        let mut call = self.call(Some(project_id))?;
        let result = match fetch(
            &mut call,
            Method::DELETE,
            &delete_url,
            None,
            |_: Deleted| Ok(()),
        )
        .await
        {
            Err(e) if call.may_have_applied && e.kind() == ErrorKind::NotFound => Ok(()),
            other => other,
        };
        finish(&call, result, Some(project_id))
    }

    /// A call with this client's options, about `project_id`.
    fn call(&self, project_id: Option<&str>) -> Result<Call<'_>, Error> {
        Call::new(&self.server, &self.options, self.budget(), self.admit)
            .map_err(|e| about(e, project_id))
    }

    /// Fails with kind `InvalidArgument` on an id that cannot be a project's.
    pub(crate) fn check_project_id(&self, project_id: &str) -> Result<(), Error> {
        check_id(project_id, "the project id", project_id)
    }

    /// This client as its polls call: one attempt each (the poll waits out failures
    /// itself), admitted by the budget before it is called, aborted by the poll's own
    /// signal, never the caller's.
    pub(crate) fn for_polls(&self) -> Self {
        let mut options = CallOptions::new().max_retries(0).or(&self.options);
        options.signal = None;
        Self {
            options,
            admit: false,
            ..self.clone()
        }
    }

    /// This client with `signal` for its calls.
    pub(crate) fn with_signal(&self, signal: AbortSignal) -> Self {
        self.with_options(CallOptions::new().signal(signal))
    }

    /// Follows the shared poll of `key` on this server as this user, starting it with
    /// `fetch` when none runs.
    pub(crate) fn follow<T: Polled>(
        &self,
        key: &str,
        joining: Joining,
        fetch: impl FnOnce() -> Fetch,
    ) -> Result<Follower<T>, Error> {
        let budget = self.budget();
        self.server
            .polls
            .follow(key, joining, || (fetch(), budget))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Network,
                    "This environment cannot make an EventTarget or an AbortController",
                )
            })
    }

    /// The URL `build` makes from the base URL, once `project_id` is checked.
    fn checked_url(
        &self,
        project_id: &str,
        build: impl FnOnce(&str) -> String,
    ) -> Result<String, Error> {
        check_id(project_id, "the project id", project_id)?;
        Ok(build(&self.server.base_url))
    }

    /// Approve, pause, resume and cancel: the same call to another action, each with
    /// the statuses its answer may show.
    async fn transition(
        &self,
        project_id: &str,
        transition: &Transition,
    ) -> Result<Project, Error> {
        let base = &self.server.base_url;
        let action_url = self.checked_url(project_id, |base| {
            url::project_url(base, project_id, transition.action)
        })?;
        let mut call = self.call(Some(project_id))?;
        let reached = |project: Project| transition.check(project, project_id);
        let result = match fetch(
            &mut call,
            Method::POST,
            &action_url,
            None,
            |a: ProjectAnswer| reached(a.project),
        )
        .await
        {
            // An earlier attempt got through although its answer was lost: the server
            // now says the project is where it was asked to go. Read it back.
            Err(e) if call.may_have_applied && e.current_status() == Some(transition.target()) => {
                let plan_url = url::project_url(base, project_id, "plan");
                fetch(&mut call, Method::GET, &plan_url, None, |plan: Plan| {
                    transition.check_read_back(plan.project, project_id)
                })
                .await
                .map_err(|_| e)
            }
            other => other,
        };
        finish(&call, result, Some(project_id))
    }

    /// Skip and retry: the same call to another action on one task.
    async fn task_change(
        &self,
        project_id: &str,
        task_id: &str,
        change: &Transition,
    ) -> Result<TaskChange, Error> {
        check_id(project_id, "the project id", project_id)?;
        check_id(task_id, "the task id", project_id)?;
        let base = &self.server.base_url;
        let action_url = url::task_url(base, project_id, task_id, change.action);
        let mut call = self.call(Some(project_id))?;
        let changed = |answer: TaskAnswer| {
            change.check_task(&answer.task, task_id)?;
            Ok(answer.into_change())
        };
        let result = match fetch(&mut call, Method::POST, &action_url, None, changed).await {
            // As for transitions: a lost attempt may have changed the task already.
            Err(e)
                if call.may_have_applied
                    && e.current_status()
                        .is_some_and(|s| change.reaches.contains(&s)) =>
            {
                let plan_url = url::project_url(base, project_id, "plan");
                let read_back = |plan: Plan| {
                    let found = plan
                        .change_of(task_id)
                        .ok_or_else(|| Invalid::at("tasks", "expected the task"))?;
                    change.check_task(&found.task, task_id)?;
                    Ok(found)
                };
                fetch(&mut call, Method::GET, &plan_url, None, read_back)
                    .await
                    .map_err(|_| e)
            }
            other => other,
        };
        finish(&call, result, Some(project_id))
    }
}

/// An action and the statuses its answer may show (the first is the one it aims at).
struct Transition {
    action: &'static str,
    reaches: &'static [&'static str],
}

const APPROVE: Transition = Transition {
    action: "approve",
    reaches: &["executing", "approved"],
};
const PAUSE: Transition = Transition {
    action: "pause",
    reaches: &["paused"],
};
const RESUME: Transition = Transition {
    action: "resume",
    reaches: &["executing"],
};
/// The real server answers 200 with the project unchanged when nothing was left to cancel.
const CANCEL: Transition = Transition {
    action: "cancel",
    reaches: &["cancelled", "completed"],
};
const SKIP: Transition = Transition {
    action: "skip",
    reaches: &["skipped"],
};
const RETRY: Transition = Transition {
    action: "retry",
    reaches: &["assigned", "in_progress"],
};

impl Transition {
    fn target(&self) -> &'static str {
        self.reaches.first().copied().unwrap_or_default()
    }

    /// An answer's project must be the one asked for, in a status the action reaches.
    fn check(&self, project: Project, project_id: &str) -> Result<Project, Invalid> {
        if project.id != project_id {
            return Err(Invalid::at(
                "project.id",
                "expected the id of the project asked for",
            ));
        }
        if !self.reaches.contains(&project.status.as_str()) {
            return Err(Invalid::at("project.status", self.expected()));
        }
        Ok(project)
    }

    /// A project read back after a lost answer counts only in the status aimed at.
    fn check_read_back(&self, project: Project, project_id: &str) -> Result<Project, Invalid> {
        let project = self.check(project, project_id)?;
        if project.status.as_str() == self.target() {
            Ok(project)
        } else {
            Err(Invalid::at("project.status", self.expected()))
        }
    }

    fn check_task(&self, task: &crate::model::Task, task_id: &str) -> Result<(), Invalid> {
        if task.id != task_id {
            return Err(Invalid::at(
                "task.id",
                "expected the id of the task asked for",
            ));
        }
        if !self.reaches.contains(&task.status.as_str()) {
            return Err(Invalid::at("task.status", self.expected()));
        }
        Ok(())
    }

    /// "expected 'cancelled' or 'completed'": static, as it goes into the message as is.
    fn expected(&self) -> &'static str {
        match self.action {
            "approve" => "expected 'executing' or 'approved'",
            "pause" => "expected 'paused'",
            "resume" => "expected 'executing'",
            "cancel" => "expected 'cancelled' or 'completed'",
            "skip" => "expected 'skipped'",
            _ => "expected 'assigned' or 'in_progress'",
        }
    }
}

/// Sends one request (with its retries) and decodes a 2xx answer as `T`, keeping the
/// server's objects, then `accept`s it: a contract breach either way is
/// `InvalidResponse` with the answer's status.
async fn fetch<T: FromBody, R>(
    call: &mut Call<'_>,
    method: Method,
    url: &str,
    body: Option<&str>,
    accept: impl FnOnce(T) -> Result<R, Invalid>,
) -> Result<R, Error> {
    let answer = call.send(method, url, body).await?;
    let decoded = match &answer.body {
        Some(json) => decode::from_js::<T>(json)
            .and_then(T::check)
            .map(|mut value| {
                value.keep(json);
                value
            }),
        None => Err(Invalid::at("", "expected JSON")),
    };
    decoded
        .and_then(accept)
        .map_err(|invalid| Error::invalid_response(invalid, answer.status))
}

/// `result`, its error told how many requests the call made and which project it was about.
fn finish<T>(call: &Call, result: Result<T, Error>, project_id: Option<&str>) -> Result<T, Error> {
    result.map_err(|mut e| {
        e.0.attempts = call.made;
        about(e, project_id)
    })
}

fn about(error: Error, project_id: Option<&str>) -> Error {
    match project_id {
        Some(id) => error.for_project(id),
        None => error,
    }
}

/// Checks an id argument (named `name`), as an error about `project_id`.
fn check_id(id: &str, name: &str, project_id: &str) -> Result<(), Error> {
    url::check_id(id, name)
        .map_err(|message| Error::invalid_argument(&message).for_project(project_id))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use crate::decode::tests::from_text;
    use crate::model::tests::{answer, full_project, ID};

    /// What a cancel makes of a 2xx body, from JSON text.
    pub fn check_cancel_answer(body: &str) -> Result<Project, Invalid> {
        check_answer(&CANCEL, body)
    }

    fn check_answer(transition: &Transition, body: &str) -> Result<Project, Invalid> {
        from_text::<ProjectAnswer>(body)
            .and_then(FromBody::check)
            .and_then(|answer| transition.check(answer.project, ID))
    }

    #[test]
    fn cancelled_and_completed_projects_are_what_a_cancel_answers() {
        for status in ["cancelled", "completed"] {
            let project = check_cancel_answer(&answer(&full_project(status))).expect(status);
            assert_eq!(project.status.as_str(), status);
        }
    }

    #[test]
    fn any_other_status_even_an_unknown_one_breaks_the_contract() {
        for status in ["executing", "paused", "draft", "archived_v2"] {
            let e = check_cancel_answer(&answer(&full_project(status))).expect_err(status);
            assert!(
                e.message()
                    .ends_with("project.status: expected 'cancelled' or 'completed'"),
                "{e:?}"
            );
        }
    }

    #[test]
    fn an_answer_about_another_project_breaks_the_contract() {
        let other = full_project("cancelled").replace(ID, "someone-else");
        let e = check_cancel_answer(&answer(&other)).expect_err("other project");
        assert!(e.message().contains("project.id"), "{e:?}");
    }

    #[test]
    fn each_transition_accepts_the_statuses_it_reaches() {
        for (transition, good, bad) in [
            (&APPROVE, "executing", "awaiting_approval"),
            (&APPROVE, "approved", "paused"),
            (&PAUSE, "paused", "executing"),
            (&RESUME, "executing", "paused"),
        ] {
            let body = answer(&full_project(good));
            assert!(check_answer(transition, &body).is_ok(), "{good}");
            let e = check_answer(transition, &answer(&full_project(bad))).expect_err(bad);
            assert!(e.message().ends_with(transition.expected()), "{e:?}");
        }
    }

    #[test]
    fn only_the_status_aimed_at_counts_when_read_back() {
        let project = |status| {
            from_text::<ProjectAnswer>(&answer(&full_project(status)))
                .expect("decodes")
                .project
        };
        assert!(CANCEL.check_read_back(project("cancelled"), ID).is_ok());
        assert!(CANCEL.check_read_back(project("completed"), ID).is_err());
        assert!(APPROVE.check_read_back(project("executing"), ID).is_ok());
        assert!(PAUSE.check_read_back(project("executing"), ID).is_err());
        assert!(PAUSE.check_read_back(project("paused"), "other").is_err());
    }
}

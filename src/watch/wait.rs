//! Waiting for a project to reach a status, on the project's shared watch: waiting for
//! a project and watching it cost one poll.

use super::WatchOptions;
use crate::client::DeepWorkClient;
use crate::error::{Error, ErrorKind};
use crate::model::{Plan, ProjectStatus};
use crate::options::{whole_ms, BAD_TIMEOUT};
use crate::poll::Listener;
use crate::text;
use crate::timer::{self, Armed};
use std::fmt;
use std::rc::Rc;
use std::time::Duration;
use web_sys::{AbortController, AbortSignal};

/// How long a wait may take when no timeout is given: long enough for planning with
/// deep research, short enough that a project stuck in `planning` does not hang a page.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(600);

/// What [`DeepWorkClient::wait_for_project`] waits for.
///
/// ```
/// use deepwork_client::{ProjectStatus, Until};
/// let planned = Until::from(ProjectStatus::AwaitingApproval);
/// let settled = Until::any_of([ProjectStatus::Completed, ProjectStatus::Cancelled]);
/// let half_done = Until::plan(|plan| plan.progress.percent >= 50.0);
/// # let _ = (planned, settled, half_done);
/// ```
#[derive(Clone)]
pub enum Until {
    /// The project in this status.
    Status(ProjectStatus),
    /// The project in any of these statuses.
    AnyOf(Vec<ProjectStatus>),
    /// A plan for which the function holds.
    Plan(Rc<dyn Fn(&Plan) -> bool>),
}

impl Until {
    /// The project in any of `statuses`.
    pub fn any_of(statuses: impl IntoIterator<Item = ProjectStatus>) -> Self {
        Self::AnyOf(statuses.into_iter().collect())
    }

    /// A plan for which `holds` is true.
    pub fn plan(holds: impl Fn(&Plan) -> bool + 'static) -> Self {
        Self::Plan(Rc::new(holds))
    }

    fn holds(&self, plan: &Plan) -> bool {
        let status = &plan.project.status;
        match self {
            Self::Status(wanted) => status == wanted,
            Self::AnyOf(wanted) => wanted.contains(status),
            Self::Plan(holds) => holds(plan),
        }
    }

    /// Whether it can still come true after `plan`, through the Deep Work routes.
    fn reachable(&self, plan: &Plan) -> bool {
        let status = &plan.project.status;
        match self {
            Self::Status(wanted) => status.can_become(wanted),
            Self::AnyOf(wanted) => wanted.iter().any(|w| status.can_become(w)),
            Self::Plan(_) => !status.is_terminal(),
        }
    }
}

impl From<ProjectStatus> for Until {
    fn from(status: ProjectStatus) -> Self {
        Self::Status(status)
    }
}

impl fmt::Debug for Until {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => f.debug_tuple("Status").field(status).finish(),
            Self::AnyOf(statuses) => f.debug_tuple("AnyOf").field(statuses).finish(),
            Self::Plan(_) => f.write_str("Plan(..)"),
        }
    }
}

/// How long and how often [`DeepWorkClient::wait_for_project`] looks.
///
/// ```
/// use deepwork_client::WaitOptions;
/// use std::time::Duration;
/// let options = WaitOptions::new().timeout(Duration::from_secs(120));
/// assert_eq!(options.timeout, Some(Duration::from_secs(120)));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct WaitOptions {
    /// The whole wait (default 10 minutes): then it fails with kind `Timeout`.
    pub timeout: Option<Duration>,
    /// Between two polls, as for a watch (default 2 s).
    pub interval: Option<Duration>,
    /// Ends the wait: it fails with kind `Aborted`. Default: the client's signal.
    pub signal: Option<AbortSignal>,
    on_state: Option<Listener>,
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("interval", &self.interval)
            .field("signal", &self.signal)
            .field("on_state_change", &self.on_state.is_some())
            .finish()
    }
}

impl WaitOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`WaitOptions::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets [`WaitOptions::interval`].
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// Sets [`WaitOptions::signal`].
    pub fn signal(mut self, signal: AbortSignal) -> Self {
        self.signal = Some(signal);
        self
    }

    /// Calls `listener` with each new [`WatchState`](crate::WatchState) of the watch the
    /// wait rides on, as [`WatchOptions::on_state_change`] does.
    pub fn on_state_change(mut self, listener: impl Fn(&crate::WatchState) + 'static) -> Self {
        self.on_state = Some(Rc::new(listener));
        self
    }
}

impl DeepWorkClient {
    /// Waits until the project is where `until` says, and resolves with the first plan
    /// that shows it: the flow after [`start_project`](Self::start_project) is
    /// `wait_for_project(id, ProjectStatus::AwaitingApproval, …)`, show the plan, then
    /// [`approve_project`](Self::approve_project).
    ///
    /// It rides on the project's shared watch (one poll, however many wait and watch).
    /// Fails with kind `InvalidState` (and [`Error::current_status`]) as soon as the
    /// project is in a status from which the one waited for can no longer come (a
    /// project only moves forward; for [`Until::Plan`], once it ended without the plan
    /// waited for), `Timeout` after the options' timeout, `Aborted` on their signal, and
    /// with the error that ended the watch (`NotFound` after a delete, …).
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient) -> Result<(), deepwork_client::Error> {
    /// use deepwork_client::{NewProject, ProjectStatus, WaitOptions};
    /// let project = client.start_project(&NewProject::new("Build a REST API for recipes")).await?;
    /// let plan = client
    ///     .wait_for_project(&project.id, ProjectStatus::AwaitingApproval, WaitOptions::new())
    ///     .await?;
    /// println!("{} tasks planned", plan.tasks.len());
    /// client.approve_project(&project.id).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_project(
        &self,
        project_id: &str,
        until: impl Into<Until>,
        options: WaitOptions,
    ) -> Result<Plan, Error> {
        let until = until.into();
        let about = |e: Error| e.for_project(project_id);
        let WaitOptions {
            timeout,
            interval,
            signal,
            on_state,
        } = options;
        let timeout_ms = match timeout {
            Some(timeout) => {
                whole_ms(timeout).map_err(|_| about(Error::invalid_argument(BAD_TIMEOUT)))?
            }
            None => DEFAULT_WAIT.as_millis() as u32,
        };
        let caller = signal.or_else(|| self.options().signal.clone());
        let stop = AbortController::new().map_err(|_| about(aborted()))?;
        let end = timer::abort_function(&stop).map_err(|_| about(aborted()))?;
        let _timeout = Armed::new(end, Some(timeout_ms), timer::on_abort(caller.as_ref()));
        if caller.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(about(aborted()));
        }
        let mut watching = WatchOptions::new().signal(stop.signal());
        watching.interval = interval;
        watching.on_state = on_state;
        let mut watch = self.watch_project(project_id, watching)?;
        while let Some(plan) = watch.next().await {
            let plan = plan?;
            if until.holds(&plan) {
                return Ok(plan);
            }
            if !until.reachable(&plan) {
                return Err(about(unreachable(&plan.project.status)));
            }
        }
        Err(about(
            if caller.as_ref().is_some_and(AbortSignal::aborted) {
                aborted()
            } else {
                timed_out(timeout_ms)
            },
        ))
    }
}

fn aborted() -> Error {
    Error::new(
        ErrorKind::Aborted,
        "The wait was aborted through its AbortSignal",
    )
}

fn timed_out(ms: u32) -> Error {
    let mut message = String::from("The project was not there within the wait's timeout (");
    text::push_decimal(&mut message, u64::from(ms));
    message.push_str(" ms)");
    Error::new(ErrorKind::Timeout, message)
}

/// The project is `status`, from which what was waited for can no longer come.
fn unreachable(status: &ProjectStatus) -> Error {
    let mut message = String::from("The project is '");
    message.push_str(status.as_str());
    message.push_str("': what was waited for can no longer come");
    let mut error = Error::new(ErrorKind::InvalidState, message);
    error.0.current_status = Some(status.as_str().to_owned());
    error
}

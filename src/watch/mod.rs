//! Watching: a project's plan ([`Watch`]), the project list ([`ProjectsWatch`]), and
//! waiting for a project to reach a status ([`DeepWorkClient::wait_for_project`]). The
//! server pushes nothing, so each rides on a shared poll (`crate::poll`): watchers of
//! the same thing on the same server as the same user cost one request per interval.

mod change;
mod list;
mod wait;

pub use list::{ProjectListUpdate, ProjectsWatch};
pub use wait::{Until, WaitOptions};

use crate::client::DeepWorkClient;
use crate::error::Error;
use crate::model::Plan;
use crate::poll::{self, policy, Follower, Joining, Listener, Polled, WatchState};
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;
use web_sys::AbortSignal;

/// How a watch polls, and who hears where it stands.
///
/// ```
/// use deepwork_client::WatchOptions;
/// use std::time::Duration;
/// let options = WatchOptions::new()
///     .interval(Duration::from_secs(5))
///     .on_state_change(|state| println!("watch: {}", state.as_str()));
/// assert_eq!(options.interval, Some(Duration::from_secs(5)));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct WatchOptions {
    /// Between two polls (default 2 s; less than 250 ms is raised to 250 ms). Watches of
    /// one thing share a poll at the shortest interval any of them asked for. A hidden
    /// page polls ten times less often, and at once when it is shown again.
    pub interval: Option<Duration>,
    /// Ends the watch: its stream ends without an error. (Dropping the watch does the
    /// same.) Default: the client's signal.
    pub signal: Option<AbortSignal>,
    on_state: Option<Listener>,
}

impl fmt::Debug for WatchOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WatchOptions")
            .field("interval", &self.interval)
            .field("signal", &self.signal)
            .field("on_state_change", &self.on_state.is_some())
            .finish()
    }
}

impl WatchOptions {
    /// The defaults: every 2 s, until the watch ends or is dropped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`WatchOptions::interval`].
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// Sets [`WatchOptions::signal`].
    pub fn signal(mut self, signal: AbortSignal) -> Self {
        self.signal = Some(signal);
        self
    }

    /// Calls `listener` with each new [`WatchState`] of the watch: retrying (after a
    /// transient failure, with when the next poll is due), offline, hidden, live again,
    /// and ended.
    pub fn on_state_change(mut self, listener: impl Fn(&WatchState) + 'static) -> Self {
        self.on_state = Some(Rc::new(listener));
        self
    }

    fn joining(&self, client: &DeepWorkClient) -> Joining {
        Joining {
            interval_ms: policy::interval_ms(self.interval),
            signal: self
                .signal
                .clone()
                .or_else(|| client.options().signal.clone()),
            on_state: self.on_state.clone(),
        }
    }
}

impl Polled for Plan {
    type Snapshot = change::PlanSnapshot;

    fn snapshot(&self) -> Self::Snapshot {
        change::PlanSnapshot::of(self)
    }

    fn is_final(&self) -> bool {
        self.project.status.is_terminal()
    }
}

/// A project's plan each time it changes, from [`DeepWorkClient::watch_project`]: a
/// [`Stream`] of `Result<Plan, Error>`.
///
/// The first plan comes at once (the latest one, when another watch of the project
/// is running); after that, a plan only when the project's status, a task's status or
/// the progress changed (not a timestamp). The stream ends by itself after a
/// `completed`, `failed` or `cancelled` plan, and after an error: transient failures
/// (no answer, 429, 503, …) are waited out and show only in [`Watch::state`];
/// `NotFound` (the project was deleted), `Unauthorized` and the like end it. Dropping
/// the watch, or its signal, ends it; the last watch of a project to end stops the
/// shared poll, aborting its request in flight, and leaves no timer or listener.
///
/// ```no_run
/// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
/// use deepwork_client::WatchOptions;
/// let mut watch = client.watch_project(id, WatchOptions::new())?;
/// while let Some(plan) = watch.next().await {
///     let plan = plan?;
///     println!("{}: {}% done", plan.project.status, plan.progress.percent);
/// }
/// # Ok(())
/// # }
/// ```
pub struct Watch(Follower<Plan>);

impl Watch {
    /// The next changed plan, or `None` once the watch has ended: the same as
    /// `StreamExt::next`, without needing the trait.
    pub async fn next(&mut self) -> Option<Result<Plan, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The next changed plan as the shared poll holds it, not copied: what JS reads.
    #[cfg(feature = "js")]
    pub(crate) fn poll_shared(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Rc<Plan>, Error>>> {
        self.0.poll_next(cx)
    }

    /// Ends the watch: its stream ends (a `next` under way with `None`).
    pub fn stop(&mut self) {
        self.0.leave();
    }

    /// Whether the watch has ended (stopped, or its project or an error ended it).
    pub fn is_stopped(&self) -> bool {
        matches!(self.0.state(), WatchState::Ended)
    }

    /// Where the watch stands now.
    pub fn state(&self) -> WatchState {
        self.0.state()
    }
}

impl Stream for Watch {
    type Item = Result<Plan, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next(cx)
            .map(|item| item.map(|plan| plan.map(Rc::unwrap_or_clone)))
    }
}

impl DeepWorkClient {
    /// Watches a project: its plan at once, then each time it changes, until it
    /// ends; see [`Watch`] for what counts as a change and which errors end it.
    ///
    /// The server pushes nothing, so this polls `get_plan` every `interval` (2 s by
    /// default), one request at a time, each with this client's timeout, through the
    /// server's request budget. Watches of one project on one server with one token
    /// share that poll, whichever client started them. The poll starts at once; fails
    /// with kind `InvalidArgument` on an id that cannot be one.
    ///
    /// ```no_run
    /// # async fn run(client: deepwork_client::DeepWorkClient, id: &str) -> Result<(), deepwork_client::Error> {
    /// use deepwork_client::WatchOptions;
    /// use std::time::Duration;
    /// let mut watch = client.watch_project(id, WatchOptions::new().interval(Duration::from_secs(1)))?;
    /// while let Some(plan) = watch.next().await {
    ///     println!("{}% done", plan?.progress.percent);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn watch_project(&self, project_id: &str, options: WatchOptions) -> Result<Watch, Error> {
        self.check_project_id(project_id)?;
        let polls = self.for_polls();
        let id = project_id.to_owned();
        let key = format!("plan/{project_id}");
        self.follow(&key, options.joining(self), move || {
            poll::changes(move |signal| {
                let (client, id) = (polls.with_signal(signal), id.clone());
                async move { client.get_plan(&id).await }
            })
        })
        .map(Watch)
    }
}

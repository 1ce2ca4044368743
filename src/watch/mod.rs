//! Watching a project by polling its plan (the server pushes nothing): a [`Watch`]
//! is a stream of the plans that changed, one request in flight at a time. The
//! cadence, what counts as a change and which errors it outlives are `policy`.

mod policy;

use crate::client::DeepWorkClient;
use crate::error::Error;
use crate::model::{field, Plan};
use crate::options::CallOptions;
use crate::transport::{self, Wake};
use futures_core::Stream;
use js_sys::{Function, Math};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, EventTarget};

/// How a [`Watch`] polls.
///
/// ```
/// use deepwork_client::WatchOptions;
/// use std::time::Duration;
/// let options = WatchOptions::new().interval(Duration::from_secs(5));
/// assert_eq!(options.interval, Some(Duration::from_secs(5)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct WatchOptions {
    /// Between two polls (default 2 s; less than 250 ms is raised to 250 ms). A hidden
    /// page polls ten times less often, and at once when it is shown again.
    pub interval: Option<Duration>,
    /// Ends the watch: the request in flight is aborted and the stream ends, without
    /// an error. (Dropping the [`Watch`] does the same.) Default: the client's signal.
    pub signal: Option<AbortSignal>,
}

impl WatchOptions {
    /// The defaults: every 2 s, until the project ends or the watch is dropped.
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
}

/// A project's plan each time it changes, from [`DeepWorkClient::watch_project`]: a
/// [`Stream`] of `Result<Plan, Error>`.
///
/// The first plan comes at once; after that, a plan only when the project's status,
/// a task's status or the progress changed (not a timestamp). The stream ends by
/// itself after a `completed`, `failed` or `cancelled` plan, and after an error:
/// transient failures (no answer, 429, 503, …) are waited out with backoff and never
/// reach the stream; `NotFound` (the project was deleted), `Unauthorized`,
/// `InvalidArgument` and the like end it. Dropping the watch, or its signal, aborts
/// the request in flight and leaves no timer or listener behind.
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
pub struct Watch {
    state: State,
    /// Aborted to end the watch: by the caller's signal, by `stop`, or on drop. None
    /// where no AbortController could be made (the watch is then over at once).
    stop: Option<AbortController>,
    /// The caller's signal, listened to until the watch ends.
    caller: Option<(AbortSignal, Function)>,
}

type Step = Pin<Box<dyn Future<Output = (Option<Result<Plan, Error>>, Box<Poller>)>>>;

enum State {
    Idle(Box<Poller>),
    Polling(Step),
    Ended,
}

impl Watch {
    pub(crate) fn new(client: &DeepWorkClient, project_id: &str, options: WatchOptions) -> Self {
        let Ok(stop) = AbortController::new() else {
            return Self {
                state: State::Ended,
                stop: None,
                caller: None,
            };
        };
        let own = stop.signal();
        let caller_signal = options.signal.or_else(|| client.options().signal.clone());
        let caller = caller_signal.and_then(|signal| {
            if signal.aborted() {
                stop.abort();
            }
            let abort = transport::abort_function(&stop).ok()?;
            let _ = signal.add_event_listener_with_callback("abort", &abort);
            Some((signal, abort))
        });
        // Each poll is one attempt: the watch itself waits out failures, for as long
        // as it runs, so its requests never overlap.
        let polls = CallOptions::new().max_retries(0).signal(own.clone());
        let poller = Poller {
            client: client.with_options(polls),
            project_id: project_id.to_owned(),
            interval_ms: policy::interval_ms(options.interval),
            signal: own,
            last: None,
            failures: 0,
            retry_after_ms: None,
        };
        Self {
            state: State::Idle(Box::new(poller)),
            stop: Some(stop),
            caller,
        }
    }

    /// The next changed plan, or `None` once the watch has ended: the same as
    /// `StreamExt::next`, without needing the trait.
    pub async fn next(&mut self) -> Option<Result<Plan, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Ends the watch: the request in flight is aborted, and the stream ends (a poll
    /// under way ends with `None` as soon as its abort lands).
    pub fn stop(&mut self) {
        if let Some(stop) = &self.stop {
            stop.abort();
        }
        if let State::Idle(_) = self.state {
            self.state = State::Ended;
        }
        self.stop_listening();
    }

    /// Whether the watch was stopped (by its signal, or [`Watch::stop`]).
    pub fn is_stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_none_or(|stop| stop.signal().aborted())
    }

    fn stop_listening(&mut self) {
        if let Some((signal, abort)) = self.caller.take() {
            let _ = signal.remove_event_listener_with_callback("abort", &abort);
        }
    }
}

impl Stream for Watch {
    type Item = Result<Plan, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match std::mem::replace(&mut self.state, State::Ended) {
                State::Idle(mut poller) => {
                    self.state = State::Polling(Box::pin(async move {
                        let item = poller.next().await;
                        (item, poller)
                    }));
                }
                State::Polling(mut step) => {
                    return match step.as_mut().poll(cx) {
                        Poll::Pending => {
                            self.state = State::Polling(step);
                            Poll::Pending
                        }
                        // An error ends the watch: let go of the caller's signal now,
                        // as JS' `for await` calls no `return()` after a rejection.
                        Poll::Ready((Some(Err(e)), _)) => {
                            self.stop_listening();
                            Poll::Ready(Some(Err(e)))
                        }
                        Poll::Ready((Some(item), poller)) => {
                            self.state = State::Idle(poller);
                            Poll::Ready(Some(item))
                        }
                        Poll::Ready((None, _)) => {
                            self.stop_listening();
                            Poll::Ready(None)
                        }
                    };
                }
                State::Ended => return Poll::Ready(None),
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The polling loop's state, moved into each step's future.
struct Poller {
    client: DeepWorkClient,
    project_id: String,
    interval_ms: u32,
    signal: AbortSignal,
    /// What the last plan yielded showed; None before the first.
    last: Option<policy::Snapshot>,
    /// Transient failures in a row, and the wait the last one asked for.
    failures: u32,
    retry_after_ms: Option<u64>,
}

impl Poller {
    /// Polls until the plan changed (`Some(Ok)`), an error ends the watch (`Some(Err)`,
    /// after which the poller is dropped), or a terminal plan or a stop ends it (`None`).
    async fn next(&mut self) -> Option<Result<Plan, Error>> {
        if self
            .last
            .as_ref()
            .is_some_and(policy::Snapshot::is_terminal)
        {
            return None;
        }
        // The first plan comes at once; every later poll waits first.
        let mut wait = self.last.is_some();
        loop {
            // Checked before the wait too: an abort that came while the caller held the
            // last plan fired before this wait listened for it, and would be seen only
            // after a whole interval.
            if wait && !self.signal.aborted() {
                self.wait().await;
            }
            wait = true;
            if self.signal.aborted() {
                return None;
            }
            match self.client.get_plan(&self.project_id).await {
                Ok(plan) => {
                    self.failures = 0;
                    let snapshot = policy::Snapshot::of(&plan);
                    if self.last.as_ref() != Some(&snapshot) {
                        self.last = Some(snapshot);
                        return Some(Ok(plan));
                    }
                }
                Err(_) if self.signal.aborted() => return None,
                Err(e) if policy::is_transient(&e) => {
                    self.failures = self.failures.saturating_add(1);
                    self.retry_after_ms = e.retry_after().map(|d| d.as_millis() as u64);
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// The wait before the next poll, ended early by a stop or by the page being shown.
    async fn wait(&self) {
        let page = page();
        let hidden = page.as_ref().is_some_and(|(_, hidden)| *hidden);
        let delay = policy::delay_ms(
            self.interval_ms,
            hidden,
            self.failures,
            self.retry_after_ms,
            Math::random(),
        );
        let mut wake: Vec<Wake> = transport::on_abort(Some(&self.signal))
            .into_iter()
            .collect();
        if let Some((document, true)) = page {
            wake.push((document, "visibilitychange"));
        }
        transport::sleep(delay, wake).await;
    }
}

/// The page's document and whether it is hidden; None in a Worker or Node, which
/// have no page to hide.
fn page() -> Option<(EventTarget, bool)> {
    let document = field(&js_sys::global(), "document");
    if !document.is_object() {
        return None;
    }
    let hidden = field(&document, "visibilityState").as_string().as_deref() == Some("hidden");
    Some((document.unchecked_into(), hidden))
}

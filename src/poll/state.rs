//! Where a watch stands, for a dashboard to show ("Reconnecting in 8 s", "Offline")
//! while the watch goes on: failures it waits out never reach its stream.

use crate::error::Error;
use std::rc::Rc;
use std::time::Duration;

/// Where a watch stands: read it with `state()`, or follow it with
/// `WatchOptions::on_state_change`.
///
/// ```
/// use deepwork_client::WatchState;
/// fn label(state: &WatchState) -> String {
///     match state {
///         WatchState::Live => "Live".into(),
///         WatchState::Hidden => "Paused while hidden".into(),
///         WatchState::Offline => "Offline".into(),
///         WatchState::Retrying { error, .. } => match state.retry_in() {
///             Some(wait) => format!("Reconnecting in {} s ({error})", wait.as_secs()),
///             None => format!("Reconnecting ({error})"),
///         },
///         WatchState::Ended => "Ended".into(),
///         _ => String::new(),
///     }
/// }
/// assert_eq!(label(&WatchState::Offline), "Offline");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum WatchState {
    /// Polling at its interval.
    Live,
    /// The page is hidden: polling ten times less often, and at once when it is shown.
    Hidden,
    /// The browser is offline: no polls until it is online again, then one at once.
    Offline,
    /// The last poll failed with `error` (no answer, 429, 503, …); the next one is
    /// due at `next_poll_at`, in milliseconds since the Unix epoch (as `Date.now()`).
    Retrying { error: Error, next_poll_at: f64 },
    /// The watch has ended: its project ended, an error ended it, or it was stopped.
    Ended,
}

impl WatchState {
    /// For [`WatchState::Retrying`]: how long until the next poll, from now.
    pub fn retry_in(&self) -> Option<Duration> {
        match self {
            Self::Retrying { next_poll_at, .. } => {
                let ms = (next_poll_at - js_sys::Date::now()).max(0.0);
                Some(Duration::from_millis(ms as u64))
            }
            _ => None,
        }
    }

    /// The name JS sees as `state.status`: `"live"`, `"retrying"`, …
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Hidden => "hidden",
            Self::Offline => "offline",
            Self::Retrying { .. } => "retrying",
            Self::Ended => "ended",
        }
    }
}

/// Told each new state of a watch.
pub(crate) type Listener = Rc<dyn Fn(&WatchState)>;

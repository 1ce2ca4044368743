//! Following a watch from a component, and showing where it stands.
//!
//! A watch (`ProjectsWatch`, `Watch`) holds `Rc`s and `JsValue`s, so it is not `Send`:
//! it runs in a task of `spawn_local` (never `spawn`), its items go into signals with
//! local storage (`RwSignal::new_local`), and it is stopped by dropping it, which is
//! how a Rust watcher leaves the poll it shares with other watchers of the same thing.

use deepwork_client::{Error, WatchOptions, WatchState};
use futures::channel::oneshot;
use futures::{Stream, StreamExt};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// A watch's state, set by the watch itself (`WatchOptions::on_state_change`).
pub type State = RwSignal<WatchState, LocalStorage>;

/// The last value a watch yielded, or the error that ended it; `None` before the first.
pub type Latest<T> = RwSignal<Option<Result<T, Error>>, LocalStorage>;

/// Starts a watch with `start` (handed options that keep the state signal current)
/// and follows it: each item, passed through `value`, becomes the latest.
pub fn watch<W, U, T>(
    start: impl FnOnce(WatchOptions) -> Result<W, Error>,
    value: impl Fn(U) -> T + 'static,
) -> (Latest<T>, State)
where
    W: Stream<Item = Result<U, Error>> + Unpin + 'static,
    T: 'static,
{
    let latest = RwSignal::new_local(None);
    let state = RwSignal::new_local(WatchState::Live);
    match start(WatchOptions::new().on_state_change(move |now| state.set(now.clone()))) {
        Ok(watch) => follow(watch, move |item| latest.set(Some(item.map(&value)))),
        Err(error) => latest.set(Some(Err(error))),
    }
    (latest, state)
}

/// The value a watch yielded last, if there is one (no error since).
pub fn value<T>(latest: &Option<Result<T, Error>>) -> Option<&T> {
    latest.as_ref()?.as_ref().ok()
}

/// The error that ended a watch, if one did.
pub fn error<T>(latest: &Option<Result<T, Error>>) -> Option<&Error> {
    latest.as_ref()?.as_ref().err()
}

/// Hands each item of `stream` to `on_item`, until the stream ends or the component
/// that called this is cleaned up (unmounted, or re-rendered for another project).
///
/// `on_cleanup` only takes `Send + Sync` closures, so it gets the sending half of a
/// oneshot channel, not the watch: dropping it ends the loop (`take_until`), and the
/// task then drops the watch on the thread it lives on.
fn follow<S>(stream: S, mut on_item: impl FnMut(S::Item) + 'static)
where
    S: Stream + Unpin + 'static,
{
    let (stop, stopped) = oneshot::channel::<()>();
    on_cleanup(move || drop(stop));
    spawn_local(async move {
        let mut items = stream.take_until(stopped);
        while let Some(item) = items.next().await {
            on_item(item);
        }
    });
}

/// Where a watch stands, in words: live, reconnecting in N s, offline, …
/// `data-state` carries the state's name for styles and tests.
#[component]
pub fn Indicator(state: State) -> impl IntoView {
    view! {
        <p class="indicator" role="status" data-state=move || state.with(WatchState::as_str)>
            {move || match state.with(|now| now.retry_in().is_some()) {
                true => view! { <Countdown state /> }.into_any(),
                false => state.with(label).into_any(),
            }}
        </p>
    }
}

/// "Reconnecting in N s": a component of its own, so that its one-second timer runs
/// only while a watch waits to reconnect.
#[component]
fn Countdown(state: State) -> impl IntoView {
    let second = Trigger::new();
    if let Ok(timer) = set_interval_with_handle(move || second.notify(), Duration::from_secs(1)) {
        on_cleanup(move || timer.clear());
    }
    move || {
        second.track();
        state.with(label)
    }
}

fn label(state: &WatchState) -> String {
    match state {
        WatchState::Live => "Live".into(),
        WatchState::Hidden => "Paused while hidden".into(),
        WatchState::Offline => "Offline".into(),
        WatchState::Retrying { error, .. } => {
            // Rounded up: "in 0 s" would be shown for most of the last second.
            let wait = state
                .retry_in()
                .unwrap_or_default()
                .as_millis()
                .div_ceil(1000);
            let why = match error.status() {
                Some(status) => format!("the server answered {status}"),
                None => error.kind().as_str().to_owned(),
            };
            format!("Reconnecting in {wait} s ({why})")
        }
        WatchState::Ended => "Ended".into(),
        _ => String::new(),
    }
}

//! Shared polls: one poll loop per thing polled (a project's plan, a list of projects)
//! on one server as one user, however many followers watch it. The loop polls at the
//! shortest interval any follower asked for, through the server's request budget; it
//! slows down while the page is hidden, stops while the browser is offline, waits out
//! transient failures, and ends with its last follower (aborting its request in
//! flight). A follower gets the latest value at once, then each change.
//!
//! What is polled and what counts as a change is the caller's ([`Polled`], [`changes`]);
//! the loop is the same for every kind of value. The cadence and which errors a poll
//! outlives are `policy`.

pub(crate) mod policy;
mod state;

pub(crate) use state::Listener;
pub use state::WatchState;

use crate::budget::Budget;
use crate::error::Error;
use crate::page;
use crate::timer::{self, Wait, Wake};
use js_sys::{Date, Math};
use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use web_sys::{AbortController, AbortSignal, Event, EventTarget};

/// A value that a shared poll fetches again and again.
pub(crate) trait Polled: Clone + 'static {
    /// What a change is a change of (not timestamps, which move on every write).
    type Snapshot: PartialEq + 'static;
    fn snapshot(&self) -> Self::Snapshot;
    /// The last value there will be (a project that ended): the poll stops after it.
    fn is_final(&self) -> bool;
}

/// What one request of a poll found: the value if it changed since the last one (of
/// the type its followers read), and whether it is the last there will be.
pub(crate) struct Found {
    changed: Option<Rc<dyn Any>>,
    last: bool,
}

/// One request of a poll, aborted by the signal; the budget was already spent.
pub(crate) type Fetch =
    Box<dyn Fn(AbortSignal) -> Pin<Box<dyn Future<Output = Result<Found, Error>>>>>;

/// A poll's request from `fetch`, which answers with a `T`: it reports the value only
/// when its snapshot changed. (The loop itself is the same for every `T`.)
pub(crate) fn changes<T, F>(fetch: impl Fn(AbortSignal) -> F + 'static) -> Fetch
where
    T: Polled,
    F: Future<Output = Result<T, Error>> + 'static,
{
    let last: Rc<RefCell<Option<T::Snapshot>>> = Rc::default();
    Box::new(move |signal| {
        let (fetched, last) = (fetch(signal), Rc::clone(&last));
        Box::pin(async move {
            let value = fetched.await?;
            let snapshot = value.snapshot();
            let is_final = value.is_final();
            let mut last = last.borrow_mut();
            let changed = (last.as_ref() != Some(&snapshot)).then(|| {
                *last = Some(snapshot);
                Rc::new(value) as Rc<dyn Any>
            });
            Ok(Found {
                changed,
                last: is_final,
            })
        })
    })
}

/// The shared polls of one server and user, by what they poll.
#[derive(Default)]
pub(crate) struct Registry(RefCell<Vec<(String, Weak<Shared>)>>);

/// How a follower joins: the interval it asks for and who hears its states.
pub(crate) struct Joining {
    pub interval_ms: u32,
    pub signal: Option<AbortSignal>,
    pub on_state: Option<Listener>,
}

impl Registry {
    /// A follower of the poll of `key`: the one running, or a new one that `fetch`es
    /// through `budget`.
    pub fn follow<T: Polled>(
        &self,
        key: &str,
        joining: Joining,
        start: impl FnOnce() -> (Fetch, Option<Rc<Budget>>),
    ) -> Option<Follower<T>> {
        let mut polls = self.0.borrow_mut();
        polls.retain(|(_, poll)| poll.strong_count() > 0);
        let running = polls
            .iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, poll)| poll.upgrade())
            .find(|shared| shared.inner.borrow().end.is_none() && shared.followed());
        let shared = match running {
            Some(shared) => shared,
            None => {
                let (fetch, budget) = start();
                let shared = Rc::new(Shared::new()?);
                polls.push((key.to_owned(), Rc::downgrade(&shared)));
                wasm_bindgen_futures::spawn_local(run(Rc::clone(&shared), fetch, budget));
                shared
            }
        };
        Some(Follower {
            member: Member::join(shared, joining),
            value: PhantomData,
        })
    }
}

/// A poll and what it found, shared by the loop and the followers.
pub(crate) struct Shared {
    inner: RefCell<Inner>,
    /// "change" after a new value or the end; "interval" when a follower asked for a
    /// shorter interval.
    events: EventTarget,
    /// Aborted when the last follower left: ends the loop and its request.
    stop: AbortController,
}

struct Inner {
    latest: Option<Rc<dyn Any>>,
    /// Counts the values published; a follower yields when it has seen fewer.
    version: u64,
    /// Set when the poll ended: after a final value (None) or an error that ends it.
    end: Option<Option<Error>>,
    state: WatchState,
    followers: Vec<Following>,
    next_id: u64,
}

/// A follower as the poll sees it: what it asked for, who hears its states, and the
/// signal that ends it.
struct Following {
    id: u64,
    interval_ms: u32,
    on_state: Option<Listener>,
    signal: Option<AbortSignal>,
}

impl Shared {
    fn new() -> Option<Self> {
        Some(Self {
            inner: RefCell::new(Inner {
                latest: None,
                version: 0,
                end: None,
                state: WatchState::Live,
                followers: Vec::new(),
                next_id: 0,
            }),
            events: EventTarget::new().ok()?,
            stop: AbortController::new().ok()?,
        })
    }

    /// Whether any follower still follows, once those whose signal fired are let go:
    /// a watch aborted a moment ago is gone at once, before its own next turn, so that
    /// a watch started right after it starts a poll of its own. When none is left the
    /// poll stops, its request in flight aborted.
    fn followed(&self) -> bool {
        let left = {
            let mut inner = self.inner.borrow_mut();
            inner
                .followers
                .retain(|f| !f.signal.as_ref().is_some_and(AbortSignal::aborted));
            inner.followers.is_empty()
        };
        if left {
            self.stop.abort();
        }
        !self.stop.signal().aborted()
    }

    fn dispatch(&self, name: &str) {
        if let Ok(event) = Event::new(name) {
            let _ = self.events.dispatch_event(&event);
        }
    }

    /// The shortest interval a follower asked for.
    fn interval_ms(&self) -> u32 {
        let inner = self.inner.borrow();
        let shortest = inner.followers.iter().map(|f| f.interval_ms).min();
        shortest.unwrap_or(policy::DEFAULT_INTERVAL_MS)
    }

    fn publish(&self, value: Rc<dyn Any>) {
        {
            let mut inner = self.inner.borrow_mut();
            inner.latest = Some(value);
            inner.version += 1;
        }
        self.dispatch("change");
    }

    fn end(&self, error: Option<Error>) {
        self.inner.borrow_mut().end = Some(error);
        self.set_state(WatchState::Ended);
        self.dispatch("change");
    }

    /// Tells every follower's listener, unless nothing a dashboard shows changed.
    fn set_state(&self, state: WatchState) {
        let listeners: Vec<Listener> = {
            let mut inner = self.inner.borrow_mut();
            if same(&inner.state, &state) {
                return;
            }
            inner.state = state.clone();
            inner
                .followers
                .iter()
                .filter_map(|f| f.on_state.clone())
                .collect()
        };
        // Listeners run with nothing borrowed: they may read the state again.
        for listener in listeners {
            listener(&state);
        }
    }
}

/// Whether two states look the same on a dashboard (a new failure never does).
fn same(a: &WatchState, b: &WatchState) -> bool {
    use WatchState::*;
    matches!(
        (a, b),
        (Live, Live) | (Hidden, Hidden) | (Offline, Offline) | (Ended, Ended)
    )
}

/// The poll loop, until the poll ends or its last follower leaves.
async fn run(shared: Rc<Shared>, fetch: Fetch, budget: Option<Rc<Budget>>) {
    let signal = shared.stop.signal();
    let mut failures = 0u32;
    let mut failure: Option<Error> = None;
    // The first poll goes at once, and so does the first after being offline.
    let mut due = true;
    loop {
        if !due {
            wait_for_next(&shared, &signal, failures, failure.as_ref()).await;
        }
        due = false;
        if signal.aborted() {
            return;
        }
        if page::offline() {
            shared.set_state(WatchState::Offline);
            let wake = [page::on_network("online"), timer::on_abort(Some(&signal))];
            let _online = Wait::new(None, wake.into_iter().flatten()).await;
            due = true;
            continue;
        }
        if !shared.followed() {
            return;
        }
        if let Some(budget) = &budget {
            if !budget.admit_poll(&signal).await {
                return;
            }
        }
        let fetched = fetch(signal.clone()).await;
        if signal.aborted() {
            return;
        }
        match fetched {
            Ok(found) => {
                failures = 0;
                failure = None;
                if let Some(value) = found.changed {
                    shared.publish(value);
                }
                if found.last {
                    return shared.end(None);
                }
            }
            // Offline is not a failure: wait for the network instead.
            Err(_) if page::offline() => due = true,
            Err(e) if policy::is_transient(&e) => {
                failures = failures.saturating_add(1);
                failure = Some(e);
            }
            Err(e) => return shared.end(Some(e)),
        }
    }
}

/// Waits until the next poll is due: the interval (longer on a hidden page, or after
/// failures), shortened when a follower asks for a shorter one, and cut short when a
/// hidden page is shown or the poll stops. Tells the followers where it stands.
async fn wait_for_next(
    shared: &Shared,
    signal: &AbortSignal,
    failures: u32,
    failure: Option<&Error>,
) {
    let started = Date::now();
    let random = Math::random();
    loop {
        let hidden = page::hidden();
        let retry_after = failure
            .and_then(Error::retry_after)
            .map(|d| d.as_millis() as u64);
        let delay = policy::delay_ms(
            shared.interval_ms(),
            hidden.is_some(),
            failures,
            retry_after,
            random,
        );
        let due_at = started + f64::from(delay);
        shared.set_state(match (failure, &hidden) {
            (Some(error), _) => WatchState::Retrying {
                error: error.clone(),
                next_poll_at: due_at,
            },
            (None, Some(_)) => WatchState::Hidden,
            (None, None) => WatchState::Live,
        });
        let now = Date::now();
        if now >= due_at || signal.aborted() {
            return;
        }
        let mut wake: Vec<Wake> = vec![(shared.events.clone(), "interval")];
        wake.extend(timer::on_abort(Some(signal)));
        wake.extend(hidden.as_ref().map(page::on_shown));
        wake.extend(page::on_network("offline"));
        let by_event = timer::sleep((due_at - now).ceil() as u32, wake).await;
        // Only a shorter interval asked for means another look; the timer, a stop, a
        // hidden page shown again and the network gone all end the wait.
        let shown = hidden.is_some() && page::hidden().is_none();
        if !by_event || signal.aborted() || shown || page::offline() {
            return;
        }
    }
}

/// One watcher of a shared poll: a stream of its values (of type `T`), each new one
/// once, until the poll ends, the follower's signal fires, or it leaves.
pub(crate) struct Follower<T> {
    member: Member,
    value: PhantomData<T>,
}

impl<T: 'static> Follower<T> {
    /// Where the poll stands, or `Ended` once this follower is done.
    pub fn state(&self) -> WatchState {
        self.member.state()
    }

    /// The next new value (the poll's own, shared with the other followers), the error
    /// that ended the poll, or None once it ended (or this follower left or was aborted).
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Rc<T>, Error>>> {
        self.member.poll_next(cx).map(|item| {
            item.and_then(|found| match found {
                Ok(value) => value.downcast::<T>().ok().map(Ok),
                Err(e) => Some(Err(e)),
            })
        })
    }

    /// Stops following: this follower's stream ends; the last to leave stops the poll,
    /// its request in flight included.
    pub fn leave(&mut self) {
        self.member.leave();
    }
}

/// A follower's place among the poll's followers, whatever it reads.
struct Member {
    shared: Rc<Shared>,
    id: u64,
    /// The version of the value it yielded last.
    seen: u64,
    signal: Option<AbortSignal>,
    on_state: Option<Listener>,
    left: bool,
    /// The wait for a change, while there is none, and who waits: leaving wakes it.
    wait: Option<(Wait, Waker)>,
}

impl Member {
    fn join(shared: Rc<Shared>, joining: Joining) -> Self {
        let id = {
            let mut inner = shared.inner.borrow_mut();
            let id = inner.next_id;
            inner.next_id += 1;
            inner.followers.push(Following {
                id,
                interval_ms: joining.interval_ms,
                on_state: joining.on_state.clone(),
                signal: joining.signal.clone(),
            });
            id
        };
        // Asking for a shorter interval than the loop waits: it looks again.
        if shared.interval_ms() == joining.interval_ms {
            shared.dispatch("interval");
        }
        let mut member = Self {
            shared,
            id,
            seen: 0,
            signal: joining.signal,
            on_state: joining.on_state,
            left: false,
            wait: None,
        };
        if member.signal.as_ref().is_some_and(AbortSignal::aborted) {
            member.leave();
        }
        member
    }

    fn state(&self) -> WatchState {
        if self.left {
            WatchState::Ended
        } else {
            self.shared.inner.borrow().state.clone()
        }
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Rc<dyn Any>, Error>>> {
        loop {
            if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
                self.leave();
            }
            if self.left {
                return Poll::Ready(None);
            }
            let ended = {
                let inner = self.shared.inner.borrow();
                if inner.version > self.seen {
                    self.seen = inner.version;
                    if let Some(value) = &inner.latest {
                        return Poll::Ready(Some(Ok(Rc::clone(value))));
                    }
                }
                inner.end.clone()
            };
            if let Some(end) = ended {
                self.leave();
                return Poll::Ready(end.map(Err));
            }
            let events = &self.shared.events;
            let signal = self.signal.as_ref();
            let (wait, waker) = self.wait.get_or_insert_with(|| {
                let wake = [(events.clone(), "change")].into_iter();
                let wait = Wait::new(None, wake.chain(timer::on_abort(signal)));
                (wait, cx.waker().clone())
            });
            match Pin::new(wait).poll(cx) {
                Poll::Pending => {
                    waker.clone_from(cx.waker());
                    return Poll::Pending;
                }
                Poll::Ready(_) => self.wait = None,
            }
        }
    }

    fn leave(&mut self) {
        if self.left {
            return;
        }
        self.left = true;
        // A `next` under way ends now, with None.
        if let Some((_, waker)) = self.wait.take() {
            waker.wake();
        }
        let (alone, told) = {
            let mut inner = self.shared.inner.borrow_mut();
            inner.followers.retain(|f| f.id != self.id);
            // When the poll ended, every listener heard it already.
            (
                inner.followers.is_empty(),
                matches!(inner.state, WatchState::Ended),
            )
        };
        if alone {
            self.shared.stop.abort();
        }
        if let Some(listener) = self.on_state.as_ref().filter(|_| !told) {
            listener(&WatchState::Ended);
        }
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        self.leave();
    }
}

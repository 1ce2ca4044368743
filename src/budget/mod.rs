//! One request budget per server: every client of one JS realm that talks to the same
//! server (origin) with the same settings spends the same budget, because the server
//! counts requests per client address, not per token. The user's calls wait for a token
//! within their own time, ahead of every poll; polls wait in line. The arithmetic is
//! `policy`; this module holds the shared budgets and waits with timers.

mod policy;

use crate::error::Error;
use crate::timer::{self, Wake};
use js_sys::Date;
use policy::{Bucket, Turn};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::{AbortSignal, Event, EventTarget};

/// How fast a client's requests may go: a token bucket of `burst` requests, refilled
/// at `per_second`. The default keeps a page under the real server's limiter (a burst
/// of 30, then 10 a second, per client address) with room to spare.
///
/// ```
/// use deepwork_client::RateLimit;
/// let limit = RateLimit::new(30, 10.0)?;
/// assert_eq!((limit.burst(), limit.per_second()), (30, 10.0));
/// assert_eq!(RateLimit::default().burst(), 20);
/// assert!(RateLimit::new(0, 1.0).is_err());
/// # Ok::<(), deepwork_client::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    burst: u32,
    per_second: f64,
}

const BAD_RATE_LIMIT: &str =
    "the rate limit needs a burst of 1 to 1000 requests and 0.01 to 1000 requests a second";

impl RateLimit {
    /// A budget of `burst` requests at once, refilled at `per_second`. Fails with kind
    /// `InvalidArgument` outside 1..=1000 requests and 0.01..=1000 a second.
    pub fn new(burst: u32, per_second: f64) -> Result<Self, Error> {
        if (1..=1000).contains(&burst) && (0.01..=1000.0).contains(&per_second) {
            Ok(Self { burst, per_second })
        } else {
            Err(Error::invalid_argument(BAD_RATE_LIMIT))
        }
    }

    /// Requests that may go at once.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Requests a second, once the burst is spent.
    pub fn per_second(&self) -> f64 {
        self.per_second
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            burst: policy::DEFAULT_BURST,
            per_second: policy::DEFAULT_PER_SECOND,
        }
    }
}

/// The budget of one server, shared by its clients' calls and polls.
pub(crate) struct Budget {
    bucket: RefCell<Bucket>,
    /// Fires "turn" whenever a poll went or left the line: the next one looks again.
    line: EventTarget,
}

/// Why a call could not wait for its turn.
pub(crate) enum Refused {
    /// Its time would run out first.
    Timeout,
    Aborted,
}

thread_local! {
    /// The budgets of this realm, by server origin and settings. Kept while the realm
    /// lives (a few dozen bytes each): a budget must outlast the clients that come and
    /// go, as `cancelProject(id, token)` makes one per call.
    static BUDGETS: RefCell<Vec<(String, RateLimit, Rc<Budget>)>> = const { RefCell::new(Vec::new()) };
}

impl Budget {
    /// The budget of `origin` with `limit`, shared with every client that has the same.
    /// None where no `EventTarget` can be made (then requests are not held back).
    pub fn shared(origin: &str, limit: RateLimit) -> Option<Rc<Budget>> {
        BUDGETS.with(|budgets| {
            let mut budgets = budgets.borrow_mut();
            let found = budgets
                .iter()
                .find(|(o, l, _)| o == origin && *l == limit)
                .map(|(_, _, budget)| Rc::clone(budget));
            if found.is_some() {
                return found;
            }
            let budget = Rc::new(Budget {
                bucket: RefCell::new(Bucket::new(limit.burst, limit.per_second, Date::now())),
                line: EventTarget::new().ok()?,
            });
            budgets.push((origin.to_owned(), limit, Rc::clone(&budget)));
            Some(budget)
        })
    }

    /// Waits for a token for one of the user's calls, until `deadline` (ms since the
    /// epoch) or `signal`.
    pub async fn admit_call(
        &self,
        deadline: f64,
        signal: Option<&AbortSignal>,
    ) -> Result<(), Refused> {
        loop {
            let now = Date::now();
            let wait = match self.bucket.borrow_mut().take_call(now) {
                Ok(()) => return Ok(()),
                Err(wait) => wait,
            };
            if now + wait >= deadline {
                return Err(Refused::Timeout);
            }
            let _aborted = timer::sleep(wait.ceil() as u32, timer::on_abort(signal)).await;
            if signal.is_some_and(AbortSignal::aborted) {
                return Err(Refused::Aborted);
            }
        }
    }

    /// Waits in line for a poll's token; false when `signal` ended the wait.
    pub async fn admit_poll(&self, signal: &AbortSignal) -> bool {
        let mut place = InLine {
            budget: self,
            ticket: self.bucket.borrow_mut().join_line(),
            admitted: false,
        };
        while !signal.aborted() {
            let turn = self
                .bucket
                .borrow_mut()
                .take_turn(place.ticket, Date::now());
            let wake: [Wake; 2] = [
                (self.line.clone(), "turn"),
                (signal.clone().into(), "abort"),
            ];
            // However the wait ends, it looks again.
            let _woken = match turn {
                Turn::Go => {
                    place.admitted = true;
                    return true;
                }
                Turn::WaitMs(ms) => timer::sleep(ms.ceil() as u32, wake).await,
                Turn::Behind => timer::Wait::new(None, wake).await,
            };
        }
        false
    }

    /// The server answered 429: every request of this budget waits `retry_after_ms`
    /// (or a backoff, where the header could not be read).
    pub fn paused(&self, retry_after_ms: Option<u64>) {
        self.bucket.borrow_mut().pause(retry_after_ms, Date::now());
    }

    /// The server answered otherwise, telling its own count where the page can read it.
    pub fn answered(&self, remaining: Option<u32>, limit: Option<u32>) {
        self.bucket
            .borrow_mut()
            .answered(remaining, limit, Date::now());
    }
}

/// A poll's place in line, given up if it did not get its turn (however its wait
/// ended); either way the next in line looks again.
struct InLine<'a> {
    budget: &'a Budget,
    ticket: u64,
    admitted: bool,
}

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        if !self.admitted {
            self.budget.bucket.borrow_mut().leave_line(self.ticket);
        }
        if let Ok(event) = Event::new("turn") {
            let _ = self.budget.line.dispatch_event(&event);
        }
    }
}

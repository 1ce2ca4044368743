//! The request budget's arithmetic: a token bucket like the server's limiter, a
//! reserve of it that only the user's own calls may spend, a line in which polls take
//! their turn, and the pause after a 429. Pure (times in milliseconds are passed in),
//! so it is tested natively; `super` runs it with timers.

/// The default burst and rate: the real server allows a burst of 30, then 10 requests
/// a second, per client address. Two thirds of the burst and four fifths of the rate
/// leave room for timing jitter and for the page's other tabs.
pub const DEFAULT_BURST: u32 = 20;
pub const DEFAULT_PER_SECOND: f64 = 8.0;

/// The first wait after a 429 that did not say how long (the header is unreadable
/// across origins); it doubles with each such 429 in a row, up to the cap.
const BLIND_PAUSE_MS: f64 = 1_000.0;
const MAX_BLIND_PAUSE_MS: f64 = 30_000.0;

/// What a poll waiting for its turn is told.
#[derive(Debug, PartialEq)]
pub enum Turn {
    /// A token is taken for it: send.
    Go,
    /// It is first in line: ask again after this many milliseconds.
    WaitMs(f64),
    /// Polls ahead of it go first: ask again when one of them went or left.
    Behind,
}

/// A token bucket of `burst` requests refilled at `per_second`, shared by the calls
/// and the polls of one server.
#[derive(Debug)]
pub struct Bucket {
    burst: f64,
    per_ms: f64,
    /// Tokens at `at`; below zero when the server said it has fewer than we thought.
    tokens: f64,
    at: f64,
    paused_until: f64,
    blind_pauses: u32,
    /// Tickets of the polls waiting, first come first served.
    line: Vec<u64>,
    next_ticket: u64,
}

impl Bucket {
    /// A full bucket at `now`.
    pub fn new(burst: u32, per_second: f64, now: f64) -> Self {
        Self {
            burst: f64::from(burst),
            per_ms: per_second / 1_000.0,
            tokens: f64::from(burst),
            at: now,
            paused_until: 0.0,
            blind_pauses: 0,
            line: Vec::new(),
            next_ticket: 0,
        }
    }

    fn refill(&mut self, now: f64) {
        if now > self.at {
            self.tokens = (self.tokens + (now - self.at) * self.per_ms).min(self.burst);
            self.at = now;
        }
    }

    /// Tokens that polls leave for the user's calls: a quarter of the burst, so that a
    /// click on "Cancel" goes out at once however many watches wait.
    fn reserve(&self) -> f64 {
        (self.burst / 4.0).floor()
    }

    /// Milliseconds until the bucket holds `tokens`, or until the pause ends.
    fn wait_for(&self, tokens: f64, now: f64) -> f64 {
        let refill = (tokens - self.tokens).max(0.0) / self.per_ms;
        refill.max(self.paused_until - now)
    }

    /// A token for one of the user's calls at `now`, or the milliseconds to wait for
    /// one. Calls go ahead of every poll: they may spend the reserve.
    pub fn take_call(&mut self, now: f64) -> Result<(), f64> {
        self.refill(now);
        if now >= self.paused_until && self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.wait_for(1.0, now).max(1.0))
        }
    }

    /// A place in the polls' line.
    pub fn join_line(&mut self) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.line.push(ticket);
        ticket
    }

    /// Gives up a place in the line (the poll was stopped).
    pub fn leave_line(&mut self, ticket: u64) {
        self.line.retain(|t| *t != ticket);
    }

    /// Whether the poll holding `ticket` may send at `now`: only the first in line may,
    /// and only while the bucket holds more than the reserve. Taking a token leaves the
    /// line.
    pub fn take_turn(&mut self, ticket: u64, now: f64) -> Turn {
        if self.line.first() != Some(&ticket) {
            return Turn::Behind;
        }
        self.refill(now);
        let needed = self.reserve() + 1.0;
        if now >= self.paused_until && self.tokens >= needed {
            self.tokens -= 1.0;
            self.line.remove(0);
            Turn::Go
        } else {
            Turn::WaitMs(self.wait_for(needed, now).max(1.0))
        }
    }

    /// A 429: nothing is sent before `retry_after_ms` from `now`, or, where the server's
    /// `Retry-After` could not be read, before a backoff that doubles with each such
    /// 429 in a row. The bucket starts again from empty.
    pub fn pause(&mut self, retry_after_ms: Option<u64>, now: f64) {
        let wait = match retry_after_ms {
            Some(ms) => ms as f64,
            None => {
                let doublings = self.blind_pauses.min(8);
                self.blind_pauses += 1;
                (BLIND_PAUSE_MS * f64::from(1u32 << doublings)).min(MAX_BLIND_PAUSE_MS)
            }
        };
        self.refill(now);
        self.tokens = self.tokens.min(0.0);
        self.paused_until = self.paused_until.max(now + wait);
    }

    /// An answer other than 429, with the server's own count of its tokens where the
    /// page can read it (`X-RateLimit-Remaining` of `X-RateLimit-Limit`): the bucket
    /// keeps no more than that count, less the margin the defaults keep, so that other
    /// tabs and clients of the same address are taken into account.
    pub fn answered(&mut self, remaining: Option<u32>, limit: Option<u32>, now: f64) {
        self.blind_pauses = 0;
        if let (Some(remaining), Some(limit)) = (remaining, limit) {
            self.refill(now);
            let margin = (f64::from(limit) - self.burst).max(0.0);
            self.tokens = self.tokens.min(f64::from(remaining) - margin);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn bucket() -> Bucket {
        Bucket::new(DEFAULT_BURST, DEFAULT_PER_SECOND, 0.0)
    }

    #[test]
    fn a_full_bucket_lets_a_burst_of_calls_go_then_one_per_refill() {
        let mut b = bucket();
        for _ in 0..20 {
            assert_eq!(b.take_call(0.0), Ok(()));
        }
        // 8 a second: the next token is 125 ms away.
        assert_eq!(b.take_call(0.0), Err(125.0));
        assert_eq!(b.take_call(125.0), Ok(()));
        assert_eq!(b.take_call(125.0), Err(125.0));
    }

    #[test]
    fn never_holds_more_than_the_burst() {
        let mut b = bucket();
        b.take_call(0.0).unwrap();
        for _ in 0..20 {
            b.take_call(3_600_000.0).unwrap();
        }
        assert!(b.take_call(3_600_000.0).is_err());
    }

    #[test]
    fn polls_leave_a_quarter_of_the_burst_to_calls() {
        let mut b = bucket();
        let mut sent = 0;
        loop {
            let ticket = b.join_line();
            match b.take_turn(ticket, 0.0) {
                Turn::Go => sent += 1,
                Turn::WaitMs(ms) => {
                    // One token more than the reserve of 5 is 125 ms away.
                    assert_eq!(ms, 125.0);
                    b.leave_line(ticket);
                    break;
                }
                Turn::Behind => unreachable!("alone in line"),
            }
        }
        assert_eq!(sent, 15);
        // The reserve is the user's: five calls go at once, with polls waiting.
        let waiting = b.join_line();
        for _ in 0..5 {
            assert_eq!(b.take_call(0.0), Ok(()));
        }
        assert!(b.take_call(0.0).is_err());
        assert!(matches!(b.take_turn(waiting, 0.0), Turn::WaitMs(_)));
    }

    #[test]
    fn polls_take_their_turns_in_the_order_they_came() {
        let mut b = Bucket::new(4, 1.0, 0.0);
        let tickets: Vec<u64> = (0..3).map(|_| b.join_line()).collect();
        // The reserve of 1: three tokens for polls, one at a time in order.
        assert_eq!(b.take_turn(tickets[1], 0.0), Turn::Behind);
        assert_eq!(b.take_turn(tickets[0], 0.0), Turn::Go);
        assert_eq!(b.take_turn(tickets[2], 0.0), Turn::Behind);
        assert_eq!(b.take_turn(tickets[1], 0.0), Turn::Go);
        assert_eq!(b.take_turn(tickets[2], 0.0), Turn::Go);
        // A poll that came back waits behind one that came before it.
        let late = b.join_line();
        let later = b.join_line();
        assert_eq!(b.take_turn(later, 5_000.0), Turn::Behind);
        assert_eq!(b.take_turn(late, 5_000.0), Turn::Go);
        assert_eq!(b.take_turn(later, 5_000.0), Turn::Go);
    }

    #[test]
    fn a_poll_that_leaves_the_line_lets_the_next_one_go() {
        let mut b = bucket();
        let first = b.join_line();
        let second = b.join_line();
        assert_eq!(b.take_turn(second, 0.0), Turn::Behind);
        b.leave_line(first);
        assert_eq!(b.take_turn(second, 0.0), Turn::Go);
    }

    #[test]
    fn many_polls_share_the_rate_and_none_waits_forever() {
        // 40 watches each polling as soon as it may, for a minute: every one is served
        // about equally often, and together they stay at the budget's rate.
        let mut b = bucket();
        let mut served = [0u32; 40];
        let mut line: std::collections::VecDeque<(usize, u64)> =
            (0..40).map(|w| (w, b.join_line())).collect();
        let mut now = 0.0;
        let mut sent = 0u32;
        while now < 60_000.0 {
            let Some(&(watch, ticket)) = line.front() else {
                break;
            };
            match b.take_turn(ticket, now) {
                Turn::Go => {
                    served[watch] += 1;
                    sent += 1;
                    line.pop_front();
                    line.push_back((watch, b.join_line()));
                }
                Turn::WaitMs(ms) => now += ms,
                Turn::Behind => unreachable!("the front is first in line"),
            }
        }
        let (fewest, most) = (*served.iter().min().unwrap(), *served.iter().max().unwrap());
        assert!(most - fewest <= 1, "{served:?}");
        // The first 15 at once, then 8 a second.
        assert!(sent <= 15 + 8 * 60 + 1, "{sent}");
        assert!(sent >= 8 * 60 - 1, "{sent}");
    }

    #[test]
    fn a_429_pauses_everyone_until_its_retry_after() {
        let mut b = bucket();
        b.pause(Some(1_000), 0.0);
        assert_eq!(b.take_call(0.0), Err(1_000.0));
        let ticket = b.join_line();
        assert_eq!(b.take_turn(ticket, 999.0), Turn::WaitMs(1.0));
        // Meanwhile it refilled from empty, as the server's does: 8 tokens after 1 s,
        // three more than polls leave to calls.
        assert_eq!(b.take_turn(ticket, 1_000.0), Turn::Go);
        for _ in 0..2 {
            let again = b.join_line();
            assert_eq!(b.take_turn(again, 1_000.0), Turn::Go);
        }
        let fourth = b.join_line();
        assert_eq!(b.take_turn(fourth, 1_000.0), Turn::WaitMs(125.0));
        assert_eq!(b.take_call(1_000.0), Ok(()));
    }

    #[test]
    fn a_429_without_a_readable_retry_after_backs_off_until_an_answer_comes() {
        let mut b = bucket();
        let pauses: Vec<f64> = (0..7)
            .map(|_| {
                b.pause(None, 0.0);
                let wait = b.wait_for(0.0, 0.0);
                b.paused_until = 0.0;
                wait
            })
            .collect();
        assert_eq!(
            pauses,
            [1_000.0, 2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0, 30_000.0]
        );
        b.answered(None, None, 0.0);
        b.pause(None, 0.0);
        assert_eq!(b.wait_for(0.0, 0.0), 1_000.0);
    }

    #[test]
    fn the_servers_own_count_lowers_the_bucket_less_the_margin() {
        let mut b = bucket();
        // Another tab spent most of the server's 30: 12 left, less the margin of 10.
        b.answered(Some(12), Some(30), 0.0);
        assert_eq!(b.take_call(0.0), Ok(()));
        assert_eq!(b.take_call(0.0), Ok(()));
        assert!(b.take_call(0.0).is_err());
        // A full server never raises the bucket above what it holds.
        b.answered(Some(30), Some(30), 0.0);
        assert!(b.take_call(0.0).is_err());
        // Without both headers (a cross-origin page) the bucket keeps its own count.
        let mut b = bucket();
        b.answered(Some(0), None, 0.0);
        assert_eq!(b.take_call(0.0), Ok(()));
    }

    #[test]
    fn a_budget_of_one_has_no_reserve() {
        let mut b = Bucket::new(1, 1.0, 0.0);
        let ticket = b.join_line();
        assert_eq!(b.take_turn(ticket, 0.0), Turn::Go);
        assert_eq!(b.take_call(0.0), Err(1_000.0));
    }
}

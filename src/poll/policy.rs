//! When a shared poll polls, and which errors it outlives: pure, with the random number
//! passed in, so it is tested natively.

use crate::error::{Error, ErrorKind};
use crate::options::MAX_TIMEOUT;
use crate::retry::Outcome;
use std::time::Duration;

/// The interval when none is given.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);
pub const DEFAULT_INTERVAL_MS: u32 = DEFAULT_INTERVAL.as_millis() as u32;
/// The shortest interval: a shorter one is raised to it, so that a typo cannot hammer
/// the server.
pub const MIN_INTERVAL: Duration = Duration::from_millis(250);
/// A hidden page polls this many times less often.
const HIDDEN_SLOWDOWN: u64 = 10;
/// The longest backoff after failed polls, unless the server asks for longer.
const MAX_BACKOFF_MS: u64 = 60_000;

/// `interval` in whole milliseconds, at least [`MIN_INTERVAL`] and short enough that a
/// hidden page's tenfold wait still fits a browser timer.
pub fn interval_ms(interval: Option<Duration>) -> u32 {
    let longest = MAX_TIMEOUT.as_millis() / u128::from(HIDDEN_SLOWDOWN);
    let ms = interval.unwrap_or(DEFAULT_INTERVAL).as_millis();
    ms.clamp(MIN_INTERVAL.as_millis(), longest) as u32
}

/// The wait before the next poll: the interval (ten times it on a hidden page), or,
/// after `failures` transient failures in a row, a backoff that doubles from there
/// with jitter (`random` uniform in [0, 1)), or as long as the server's `Retry-After`
/// asks. Never shorter than the interval.
pub fn delay_ms(
    interval_ms: u32,
    hidden: bool,
    failures: u32,
    retry_after_ms: Option<u64>,
    random: f64,
) -> u32 {
    let base = u64::from(interval_ms) * if hidden { HIDDEN_SLOWDOWN } else { 1 };
    let delay = match (failures, retry_after_ms) {
        (0, _) => base,
        (_, Some(asked)) => asked.max(base),
        (n, None) => {
            let window = (base << n.min(16)).min(MAX_BACKOFF_MS.max(base));
            // Half the window and a random part of the other half: spread out, but no
            // sooner than the interval.
            let jitter = (random.clamp(0.0, 1.0) * (window / 2) as f64) as u64;
            (window / 2 + jitter).max(base)
        }
    };
    delay.min(MAX_TIMEOUT.as_millis() as u64) as u32
}

/// Whether a watch outlives the error and polls again: what the retry policy calls
/// transient (no answer, 408, 429, 502, 503, 504, a 500 with `Retry-After`). Anything
/// else (`not_found` after a delete, `unauthorized`, …) ends it.
pub fn is_transient(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Network | ErrorKind::Timeout => true,
        ErrorKind::RateLimited | ErrorKind::Server | ErrorKind::Http => {
            error.status().is_some_and(|status| {
                Outcome::Answer {
                    status,
                    retry_after_ms: error.retry_after().map(|d| d.as_millis() as u64),
                }
                .is_retryable()
            })
        }
        _ => false,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn intervals_default_to_two_seconds_and_never_go_below_a_quarter() {
        assert_eq!(interval_ms(None), 2_000);
        assert_eq!(interval_ms(Some(Duration::from_millis(1))), 250);
        assert_eq!(interval_ms(Some(Duration::ZERO)), 250);
        assert_eq!(interval_ms(Some(Duration::from_millis(251))), 251);
        assert_eq!(interval_ms(Some(Duration::MAX)), 214_748_364);
    }

    #[test]
    fn a_healthy_watch_waits_the_interval_and_a_hidden_page_ten_times_it() {
        assert_eq!(delay_ms(2_000, false, 0, None, 0.7), 2_000);
        assert_eq!(delay_ms(2_000, true, 0, None, 0.7), 20_000);
        // A Retry-After of a past failure no longer matters once a poll succeeded.
        assert_eq!(delay_ms(2_000, false, 0, Some(30_000), 0.7), 2_000);
    }

    #[test]
    fn failures_back_off_doubling_with_jitter_up_to_a_minute() {
        let range = |failures| {
            (
                delay_ms(1_000, false, failures, None, 0.0),
                delay_ms(1_000, false, failures, None, 0.999_999),
            )
        };
        assert_eq!(range(1), (1_000, 1_999));
        assert_eq!(range(2), (2_000, 3_999));
        assert_eq!(range(3), (4_000, 7_999));
        assert_eq!(range(10), (30_000, 59_999));
        assert_eq!(range(u32::MAX), (30_000, 59_999));
        // Never sooner than the interval, however the jitter falls.
        assert_eq!(delay_ms(250, false, 1, None, f64::NAN), 250);
        // A hidden page backs off from its own slower pace.
        assert_eq!(delay_ms(1_000, true, 1, None, 0.0), 10_000);
    }

    #[test]
    fn retry_after_is_honoured_but_never_sooner_than_the_interval() {
        assert_eq!(delay_ms(250, false, 1, Some(1_000), 0.5), 1_000);
        assert_eq!(delay_ms(2_000, false, 3, Some(1_000), 0.5), 2_000);
        assert_eq!(delay_ms(250, false, 1, Some(600_000), 0.5), 600_000);
        assert_eq!(
            delay_ms(250, false, 1, Some(u64::MAX), 0.5),
            MAX_TIMEOUT.as_millis() as u32
        );
    }

    #[test]
    fn only_what_the_retry_policy_calls_transient_is_outlived() {
        let answer = |status, retry_after: Option<u64>| {
            crate::error::from_answer(status, crate::error::Detail::None, retry_after, "t0ken")
        };
        for transient in [
            answer(429, Some(1_000)),
            answer(429, None),
            answer(503, None),
            answer(502, None),
            answer(504, None),
            answer(408, None),
            answer(500, Some(0)),
            Error::new(ErrorKind::Network, "offline"),
            Error::new(ErrorKind::Timeout, "slow"),
        ] {
            assert!(is_transient(&transient), "{transient:?}");
        }
        for ending in [
            answer(404, None),
            answer(401, None),
            answer(403, None),
            answer(500, None),
            answer(400, None),
            Error::invalid_argument("bad id"),
            Error::new(ErrorKind::Aborted, "aborted"),
            Error::new(ErrorKind::InvalidResponse, "bad body"),
        ] {
            assert!(!is_transient(&ending), "{ending:?}");
        }
    }
}

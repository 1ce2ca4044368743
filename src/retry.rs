//! When a failed attempt is worth repeating, and how long to wait first. The one place
//! that knows about retries; pure, with the random number passed in, so it is tested
//! natively.

/// Retries after the first attempt, unless the caller says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Most retries a caller may ask for: more only hammers a struggling server.
pub const MAX_MAX_RETRIES: u32 = 10;
/// The first backoff window; it doubles with each retry, up to the cap.
const BASE_DELAY_MS: f64 = 500.0;
const MAX_BACKOFF_MS: f64 = 8_000.0;
/// The longest `Retry-After` worth waiting for; a server that asks for more gets its
/// error reported at once.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// How an attempt ended, as far as retrying goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered (not with 2xx).
    Answer {
        status: u16,
        retry_after_ms: Option<u64>,
    },
    /// No answer: the connection failed or the attempt timed out.
    NoAnswer,
}

impl Outcome {
    /// Safe and useful to try again: no answer, or an answer that says "later"
    /// (408, 429, 502, 503, 504, and a 500 that asks to retry after a while).
    pub fn is_retryable(self) -> bool {
        match self {
            Self::NoAnswer => true,
            Self::Answer {
                status,
                retry_after_ms,
            } => {
                matches!(status, 408 | 429 | 502 | 503 | 504)
                    || (status == 500 && retry_after_ms.is_some())
            }
        }
    }

    /// Whether the server may have carried the request out although no success
    /// answer reached us: the answer was lost, or a proxy failed after passing it on.
    pub fn may_have_applied(self) -> bool {
        match self {
            Self::NoAnswer => true,
            Self::Answer { status, .. } => status >= 500,
        }
    }
}

/// Whether a request may be sent twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// A second delivery changes nothing or can be read back (reads, transitions,
    /// delete).
    Repeatable,
    /// Each delivery acts again (`start` creates a project each time): retried only
    /// when the server surely did not act on it (408, 429).
    Once,
}

/// The wait before the next attempt, after `attempts` attempts ended with `outcome`, or
/// None to give up and report it. `random` is uniform in [0, 1).
///
/// Backoff is exponential with full jitter (a random wait up to 0.5 s, 1 s, 2 s, … 8 s),
/// so that many clients retrying together spread out; a `Retry-After` is honoured
/// instead, up to 60 s.
pub fn delay_ms(
    outcome: Outcome,
    delivery: Delivery,
    attempts: u32,
    max_retries: u32,
    random: f64,
) -> Option<u64> {
    let unsafe_twice = delivery == Delivery::Once && outcome.may_have_applied();
    if attempts > max_retries || !outcome.is_retryable() || unsafe_twice {
        return None;
    }
    if let Outcome::Answer {
        retry_after_ms: Some(ms),
        ..
    } = outcome
    {
        return (ms <= MAX_RETRY_AFTER_MS).then_some(ms);
    }
    let doublings = attempts.saturating_sub(1).min(16);
    let window = (BASE_DELAY_MS * f64::from(1u32 << doublings)).min(MAX_BACKOFF_MS);
    Some((random.clamp(0.0, 1.0) * window) as u64)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn answer(status: u16) -> Outcome {
        Outcome::Answer {
            status,
            retry_after_ms: None,
        }
    }

    #[test]
    fn retries_only_what_is_safe_to_retry() {
        for status in [408, 429, 502, 503, 504] {
            assert!(answer(status).is_retryable(), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422, 500, 501, 505, 418] {
            assert!(!answer(status).is_retryable(), "{status}");
        }
        assert!(Outcome::NoAnswer.is_retryable());
        assert!(Outcome::Answer {
            status: 500,
            retry_after_ms: Some(0)
        }
        .is_retryable());
    }

    #[test]
    fn backoff_doubles_from_half_a_second_up_to_eight_with_full_jitter() {
        let top = |attempts| {
            delay_ms(
                Outcome::NoAnswer,
                Delivery::Repeatable,
                attempts,
                10,
                0.999_999,
            )
            .unwrap()
        };
        assert_eq!(
            [top(1), top(2), top(3), top(4), top(5), top(6), top(10)],
            [499, 999, 1999, 3999, 7999, 7999, 7999]
        );
        assert_eq!(
            delay_ms(Outcome::NoAnswer, Delivery::Repeatable, 3, 10, 0.0),
            Some(0)
        );
        assert_eq!(
            delay_ms(answer(503), Delivery::Repeatable, 1, 2, 0.5),
            Some(250)
        );
    }

    #[test]
    fn stops_after_max_retries() {
        assert!(delay_ms(Outcome::NoAnswer, Delivery::Repeatable, 2, 2, 0.5).is_some());
        assert_eq!(
            delay_ms(Outcome::NoAnswer, Delivery::Repeatable, 3, 2, 0.5),
            None
        );
        assert_eq!(
            delay_ms(Outcome::NoAnswer, Delivery::Repeatable, 1, 0, 0.5),
            None
        );
    }

    #[test]
    fn honours_retry_after_up_to_a_minute() {
        let asked = |ms| {
            delay_ms(
                Outcome::Answer {
                    status: 429,
                    retry_after_ms: Some(ms),
                },
                Delivery::Repeatable,
                1,
                2,
                0.9,
            )
        };
        assert_eq!(asked(1_000), Some(1_000));
        assert_eq!(asked(60_000), Some(60_000));
        assert_eq!(asked(60_001), None);
        assert_eq!(asked(0), Some(0));
    }

    #[test]
    fn gives_up_at_once_on_what_cannot_succeed_later() {
        assert_eq!(delay_ms(answer(400), Delivery::Repeatable, 1, 5, 0.5), None);
        assert_eq!(delay_ms(answer(500), Delivery::Repeatable, 1, 5, 0.5), None);
    }

    #[test]
    fn a_lost_answer_or_a_failing_proxy_may_have_applied_the_request() {
        assert!(Outcome::NoAnswer.may_have_applied());
        assert!(answer(502).may_have_applied());
        assert!(!answer(429).may_have_applied());
        assert!(!answer(408).may_have_applied());
    }

    #[test]
    fn random_values_out_of_range_are_clamped() {
        assert_eq!(
            delay_ms(Outcome::NoAnswer, Delivery::Repeatable, 1, 2, 7.0),
            Some(500)
        );
        assert_eq!(
            delay_ms(Outcome::NoAnswer, Delivery::Repeatable, 1, 2, -1.0),
            Some(0)
        );
        assert_eq!(
            delay_ms(Outcome::NoAnswer, Delivery::Repeatable, 1, 2, f64::NAN),
            Some(0)
        );
    }

    #[test]
    fn a_request_that_acts_on_each_delivery_is_retried_only_when_it_surely_did_not_arrive() {
        let once = |outcome| delay_ms(outcome, Delivery::Once, 1, 5, 0.5);
        assert_eq!(once(answer(429)), Some(250));
        assert_eq!(once(answer(408)), Some(250));
        for outcome in [Outcome::NoAnswer, answer(502), answer(503), answer(504)] {
            assert_eq!(once(outcome), None, "{outcome:?}");
            assert!(delay_ms(outcome, Delivery::Repeatable, 1, 5, 0.5).is_some());
        }
    }
}

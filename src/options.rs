//! How long and how often a call may try, and what may stop it: [`CallOptions`], and
//! the checks that turn them into the limits of one call.

use crate::error::Error;
use crate::retry::{DEFAULT_MAX_RETRIES, MAX_MAX_RETRIES};
use std::time::Duration;
use web_sys::AbortSignal;

/// The whole call's time when none is given: long enough for a slow answer, short
/// enough that a dead connection does not leave a button spinning.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest wait a browser timer can hold: 2^31 - 1 ms (about 24.8 days).
pub const MAX_TIMEOUT: Duration = Duration::from_millis(2_147_483_647);

/// Per-call choices: timeouts, retries and an abort signal. Unset fields fall back to
/// the client's options, then to the defaults (30 s overall, 2 retries).
///
/// ```
/// use deepwork_client::CallOptions;
/// use std::time::Duration;
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(10))
///     .attempt_timeout(Duration::from_secs(3))
///     .max_retries(4);
/// assert_eq!(options.max_retries, Some(4));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// The whole call, retries and the waits between them included. When it runs out
    /// the request is aborted and the call fails with kind `Timeout`.
    pub timeout: Option<Duration>,
    /// One attempt before it is aborted and retried (default: what `timeout` leaves).
    pub attempt_timeout: Option<Duration>,
    /// Retries after the first attempt, 0 to 10 (default 2). Only what is safe to
    /// repeat is retried: no answer, 408, 429, 502, 503, 504, and a 500 with
    /// `Retry-After`.
    pub max_retries: Option<u32>,
    /// Aborts the request in flight and any retry; the call then fails with kind
    /// `Aborted`. (Dropping the call's future aborts its request too.)
    pub signal: Option<AbortSignal>,
}

impl CallOptions {
    /// No choices: every limit from the client or the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`CallOptions::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets [`CallOptions::attempt_timeout`].
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Sets [`CallOptions::max_retries`].
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Sets [`CallOptions::signal`].
    pub fn signal(mut self, signal: AbortSignal) -> Self {
        self.signal = Some(signal);
        self
    }

    /// These options, with each unset one taken from `defaults`.
    pub(crate) fn or(&self, defaults: &CallOptions) -> CallOptions {
        CallOptions {
            timeout: self.timeout.or(defaults.timeout),
            attempt_timeout: self.attempt_timeout.or(defaults.attempt_timeout),
            max_retries: self.max_retries.or(defaults.max_retries),
            signal: self.signal.clone().or_else(|| defaults.signal.clone()),
        }
    }

    /// The checked limits of one call.
    pub(crate) fn limits(&self) -> Result<Limits, Error> {
        let timeout_ms = match self.timeout {
            Some(timeout) => whole_ms(timeout).map_err(Error::invalid_argument)?,
            None => DEFAULT_TIMEOUT.as_millis() as u32,
        };
        let attempt_timeout_ms = match self.attempt_timeout {
            Some(timeout) => whole_ms(timeout).map_err(Error::invalid_argument)?,
            None => timeout_ms,
        };
        let max_retries = match self.max_retries {
            Some(n) if n > MAX_MAX_RETRIES => return Err(Error::invalid_argument(BAD_RETRIES)),
            Some(n) => n,
            None => DEFAULT_MAX_RETRIES,
        };
        Ok(Limits {
            timeout_ms,
            attempt_timeout_ms,
            max_retries,
        })
    }
}

/// The limits of one call, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    pub timeout_ms: u32,
    pub attempt_timeout_ms: u32,
    pub max_retries: u32,
}

pub(crate) const BAD_TIMEOUT: &str =
    "timeout and attempt_timeout must be from 1 ms to 2147483647 ms (about 24.8 days)";
pub(crate) const BAD_RETRIES: &str = "max_retries must be from 0 to 10";

/// A timeout in whole milliseconds, within what a browser timer can wait.
pub(crate) fn whole_ms(timeout: Duration) -> Result<u32, &'static str> {
    if timeout < Duration::from_millis(1) || timeout > MAX_TIMEOUT {
        return Err(BAD_TIMEOUT);
    }
    Ok(timeout.as_millis() as u32)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn unset_limits_take_the_defaults() {
        assert_eq!(
            CallOptions::new().limits().ok(),
            Some(Limits {
                timeout_ms: 30_000,
                attempt_timeout_ms: 30_000,
                max_retries: 2
            })
        );
        let limits = CallOptions::new()
            .timeout(Duration::from_secs(5))
            .limits()
            .ok();
        assert_eq!(limits.map(|l| l.attempt_timeout_ms), Some(5_000));
    }

    #[test]
    fn per_call_options_override_the_clients() {
        let client = CallOptions::new()
            .timeout(Duration::from_secs(9))
            .max_retries(5);
        let call = CallOptions::new().max_retries(0).or(&client);
        assert_eq!(
            (call.timeout, call.max_retries),
            (Some(Duration::from_secs(9)), Some(0))
        );
    }

    #[test]
    fn limits_out_of_range_are_invalid_arguments() {
        for options in [
            CallOptions::new().timeout(Duration::ZERO),
            CallOptions::new().timeout(Duration::from_micros(999)),
            CallOptions::new().attempt_timeout(MAX_TIMEOUT + Duration::from_millis(1)),
            CallOptions::new().max_retries(11),
        ] {
            let e = options.limits().expect_err("refused");
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        }
        assert!(CallOptions::new()
            .timeout(MAX_TIMEOUT)
            .max_retries(10)
            .limits()
            .is_ok());
    }
}

//! Reading the options objects JS passes in. Every value is checked here, so a typo or
//! a wrong type is an `invalid_argument` error before any request, never a panic.

use crate::budget::RateLimit;
use crate::client::{DeepWorkClient, DEFAULT_BASE_URL};
use crate::error::Error;
use crate::model::{field, GoalAnalysis, ProjectStatus, ResearchDepth};
use crate::options::CallOptions;
use crate::request::{ProjectFilter, BAD_DEPTH, BAD_LIMIT, BAD_STATUS};
use crate::retry::MAX_MAX_RETRIES;
use js_sys::{Array, Function, Object, Reflect};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

/// What one options object may carry; which keys are allowed depends on where it is
/// passed.
#[derive(Default)]
pub struct JsOptions {
    pub token: Option<String>,
    pub base_url: Option<String>,
    pub call: CallOptions,
    /// `startProject`'s.
    pub research_depth: Option<ResearchDepth>,
    pub goal_analysis: Option<GoalAnalysis>,
    /// `listProjects`'s.
    pub filter: ProjectFilter,
    /// The watches' and `waitForProject`'s.
    pub interval: Option<Duration>,
    pub on_state_change: Option<Function>,
    /// `waitForProject`'s, as JS gave it (checked where it is used).
    pub until: JsValue,
    /// The client's: `Some(None)` for `false` (no budget).
    pub rate_limit: Option<Option<RateLimit>>,
}

impl JsOptions {
    /// A client of `baseUrl` (the docs' local server when unset) with `token` and these
    /// options for its calls.
    pub fn client(self, token: &str) -> Result<DeepWorkClient, Error> {
        let base_url = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let client = DeepWorkClient::new(base_url, token)?.with_options(self.call);
        Ok(match self.rate_limit {
            Some(limit) => client.with_rate_limit(limit),
            None => client,
        })
    }
}

/// Keys of `cancelProject(id, token, options)`.
pub const FUNCTION_KEYS: [&str; 6] = [
    "baseUrl",
    "signal",
    "timeoutMs",
    "attemptTimeoutMs",
    "maxRetries",
    "rateLimit",
];
/// Keys of `new DeepWorkClient(options)`.
pub const CLIENT_KEYS: [&str; 6] = [
    "token",
    "baseUrl",
    "timeoutMs",
    "attemptTimeoutMs",
    "maxRetries",
    "rateLimit",
];
/// Keys of a client method's options.
pub const METHOD_KEYS: [&str; 4] = ["signal", "timeoutMs", "attemptTimeoutMs", "maxRetries"];
/// Keys of `startProject`'s options.
pub const START_KEYS: [&str; 6] = [
    "researchDepth",
    "goalAnalysis",
    "signal",
    "timeoutMs",
    "attemptTimeoutMs",
    "maxRetries",
];
/// Keys of `listProjects`'s options.
pub const LIST_KEYS: [&str; 6] = [
    "status",
    "limit",
    "signal",
    "timeoutMs",
    "attemptTimeoutMs",
    "maxRetries",
];

/// Keys of `watchProject`'s options: each poll is one attempt, so no retry options.
pub const WATCH_KEYS: [&str; 4] = ["intervalMs", "signal", "timeoutMs", "onStateChange"];
/// Keys of `watchProjects`'s options: a watch's and a list's.
pub const WATCH_LIST_KEYS: [&str; 6] = [
    "status",
    "limit",
    "intervalMs",
    "signal",
    "timeoutMs",
    "onStateChange",
];
/// Keys of `waitForProject`'s options; its `timeoutMs` is the whole wait's.
pub const WAIT_KEYS: [&str; 5] = [
    "until",
    "timeoutMs",
    "signal",
    "intervalMs",
    "onStateChange",
];

// JS's own names, for what the JS layer checks before the Rust API sees it.
pub(crate) const BAD_INTERVAL: &str =
    "intervalMs must be a number of milliseconds (from 250; less is raised to 250)";
const BAD_TIMEOUT: &str =
    "timeoutMs and attemptTimeoutMs must be whole numbers of milliseconds from 1 to 2147483647";
const BAD_RETRIES: &str = "maxRetries must be a whole number from 0 to 10";
const BAD_RATE_LIMIT: &str =
    "rateLimit must be false or { burst, perSecond }: a whole burst from 1 to 1000 and a rate from 0.01 to 1000 a second";

/// Reads `value` (an options object, or undefined/null for none), accepting only the
/// keys in `allowed`.
pub fn read(value: &JsValue, allowed: &[&str]) -> Result<JsOptions, Error> {
    let mut options = JsOptions::default();
    if value.is_undefined() || value.is_null() {
        return Ok(options);
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(Error::invalid_argument("options must be an object"));
    }
    let object: &Object = value.unchecked_ref();
    for key in Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        if !allowed.contains(&name.as_str()) {
            let mut message = String::from("unknown option \"");
            message.extend(name.chars().take(64));
            message.push_str("\"; expected one of:");
            for option in allowed {
                message.push(' ');
                message.push_str(option);
            }
            return Err(Error::invalid_argument(&message));
        }
        let item = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
        if item.is_undefined() {
            continue;
        }
        let call = &mut options.call;
        match name.as_str() {
            "token" => options.token = Some(string(&item, "token must be a string")?),
            "baseUrl" => options.base_url = Some(string(&item, "baseUrl must be a string")?),
            "timeoutMs" => call.timeout = Some(duration(&item)?),
            "attemptTimeoutMs" => call.attempt_timeout = Some(duration(&item)?),
            "maxRetries" => {
                let n = item.as_f64().ok_or(BAD_RETRIES);
                let n = n.and_then(retries_from_number);
                call.max_retries = Some(n.map_err(Error::invalid_argument)?);
            }
            "researchDepth" => {
                let depth = string(&item, BAD_DEPTH)?;
                options.research_depth = Some(ResearchDepth::from(depth.as_str()));
            }
            // null says "none", as JSON would.
            "goalAnalysis" if !item.is_null() => {
                options.goal_analysis = Some(GoalAnalysis::new(item));
            }
            "status" => {
                let status = string(&item, BAD_STATUS)?;
                options.filter.status = Some(ProjectStatus::from(status.as_str()));
            }
            "limit" => {
                let limit = item.as_f64().ok_or(BAD_LIMIT).and_then(limit_from_number);
                options.filter.limit = Some(limit.map_err(Error::invalid_argument)?);
            }
            "intervalMs" => {
                let ms = item.as_f64().ok_or(BAD_INTERVAL).and_then(interval_from_ms);
                options.interval = Some(ms.map_err(Error::invalid_argument)?);
            }
            "signal" => {
                let signal = item
                    .dyn_into::<AbortSignal>()
                    .map_err(|_| Error::invalid_argument("signal must be an AbortSignal"))?;
                call.signal = Some(signal);
            }
            "onStateChange" => {
                let listener = item
                    .dyn_into::<Function>()
                    .map_err(|_| Error::invalid_argument("onStateChange must be a function"))?;
                options.on_state_change = Some(listener);
            }
            "until" => options.until = item,
            "rateLimit" => options.rate_limit = Some(rate_limit(&item)?),
            _ => {}
        }
    }
    Ok(options)
}

/// A string argument, or the given invalid_argument error.
pub fn string(value: &JsValue, message: &str) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::invalid_argument(message))
}

/// A timeout given in JS as a number of milliseconds.
pub fn duration_from_ms(ms: f64) -> Result<Duration, &'static str> {
    if (1.0..=2_147_483_647.0).contains(&ms) && f64::from(ms as u32) == ms {
        Ok(Duration::from_millis(ms as u64))
    } else {
        Err(BAD_TIMEOUT)
    }
}

/// A list limit given in JS as a number: a whole number from 1 (the filter's own
/// check refuses 0).
pub fn limit_from_number(n: f64) -> Result<u32, &'static str> {
    if (1.0..=f64::from(u32::MAX)).contains(&n) && f64::from(n as u32) == n {
        Ok(n as u32)
    } else {
        Err(BAD_LIMIT)
    }
}

/// A watch's interval given in JS as a number of milliseconds: any that is not
/// negative (the watch raises a short one to its minimum).
pub fn interval_from_ms(ms: f64) -> Result<Duration, &'static str> {
    if ms >= 0.0 && ms.is_finite() {
        Ok(Duration::from_millis(ms.min(u32::MAX as f64) as u64))
    } else {
        Err(BAD_INTERVAL)
    }
}

/// A retry count given in JS as a number.
pub fn retries_from_number(n: f64) -> Result<u32, &'static str> {
    if (0.0..=f64::from(MAX_MAX_RETRIES)).contains(&n) && f64::from(n as u32) == n {
        Ok(n as u32)
    } else {
        Err(BAD_RETRIES)
    }
}

/// `false`, or `{ burst, perSecond }`.
fn rate_limit(value: &JsValue) -> Result<Option<RateLimit>, Error> {
    if value.as_bool() == Some(false) {
        return Ok(None);
    }
    let number = |key| field(value, key).as_f64().unwrap_or(f64::NAN);
    let burst = number("burst");
    if !value.is_object() || burst.fract() != 0.0 || !(1.0..=1000.0).contains(&burst) {
        return Err(Error::invalid_argument(BAD_RATE_LIMIT));
    }
    RateLimit::new(burst as u32, number("perSecond")).map(Some)
}

fn duration(value: &JsValue) -> Result<Duration, Error> {
    let ms = value.as_f64().ok_or(BAD_TIMEOUT);
    ms.and_then(duration_from_ms)
        .map_err(Error::invalid_argument)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::options::MAX_TIMEOUT;

    #[test]
    fn limits_from_js_are_positive_whole_numbers() {
        assert_eq!(limit_from_number(1.0), Ok(1));
        assert_eq!(limit_from_number(4_294_967_295.0), Ok(u32::MAX));
        for bad in [0.0, -1.0, 2.5, 4_294_967_296.0, f64::NAN, f64::INFINITY] {
            assert_eq!(limit_from_number(bad), Err(BAD_LIMIT), "{bad}");
        }
    }

    #[test]
    fn intervals_from_js_are_numbers_that_are_not_negative() {
        assert_eq!(interval_from_ms(0.0), Ok(Duration::ZERO));
        assert_eq!(interval_from_ms(1500.5), Ok(Duration::from_millis(1500)));
        assert_eq!(
            interval_from_ms(1e300),
            Ok(Duration::from_millis(u64::from(u32::MAX)))
        );
        for bad in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(interval_from_ms(bad), Err(BAD_INTERVAL), "{bad}");
        }
    }

    #[test]
    fn retry_counts_from_js_are_whole_numbers_up_to_ten() {
        assert_eq!(retries_from_number(0.0), Ok(0));
        assert_eq!(retries_from_number(10.0), Ok(10));
        for bad in [-1.0, 1.5, 11.0, f64::NAN, f64::INFINITY] {
            assert_eq!(retries_from_number(bad), Err(BAD_RETRIES), "{bad}");
        }
    }

    #[test]
    fn timeouts_from_js_are_whole_positive_milliseconds_within_timer_range() {
        assert_eq!(duration_from_ms(1.0), Ok(Duration::from_millis(1)));
        assert_eq!(duration_from_ms(2_147_483_647.0), Ok(MAX_TIMEOUT));
        for bad in [
            0.0,
            -1.0,
            0.5,
            2_147_483_648.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(duration_from_ms(bad), Err(BAD_TIMEOUT), "{bad}");
        }
    }
}

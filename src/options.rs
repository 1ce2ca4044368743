//! Reading the options objects JS passes in. Every value is checked here, so a typo or
//! a wrong type is an `invalid_argument` error before any request, never a panic.

use crate::error::Error;
use crate::retry::MAX_MAX_RETRIES;
use alloc::string::String;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

/// Per-call timeout when none is given: long enough for a slow cancel, short enough
/// that a dead connection does not leave a button spinning.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// The options one object may carry; which ones are allowed depends on where it is passed.
#[derive(Default)]
pub struct Options {
    pub token: Option<String>,
    pub base_url: Option<String>,
    pub timeout_ms: Option<u32>,
    pub attempt_timeout_ms: Option<u32>,
    pub max_retries: Option<u32>,
    pub signal: Option<AbortSignal>,
}

/// Reads `value` (an options object, or undefined/null for none), accepting only the
/// keys in `allowed`.
pub fn read(value: &JsValue, allowed: &[&str]) -> Result<Options, Error<JsValue>> {
    let mut options = Options::default();
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
        match name.as_str() {
            "token" => options.token = Some(string(&item, "token must be a string")?),
            "baseUrl" => options.base_url = Some(string(&item, "baseUrl must be a string")?),
            "timeoutMs" | "attemptTimeoutMs" => {
                let ms = item
                    .as_f64()
                    .ok_or_else(|| Error::invalid_argument(BAD_TIMEOUT))?;
                let ms = Some(timeout_ms(ms).map_err(Error::invalid_argument)?);
                if name == "timeoutMs" {
                    options.timeout_ms = ms;
                } else {
                    options.attempt_timeout_ms = ms;
                }
            }
            "maxRetries" => {
                let n = item
                    .as_f64()
                    .ok_or_else(|| Error::invalid_argument(BAD_RETRIES))?;
                options.max_retries = Some(max_retries(n).map_err(Error::invalid_argument)?);
            }
            "signal" => {
                let signal = item
                    .dyn_into::<AbortSignal>()
                    .map_err(|_| Error::invalid_argument("signal must be an AbortSignal"))?;
                options.signal = Some(signal);
            }
            _ => {}
        }
    }
    Ok(options)
}

/// A string argument, or the given invalid_argument error.
pub fn string(value: &JsValue, message: &str) -> Result<String, Error<JsValue>> {
    value
        .as_string()
        .ok_or_else(|| Error::invalid_argument(message))
}

const BAD_TIMEOUT: &str =
    "timeoutMs and attemptTimeoutMs must be whole numbers of milliseconds from 1 to 2147483647";
const BAD_RETRIES: &str = "maxRetries must be a whole number from 0 to 10";

/// Checks a timeout: setTimeout cannot wait longer than 2^31-1 ms.
pub fn timeout_ms(ms: f64) -> Result<u32, &'static str> {
    if (1.0..=2_147_483_647.0).contains(&ms) && f64::from(ms as u32) == ms {
        Ok(ms as u32)
    } else {
        Err(BAD_TIMEOUT)
    }
}

/// Checks a retry count.
pub fn max_retries(n: f64) -> Result<u32, &'static str> {
    if (0.0..=f64::from(MAX_MAX_RETRIES)).contains(&n) && f64::from(n as u32) == n {
        Ok(n as u32)
    } else {
        Err(BAD_RETRIES)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn retry_counts_are_whole_numbers_up_to_ten() {
        assert_eq!(max_retries(0.0), Ok(0));
        assert_eq!(max_retries(10.0), Ok(10));
        for bad in [-1.0, 1.5, 11.0, f64::NAN, f64::INFINITY] {
            assert_eq!(max_retries(bad), Err(BAD_RETRIES), "{bad}");
        }
    }

    #[test]
    fn timeouts_are_whole_positive_milliseconds_within_set_timeout_range() {
        assert_eq!(timeout_ms(1.0), Ok(1));
        assert_eq!(timeout_ms(30_000.0), Ok(30_000));
        assert_eq!(timeout_ms(2_147_483_647.0), Ok(2_147_483_647));
        for bad in [
            0.0,
            -1.0,
            0.5,
            2_147_483_648.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(timeout_ms(bad), Err(BAD_TIMEOUT), "{bad}");
        }
    }
}

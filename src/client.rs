//! The calls themselves, in plain Rust over the transport: validate, send (retrying what
//! is safe to retry), check the answer, and turn every outcome into a project or an
//! `Error`.

use crate::auth;
use crate::error::{self, Error, ErrorKind};
use crate::model;
use crate::options::DEFAULT_TIMEOUT_MS;
use crate::retry::{self, Outcome, DEFAULT_MAX_RETRIES};
use crate::retry_after;
use crate::text;
use crate::transport::{self, Answer, Failure, Outgoing};
use crate::url;
use alloc::string::String;
use js_sys::{Date, Math};
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// Where and as whom to call, and the defaults for each call: checked once, shared by
/// every call of a client.
pub struct Settings {
    base_url: String,
    /// `Bearer <token>`: the only place the token is kept.
    authorization: String,
    limits: Limits,
}

/// How long and how often one call may try.
#[derive(Clone, Copy, Default)]
pub struct Limits {
    /// The whole call, retries and waits included.
    pub timeout_ms: Option<u32>,
    /// One attempt; by default as long as the whole call has left.
    pub attempt_timeout_ms: Option<u32>,
    pub max_retries: Option<u32>,
}

impl Limits {
    /// These limits, with any unset one taken from `defaults`.
    fn or(self, defaults: Limits) -> Limits {
        Limits {
            timeout_ms: self.timeout_ms.or(defaults.timeout_ms),
            attempt_timeout_ms: self.attempt_timeout_ms.or(defaults.attempt_timeout_ms),
            max_retries: self.max_retries.or(defaults.max_retries),
        }
    }
}

impl Settings {
    pub fn new(
        token: &str,
        base_url: Option<&str>,
        limits: Limits,
    ) -> Result<Self, Error<JsValue>> {
        Ok(Self {
            authorization: auth::authorization(token).map_err(Error::invalid_argument)?,
            base_url: url::base_url(base_url.unwrap_or(url::DEFAULT_BASE_URL))
                .map_err(Error::invalid_argument)?,
            limits,
        })
    }

    fn token(&self) -> &str {
        self.authorization
            .strip_prefix("Bearer ")
            .unwrap_or_default()
    }
}

/// Per-call choices.
pub struct Call<'a> {
    pub signal: Option<&'a AbortSignal>,
    pub limits: Limits,
}

/// One call in progress: its deadline, and what its attempts so far tell.
struct Attempts<'a> {
    settings: &'a Settings,
    signal: Option<&'a AbortSignal>,
    timeout_ms: u32,
    attempt_timeout_ms: u32,
    max_retries: u32,
    deadline: f64,
    made: u32,
    may_have_applied: bool,
}

/// `POST {base}/api/deep-work/projects/{id}/cancel`: the cancelled (or already
/// completed) project, or why not.
pub async fn cancel_project(
    settings: &Settings,
    project_id: &str,
    call: Call<'_>,
) -> Result<JsValue, Error<JsValue>> {
    let limits = call.limits.or(settings.limits);
    let timeout_ms = limits.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    let mut attempts = Attempts {
        settings,
        signal: call.signal,
        timeout_ms,
        attempt_timeout_ms: limits.attempt_timeout_ms.unwrap_or(timeout_ms),
        max_retries: limits.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        deadline: Date::now() + f64::from(timeout_ms),
        made: 0,
        may_have_applied: false,
    };
    let result = cancel(&mut attempts, project_id).await;
    result.map_err(|mut e| {
        e.attempts = attempts.made;
        e.for_project(project_id)
    })
}

async fn cancel(attempts: &mut Attempts<'_>, project_id: &str) -> Result<JsValue, Error<JsValue>> {
    url::check_project_id(project_id).map_err(Error::invalid_argument)?;
    let url = url::project_url(&attempts.settings.base_url, project_id, "cancel");
    match attempts.send("POST", &url).await {
        Ok(answer) => model::check_cancel_answer(answer.body.as_ref(), project_id)
            .map_err(|e| invalid(e, &answer)),
        // An earlier attempt got through although its answer was lost: the server now
        // says the project is cancelled, which is what was asked. Read it back.
        Err(e) if attempts.may_have_applied && e.current_status.as_deref() == Some("cancelled") => {
            let url = url::project_url(&attempts.settings.base_url, project_id, "plan");
            match attempts.send("GET", &url).await {
                Ok(answer) => {
                    model::check_plan_answer(answer.body.as_ref(), project_id).map_err(|_| e)
                }
                Err(_) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

fn invalid(invalid: model::Invalid, answer: &Answer) -> Error<JsValue> {
    let mut e = Error::new(ErrorKind::InvalidResponse, invalid.message());
    e.status = Some(answer.status);
    e
}

impl Attempts<'_> {
    /// Sends the request, retrying while the policy allows and time remains, until a
    /// 2xx answer (returned) or a final error.
    async fn send(&mut self, method: &str, url: &str) -> Result<Answer, Error<JsValue>> {
        loop {
            let remaining = self.deadline - Date::now();
            if remaining < 1.0 {
                return Err(self.timed_out());
            }
            let attempt_ms = f64::from(self.attempt_timeout_ms).min(remaining) as u32;
            let outgoing = Outgoing {
                method,
                url,
                authorization: &self.settings.authorization,
                signal: self.signal,
                timeout_ms: attempt_ms.max(1),
            };
            self.made += 1;
            let (outcome, error) = match transport::send(&outgoing).await {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => {
                    let retry_after_ms = answer
                        .retry_after
                        .as_deref()
                        .and_then(|v| retry_after::parse(v, Date::now() as u64));
                    let status = answer.status;
                    let outcome = Outcome::Answer {
                        status,
                        retry_after_ms,
                    };
                    (
                        outcome,
                        error::from_answer(
                            status,
                            answer.body.as_ref(),
                            retry_after_ms,
                            self.settings.token(),
                        ),
                    )
                }
                Err(Failure::Timeout) if Date::now() >= self.deadline - 1.0 => {
                    return Err(self.timed_out())
                }
                Err(Failure::Timeout) => (Outcome::NoAnswer, attempt_timed_out(attempt_ms)),
                Err(failure @ Failure::Network(_)) => (Outcome::NoAnswer, failure_error(failure)),
                Err(other) => return Err(failure_error(other)),
            };
            self.may_have_applied |= outcome.may_have_applied();
            let Some(delay) = retry::delay_ms(outcome, self.made, self.max_retries, Math::random())
            else {
                return Err(error);
            };
            // Waiting past the deadline would only turn the server's answer into a timeout.
            if Date::now() + delay as f64 >= self.deadline {
                return Err(error);
            }
            transport::wait(delay as u32, self.signal)
                .await
                .map_err(failure_error)?;
        }
    }

    fn timed_out(&self) -> Error<JsValue> {
        let mut message = String::from("No answer from the server within timeoutMs (");
        text::push_decimal(&mut message, u64::from(self.timeout_ms));
        message.push_str(" ms); the request was aborted");
        Error::new(ErrorKind::Timeout, message)
    }
}

fn attempt_timed_out(attempt_ms: u32) -> Error<JsValue> {
    let mut message = String::from("No answer within attemptTimeoutMs (");
    text::push_decimal(&mut message, u64::from(attempt_ms));
    message.push_str(" ms); the attempt was aborted");
    Error::new(ErrorKind::Timeout, message)
}

/// The error for an attempt that got no usable answer.
fn failure_error(failure: Failure) -> Error<JsValue> {
    match failure {
        Failure::Aborted => Error::new(
            ErrorKind::Aborted,
            "The request was aborted through its AbortSignal",
        ),
        Failure::Redirect(status) => {
            let mut e = Error::new(
                ErrorKind::Http,
                "The server answered with a redirect; the SDK does not follow redirects, so the token never goes to another URL. Check baseUrl.",
            );
            e.status = status;
            e
        }
        Failure::Timeout => Error::new(ErrorKind::Timeout, "No answer from the server in time"),
        Failure::Network(cause) => {
            let mut e = Error::new(
                ErrorKind::Network,
                "Network error: the server could not be reached or the connection failed (a refused CORS request looks the same to a page)",
            );
            e.cause = Some(cause);
            e
        }
    }
}

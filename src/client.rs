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
use crate::transport::{self, Answer, Failure};
use crate::url;
use alloc::rc::Rc;
use alloc::string::String;
use js_sys::{Date, Math, Promise};
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
pub struct Call {
    pub signal: Option<AbortSignal>,
    pub limits: Limits,
}

/// One cancel in progress, as a machine of steps (sans I/O): each step hands back the
/// promise to wait for (an exchange, or a pause before a retry), and js/transport.js's
/// `drive` feeds what it resolves with into the next step. No Rust future, executor or
/// closure is involved: a call is two or three plain calls into wasm.
pub struct Cancel {
    settings: Rc<Settings>,
    project_id: String,
    signal: Option<AbortSignal>,
    timeout_ms: u32,
    attempt_timeout_ms: u32,
    max_retries: u32,
    deadline: f64,
    /// Attempts made so far.
    made: u32,
    /// An attempt may have reached the server although its answer was lost.
    may_have_applied: bool,
    /// The request being tried: the cancel, or the read-back after it.
    method: &'static str,
    url: String,
    /// While reading the project back: the cancel's error, returned if that fails.
    reading_back: Option<Error<JsValue>>,
    /// The timeout of the attempt in flight.
    attempt_ms: u32,
    state: State,
}

enum State {
    Start,
    Sending,
    Waiting,
    Over(Result<JsValue, Error<JsValue>>),
    /// `finish` has taken the result.
    Finished,
}

/// What a step leads to.
enum Next {
    Await(Promise),
    Over(Result<JsValue, Error<JsValue>>),
}

impl Cancel {
    /// `POST {base}/api/deep-work/projects/{id}/cancel`, to be driven by `step`. Fails
    /// (kind invalid_argument) on an id that cannot be one, before any request.
    pub fn new(
        settings: Rc<Settings>,
        project_id: String,
        call: Call,
    ) -> Result<Self, Error<JsValue>> {
        if let Err(message) = url::check_project_id(&project_id) {
            return Err(Error::invalid_argument(message).for_project(&project_id));
        }
        let limits = call.limits.or(settings.limits);
        let timeout_ms = limits.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        let url = url::project_url(&settings.base_url, &project_id, "cancel");
        Ok(Self {
            settings,
            project_id,
            signal: call.signal,
            timeout_ms,
            attempt_timeout_ms: limits.attempt_timeout_ms.unwrap_or(timeout_ms),
            max_retries: limits.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            deadline: Date::now() + f64::from(timeout_ms),
            made: 0,
            may_have_applied: false,
            method: "POST",
            url,
            reading_back: None,
            attempt_ms: 0,
            state: State::Start,
        })
    }

    /// Takes what the last promise resolved with (nothing at the start) and returns the
    /// next promise to wait for, or None when the call is over (then `finish`).
    pub fn step(&mut self, input: JsValue) -> Option<Promise> {
        let next = match self.state {
            State::Start => self.attempt(),
            State::Sending => self.answered(transport::read(input)),
            State::Waiting if self.aborted() => self.failed(failure_error(Failure::Aborted)),
            State::Waiting => self.attempt(),
            State::Over(_) | State::Finished => return None,
        };
        match next {
            Next::Await(promise) => Some(promise),
            Next::Over(result) => {
                self.state = State::Over(result);
                None
            }
        }
    }

    /// The cancelled (or already completed) project, or why not. Only once, after `step`
    /// returned None; an `invalid_argument` error otherwise, so misuse cannot panic, and
    /// a call once finished never sends again.
    pub fn finish(&mut self) -> Result<JsValue, Error<JsValue>> {
        let result = match core::mem::replace(&mut self.state, State::Finished) {
            State::Over(result) => result,
            _ => Err(Error::invalid_argument(
                "the call is not over, or already finished",
            )),
        };
        result.map_err(|mut e| {
            e.attempts = self.made;
            e.for_project(&self.project_id)
        })
    }

    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }

    /// Starts an attempt while time remains.
    fn attempt(&mut self) -> Next {
        let remaining = self.deadline - Date::now();
        if remaining < 1.0 {
            return self.failed(self.timed_out());
        }
        self.attempt_ms = (f64::from(self.attempt_timeout_ms).min(remaining) as u32).max(1);
        self.made += 1;
        self.state = State::Sending;
        Next::Await(transport::exchange(
            self.method,
            &self.url,
            &self.settings.authorization,
            self.signal.as_ref(),
            self.attempt_ms,
        ))
    }

    /// Reads an attempt's outcome: done, a pause before the next attempt, or a final error.
    fn answered(&mut self, outcome: Result<Answer, Failure>) -> Next {
        let (outcome, error) = match outcome {
            Ok(answer) if (200..300).contains(&answer.status) => return self.succeeded(&answer),
            Ok(answer) => {
                let retry_after_ms = answer
                    .retry_after
                    .as_deref()
                    .and_then(|v| retry_after::parse(v, Date::now() as u64));
                let status = answer.status;
                let error = error::from_answer(
                    status,
                    answer.body.as_ref(),
                    retry_after_ms,
                    self.settings.token(),
                );
                let outcome = Outcome::Answer {
                    status,
                    retry_after_ms,
                };
                (outcome, error)
            }
            Err(Failure::Timeout) if Date::now() >= self.deadline - 1.0 => {
                return self.failed(self.timed_out())
            }
            Err(Failure::Timeout) => (Outcome::NoAnswer, attempt_timed_out(self.attempt_ms)),
            Err(failure @ Failure::Network(_)) => (Outcome::NoAnswer, failure_error(failure)),
            Err(other) => return self.failed(failure_error(other)),
        };
        self.may_have_applied |= outcome.may_have_applied();
        match retry::delay_ms(outcome, self.made, self.max_retries, Math::random()) {
            // Waiting past the deadline would only turn the server's answer into a timeout.
            Some(delay) if Date::now() + (delay as f64) < self.deadline => {
                self.state = State::Waiting;
                Next::Await(transport::sleep(delay as u32, self.signal.as_ref()))
            }
            _ => self.failed(error),
        }
    }

    fn succeeded(&mut self, answer: &Answer) -> Next {
        let body = answer.body.as_ref();
        Next::Over(match self.reading_back.take() {
            None => {
                model::check_cancel_answer(body, &self.project_id).map_err(|e| invalid(e, answer))
            }
            Some(cancel_error) => {
                model::check_plan_answer(body, &self.project_id).map_err(|_| cancel_error)
            }
        })
    }

    /// The request in hand failed for good.
    fn failed(&mut self, e: Error<JsValue>) -> Next {
        if let Some(cancel_error) = self.reading_back.take() {
            return Next::Over(Err(cancel_error));
        }
        // An earlier attempt got through although its answer was lost: the server now
        // says the project is cancelled, which is what was asked. Read it back.
        if self.may_have_applied && e.current_status.as_deref() == Some("cancelled") {
            self.method = "GET";
            self.url = url::project_url(&self.settings.base_url, &self.project_id, "plan");
            self.reading_back = Some(e);
            return self.attempt();
        }
        Next::Over(Err(e))
    }

    fn timed_out(&self) -> Error<JsValue> {
        let mut message = String::from("No answer from the server within timeoutMs (");
        text::push_decimal(&mut message, u64::from(self.timeout_ms));
        message.push_str(" ms); the request was aborted");
        Error::new(ErrorKind::Timeout, message)
    }
}

fn invalid(invalid: model::Invalid, answer: &Answer) -> Error<JsValue> {
    let mut e = Error::new(ErrorKind::InvalidResponse, invalid.message());
    e.status = Some(answer.status);
    e
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

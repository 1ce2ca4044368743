//! One call's attempts: send, and retry what is safe to retry (the policy is
//! `crate::retry`) within the call's deadline, until a 2xx answer or a final error.
//! Each attempt waits for the server's request budget first, and tells it what the
//! server said of its own limit.

use crate::budget::{Budget, Refused};
use crate::error::{self, Error, ErrorAnswer, ErrorKind};
use crate::options::{CallOptions, Limits};
use crate::retry::{self, Delivery, Outcome};
use crate::server::Server;
use crate::transport::{self, Answer, Failure, Request};
use crate::{decode, retry_after, text, timer};
use gloo_net::http::Method;
use js_sys::{Date, Math};
use std::rc::Rc;
use web_sys::AbortSignal;

pub(crate) struct Call<'a> {
    server: &'a Server,
    budget: Option<Rc<Budget>>,
    /// Whether each attempt waits for the budget (a poll's single attempt has already).
    admit: bool,
    signal: Option<AbortSignal>,
    limits: Limits,
    deadline: f64,
    /// Attempts made so far.
    pub made: u32,
    /// An attempt may have reached the server although its answer was lost.
    pub may_have_applied: bool,
    /// Whether the request may be sent again (see `retry::Delivery`).
    pub delivery: Delivery,
}

impl<'a> Call<'a> {
    /// A call with these options, within `budget`; its deadline starts now.
    pub fn new(
        server: &'a Server,
        options: &CallOptions,
        budget: Option<Rc<Budget>>,
        admit: bool,
    ) -> Result<Self, Error> {
        let limits = options.limits()?;
        Ok(Self {
            server,
            budget,
            admit,
            signal: options.signal.clone(),
            limits,
            deadline: Date::now() + f64::from(limits.timeout_ms),
            made: 0,
            may_have_applied: false,
            delivery: Delivery::Repeatable,
        })
    }

    /// Sends `method url` (with a JSON `body`) until it gets a 2xx answer, retrying
    /// while the policy and the deadline allow; the last error otherwise.
    pub async fn send(
        &mut self,
        method: Method,
        url: &str,
        body: Option<&str>,
    ) -> Result<Answer, Error> {
        let request = Request {
            method,
            url,
            authorization: &self.server.authorization,
            body,
        };
        loop {
            let remaining = self.deadline - Date::now();
            if remaining < 1.0 {
                return Err(self.timed_out());
            }
            if let Some(budget) = self.budget.as_ref().filter(|_| self.admit) {
                match budget.admit_call(self.deadline, self.signal.as_ref()).await {
                    Ok(()) => {}
                    Err(Refused::Timeout) => return Err(self.budget_spent()),
                    Err(Refused::Aborted) => return Err(failure_error(Failure::Aborted)),
                }
            }
            let remaining = self.deadline - Date::now();
            let attempt_ms =
                (f64::from(self.limits.attempt_timeout_ms).min(remaining) as u32).max(1);
            self.made += 1;
            let exchanged = transport::exchange(&request, self.signal.as_ref(), attempt_ms).await;
            match (&self.budget, &exchanged) {
                // A 429 pauses the budget instead (`refused`).
                (Some(budget), Ok(answer)) if answer.status != 429 => {
                    budget.answered(answer.rate_remaining, answer.rate_limit)
                }
                _ => {}
            }
            let (outcome, error) = match exchanged {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => self.refused(&answer),
                Err(Failure::Timeout) if Date::now() >= self.deadline - 1.0 => {
                    return Err(self.timed_out())
                }
                Err(Failure::Timeout) => (Outcome::NoAnswer, attempt_timed_out(attempt_ms)),
                Err(failure @ Failure::Network(_)) => (Outcome::NoAnswer, failure_error(failure)),
                Err(other) => return Err(failure_error(other)),
            };
            self.may_have_applied |= outcome.may_have_applied();
            let delay = retry::delay_ms(
                outcome,
                self.delivery,
                self.made,
                self.limits.max_retries,
                Math::random(),
            );
            match delay {
                // Waiting past the deadline would only turn the server's answer into a timeout.
                Some(delay) if Date::now() + (delay as f64) < self.deadline => {
                    let _aborted =
                        timer::sleep(delay as u32, timer::on_abort(self.signal.as_ref())).await;
                    if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
                        return Err(failure_error(Failure::Aborted));
                    }
                }
                _ => return Err(error),
            }
        }
    }

    /// A non-2xx answer: what it means for retrying, and its error.
    fn refused(&self, answer: &Answer) -> (Outcome, Error) {
        let retry_after_ms = answer
            .retry_after
            .as_deref()
            .and_then(|v| retry_after::parse(v, Date::now() as u64));
        let detail = answer
            .body
            .as_ref()
            .and_then(|body| decode::from_js::<ErrorAnswer>(body).ok())
            .map(|answer| answer.detail)
            .unwrap_or_default();
        if let Some(budget) = self.budget.as_ref().filter(|_| answer.status == 429) {
            // Every poll of this server waits too, not only this call.
            budget.paused(retry_after_ms);
        }
        let error = error::from_answer(answer.status, detail, retry_after_ms, self.server.token());
        let outcome = Outcome::Answer {
            status: answer.status,
            retry_after_ms,
        };
        (outcome, error)
    }

    /// The request budget had no room for this attempt within the call's time.
    fn budget_spent(&self) -> Error {
        timeout(
            "The request budget had no room for the request within the call's timeout (",
            self.limits.timeout_ms,
            " ms)",
        )
    }

    fn timed_out(&self) -> Error {
        timeout(
            "No answer from the server within the call's timeout (",
            self.limits.timeout_ms,
            " ms); the request was aborted",
        )
    }
}

fn attempt_timed_out(attempt_ms: u32) -> Error {
    timeout(
        "No answer within the attempt's timeout (",
        attempt_ms,
        " ms); the attempt was aborted",
    )
}

/// A `Timeout` error whose message has the milliseconds between `before` and `after`.
fn timeout(before: &str, ms: u32, after: &str) -> Error {
    let mut message = String::from(before);
    text::push_decimal(&mut message, u64::from(ms));
    message.push_str(after);
    Error::new(ErrorKind::Timeout, message)
}

/// The error for an attempt that got no usable answer.
fn failure_error(failure: Failure) -> Error {
    match failure {
        Failure::Aborted => Error::new(
            ErrorKind::Aborted,
            "The request was aborted through its AbortSignal",
        ),
        Failure::Redirect(status) => {
            let mut e = Error::new(
                ErrorKind::Http,
                "The server answered with a redirect; the SDK does not follow redirects, so the token never goes to another URL. Check the base URL.",
            );
            e.0.status = status;
            e
        }
        Failure::Timeout => Error::new(ErrorKind::Timeout, "No answer from the server in time"),
        Failure::Network(cause) => {
            let mut e = Error::new(
                ErrorKind::Network,
                "Network error: the server could not be reached or the connection failed (a refused CORS request looks the same to a page)",
            );
            e.0.cause = Some(cause);
            e
        }
    }
}

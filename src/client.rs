//! The calls themselves, in plain Rust over the transport: validate, send, check the
//! answer, and turn every outcome into a project or an `Error`.

use crate::auth;
use crate::error::{self, Error, ErrorKind};
use crate::model;
use crate::options::DEFAULT_TIMEOUT_MS;
use crate::retry_after;
use crate::text;
use crate::transport::{self, Failure, Outgoing};
use crate::url;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// Where and as whom to call: checked once, shared by every call of a client.
pub struct Settings {
    base_url: String,
    /// `Bearer <token>`: the only place the token is kept.
    authorization: String,
    timeout_ms: u32,
}

impl Settings {
    pub fn new(token: &str, base_url: Option<&str>, timeout_ms: Option<u32>) -> Result<Self, Error<JsValue>> {
        Ok(Self {
            authorization: auth::authorization(token).map_err(Error::invalid_argument)?,
            base_url: url::base_url(base_url.unwrap_or(url::DEFAULT_BASE_URL)).map_err(Error::invalid_argument)?,
            timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        })
    }

    fn token(&self) -> &str {
        self.authorization.strip_prefix("Bearer ").unwrap_or_default()
    }
}

/// Per-call choices.
pub struct Call<'a> {
    pub signal: Option<&'a AbortSignal>,
    pub timeout_ms: Option<u32>,
}

/// `POST {base}/api/deep-work/projects/{id}/cancel`: the cancelled (or already
/// completed) project, or why not.
pub async fn cancel_project(settings: &Settings, project_id: &str, call: Call<'_>) -> Result<JsValue, Error<JsValue>> {
    let result = cancel(settings, project_id, call).await;
    result.map_err(|e| e.for_project(project_id))
}

async fn cancel(settings: &Settings, project_id: &str, call: Call<'_>) -> Result<JsValue, Error<JsValue>> {
    url::check_project_id(project_id).map_err(Error::invalid_argument)?;
    let timeout_ms = call.timeout_ms.unwrap_or(settings.timeout_ms);
    let url = url::project_url(&settings.base_url, project_id, "cancel");
    let outgoing = Outgoing {
        method: "POST",
        url: &url,
        authorization: &settings.authorization,
        signal: call.signal,
        timeout_ms,
    };
    let answer = transport::send(&outgoing).await.map_err(|f| failure(f, timeout_ms))?;
    // An empty or non-JSON body is simply "no JSON": the checks below say what that means.
    let body = js_sys::JSON::parse(&answer.body).ok();
    if (200..300).contains(&answer.status) {
        return model::check_cancel_answer(body.as_ref(), project_id).map_err(|invalid| {
            let mut e = Error::new(ErrorKind::InvalidResponse, invalid.message());
            e.status = Some(answer.status);
            e
        });
    }
    let now_ms = js_sys::Date::now() as u64;
    let retry_after_ms = answer.retry_after.and_then(|v| retry_after::parse(&v, now_ms));
    Err(error::from_answer(answer.status, body.as_ref(), retry_after_ms, settings.token()))
}

/// The error for a request that got no usable answer.
fn failure(failure: Failure, timeout_ms: u32) -> Error<JsValue> {
    match failure {
        Failure::Aborted => Error::new(ErrorKind::Aborted, "The request was aborted through its AbortSignal"),
        Failure::Timeout => {
            let mut message = String::from("No answer from the server within ");
            text::push_decimal(&mut message, u64::from(timeout_ms));
            message.push_str(" ms; the request was aborted");
            Error::new(ErrorKind::Timeout, message)
        }
        Failure::Network(cause) => {
            let mut e = Error::new(
                ErrorKind::Network,
                "Network error: the server could not be reached or the connection failed (a refused CORS request looks the same to a page)",
            );
            e.cause = Some(cause);
            e
        }
        Failure::Redirect(status) => {
            let mut e = Error::new(
                ErrorKind::Http,
                "The server answered with a redirect; the SDK does not follow redirects, so the token never goes to another URL. Check baseUrl.",
            );
            e.status = status;
            e
        }
        Failure::Rejected(cause) => {
            let mut e = Error::new(ErrorKind::InvalidArgument, "The browser refused to build the request");
            e.cause = Some(cause);
            e
        }
    }
}

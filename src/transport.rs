//! One HTTP exchange through gloo-net. Every exchange gets its own `AbortController`,
//! which the timeout, the caller's signal and dropping the future all trip, so that
//! giving up really stops the request.

use crate::timer::{self, Armed};
use gloo_net::http::Method;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestRedirect, ResponseType};

/// What came back: the status, the headers the SDK reads (when CORS lets the page read
/// them) and the body as `Response.json()` parsed it (None: not JSON).
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    /// The server's limiter: `X-RateLimit-Remaining` of `X-RateLimit-Limit`.
    pub rate_remaining: Option<u32>,
    pub rate_limit: Option<u32>,
    pub body: Option<JsValue>,
}

/// Why no answer came back.
pub enum Failure {
    /// The caller's AbortSignal fired.
    Aborted,
    /// The timeout fired first.
    Timeout,
    /// fetch failed (offline, refused, CORS, reset); the browser's error is the cause.
    Network(JsValue),
    /// The server answered with a redirect, which the SDK does not follow so that the
    /// token cannot travel to another URL.
    Redirect(Option<u16>),
}

/// The request of one attempt.
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a str,
    pub authorization: &'a str,
    /// A JSON body, already encoded.
    pub body: Option<&'a str>,
}

/// Sends `request` and reads its whole body, within `timeout_ms` and until `signal`
/// aborts.
pub async fn exchange(
    request: &Request<'_>,
    signal: Option<&AbortSignal>,
    timeout_ms: u32,
) -> Result<Answer, Failure> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(Failure::Aborted);
    }
    let controller = AbortController::new().map_err(Failure::Network)?;
    let own_signal = controller.signal();
    let abort = timer::abort_function(&controller).map_err(Failure::Network)?;
    let _armed = Armed::new(abort, Some(timeout_ms), timer::on_abort(signal));
    let mut unfinished = AbortOnDrop(Some(controller));
    let sent = send(request, &own_signal).await;
    // Finished: aborting now would only cost an abort event (a tenth of a call's time).
    unfinished.0 = None;
    sent.map_err(|failure| match failure {
        // Our controller aborted, but not through the caller's signal: the timer did.
        Failure::Network(_) if signal.is_some_and(AbortSignal::aborted) => Failure::Aborted,
        Failure::Network(_) if own_signal.aborted() => Failure::Timeout,
        other => other,
    })
}

async fn send(request: &Request<'_>, signal: &AbortSignal) -> Result<Answer, Failure> {
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    let headers = web_sys::Headers::new().map_err(Failure::Network)?;
    headers
        .set("Authorization", request.authorization)
        .map_err(Failure::Network)?;
    if let Some(body) = request.body {
        headers
            .set("Content-Type", "application/json")
            .map_err(Failure::Network)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    init.set_signal(Some(signal));
    init.set_redirect(RequestRedirect::Manual);
    let raw =
        web_sys::Request::new_with_str_and_init(request.url, &init).map_err(Failure::Network)?;
    let response = gloo_net::http::Request::from(raw)
        .send()
        .await
        .map_err(|e| Failure::Network(cause(e)))?;
    let status = response.status();
    if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
        return Err(Failure::Redirect(Some(status).filter(|s| *s != 0)));
    }
    let headers = response.headers();
    let retry_after = headers.get("retry-after");
    let number = |name| {
        headers
            .get(name)
            .and_then(|value| value.trim().parse().ok())
    };
    let (rate_remaining, rate_limit) =
        (number("x-ratelimit-remaining"), number("x-ratelimit-limit"));
    let parsed = web_sys::Response::from(response)
        .json()
        .map_err(Failure::Network)?;
    let body = match JsFuture::from(parsed).await {
        Ok(body) => Some(body),
        // Not JSON: what that means depends on the status, which the caller judges.
        Err(e) if e.is_instance_of::<js_sys::SyntaxError>() => None,
        // The body could not be read to its end (cut short, reset, aborted).
        Err(e) => return Err(Failure::Network(e)),
    };
    Ok(Answer {
        status,
        retry_after,
        rate_remaining,
        rate_limit,
        body,
    })
}

/// gloo-net's error keeps the browser error's name and message: an `Error` with both
/// stands in for it as the cause.
fn cause(error: gloo_net::Error) -> JsValue {
    let (name, message) = match &error {
        gloo_net::Error::JsError(js) => (js.name.as_str(), js.message.as_str()),
        gloo_net::Error::GlooError(message) => ("Error", message.as_str()),
        // Another app in the same build may turn on gloo-net's `json` feature, which
        // adds a variant that requests never produce.
        #[allow(unreachable_patterns)]
        _ => ("Error", "fetch failed"),
    };
    let cause = js_sys::Error::new(message);
    cause.set_name(name);
    cause.into()
}

/// Aborts the exchange's request if its future is dropped before it finished.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

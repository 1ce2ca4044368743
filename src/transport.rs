//! One HTTP exchange through gloo-net, and the waits between retries. Every exchange
//! gets its own `AbortController`, which the timeout, the caller's signal and dropping
//! the future all trip, so that giving up really stops the request.

use gloo_net::http::Method;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, EventTarget, RequestRedirect, ResponseType};

#[wasm_bindgen]
extern "C" {
    // The global timer functions: the same in a Window, a Worker and Node.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(timer: &JsValue);
}

/// What came back: the status, the `Retry-After` header (when CORS lets us read it)
/// and the body as `Response.json()` parsed it (None: not JSON).
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
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
    let abort = abort_function(&controller).map_err(Failure::Network)?;
    let _armed = Armed::new(abort, timeout_ms, on_abort(signal));
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
    let retry_after = response.headers().get("retry-after");
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

/// `controller.abort` bound to it with no reason given, so that however it is called
/// (as a timer, as an event listener with the event) the reason is the standard
/// `AbortError`, which fetch rejects with.
pub(crate) fn abort_function(controller: &AbortController) -> Result<Function, JsValue> {
    let abort: Function<fn(JsValue) -> JsValue> =
        Reflect::get(controller, &JsValue::from_str("abort"))?.dyn_into()?;
    Ok(abort
        .bind1(controller, &JsValue::UNDEFINED)
        .unchecked_into())
}

/// An event that ends a wait: `signal`'s abort.
pub type Wake = (EventTarget, &'static str);

/// The abort of `signal`, as an event that ends a wait.
pub fn on_abort(signal: Option<&AbortSignal>) -> Option<Wake> {
    signal.map(|signal| (EventTarget::from(signal.clone()), "abort"))
}

/// Resolves after `ms`, or as soon as one of the `wake` events fires (the caller then
/// checks why).
pub async fn sleep(ms: u32, wake: impl IntoIterator<Item = Wake>) {
    let mut resolve = None;
    let promise = Promise::new(&mut |done, _reject| resolve = Some(done));
    let Some(resolve) = resolve else { return };
    let _armed = Armed::new(resolve, ms, wake);
    // A bare timer cannot reject.
    let _ = JsFuture::from(promise).await;
}

/// `handler` set to run after `ms` and on each of the events, until dropped: a
/// long-lived signal must not collect one listener per call, and no timer outlives
/// the wait it was for.
struct Armed {
    handler: Function,
    timer: JsValue,
    listening: Vec<Wake>,
}

impl Armed {
    fn new(handler: Function, ms: u32, events: impl IntoIterator<Item = Wake>) -> Self {
        let timer = set_timeout(&handler, ms);
        let listening: Vec<Wake> = events.into_iter().collect();
        for (target, event) in &listening {
            // Adding a listener to an EventTarget does not throw.
            let _ = target.add_event_listener_with_callback(event, &handler);
        }
        Self {
            handler,
            timer,
            listening,
        }
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        for (target, event) in &self.listening {
            let _ = target.remove_event_listener_with_callback(event, &self.handler);
        }
    }
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

//! One HTTP exchange with `fetch`: the request goes out with its own AbortController,
//! which the caller's signal and the timeout both trip, so that giving up really stops
//! the request instead of only forgetting about it.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Request, RequestInit, RequestRedirect, Response, ResponseType,
};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    // The globals rather than `window.fetch`, so the SDK also runs in Workers and Node.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(input: &Request) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    // JSON.parse of a JS string as it is (js_sys's takes a Rust &str).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// What to send.
pub struct Outgoing<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub authorization: &'a str,
    pub signal: Option<&'a AbortSignal>,
    pub timeout_ms: u32,
}

/// What came back: the status, the `Retry-After` header (when CORS lets us read it)
/// and the whole body, parsed when it is JSON. The body stays on the JS side: copying
/// it into wasm memory only to hand it back to JSON.parse cost time on every call.
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
    /// The request could not even be built (the browser refused a header or URL).
    Rejected(JsValue),
}

/// Runs `handler` after `ms`, and when `signal` aborts, until the guard is dropped. Plain
/// JS functions (no Rust closures), so nothing can call into freed Rust code.
struct Hooks<'a> {
    handler: Function,
    timer: JsValue,
    signal: Option<&'a AbortSignal>,
}

impl<'a> Hooks<'a> {
    fn arm(handler: Function, ms: u32, signal: Option<&'a AbortSignal>) -> Self {
        let timer = set_timeout(&handler, ms);
        if let Some(signal) = signal {
            let _ = signal.add_event_listener_with_callback("abort", &handler);
        }
        Self {
            handler,
            timer,
            signal,
        }
    }
}

impl Drop for Hooks<'_> {
    // A long-lived signal must not collect one listener per call.
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some(signal) = self.signal {
            let _ = signal.remove_event_listener_with_callback("abort", &self.handler);
        }
    }
}

/// Sends one request and reads the whole answer, within `timeout_ms`.
pub async fn send(out: &Outgoing<'_>) -> Result<Answer, Failure> {
    if out.signal.is_some_and(AbortSignal::aborted) {
        return Err(Failure::Aborted);
    }
    let controller = AbortController::new().map_err(Failure::Rejected)?;
    let request = build(out, &controller.signal()).map_err(Failure::Rejected)?;
    let abort = Reflect::get(&controller, &JsValue::from_str("abort"))
        .map_err(Failure::Rejected)?
        .unchecked_into::<Function>()
        .bind0(&controller);

    let hooks = Hooks::arm(abort, out.timeout_ms, out.signal);
    let result = exchange(&request).await;
    drop(hooks);

    result.map_err(|failure| match failure {
        Failure::Network(_) if out.signal.is_some_and(AbortSignal::aborted) => Failure::Aborted,
        Failure::Network(_) if controller.signal().aborted() => Failure::Timeout,
        other => other,
    })
}

/// Waits `ms`, or less if `signal` aborts (then `Failure::Aborted`).
pub async fn wait(ms: u32, signal: Option<&AbortSignal>) -> Result<(), Failure> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(Failure::Aborted);
    }
    let mut resolver = None;
    let done = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
    if let Some(resolve) = resolver {
        let hooks = Hooks::arm(resolve, ms, signal);
        let _ = JsFuture::from(done).await;
        drop(hooks);
    }
    if signal.is_some_and(AbortSignal::aborted) {
        Err(Failure::Aborted)
    } else {
        Ok(())
    }
}

fn build(out: &Outgoing<'_>, signal: &AbortSignal) -> Result<Request, JsValue> {
    let init = RequestInit::new();
    init.set_method(out.method);
    init.set_signal(Some(signal));
    init.set_redirect(RequestRedirect::Manual);
    let request = Request::new_with_str_and_init(out.url, &init)?;
    request.headers().set("Authorization", out.authorization)?;
    Ok(request)
}

async fn exchange(request: &Request) -> Result<Answer, Failure> {
    let response: Response = JsFuture::from(fetch_request(request))
        .await
        .map_err(Failure::Network)?
        .unchecked_into();
    // Browsers hide a manual redirect behind an opaque response with status 0; Node
    // shows the 3xx itself.
    let status = response.status();
    if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
        return Err(Failure::Redirect((status != 0).then_some(status)));
    }
    let retry_after = response.headers().get("retry-after").ok().flatten();
    let text = response.text().map_err(Failure::Network)?;
    let text = JsFuture::from(text).await.map_err(Failure::Network)?;
    Ok(Answer {
        status,
        retry_after,
        // An empty or non-JSON body is simply "no JSON": the checks say what that means.
        body: parse_json(&text).ok(),
    })
}

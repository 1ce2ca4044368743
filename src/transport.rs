//! One HTTP exchange, and the waits between retries: the Rust side of js/transport.js,
//! which makes the browser calls. One attempt is one call across the wasm boundary and
//! one promise to wait for.

use alloc::string::String;
use js_sys::Promise;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// Resolves with an `Exchanged`; never rejects.
    fn exchange(
        method: &str,
        url: &str,
        authorization: &str,
        signal: Option<&AbortSignal>,
        timeout_ms: u32,
    ) -> Promise;
    fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Promise;

    /// What `exchange` resolves with.
    type Exchanged;
    #[wasm_bindgen(method, getter)]
    fn failure(this: &Exchanged) -> u8;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Exchanged) -> u16;
    #[wasm_bindgen(method, getter, js_name = retryAfter)]
    fn retry_after(this: &Exchanged) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Exchanged) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn cause(this: &Exchanged) -> JsValue;
}

/// The failure codes of js/transport.js (3, a network failure, is any other).
const ABORTED: u8 = 1;
const TIMEOUT: u8 = 2;
const REDIRECT: u8 = 4;

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
}

/// Sends one request and reads the whole answer, within `timeout_ms`.
pub async fn send(out: &Outgoing<'_>) -> Result<Answer, Failure> {
    let promise = exchange(
        out.method,
        out.url,
        out.authorization,
        out.signal,
        out.timeout_ms,
    );
    let exchanged: Exchanged = match JsFuture::from(promise).await {
        Ok(value) => value.unchecked_into(),
        // exchange does not reject; should a broken environment make it, that is no answer.
        Err(cause) => return Err(Failure::Network(cause)),
    };
    match exchanged.failure() {
        0 => Ok(Answer {
            status: exchanged.status(),
            retry_after: exchanged.retry_after(),
            body: Some(exchanged.body()).filter(|body| !body.is_undefined()),
        }),
        ABORTED => Err(Failure::Aborted),
        TIMEOUT => Err(Failure::Timeout),
        // A browser's opaque redirect has status 0: the real one is hidden.
        REDIRECT => Err(Failure::Redirect(
            Some(exchanged.status()).filter(|s| *s != 0),
        )),
        _ => Err(Failure::Network(exchanged.cause())),
    }
}

/// Waits `ms`, or less if `signal` aborts (then `Failure::Aborted`).
pub async fn wait(ms: u32, signal: Option<&AbortSignal>) -> Result<(), Failure> {
    if !signal.is_some_and(AbortSignal::aborted) {
        let _ = JsFuture::from(sleep(ms, signal)).await;
    }
    if signal.is_some_and(AbortSignal::aborted) {
        Err(Failure::Aborted)
    } else {
        Ok(())
    }
}

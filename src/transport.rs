//! One HTTP exchange, and the waits between retries: the Rust side of js/transport.js,
//! which makes the browser calls. One attempt is one call across the wasm boundary and
//! one promise, which js/transport.js's `drive` waits for.

use alloc::string::String;
use js_sys::Promise;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// Starts one request; its promise resolves with what `read` takes (it never
    /// rejects).
    pub fn exchange(
        method: &str,
        url: &str,
        authorization: &str,
        signal: Option<&AbortSignal>,
        timeout_ms: u32,
    ) -> Promise;
    /// A promise that resolves after `ms`, or as soon as `signal` aborts.
    pub fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Promise;

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

/// What an `exchange` promise resolved with, as an answer or why there was none.
pub fn read(exchanged: JsValue) -> Result<Answer, Failure> {
    if !exchanged.is_object() {
        // exchange always resolves with an object; anything else is a broken environment.
        return Err(Failure::Network(exchanged));
    }
    let exchanged: Exchanged = exchanged.unchecked_into();
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

//! Waiting in JS time: a [`Wait`] ends after a timer or as soon as one of a few events
//! fires, whichever comes first, and leaves no timer or listener behind. The handler is
//! the resolve function of one promise, so no Rust closure is kept alive by JS.

use js_sys::{Function, Promise, Reflect};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, EventTarget};

#[wasm_bindgen]
extern "C" {
    // The global timer functions: the same in a Window, a Worker and Node.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(timer: &JsValue);
}

/// An event that ends a wait: the target and the event's name.
pub type Wake = (EventTarget, &'static str);

/// The abort of `signal`, as an event that ends a wait.
pub fn on_abort(signal: Option<&AbortSignal>) -> Option<Wake> {
    signal.map(|signal| (EventTarget::from(signal.clone()), "abort"))
}

/// Resolves after `ms`, or as soon as one of the `wake` events fires: true when an
/// event ended it (the caller then checks which), false when the time ran out.
pub async fn sleep(ms: u32, wake: impl IntoIterator<Item = Wake>) -> bool {
    Wait::new(Some(ms), wake).await
}

/// A wait for a timer of `ms` (None: no timer) or the first of some events. Dropping it
/// clears the timer and the listeners.
pub struct Wait {
    _armed: Option<Armed>,
    done: JsFuture,
}

impl Wait {
    pub fn new(ms: Option<u32>, wake: impl IntoIterator<Item = Wake>) -> Self {
        let mut resolve = None;
        let promise = Promise::new(&mut |done, _reject| resolve = Some(done));
        let armed = resolve.map(|resolve| Armed::new(resolve, ms, wake));
        Self {
            _armed: armed,
            done: JsFuture::from(promise),
        }
    }
}

impl Future for Wait {
    /// Whether an event ended the wait: the handler gets the event then, nothing from
    /// a timer.
    type Output = bool;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        // A bare timer or event cannot reject.
        Pin::new(&mut self.done)
            .poll(cx)
            .map(|woken| woken.is_ok_and(|value| value.is_object()))
    }
}

/// `handler` set to run after `ms` and on each of the events, until dropped: a
/// long-lived signal must not collect one listener per call, and no timer outlives
/// the wait it was for.
pub struct Armed {
    handler: Function,
    timer: Option<JsValue>,
    listening: Vec<Wake>,
}

impl Armed {
    pub fn new(handler: Function, ms: Option<u32>, events: impl IntoIterator<Item = Wake>) -> Self {
        let timer = ms.map(|ms| set_timeout(&handler, ms));
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
        if let Some(timer) = &self.timer {
            clear_timeout(timer);
        }
        for (target, event) in &self.listening {
            let _ = target.remove_event_listener_with_callback(event, &self.handler);
        }
    }
}

/// `controller.abort` bound to it with no reason given, so that however it is called
/// (as a timer, as an event listener with the event) the reason is the standard
/// `AbortError`, which fetch rejects with.
pub fn abort_function(controller: &AbortController) -> Result<Function, JsValue> {
    let abort: Function<fn(JsValue) -> JsValue> =
        Reflect::get(controller, &JsValue::from_str("abort"))?.dyn_into()?;
    Ok(abort
        .bind1(controller, &JsValue::UNDEFINED)
        .unchecked_into())
}

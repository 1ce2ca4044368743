//! The page and the network as polls see them: whether the page is hidden (polls slow
//! down) and whether the browser is offline (polls stop), and the events that say when
//! that changes. A Worker knows whether it is online but has no page; Node has neither,
//! and is always visible and online.

use crate::model::field;
use crate::timer::Wake;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// The page's document while it is hidden: its `visibilitychange` says when it is shown.
pub fn hidden() -> Option<EventTarget> {
    let document = field(&js_sys::global(), "document");
    let hidden = field(&document, "visibilityState").as_string().as_deref() == Some("hidden");
    hidden.then(|| document.unchecked_into())
}

/// The event that fires when a hidden page is shown.
pub fn on_shown(document: &EventTarget) -> Wake {
    (document.clone(), "visibilitychange")
}

/// Whether the browser says it is offline (`navigator.onLine === false`).
pub fn offline() -> bool {
    let navigator = field(&js_sys::global(), "navigator");
    field(&navigator, "onLine").as_bool() == Some(false)
}

/// The global object's `online` or `offline` event, where it has them (a Window or a
/// Worker).
pub fn on_network(event: &'static str) -> Option<Wake> {
    let global = js_sys::global();
    global
        .dyn_ref::<EventTarget>()
        .map(|target| (target.clone(), event))
}

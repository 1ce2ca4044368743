//! Many calls from one page: every promise settles, the outcomes match the server's own
//! count of transitions, and neither wasm memory nor listeners on a shared AbortSignal
//! grow with the number of calls. Figures are printed; only the properties are asserted.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Array, Promise, WebAssembly};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::*;
use web_sys::AbortController;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Default)]
struct Tally {
    resolved: Cell<u32>,
    invalid_state: Cell<u32>,
    other: RefCell<Vec<String>>,
}

/// Runs `cancel(ids[i])` for every id with `in_flight` calls at a time, and tallies.
async fn cancel_all(
    server: &'static Server,
    ids: Vec<String>,
    in_flight: usize,
    extra: Vec<(&'static str, JsValue)>,
) -> Rc<Tally> {
    let ids = Rc::new(ids);
    let next = Rc::new(Cell::new(0usize));
    let tally = Rc::new(Tally::default());
    let workers = Array::new();
    for _ in 0..in_flight {
        let (ids, next, tally, extra) = (ids.clone(), next.clone(), tally.clone(), extra.clone());
        workers.push(&future_to_promise(async move {
            while let Some(id) = ids.get(next.get()) {
                next.set(next.get() + 1);
                match cancel(server, id, &extra).await {
                    Ok(_) => tally.resolved.set(tally.resolved.get() + 1),
                    Err(e) if text(&e, "kind").as_deref() == Some("invalid_state") => {
                        tally.invalid_state.set(tally.invalid_state.get() + 1)
                    }
                    Err(e) => tally
                        .other
                        .borrow_mut()
                        .push(text(&e, "message").unwrap_or_default()),
                }
            }
            Ok(JsValue::UNDEFINED)
        }));
    }
    JsFuture::from(Promise::all(&workers))
        .await
        .expect("every worker settles");
    tally
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

#[wasm_bindgen_test]
async fn a_thousand_projects_then_a_thousand_cancels_of_one() {
    let server = leak(documented());
    let (_, transitions_before) = server_totals(server).await;

    let ids = new_projects(server, "executing", 1000).await;
    assert_eq!(ids.len(), 1000);
    let tally = cancel_all(server, ids, 100, vec![]).await;
    assert_eq!(*tally.other.borrow(), Vec::<String>::new());
    assert_eq!((tally.resolved.get(), tally.invalid_state.get()), (1000, 0));
    let (_, transitions) = server_totals(server).await;
    assert_eq!(
        transitions - transitions_before,
        1000.0,
        "one transition per project"
    );

    let id = new_project(server, "executing").await;
    let tally = cancel_all(server, vec![id.clone(); 1000], 100, vec![]).await;
    assert_eq!(*tally.other.borrow(), Vec::<String>::new());
    // Exactly one call wins; the documented server tells the 999 others it is cancelled.
    assert_eq!((tally.resolved.get(), tally.invalid_state.get()), (1, 999));
    assert_eq!(cancel_requests(server, &id).await, (1000.0, 1.0));
}

fn memory_bytes() -> f64 {
    let memory: WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

#[wasm_bindgen_test]
async fn ten_thousand_calls_leave_memory_and_listeners_flat() {
    let server = leak(lenient());
    // Success and error paths alike: an already-cancelled project (200, unchanged on
    // the lenient server) and an unknown one (400 not found).
    let done = new_project(server, "cancelled").await;
    let controller = AbortController::new().expect("AbortController");
    let counts = count_listeners(&controller.signal());
    let signal: (&'static str, JsValue) = ("signal", controller.signal().into());
    let ids = |n: usize| {
        (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    done.clone()
                } else {
                    "no-such-project".into()
                }
            })
            .collect::<Vec<_>>()
    };

    // Warm-up: 4,000 calls bring the allocator and the module's tables to their
    // working size; the next 6,000 must not grow memory.
    let mut memory = Vec::new();
    for calls in [1000, 3000, 3000, 3000] {
        let tally = cancel_all(server, ids(calls), 50, vec![signal.clone()]).await;
        assert_eq!(
            tally.resolved.get() + tally.other.borrow().len() as u32,
            calls as u32
        );
        memory.push(memory_bytes());
    }
    let added = number(&counts, "added").unwrap_or(-1.0);
    let removed = number(&counts, "removed").unwrap_or(-2.0);
    web_sys::console::log_1(
        &format!("wasm memory after 1,000 / 4,000 / 7,000 / 10,000 calls: {memory:?} bytes; signal listeners added {added}, removed {removed}").into(),
    );
    // Memory grows in 64 KiB pages, and with 50 calls in flight the allocator's peak
    // can step up one page late. A leak of even 11 bytes a call would add more than a
    // page over the last 6,000 calls.
    let growth = memory[3] - memory[1];
    assert!(
        growth <= 65_536.0,
        "wasm memory grew by {growth} bytes after warm-up: {memory:?}"
    );
    assert_eq!(added, 10_000.0, "one listener per call");
    assert_eq!(added, removed, "every listener was removed");
}

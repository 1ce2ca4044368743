//! `watchProject`'s async iterator for JS: a [`Watch`] behind `next()` and `return()`,
//! the protocol `for await` drives.

use crate::watch::Watch;
use futures_core::Stream;
use js_sys::{Object, Promise, Reflect, Symbol};
use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// A watch of one project: `for await (const plan of watch)` gets its plan at once,
/// then each time it changed, and ends after a terminal status. Rejects (the loop
/// throws) with a `DeepWorkError` that ends it: `not_found` after a delete,
/// `unauthorized`, … Transient failures are waited out. `break`, `return()` or the
/// `signal` end it: the request in flight is aborted, and no timer or listener stays.
#[wasm_bindgen(js_name = ProjectWatch)]
pub struct JsWatch {
    // Borrowed only inside one synchronous poll, never across an await.
    watch: Rc<RefCell<Watch>>,
    /// The last `next()`'s promise: the next one waits for it, so that calls made
    /// without awaiting still get the plans in order.
    tail: Cell<Option<Promise>>,
}

impl JsWatch {
    /// `watch` as a JS async iterable.
    pub fn iterable(watch: Watch) -> JsValue {
        let js: JsValue = Self {
            watch: Rc::new(RefCell::new(watch)),
            tail: Cell::new(None),
        }
        .into();
        // wasm-bindgen cannot name a method by a symbol. `Object.prototype.valueOf`
        // returns its receiver, which is what `[Symbol.asyncIterator]()` must do.
        let value_of = Reflect::get(&Object::new(), &JsValue::from_str("valueOf"));
        if let Ok(value_of) = value_of {
            let _ = Reflect::set(&js, &Symbol::async_iterator(), &value_of);
        }
        js
    }
}

#[wasm_bindgen(js_class = ProjectWatch)]
impl JsWatch {
    /// The next changed plan (`{ value: plan, done: false }`), or `{ done: true }` once
    /// the watch has ended.
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<Plan, undefined>>")]
    pub fn next(&self) -> Promise {
        let watch = Rc::clone(&self.watch);
        let previous = self.tail.take();
        let promise = future_to_promise(async move {
            if let Some(previous) = previous {
                // Its outcome went to its own caller.
                let _ = JsFuture::from(previous).await;
            }
            let item = std::future::poll_fn(|cx| match watch.try_borrow_mut() {
                Ok(mut watch) => Pin::new(&mut *watch).poll_next(cx),
                Err(_) => Poll::Ready(None),
            })
            .await;
            match item {
                Some(Ok(plan)) => Ok(step(plan.into(), false)),
                Some(Err(e)) => Err(e.into()),
                None => Ok(step(JsValue::UNDEFINED, true)),
            }
        });
        self.tail.set(Some(promise.clone()));
        promise
    }

    /// Ends the watch (what `break` in `for await` calls): aborts the request in
    /// flight; a pending `next()` resolves `{ done: true }`.
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<Plan, undefined>>"
    )]
    pub fn stop(&self) -> Promise {
        if let Ok(mut watch) = self.watch.try_borrow_mut() {
            watch.stop();
        }
        Promise::resolve(&step(JsValue::UNDEFINED, true))
    }
}

/// `{ value, done }`.
fn step(value: JsValue, done: bool) -> JsValue {
    let result = Object::new();
    // Setting a property of a fresh plain object cannot fail.
    let _ = Reflect::set(&result, &JsValue::from_str("value"), &value);
    let _ = Reflect::set(
        &result,
        &JsValue::from_str("done"),
        &JsValue::from_bool(done),
    );
    result.into()
}

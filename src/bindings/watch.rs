//! The watches for JS: a [`Watch`] or a [`ProjectsWatch`] behind one async-iterator
//! class (`next()`, `return()`, `[Symbol.asyncIterator]`, the protocol `for await`
//! drives) with a `state` getter, and watch states as plain objects.

use crate::error::Error;
use crate::model::{field, ProjectList};
use crate::poll::WatchState;
use crate::watch::{ProjectsWatch, Watch};
use js_sys::{Array, Function, Object, Promise, Reflect, Symbol};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::task::{Context, Poll};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// What the JS class drives: a stream of values for JS, which can be stopped and tells
/// where it stands.
pub trait Live {
    fn poll_js(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<JsValue, Error>>>;
    fn stop(&mut self);
    fn state(&self) -> WatchState;
}

impl Live for Watch {
    fn poll_js(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<JsValue, Error>>> {
        self.poll_shared(cx)
            .map(|item| item.map(|plan| plan.map(|plan| plan.raw().clone())))
    }
    fn stop(&mut self) {
        Watch::stop(self)
    }
    fn state(&self) -> WatchState {
        Watch::state(self)
    }
}

impl Live for ProjectsWatch {
    fn poll_js(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<JsValue, Error>>> {
        self.poll_change(cx)
            .map(|item| item.map(|change| change.map(|(list, ids)| list_change(&list, ids))))
    }
    fn stop(&mut self) {
        ProjectsWatch::stop(self)
    }
    fn state(&self) -> WatchState {
        ProjectsWatch::state(self)
    }
}

/// `{ projects, count, added, removed, changed }`: the server's list with the changes
/// beside it.
fn list_change(list: &ProjectList, [added, removed, changed]: [Vec<String>; 3]) -> JsValue {
    let object = Object::new();
    let ids = |ids: Vec<String>| -> JsValue {
        ids.into_iter().map(JsValue::from).collect::<Array>().into()
    };
    let raw = list.raw();
    for (key, value) in [
        ("projects", field(raw, "projects")),
        ("count", field(raw, "count")),
        ("added", ids(added)),
        ("removed", ids(removed)),
        ("changed", ids(changed)),
    ] {
        // Setting a property of a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    }
    object.into()
}

/// `{ status, error?, nextPollAt? }`.
impl From<WatchState> for JsValue {
    fn from(state: WatchState) -> JsValue {
        let object = Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
        };
        set("status", JsValue::from_str(state.as_str()));
        if let WatchState::Retrying {
            error,
            next_poll_at,
        } = state
        {
            set("error", error.into());
            set("nextPollAt", JsValue::from_f64(next_poll_at));
        }
        object.into()
    }
}

/// A JS function as a state listener; what it throws is its own business.
pub fn state_listener(listener: Function) -> impl Fn(&WatchState) {
    move |state| {
        let _ = listener.call1(&JsValue::UNDEFINED, &state.clone().into());
    }
}

/// A live watch: `for await (const value of watch)` gets a value at once, then each
/// time it changed. Rejects (the loop throws) with a `DeepWorkError` that ends it.
/// `break`, `return()` or its `signal` end it. `state` tells where it stands.
#[wasm_bindgen(js_name = LiveWatch, skip_typescript)]
pub struct JsWatch {
    // Borrowed only inside one synchronous poll, never across an await.
    watch: Rc<RefCell<dyn Live>>,
    /// The last `next()`'s promise: the next one waits for it, so that calls made
    /// without awaiting still get the values in order.
    tail: Cell<Option<Promise>>,
}

impl JsWatch {
    /// `watch` as a JS async iterable.
    pub fn iterable(watch: impl Live + 'static) -> JsValue {
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

#[wasm_bindgen(js_class = LiveWatch)]
impl JsWatch {
    /// The next value (`{ value, done: false }`), or `{ done: true }` once the watch
    /// has ended.
    #[wasm_bindgen(skip_typescript)]
    pub fn next(&self) -> Promise {
        let watch = Rc::clone(&self.watch);
        let previous = self.tail.take();
        let promise = future_to_promise(async move {
            if let Some(previous) = previous {
                // Its outcome went to its own caller.
                let _ = JsFuture::from(previous).await;
            }
            let item = std::future::poll_fn(|cx| match watch.try_borrow_mut() {
                Ok(mut watch) => watch.poll_js(cx),
                Err(_) => Poll::Ready(None),
            })
            .await;
            match item {
                Some(Ok(value)) => Ok(step(value, false)),
                Some(Err(e)) => Err(e.into()),
                None => Ok(step(JsValue::UNDEFINED, true)),
            }
        });
        self.tail.set(Some(promise.clone()));
        promise
    }

    /// Ends the watch (what `break` in `for await` calls); a pending `next()` resolves
    /// `{ done: true }`.
    #[wasm_bindgen(js_name = "return", skip_typescript)]
    pub fn stop(&self) -> Promise {
        if let Ok(mut watch) = self.watch.try_borrow_mut() {
            watch.stop();
        }
        Promise::resolve(&step(JsValue::UNDEFINED, true))
    }

    /// Where the watch stands: `{ status: "live" | "hidden" | "offline" | "retrying" |
    /// "ended", error?, nextPollAt? }`.
    #[wasm_bindgen(getter, skip_typescript)]
    pub fn state(&self) -> JsValue {
        match self.watch.try_borrow() {
            Ok(watch) => watch.state().into(),
            Err(_) => WatchState::Live.into(),
        }
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

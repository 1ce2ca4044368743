//! The Deep Work API's data, as serde types: what each call resolves with, and the
//! envelopes the server wraps it in.
//!
//! Decoding reads these straight from the `JsValue` that `Response.json()` produced
//! (`crate::decode`). Each value also keeps the server's own object beside the
//! decoded fields ([`Project::raw`], [`Task::raw`], …): JS callers get those objects,
//! with every field a newer server adds, and free-form fields (`metadata`, `prd`,
//! `goal_analysis`) are read from them.

mod answer;
mod project;
pub(crate) mod status;
mod task;

pub(crate) use answer::{Deleted, FromBody, GoalAnswer, ProjectAnswer, TaskAnswer};
pub use answer::{GoalAnalysis, Plan, Progress, ProjectDetail, ProjectList, TaskChange};
pub use project::Project;
pub use status::{ProjectStatus, ResearchDepth, TaskPriority, TaskStatus, TaskType};
pub use task::Task;

use std::fmt;
use wasm_bindgen::JsValue;

/// A JS object kept beside decoded data. Its `Debug` does not reach into JS, so a
/// value can be printed anywhere (also in native tests, where there is no JS).
#[derive(Clone, Default)]
pub(crate) struct Raw(pub(crate) JsValue);

impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{…}")
    }
}

/// `object[key]`, `undefined` when it is not there (or `object` is not an object).
pub(crate) fn field(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `array[index]`, `undefined` when it is not there.
fn item(array: &JsValue, index: usize) -> JsValue {
    js_sys::Reflect::get_u32(array, index as u32).unwrap_or(JsValue::UNDEFINED)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    pub use super::project::tests::{answer, full_project, ID};
}

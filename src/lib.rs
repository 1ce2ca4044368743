//! An SDK for the **Deep Work** project API of an agent-orchestration server, for Rust
//! frontends compiled to WebAssembly (Leptos, Yew, Dioxus, …) and, through its
//! `#[wasm_bindgen]` exports, for JS in browsers, Web Workers and Node.
//!
//! A [`DeepWorkClient`] holds the server's base URL and a bearer token; each call is an
//! `async fn` that resolves with a typed answer ([`Project`]) or one [`Error`] type
//! whose [`kind`](Error::kind) you match on. Requests go through `fetch` (gloo-net),
//! with a timeout and an optional `AbortSignal` that abort the request itself, and
//! safe retries of lost answers and busy servers.
//!
//! ```no_run
//! use deepwork_client::{CallOptions, DeepWorkClient, ErrorKind, ProjectStatus};
//! use std::time::Duration;
//!
//! # async fn run(id: &str, token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let client = DeepWorkClient::new("http://127.0.0.1:8000", token)?;
//! match client.cancel_project(id).await {
//!     Ok(project) => assert_eq!(project.status, ProjectStatus::Cancelled),
//!     Err(e) if e.kind() == ErrorKind::NotFound => { /* e.status(), e.detail() */ }
//!     Err(e) => return Err(e.into()),
//! }
//!
//! // Per-call choices: a shorter timeout, more retries, an AbortSignal.
//! let quick = client.with_options(CallOptions::new().timeout(Duration::from_secs(5)));
//! let project = quick.cancel_project(id).await?;
//! # Ok(())
//! # }
//! ```
//!
//! The crate runs on `wasm32-unknown-unknown` in a browser (or a Worker, or Node).
//! Its default feature `js` adds the JS exports; a Rust app that only calls the Rust
//! API can leave them out with `default-features = false`.
//!
//! ## Live dashboards
//!
//! Watches poll for you and yield only what changed. Watches of the same project (or
//! list) on one server with one token share one poll, whichever client started them,
//! and every client of a server spends one request budget, kept under the server's rate
//! limiter. A watch is a [`futures_core::Stream`] (with a `next()` of its own, so no
//! trait import is needed), ends when dropped, and tells where it stands through
//! `state()`: live, retrying (with the error and when it polls again), offline, hidden,
//! ended.
//!
//! ```no_run
//! use deepwork_client::{
//!     DeepWorkClient, NewProject, ProjectFilter, ProjectStatus, WaitOptions, WatchOptions, WatchState,
//! };
//!
//! # async fn run(client: DeepWorkClient) -> Result<(), deepwork_client::Error> {
//! // Start a project and wait until its plan can be approved.
//! let project = client.start_project(&NewProject::new("Build a REST API for a todo app")).await?;
//! let plan = client
//!     .wait_for_project(&project.id, ProjectStatus::AwaitingApproval, WaitOptions::new())
//!     .await?;
//! println!("{} tasks to approve", plan.tasks.len());
//!
//! // The project list, live: the whole list at once, then each change; failures it can
//! // wait out show in its state, not in the loop.
//! let options = WatchOptions::new().on_state_change(|state| match state {
//!     WatchState::Retrying { .. } | WatchState::Offline => println!("reconnecting…"),
//!     _ => println!("live"),
//! });
//! let mut projects = client.watch_projects(&ProjectFilter::new(), options)?;
//! while let Some(update) = projects.next().await {
//!     let update = update?;
//!     println!("{} projects, new: {:?}, gone: {:?}", update.list.projects.len(), update.added, update.removed);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A live dashboard in Leptos built on this API, with the idioms a client that is not
//! `Send` calls for, is in the repository's
//! [`examples/leptos-dashboard`](https://github.com/deepwork-client/deepwork-client/tree/main/examples/leptos-dashboard).

// Errors are the cold path: boxing them would only add code to the wasm module.
#![allow(clippy::result_large_err)]

mod auth;
#[cfg(feature = "js")]
pub mod bindings;
mod budget;
mod call;
mod client;
mod decode;
mod error;
mod model;
mod options;
mod page;
mod poll;
mod request;
mod retry;
mod retry_after;
mod server;
mod text;
mod timer;
mod transport;
mod url;
mod watch;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz_tests;

pub use budget::RateLimit;
pub use client::{DeepWorkClient, DEFAULT_BASE_URL};
pub use error::{Error, ErrorKind, Loc, ValidationIssue};
pub use model::{
    GoalAnalysis, Plan, Progress, Project, ProjectDetail, ProjectList, ProjectStatus,
    ResearchDepth, Task, TaskChange, TaskPriority, TaskStatus, TaskType,
};
pub use options::CallOptions;
pub use poll::WatchState;
pub use request::{NewProject, ProjectFilter};
pub use watch::{ProjectListUpdate, ProjectsWatch, Until, WaitOptions, Watch, WatchOptions};

// talc instead of the default allocator: 2.5 KiB gzipped less, the same job. Only in
// the npm package's build (feature `talc`): a library must not pick a Rust app's allocator.
#[cfg(all(
    feature = "talc",
    not(target_feature = "atomics"),
    target_family = "wasm"
))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

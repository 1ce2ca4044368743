//! deepwork-client: a browser SDK for the Deep Work project API, compiled to
//! WebAssembly. `bindings` is the JS surface; everything under it is plain Rust, and
//! the pure parts (decoding, error mapping, URLs, tokens, Retry-After) are tested
//! natively with `cargo test`.

// Errors are the cold path: boxing them would only add code to the wasm module.
#![allow(clippy::result_large_err)]

mod auth;
mod bindings;
mod client;
mod error;
mod json;
mod model;
mod options;
mod retry;
mod retry_after;
mod text;
mod transport;
mod url;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz_tests;

pub use bindings::{cancel_project, DeepWorkClient};

// talc instead of the default dlmalloc: the same job in 7 KB less of the module.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

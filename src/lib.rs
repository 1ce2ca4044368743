//! deepwork-client: a browser SDK for the Deep Work project API, compiled to
//! WebAssembly. `bindings` is the JS surface; everything under it is plain Rust, and
//! the pure parts (decoding, error mapping, URLs, tokens, Retry-After) are tested
//! natively with `cargo test`.

#![cfg_attr(not(feature = "std"), no_std)]
// Errors are the cold path: boxing them would only add code to the wasm module.
#![allow(clippy::result_large_err)]

extern crate alloc;

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

// Without std (the npm package's build), a panic traps. Nothing from outside can panic
// the module (inputs and answers are checked, and generated-input tests hold it to
// that), so what this leaves out is the code that would format a panic message.
#[cfg(all(not(feature = "std"), target_family = "wasm", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// Starts the app: the glue that `wasm-bindgen --target web` wrote (served at /pkg/)
// loads the module, which then runs the app's `main`.
import init from '/pkg/leptos_dashboard.js';

await init();

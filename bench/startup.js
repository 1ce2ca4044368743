// Start-up: from `import` to a package ready to call, i.e. fetching its modules and its
// .wasm from the server, compiling and instantiating. run.mjs loads this page in a new
// browser context each time, so no HTTP cache or wasm code cache can help.
const start = performance.now();
window.startup = import('/pkg/index.js').then(() => {
  const ready = performance.now();
  // What is wasm's own: compiling what has not been compiled while it streamed in, and
  // instantiating. The rest is the fetches of index.js → glue and snippet → .wasm.
  const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
  return { ms: ready - start, afterWasmMs: ready - wasm.responseEnd };
});

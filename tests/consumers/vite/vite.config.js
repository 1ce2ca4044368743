// #region vite-config
import { defineConfig } from 'vite';

export default defineConfig({
  // deepwork-client starts its wasm module with top-level await, which Vite's default
  // worker format (iife) cannot hold: build workers as ES modules.
  worker: { format: 'es' },
});
// #endregion

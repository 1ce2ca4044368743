// #region worker
// Set the handler before loading the SDK: a module worker drops the messages that
// arrive while its static imports are still loading, and the SDK's import waits for
// its wasm module.
const sdk = import('./node_modules/deepwork-client/index.js');

// Makes one DeepWorkClient call for the page: `method` (e.g. 'getPlan') with `args`.
self.onmessage = async ({ data: { token, baseUrl, method, args } }) => {
  const { DeepWorkClient, isDeepWorkError } = await sdk;
  try {
    const result = await new DeepWorkClient({ token, baseUrl })[method](...args);
    self.postMessage({ result });
  } catch (err) {
    if (!isDeepWorkError(err)) throw err;
    // An Error loses its fields in postMessage: send the ones the page needs.
    const { kind, status, currentStatus, message } = err;
    self.postMessage({ error: { kind, status, currentStatus, message } });
  }
};
// #endregion

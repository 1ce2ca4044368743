// #region worker
// Set the handler before loading the SDK: a module worker drops the messages that
// arrive while its static imports are still loading, and the SDK's import waits for
// its wasm module.
const sdk = import('./node_modules/deepwork-client/index.js');
// One client for all the page's calls, made with the first message's token and server.
let client;

// Makes one DeepWorkClient call for the page: `method` (e.g. 'getPlan') with `args`,
// and posts its answer tagged with `method`. A watch ('watchProject') posts `{ plan }`
// each time the project changed, then an answer with no result once it has ended.
self.onmessage = async ({ data: { token, baseUrl, method, args } }) => {
  const { DeepWorkClient, isDeepWorkError } = await sdk;
  try {
    client ??= new DeepWorkClient({ token, baseUrl });
    if (method === 'watchProject') {
      for await (const plan of client.watchProject(...args)) self.postMessage({ method, plan });
      self.postMessage({ method });
    } else {
      self.postMessage({ method, result: await client[method](...args) });
    }
  } catch (err) {
    if (!isDeepWorkError(err)) throw err;
    // An Error loses its fields in postMessage: send the ones the page needs.
    const { kind, status, currentStatus, message } = err;
    self.postMessage({ method, error: { kind, status, currentStatus, message } });
  }
};
// #endregion

// #region worker
// Set the handler before loading the SDK: a module worker drops the messages that
// arrive while its static imports are still loading, and the SDK's import waits for
// its wasm module.
const sdk = import('./node_modules/deepwork-client/index.js');

self.onmessage = async ({ data: { projectId, token, baseUrl } }) => {
  const { cancelProject, isDeepWorkError } = await sdk;
  try {
    const project = await cancelProject(projectId, token, { baseUrl });
    self.postMessage({ project });
  } catch (err) {
    if (!isDeepWorkError(err)) throw err;
    // An Error loses its fields in postMessage: send the ones the page needs.
    self.postMessage({ error: { kind: err.kind, status: err.status, message: err.message } });
  }
};
// #endregion

// Set the handler before loading the SDK: a module worker drops the messages that
// arrive while its static imports are still loading.
const sdk = import('./cancel.js');

self.onmessage = async ({ data: { projectId, token, baseUrl } }) => {
  const { cancel } = await sdk;
  self.postMessage(await cancel(projectId, token, baseUrl));
};

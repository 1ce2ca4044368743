// Set the handler before loading the SDK: a module worker drops the messages that
// arrive while its static imports are still loading.
const sdk = import('./calls.js');

self.onmessage = async ({ data: { call, params } }) => {
  const { run } = await sdk;
  // run() throws what is not a DeepWorkError: show it, rather than leave the page waiting.
  self.postMessage(await run(call, params).catch((err) => `bug: ${err}`));
};

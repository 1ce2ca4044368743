// How every node-driven browser test and the benchmark launch Chromium: Debian's own
// build (a playwright browser download cannot work on these machines), headless, as
// root (--no-sandbox), and quiet on a closed network (the networking flags).
// Pass to playwright-core's `chromium.launch(CHROMIUM)`.
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
};

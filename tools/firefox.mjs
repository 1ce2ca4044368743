// How node-driven browser tests launch Firefox: Debian's Firefox ESR, driven by
// playwright-core over WebDriver BiDi (the `moz-firefox` channel), headless.
// Pass to playwright-core's `firefox.launch(FIREFOX)`.
export const FIREFOX = {
  channel: 'moz-firefox',
  executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
  headless: true,
};

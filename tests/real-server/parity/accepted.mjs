// The differences between the devserver and PocketPaw that are accepted, as
// devserver/README.md lists them: a table whose rows start with the case's name in
// backticks, then the aspects that differ (as parity/compare.mjs names them), then why.

import { readFileSync } from 'node:fs';

const README = new URL('../../../devserver/README.md', import.meta.url);
const SECTION = '## Where it differs from PocketPaw';

/** Case name → the aspects in which it may differ. @returns {Map<string, string[]>} */
export function acceptedDifferences() {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(SECTION);
  if (start < 0) throw new Error(`devserver/README.md has no "${SECTION}" section`);
  const section = text.slice(start + SECTION.length).split('\n## ')[0];
  const accepted = new Map();
  for (const line of section.split('\n')) {
    const row = /^\| `([^`]+)` \| ([^|]+) \|/.exec(line);
    if (!row) continue;
    const [, name, aspects] = row;
    if (accepted.has(name)) throw new Error(`devserver/README.md lists "${name}" twice`);
    accepted.set(name, aspects.split(',').map((aspect) => aspect.trim()).sort());
  }
  return accepted;
}

// consumer.ts against the packed types, with `tsc --strict --noEmit`: TypeScript 7 and
// 5.9, as a bundler app with the DOM library and as a Node program without it, the
// package's .d.ts files checked too. A negative control shows that the `never` check
// of an exhaustive switch really fails when a kind is missing.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const COMPILERS = { 'TypeScript 7': 'typescript', 'TypeScript 5.9': 'typescript-5' };
const PROGRAMS = { 'a bundler app (DOM)': 'tsconfig.json', 'a Node program (no DOM)': 'tsconfig.node.json' };

function tsc(pkg, project) {
  const bin = `${here}node_modules/${pkg}/bin/tsc`;
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--strict', '--noEmit', '-p', project], { cwd: here, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 'killed') : 0, output: stdout + stderr });
    });
  });
}

for (const [compiler, pkg] of Object.entries(COMPILERS)) {
  for (const [program, project] of Object.entries(PROGRAMS)) {
    test(`${compiler}: consumer.ts compiles as ${program}`, async () => {
      const { code, output } = await tsc(pkg, project);
      assert.equal(code, 0, output);
    });
  }

  test(`${compiler}: a switch on err.kind that misses a kind does not compile`, async () => {
    const { code, output } = await tsc(pkg, 'tsconfig.fail.json');
    assert.notEqual(code, 0);
    const errors = output.split('\n').filter((line) => line.includes('error TS'));
    assert.deepEqual(errors, [
      `never-check.fail.ts(26,13): error TS2322: Type '"invalid_response"' is not assignable to type 'never'.`,
    ]);
  });
}

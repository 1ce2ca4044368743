// The package as npm installed it from the packed tarball: exactly the files it needs,
// a complete manifest, and nothing that points at a file it does not ship.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('deepwork-client/package.json'));
const manifestText = readFileSync(join(dir, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText);

function filesUnder(root, at = root) {
  return readdirSync(at).flatMap((name) => {
    const path = join(at, name);
    return statSync(path).isDirectory() ? filesUnder(root, path) : [relative(root, path)];
  });
}
const shipped = filesUnder(dir).sort();

test('the tarball holds exactly the files the package needs', () => {
  const error = shipped.find((f) => /^snippets\/deepwork-client-[0-9a-f]{16}\/js\/error\.js$/.test(f));
  assert.ok(error, `no error snippet in ${shipped.join(', ')}`);
  assert.deepEqual(shipped, [
    'LICENSE-APACHE',
    'LICENSE-MIT',
    'README.md',
    'deepwork_client.d.ts',
    'deepwork_client.js',
    'deepwork_client_bg.wasm',
    'index.d.ts',
    'index.js',
    'node.js',
    'package.json',
    error,
  ]);
});

test('only wasm-bindgen\'s glue calls fetch: no hand-written JS sends requests', () => {
  const callers = shipped.filter((f) => f.endsWith('.js') && /\bfetch\s*\(/.test(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(callers, ['deepwork_client.js']);
});

test('the manifest describes the package, its version the crate\'s', () => {
  const cargo = readFileSync(new URL('../../../Cargo.toml', import.meta.url), 'utf8');
  const crateVersion = cargo.split('[package]')[1].match(/^version = "([^"]+)"/m)[1];
  assert.equal(manifest.name, 'deepwork-client');
  assert.equal(manifest.version, crateVersion);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.equal(manifest.type, 'module');
  assert.match(manifest.description, /Deep Work/);
  assert.match(manifest.repository.url, /^git\+https:\/\/.+\.git$/);
  assert.ok(manifest.keywords.length > 0);
  assert.equal(manifest.engines.node, '>=20');
  assert.equal(manifest.dependencies, undefined, 'the package has no dependencies');
  assert.equal(manifest.scripts, undefined, 'the package runs nothing at install');
});

test('exports: types first, then node, then the browser default, each shipped', () => {
  assert.deepEqual(Object.keys(manifest.exports), ['.', './package.json']);
  const root = manifest.exports['.'];
  // Conditions are tried in order: `default` anywhere but last would hide the others.
  assert.deepEqual(Object.entries(root), [
    ['types', './index.d.ts'],
    ['node', './node.js'],
    ['default', './index.js'],
  ]);
  for (const target of [...Object.values(root), manifest.main, manifest.module, manifest.types]) {
    assert.ok(shipped.includes(posix.normalize(target)), target);
  }
});

/** The shipped JS is minified: these patterns allow for no spaces and renamed locals. */
const source = (file) => readFileSync(join(dir, file), 'utf8');

test('sideEffects names exactly the two entries that start the wasm module', () => {
  assert.deepEqual(manifest.sideEffects, ['./index.js', './node.js']);
  // index.js awaits the glue's default export (init); node.js calls initSync.
  const browser = source('index.js');
  const init = browser.match(/import\s*(\w+)\s*from\s*["']\.\/deepwork_client\.js["']/)?.[1];
  assert.ok(init, 'index.js imports init');
  assert.match(browser, new RegExp(`(^|[;\\s])await ${init}\\(\\)`), 'index.js awaits init()');
  const node = source('node.js');
  const initSync = node.match(/initSync(?:\s+as\s+(\w+))?\s*\}\s*from\s*["']\.\/deepwork_client\.js["']/);
  assert.ok(initSync, 'node.js imports initSync');
  assert.match(node, new RegExp(`(^|[;\\s])${initSync[1] ?? 'initSync'}\\(`), 'node.js calls initSync');
});

test('both entries export the same names, and the types declare them', async () => {
  const exportsOf = (file) =>
    [...source(file).matchAll(/export\s*\{([^}]*)\}/g)]
      .flatMap(([, list]) => list.split(','))
      .map((item) => item.trim().split(/\s+as\s+/).pop())
      .sort();
  const names = Object.keys(await import('deepwork-client')).sort();
  assert.deepEqual(exportsOf('index.js'), names);
  assert.deepEqual(exportsOf('node.js'), names);
  assert.deepEqual(names, ['DeepWorkClient', 'DeepWorkError', 'cancelProject', 'isDeepWorkError']);
  const types = readFileSync(join(dir, 'index.d.ts'), 'utf8');
  for (const name of names) assert.match(types, new RegExp(`\\b${name}\\b`), name);
});

test('every relative import and asset URL in the shipped code points at a shipped file', () => {
  const references = /(?:from\s*|import\(\s*|new URL\(\s*)['"]([^'"]+)['"]/g;
  let checked = 0;
  for (const file of shipped.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
    for (const [, spec] of readFileSync(join(dir, file), 'utf8').matchAll(references)) {
      if (spec.startsWith('node:')) continue;
      let target = posix.join(posix.dirname(file), spec);
      if (file.endsWith('.d.ts')) target = target.replace(/\.js$/, '.d.ts');
      assert.ok(shipped.includes(target), `${file} refers to ${spec}, which the package does not ship`);
      checked += 1;
    }
  }
  assert.ok(checked >= 6, `only ${checked} references found`);
});

test('the README is the package\'s, its links work on npm, and both licenses ship', () => {
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  assert.match(readme, /^# deepwork-client$/m);
  assert.match(readme, /^## Install$/m);
  // npm shows the README alone: a link to a file of the repository must be absolute.
  const prose = readme.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  const targets = [...prose.matchAll(/\]\(([^)\s]+)/g)].map(([, target]) => target);
  assert.ok(targets.length >= 10, `only ${targets.length} links`);
  const relative = targets.filter((target) => !/^(https?:\/\/|#|mailto:)/.test(target));
  assert.deepEqual(relative, []);
  assert.ok(targets.some((t) => t.endsWith('/blob/HEAD/docs/api.md')), targets.join(' '));
  assert.match(readFileSync(join(dir, 'LICENSE-MIT'), 'utf8'), /MIT License|Permission is hereby granted/);
  assert.match(readFileSync(join(dir, 'LICENSE-APACHE'), 'utf8'), /Apache License/);
});

/**
 * Bundled entries (src/threads/entries.ts, scripts/build-entries.mjs): a bundle is used only
 * while it is newer than every source it was built from; after a build every entry has one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLE_DIR, PACKAGE_ROOT, bundlesFresh, type BundleManifest } from '../../src/threads/entries.ts';

const manifest: BundleManifest = {
  entries: {
    'src/a-main.ts': { bundle: 'dist/entries/a-main.mjs', inputs: ['src/a-main.ts', 'src/lib.ts'] },
    'src/b-main.ts': { bundle: 'dist/entries/b-main.mjs', inputs: ['src/b-main.ts', 'src/lib.ts'] },
  },
};

test('bundles are fresh only while every bundle is newer than every input it lists', () => {
  const times: Record<string, number | null> = { 'dist/entries/a-main.mjs': 100, 'dist/entries/b-main.mjs': 100, 'src/a-main.ts': 50, 'src/b-main.ts': 60, 'src/lib.ts': 90 };
  const at = (over: Record<string, number | null> = {}) => (rel: string) => ({ ...times, ...over })[rel] ?? null;
  assert.equal(bundlesFresh(manifest, at()), true);
  assert.equal(bundlesFresh(manifest, at({ 'src/lib.ts': 101 })), false, 'a shared source edited after the build');
  assert.equal(bundlesFresh(manifest, at({ 'dist/entries/b-main.mjs': null })), false, 'a bundle missing');
  assert.equal(bundlesFresh(manifest, at({ 'src/a-main.ts': null })), false, 'a source gone');
  assert.equal(bundlesFresh({ entries: {} }, at()), false, 'an empty manifest');
});

test('after npm run build every platform entry has a fresh bundle that runs without tsx', () => {
  execFileSync(process.execPath, ['scripts/build-entries.mjs'], { cwd: PACKAGE_ROOT, stdio: 'pipe' });
  const m = JSON.parse(readFileSync(path.join(BUNDLE_DIR, 'manifest.json'), 'utf8')) as BundleManifest;
  for (const e of ['host-main', 'witness-main', 'agent-main', 'lease-sidecar-main', 'vm-worker']) {
    const entry = m.entries[`src/platform/builtin/${e}.ts`];
    assert.ok(entry && existsSync(path.join(PACKAGE_ROOT, entry.bundle)), `${e} bundled`);
  }
  assert.ok(m.entries['src/toxiproxy/server-thread-main.ts'], 'the Toxiproxy thread bundled');
  assert.ok(m.entries['src/platform/builtin/vm-worker.ts']!.inputs.includes('src/vm/machine.ts'), 'the emulator thread carries the VM layer');
  const mtime = (rel: string) => (existsSync(path.join(PACKAGE_ROOT, rel)) ? 0 : null);
  assert.equal(bundlesFresh(m, mtime), true);
  // a bundle is plain JavaScript: it imports npm packages and node builtins, never a .ts file
  for (const e of Object.values(m.entries)) {
    const js = readFileSync(path.join(PACKAGE_ROOT, e.bundle), 'utf8');
    assert.doesNotMatch(js, /(from|import\()\s*["'][^"']+\.ts["']/, `${e.bundle} imports no TypeScript`);
  }
});

#!/usr/bin/env node
// Bundles the entries of the platform's processes and threads into dist/entries/*.mjs with
// esbuild (npm packages stay external), and writes dist/entries/manifest.json: per entry its
// bundle and the source files it was built from, so that src/threads/entries.ts uses a bundle
// only while it is fresh. Without esbuild (an install without devDependencies) it says so and
// exits 0: every entry then runs from source through tsx, as before. It reports on stderr
// (npm pack --json runs it as prepare and keeps stdout for its JSON).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** source entries, relative to the package root */
export const ENTRIES = [
  'src/platform/builtin/host-main.ts',
  'src/platform/builtin/witness-main.ts',
  // `ftchaos host` / `ftchaos witness` without tsx (bin/ftchaos.mjs), and what they import
  'src/cli/standalone.ts',
  'src/platform/builtin/host-run.ts',
  'src/platform/builtin/witness-run.ts',
  'src/platform/builtin/agent-main.ts',
  'src/platform/builtin/lease-sidecar-main.ts',
  'src/platform/builtin/vm-worker.ts',
  'src/toxiproxy/server-thread-main.ts',
];

const OUT = 'dist/entries';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('build-entries: esbuild is not installed; the platform runs from source (tsx)');
  process.exit(0);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const started = performance.now();
const result = await esbuild.build({
  entryPoints: ENTRIES,
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  metafile: true,
  logLevel: 'warning',
});
const entries = {};
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  entries[meta.entryPoint] = { bundle: out, inputs: Object.keys(meta.inputs).sort() };
}
const missing = ENTRIES.filter((e) => !entries[e]);
if (missing.length) throw new Error(`build-entries: no bundle for ${missing.join(', ')}`);
writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify({ entries }, null, 2) + '\n');
console.error(`build-entries: ${ENTRIES.length} entries bundled into ${OUT}/ in ${Math.round(performance.now() - started)} ms`);

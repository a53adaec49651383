#!/usr/bin/env node
// The ftchaos command. Plain JavaScript so that it runs with bare `node`. `ftchaos host` and
// `ftchaos witness` (processes of the builtin platform, launched by external drivers) run from
// their bundle (dist/entries/standalone.mjs) while the bundles are fresh, as the builtin
// driver's processes do. Everything else, or without a fresh build, registers the TypeScript
// loader (tsx) for this process only — not through NODE_OPTIONS, which would leak into every
// child process — and hands over to the TypeScript CLI.
const argv = process.argv.slice(2);
const BUNDLED = new Set(['host', 'witness']);

/** the bundled standalone commands, or null without a fresh build */
async function bundled() {
  try {
    const m = await import('../dist/entries/standalone.mjs');
    return m.bundlesUsable() ? m : null;
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

const fast = BUNDLED.has(argv[0]) ? await bundled() : null;
let code;
if (fast) {
  code = await fast.commands[argv[0]].run(argv.slice(1));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  code = await main(argv);
}
if (code !== undefined) process.exitCode = code;

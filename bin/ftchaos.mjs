#!/usr/bin/env node
// The ftchaos command. Plain JavaScript so that it runs with bare `node`: it registers the
// TypeScript loader (tsx) for this process only — not through NODE_OPTIONS, which would
// leak into every child process — and then hands over to the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;

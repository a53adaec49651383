/**
 * `ftchaos host <config>`: one host of the builtin platform as a process of its own, so that
 * a driver written in any language can launch it (examples/drivers/). The configuration is one
 * JSON object (inline, or `@file`); see docs/driver.md "The builtin platform's processes".
 * stdout carries the host's events (ndjson); the process exits when its stdin closes.
 */
import { readFileSync } from 'node:fs';
import type { Command } from './main.ts';
import { parseHostConfig, ConfigError } from './process-config.ts';
import { importEntry } from '../threads/entries.ts';

export const USAGE = `Usage: ftchaos host '<json>' | @config.json

Runs one host of the builtin FT platform (a VM, its replication and its client listener).
The JSON object:
  name          "a" | "b"
  initialRole   "primary" (boot the guest, take the lease) | "backup" (wait for a primary's state)
  links         { client, replication, dialPeer, dialWitness }: each { "host": "127.0.0.1", "port": N }
  logFile       structured log file
  consoleFile   guest serial console file [<logFile>.console]
  options       platform options (docs/platform.md), e.g. { "checkpointIntervalMs": 25 } [defaults]
  solo          true: no peer, no witness (an unprotected VM) [false]
stdout: one JSON event per line ({"t":"listening"}, {"t":"role",...}, {"t":"status",...}, ...).
The process exits when its stdin closes (so a driver's children never outlive it).`;

export function readConfigArg(args: string[], usage: string): unknown {
  if (args.length !== 1) throw new ConfigError(`expected exactly one argument (the JSON configuration or @file), got ${args.length}\n\n${usage}`);
  const arg = args[0]!;
  const text = arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`the configuration is not JSON: ${(err as Error).message}`);
  }
}

export const command: Command = {
  summary: 'run one host of the builtin platform (for external drivers)',
  async run(args) {
    if (args[0] === '--help' || args[0] === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    let cfg;
    try {
      cfg = parseHostConfig(readConfigArg(args, USAGE));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      process.stderr.write(`ftchaos host: ${err.message}\n`);
      return 2;
    }
    const { runHost } = await importEntry<typeof import('../platform/builtin/host-run.ts')>('src/platform/builtin/host-run.ts');
    runHost(cfg);
    return undefined;
  },
};

/**
 * `ftchaos witness --port N --log-file F`: the builtin platform's witness (lease service) as
 * a process of its own, for external drivers. stdout carries its events (ndjson: `ready`,
 * `lease`, `loop`); it exits when its stdin closes.
 */
import { parseArgs } from 'node:util';
import type { Command } from './main.ts';
import { ConfigError, parseWitnessConfig } from './process-config.ts';
import { importEntry } from '../threads/entries.ts';

export const USAGE = `Usage: ftchaos witness --port <n> --log-file <file> [--host 127.0.0.1]

Runs the witness of the builtin FT platform: the lease service both hosts dial.
stdout: one JSON event per line ({"t":"ready",...} once it listens, {"t":"lease",...}).
The process exits when its stdin closes.`;

export const command: Command = {
  summary: 'run the witness of the builtin platform (for external drivers)',
  async run(args) {
    let cfg;
    try {
      const { values } = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: { host: { type: 'string' }, port: { type: 'string' }, 'log-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      });
      if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      cfg = parseWitnessConfig({ host: values.host ?? '127.0.0.1', port: values.port, logFile: values['log-file'] });
    } catch (err) {
      process.stderr.write(`ftchaos witness: ${(err as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const { runWitness } = await importEntry<typeof import('../platform/builtin/witness-run.ts')>('src/platform/builtin/witness-run.ts');
    runWitness(cfg);
    return undefined;
  },
};

export { ConfigError };

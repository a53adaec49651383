/**
 * `ftchaos run [--shard I/N] [--out DIR] -- <cucumber-js arguments>`: runs cucumber-js with the
 * user's profiles and arguments, writing every result file into one folder of its own
 * (reports/shards/<I> for a shard). The shard is cucumber's own --shard: every N-th scenario
 * of the filtered plan (features sorted by path, scenarios in file order), so every runner
 * of a CI matrix picks the same split. `ftchaos merge` joins the folders into one report.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import type { Command } from './main.ts';
import { parseOrExit, UsageError } from './usage.ts';
import { parseShard, shardText, type Shard } from './shard-spec.ts';
import { planRun } from './run-config.ts';

export const USAGE = `Usage: ftchaos run [--shard I/N] [--out DIR] [-- <cucumber-js arguments>]

Runs the scenarios with cucumber-js (your cucumber.json profiles; e.g. -- --profile ci
--parallel 2 features/x.feature) and writes all its result files into one folder:
junit.xml, allure-results/, verdicts.txt, the evidence (runs/) and shard.json.

  --shard I/N    run shard I of N (1 <= I <= N): every N-th scenario, the same split on
                 every runner; default folder reports/shards/I
  --out DIR      the results folder (default reports/shards/I, or reports without --shard)
  -h, --help     this text

Then: ftchaos merge --into reports reports/shards/1 ... reports/shards/N

Exit codes: cucumber-js's (0 passed, 1 failed); 2 bad flags.`;

export interface RunOptions {
  shard: Shard | null;
  out: string;
  cucumberArgs: string[];
  help: boolean;
}

export function parseRunArgs(args: string[]): RunOptions {
  const dash = args.indexOf('--');
  const own = dash === -1 ? args : args.slice(0, dash);
  const cucumberArgs = dash === -1 ? [] : args.slice(dash + 1);
  let values;
  try {
    ({ values } = parseArgs({ args: own, strict: true, allowPositionals: false, options: { shard: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; allowed: --shard I/N, --out DIR, --help, then -- and the cucumber-js arguments`);
  }
  let shard: Shard | null = null;
  if (values.shard !== undefined) {
    try {
      shard = parseShard(values.shard);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (values.out === '') throw new UsageError('--out needs a folder');
  if (cucumberArgs.some((a) => a === '--shard' || a.startsWith('--shard='))) {
    throw new UsageError('give the shard to ftchaos run (--shard I/N before --), not to cucumber-js: it also chooses the results folder');
  }
  return { shard, out: values.out ?? (shard ? join('reports', 'shards', String(shard.index)) : 'reports'), cucumberArgs, help: values.help ?? false };
}

export const command: Command = {
  summary: 'run the scenarios (optionally one shard of them) into a results folder of their own',
  async run(args) {
    const opts = await parseOrExit('run', USAGE, () => parseRunArgs(args));
    if (typeof opts === 'number') return opts;
    const plan = await planRun(opts.cucumberArgs, opts.out, opts.shard);
    // this folder holds one run: no results of an earlier one may reach the merged report
    rmSync(plan.allureResults, { recursive: true, force: true });
    mkdirSync(opts.out, { recursive: true });
    const configFile = join(opts.out, 'cucumber.json');
    writeFileSync(configFile, JSON.stringify({ default: plan.config }, null, 2) + '\n');
    writeFileSync(join(opts.out, 'shard.json'), JSON.stringify({ shard: opts.shard ? shardText(opts.shard) : null, cucumberArgs: opts.cucumberArgs, started: new Date().toISOString() }, null, 2) + '\n');
    const require = createRequire(import.meta.url);
    const cucumberBin = join(dirname(require.resolve('@cucumber/cucumber/package.json')), 'bin', 'cucumber.js');
    process.stderr.write(`ftchaos run${opts.shard ? ` shard ${shardText(opts.shard)}` : ''}: results in ${opts.out}/\n`);
    // cucumber-js reads --config relative to the working folder, even an absolute path
    const child = execa(process.execPath, [cucumberBin, '--config', relative(process.cwd(), resolve(configFile))], {
      stdio: 'inherit',
      reject: false,
      // its own process group: a Ctrl-C reaches it once, through the forwarding below, not twice
      // (a second signal would cut its clean-up short)
      detached: true,
      forceKillAfterDelay: false, // cucumber's After hooks may take a while to tear a pair down
      env: {
        FTCHAOS_ALLURE_RESULTS: plan.allureResults,
        FTCHAOS_RUNS_DIR: process.env.FTCHAOS_RUNS_DIR || join(opts.out, 'runs'),
        // shards sharing one machine draw ports from slices of their own (src/platform/ports.ts)
        ...(opts.shard && opts.shard.total <= 20 && !process.env.FTCHAOS_PORT_SLICE ? { FTCHAOS_PORT_SLICE: shardText(opts.shard) } : {}),
      },
    });
    // Ctrl-C or a CI cancel (SIGTERM) reaches cucumber; wait for its clean-up
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onTerm = forward('SIGTERM');
    const onInt = forward('SIGINT');
    process.on('SIGTERM', onTerm).on('SIGINT', onInt);
    try {
      const r = await child;
      return r.exitCode ?? 1;
    } finally {
      process.off('SIGTERM', onTerm).off('SIGINT', onInt);
    }
  },
};

/**
 * `ftchaos merge --into DIR [--previous DIR] SHARD_DIR...`: the shards' results as one run's
 * (src/report/merge-shards.ts), then the one Allure HTML report, with the trend when the last
 * report's history is given.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from './main.ts';
import { parseOrExit, UsageError } from './usage.ts';
import { MergeError, mergeShards } from '../report/merge-shards.ts';
import { JunitMergeError } from '../report/junit-merge.ts';
import { buildAllureReport, ReportError } from './report.ts';

export const USAGE = `Usage: ftchaos merge --into DIR [--previous DIR] [--no-html] [--allow-partial] SHARD_DIR...

Joins the results folders of ftchaos run --shard I/N into one run's results:
DIR/allure-results (then the HTML report DIR/allure-report), DIR/junit.xml, DIR/verdicts.txt.

  --into <dir>       where the merged results go (e.g. reports)
  --previous <dir>   the last report (its history/ gives the trend; default DIR/allure-report)
  --no-html          merge the results only; build no HTML report (no Java needed)
  --allow-partial    merge even if a shard is missing (the report then says so)
  -h, --help         this text

Exit codes: 0 merged; 1 the shards cannot be merged or the report failed; 2 bad flags.`;

export interface MergeOptions {
  into: string;
  previous?: string;
  html: boolean;
  allowPartial: boolean;
  shards: string[];
  help: boolean;
}

export function parseMergeArgs(args: string[]): MergeOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        into: { type: 'string' },
        previous: { type: 'string' },
        'no-html': { type: 'boolean' },
        'allow-partial': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; allowed: --into, --previous, --no-html, --allow-partial, --help and the shard folders`);
  }
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  if (!help && !values.into) throw new UsageError('--into DIR is required (where the merged results go, e.g. reports)');
  if (values.previous === '') throw new UsageError('--previous needs a folder');
  if (!help && positionals.length === 0) throw new UsageError('give the shard folders to merge (e.g. reports/shards/1 reports/shards/2)');
  return {
    into: values.into ?? '',
    ...(values.previous ? { previous: values.previous } : {}),
    html: !values['no-html'],
    allowPartial: values['allow-partial'] ?? false,
    shards: positionals,
    help,
  };
}

export const command: Command = {
  summary: "merge shards' results into one Allure report, one JUnit file and one verdict table",
  async run(args) {
    const opts = await parseOrExit('merge', USAGE, () => parseMergeArgs(args));
    if (typeof opts === 'number') return opts;
    let result;
    try {
      result = mergeShards(opts.shards, opts.into, { allowPartial: opts.allowPartial });
    } catch (err) {
      if (err instanceof MergeError || err instanceof JunitMergeError) {
        process.stderr.write(`ftchaos merge: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    const out = process.stdout;
    out.write(`merged ${result.shards.length} shard(s) into ${opts.into}/: ${result.allureResults} Allure scenario results (${result.allureFiles} files)`);
    if (result.junit) out.write(`; junit.xml ${result.junit.tests} tests, ${result.junit.failures} failures, ${result.junit.errors} errors, ${result.junit.skipped} skipped`);
    out.write(result.verdicts ? '; verdicts.txt\n' : '\n');
    for (const n of result.notes) process.stderr.write(`ftchaos merge: note: ${n}\n`);
    if (!opts.html || result.allureFiles === 0) return 0;
    try {
      await buildAllureReport({ results: join(opts.into, 'allure-results'), out: join(opts.into, 'allure-report'), ...(opts.previous ? { previous: opts.previous } : {}) });
    } catch (err) {
      if (!(err instanceof ReportError)) throw err;
      process.stderr.write(`ftchaos merge: ${err.message} (the merged results are in ${opts.into}/allure-results; --no-html skips the report)\n`);
      return 1;
    }
    return 0;
  },
};

/**
 * `ftchaos report`: builds the Allure HTML report from a run's results with the Allure 2 CLI
 * of allure-commandline (offline; needs Java 17). The trend charts need the previous
 * report's history: by default the report being replaced (--out), or --previous DIR (e.g. the
 * last CI run's report, downloaded as an artifact).
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import type { Command } from './main.ts';
import { parseOrExit, UsageError } from './usage.ts';

export const USAGE = `Usage: ftchaos report [--results DIR] [--out DIR] [--previous DIR]

Builds the Allure HTML report (needs Java 17: java on PATH or JAVA_HOME).

  --results <dir>    the run's Allure results (default reports/allure-results)
  --out <dir>        where the report goes (default reports/allure-report)
  --previous <dir>   the previous report (its history/ gives the trend; default: --out)
  -h, --help         this text

Exit codes: 0 report built; 1 no results, no Java, or Allure failed; 2 bad flags.`;

export class ReportError extends Error {}

export interface ReportOptions {
  results: string;
  out: string;
  previous?: string;
}

export function parseReportArgs(args: string[]): ReportOptions & { help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { results: { type: 'string' }, out: { type: 'string' }, previous: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; allowed: --results, --out, --previous, --help`);
  }
  for (const k of ['results', 'out', 'previous'] as const) {
    if (values[k] === '') throw new UsageError(`--${k} needs a folder`);
  }
  return {
    results: values.results ?? 'reports/allure-results',
    out: values.out ?? 'reports/allure-report',
    ...(values.previous ? { previous: values.previous } : {}),
    help: values.help ?? false,
  };
}

/** Builds the report; throws ReportError with what to do when it cannot. */
export async function buildAllureReport(opts: ReportOptions, log: (line: string) => void = console.log): Promise<void> {
  if (!existsSync(opts.results)) throw new ReportError(`no ${opts.results}: run the scenarios first (npm run chaos)`);
  if (opts.previous !== undefined && !existsSync(join(opts.previous, 'history'))) {
    throw new ReportError(`--previous ${opts.previous} is not an Allure report: it has no history/ folder (give the folder that holds index.html and history/)`);
  }
  const java = await execa('java', ['-version'], { reject: false });
  if ((java.exitCode !== 0 || java.failed) && !process.env.JAVA_HOME) {
    throw new ReportError('the Allure HTML report needs Java 17 (java on PATH or JAVA_HOME); the cucumber HTML report is in reports/cucumber.html');
  }
  const previous = opts.previous ?? opts.out;
  const history = join(opts.results, 'history');
  rmSync(history, { recursive: true, force: true }); // never a stale trend from an older build of these results
  if (existsSync(join(previous, 'history'))) {
    mkdirSync(history, { recursive: true });
    cpSync(join(previous, 'history'), history, { recursive: true });
    log(`trend: carrying over the history of ${previous}`);
  }
  const require = createRequire(import.meta.url);
  const allureBin = join(dirname(require.resolve('allure-commandline/package.json')), 'dist', 'bin', 'allure');
  const r = await execa(allureBin, ['generate', opts.results, '-o', opts.out, '--clean'], { stdio: 'inherit', reject: false });
  if (r.exitCode !== 0) throw new ReportError(`allure generate failed (exit ${r.exitCode ?? r.signal})`);
  log(`Allure report: ${opts.out}/index.html (open with: npx allure open ${opts.out})`);
}

export const command: Command = {
  summary: 'build the Allure HTML report (trend from the previous report)',
  async run(args) {
    const opts = await parseOrExit('report', USAGE, () => parseReportArgs(args));
    if (typeof opts === 'number') return opts;
    try {
      await buildAllureReport(opts);
      return 0;
    } catch (err) {
      if (!(err instanceof ReportError)) throw err;
      process.stderr.write(`ftchaos report: ${err.message}\n`);
      return 1;
    }
  },
};

/**
 * `ftchaos driver-check <driver>`: the conformance check of a platform driver (see
 * src/platform/command/conformance.ts). Prints a checklist; exits 1 when a required call, or a
 * call the driver declared, failed or timed out; 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import type { Command } from './main.ts';
import { runDriverCheck, type CheckItem } from '../platform/command/conformance.ts';
import { COMMAND_PREFIX, DriverSpecError, parseCommandSpec } from '../platform/command/spec.ts';

export const USAGE = `Usage: ftchaos driver-check <driver> [--options JSON] [--call-timeout ms] [--start-timeout ms] [--log-dir DIR] [--verbose]

Starts a pair through the driver and exercises each call of the driver protocol
(docs/driver.md): hello, start, protection, status, the roles against the hosts themselves,
logs, hang/resume, crash/restart, a failover, stop — and that nothing it started is left.

  <driver>             command:<program> [args] (quote it), or just the program's path
  --options JSON       platform options for start, e.g. '{"checkpointIntervalMs":25}'
  --call-timeout ms    how long any call may take (default 30000)
  --start-timeout ms   how long start, and then protection, may take (default 120000)
  --log-dir DIR        where the pair's logs go (default: a new temporary folder)
  --verbose            print the lines sent and received for calls that worked too

Exit: 0 every required call works; 1 a required or declared call failed; 2 bad usage.`;

const MARK: Record<CheckItem['outcome'], string> = { works: 'ok  ', missing: '-   ', wrong: 'FAIL', timeout: 'FAIL', skipped: 'skip' };
const WORD: Record<CheckItem['outcome'], string> = { works: 'works', missing: 'missing', wrong: 'answered wrong', timeout: 'timed out', skipped: 'skipped' };

function ms(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new DriverSpecError(`${flag} must be a whole number of milliseconds ≥ 1, not "${v}"`);
  return Number(v);
}

export function formatItem(i: CheckItem, verbose: boolean): string {
  const out = [`${MARK[i.outcome]} ${i.name.padEnd(30)} ${WORD[i.outcome].padEnd(15)} ${i.required ? '(required) ' : ''}${i.detail}`];
  const show = verbose || (i.outcome !== 'works' && i.outcome !== 'missing' && i.outcome !== 'skipped');
  if (show && i.sent) out.push(`       sent:     ${i.sent}`);
  if (show && i.received) out.push(`       received: ${i.received}`);
  return out.join('\n');
}

export const command: Command = {
  summary: 'check that a platform driver keeps the driver protocol (docs/driver.md)',
  async run(args) {
    let values, positionals;
    let spec;
    let options: Record<string, unknown> | undefined;
    let callTimeoutMs = 30_000;
    let startTimeoutMs = 120_000;
    try {
      ({ values, positionals } = parseArgs({
        args, strict: true, allowPositionals: true,
        options: {
          options: { type: 'string' }, 'call-timeout': { type: 'string' }, 'start-timeout': { type: 'string' },
          'log-dir': { type: 'string' }, verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' },
        },
      }));
      if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
      }
      if (positionals.length !== 1) throw new DriverSpecError(`expected one driver, got ${positionals.length}`);
      const name = positionals[0]!;
      spec = parseCommandSpec(name.startsWith(COMMAND_PREFIX) ? name : `${COMMAND_PREFIX}${name}`);
      if (values.options !== undefined) {
        try {
          options = JSON.parse(values.options);
        } catch {
          throw new DriverSpecError(`--options must be a JSON object, not ${values.options}`);
        }
        if (!options || typeof options !== 'object' || Array.isArray(options)) throw new DriverSpecError('--options must be a JSON object');
      }
      callTimeoutMs = ms(values['call-timeout'], '--call-timeout', 30_000);
      startTimeoutMs = ms(values['start-timeout'], '--start-timeout', 120_000);
    } catch (err) {
      process.stderr.write(`ftchaos driver-check: ${(err as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const verbose = values.verbose ?? false;
    process.stdout.write(`driver-check ${spec.display}\n`);
    const report = await runDriverCheck(spec, {
      callTimeoutMs, startTimeoutMs,
      ...(options ? { options } : {}),
      ...(values['log-dir'] ? { logDir: values['log-dir'] } : {}),
      onItem: (i) => {
        if (i.name !== 'stop') process.stdout.write(`${formatItem(i, verbose)}\n`);
      },
    });
    const stop = report.items.find((i) => i.name === 'stop');
    if (stop) process.stdout.write(`${formatItem(stop, verbose)}\n`);
    const failed = report.items.filter((i) => i.outcome === 'wrong' || i.outcome === 'timeout' || (i.required && i.outcome !== 'works'));
    process.stdout.write(`\nlogs: ${report.logDir}\n`);
    process.stdout.write(report.ok ? `PASS: every required call works\n` : `FAIL: ${failed.length} call(s) failed: ${failed.map((i) => i.name).join(', ')}\n`);
    return report.ok ? 0 : 1;
  },
};

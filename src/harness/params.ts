/**
 * Parsing and validation of the words QA writes in steps: durations, percentages, counts,
 * option tables. Pure functions; every error names the value and what is allowed.
 */
import type { PlatformOptions } from '../platform/types.ts';

export class StepInputError extends Error {
  override name = 'StepInputError';
}

const DURATION = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|seconds?|minutes?)\s*$/i;
const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, second: 1000, seconds: 1000,
  minute: 60_000, minutes: 60_000,
};

/** "25 ms", "2 seconds", "1.5 s" -> milliseconds. Rejects negatives, NaN and unknown units. */
export function parseDuration(text: string, what = 'duration'): number {
  const m = DURATION.exec(text);
  if (!m) {
    throw new StepInputError(
      `${what} "${text}" is not a duration; allowed: a number followed by ms or seconds, e.g. "25 ms", "2 seconds"`,
    );
  }
  const n = Number(m[1]);
  if (!(n >= 0) || !Number.isFinite(n)) {
    throw new StepInputError(`${what} "${text}" is negative; allowed: zero or more ms or seconds`);
  }
  return n * UNIT_MS[m[2]!.toLowerCase()]!;
}

/** A duration that must be strictly positive (intervals, timeouts). */
export function parsePositiveDuration(text: string, what = 'duration'): number {
  const ms = parseDuration(text, what);
  if (ms <= 0) throw new StepInputError(`${what} "${text}" must be greater than 0 ms`);
  return ms;
}

/** "99.999%" -> 0.99999; must lie in (0, 100]. */
export function parsePercent(text: string, what = 'percentage'): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (!m) throw new StepInputError(`${what} "${text}" is not a percentage; allowed: a number followed by %, e.g. "99.999%"`);
  const n = Number(m[1]);
  if (!(n > 0 && n <= 100)) {
    throw new StepInputError(`${what} "${text}" is out of range; allowed: more than 0% and at most 100%`);
  }
  return Number((n / 100).toPrecision(12)); // 99.999% -> 0.99999 exactly, not 0.99998999…
}

/** whole count within [min, max] */
/** world parameter warmUpOps: a whole number of ops from 0 (no warm-up) to 100000, or absent */
export function parseWarmUpOps(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000) {
    throw new StepInputError(`world parameter warmUpOps ${JSON.stringify(v)} is not allowed; allowed: a whole number of ops from 0 (no warm-up) to 100000`);
  }
  return v;
}

export function checkCount(n: number, what: string, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new StepInputError(`${what} ${n} is out of range; allowed: a whole number from ${min} to ${max}`);
  }
  return n;
}

/** rate "256 KB/s" -> KB per second (Toxiproxy's unit) */
export function parseRateKBps(text: string, what = 'rate'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(KB|MB|kB|KiB|MiB)\/s\s*$/.exec(text);
  if (!m) throw new StepInputError(`${what} "${text}" is not a rate; allowed: a number followed by KB/s or MB/s, e.g. "256 KB/s"`);
  const n = Number(m[1]) * (m[2]!.toUpperCase().startsWith('M') ? 1024 : 1);
  if (!(n > 0)) throw new StepInputError(`${what} "${text}" must be more than 0`);
  return n;
}

const ON = new Set(['on', 'true', 'yes', 'enabled']);
const OFF = new Set(['off', 'false', 'no', 'disabled']);

function parseSwitch(value: string, what: string): boolean {
  const v = value.trim().toLowerCase();
  if (ON.has(v)) return true;
  if (OFF.has(v)) return false;
  throw new StepInputError(`${what} "${value}" is not a switch; allowed: on or off`);
}

function parseChoice<T extends string>(value: string, what: string, allowed: readonly T[]): T {
  const v = value.trim().toLowerCase() as T;
  if (allowed.includes(v)) return v;
  throw new StepInputError(`${what} "${value}" is not allowed; allowed: ${allowed.join(', ')}`);
}

type OptionParser = (value: string) => Partial<PlatformOptions>;

/** The option names QA writes in a pair's data table, and how each value is read. */
export const PAIR_OPTIONS: Record<string, { meaning: string; parse: OptionParser }> = {
  'checkpoint interval': {
    meaning: 'epoch length of checkpoint mode, e.g. 25 ms',
    parse: (v) => ({ checkpointIntervalMs: parsePositiveDuration(v, 'checkpoint interval') }),
  },
  'output commit': {
    meaning: 'on (default) or off: hold client output until the backup has the checkpoint',
    parse: (v) => ({ outputCommit: parseSwitch(v, 'output commit') }),
  },
  fencing: {
    meaning: 'witness (default) or none',
    parse: (v) => ({ fencing: parseChoice(v, 'fencing', ['witness', 'none'] as const) }),
  },
  mode: {
    meaning: 'checkpoint (default, timer epochs) or event (Kemari: checkpoint on output)',
    parse: (v) => ({ mode: parseChoice(v, 'mode', ['checkpoint', 'event'] as const) }),
  },
  'failover timeout': {
    meaning: 'heartbeat silence before the backup asks the witness to go live, e.g. 150 ms (default 200 ms)',
    parse: (v) => ({ failoverTimeoutMs: parsePositiveDuration(v, 'failover timeout') }),
  },
  'lease ttl': {
    meaning: 'how long the witness lease lasts without renewal, e.g. 500 ms (default): a primary that cannot renew that long stops serving',
    parse: (v) => ({ leaseTtlMs: parsePositiveDuration(v, 'lease ttl') }),
  },
  'heartbeat interval': {
    meaning: 'heartbeat period on the replication link, e.g. 10 ms',
    parse: (v) => ({ heartbeatIntervalMs: parsePositiveDuration(v, 'heartbeat interval') }),
  },
  memory: {
    meaning: 'guest RAM in MiB, e.g. 16',
    parse: (v) => {
      const m = /^\s*(\d+)\s*(MiB|MB)?\s*$/i.exec(v);
      if (!m) throw new StepInputError(`memory "${v}" is not a size; allowed: a whole number of MiB, e.g. "16 MiB"`);
      return { memoryMiB: Number(m[1]) };
    },
  },
};

/** rows of | option | value | -> partial platform options */
export function parsePairOptions(rows: readonly (readonly string[])[]): Partial<PlatformOptions> {
  const out: Partial<PlatformOptions> = {};
  for (const row of rows) {
    if (row.length !== 2) {
      throw new StepInputError(`option row | ${row.join(' | ')} | must have two cells: | option | value |`);
    }
    const name = row[0]!.trim().toLowerCase();
    const opt = PAIR_OPTIONS[name];
    if (!opt) {
      throw new StepInputError(
        `unknown option "${row[0]}"; allowed: ${Object.keys(PAIR_OPTIONS).join(', ')}`,
      );
    }
    Object.assign(out, opt.parse(row[1]!));
  }
  return out;
}

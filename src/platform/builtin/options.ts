/**
 * Options of the builtin platform: defaults, validation with messages that name the option,
 * the value and what is allowed, and the loopback-only check of a layout.
 */
import type { Endpoint, PairLayout, PlatformOptions } from '../types.ts';
import { HOST_NAMES } from '../types.ts';
import { plantedBug, type PlantedBugName } from './bugs.ts';

/**
 * What the builtin platform's processes receive: the platform options plus `plantedBug`, an
 * internal switch outside the step vocabulary (no table row sets it; see bugs.ts).
 */
export type BuiltinOptions = PlatformOptions & { plantedBug?: PlantedBugName };

export const DEFAULT_OPTIONS: Readonly<PlatformOptions> = Object.freeze({
  checkpointIntervalMs: 25,
  mode: 'checkpoint',
  outputCommit: true,
  fencing: 'witness',
  heartbeatIntervalMs: 10,
  failoverTimeoutMs: 200,
  leaseTtlMs: 500,
  memoryMiB: 16,
});

export class PlatformOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformOptionsError';
  }
}

const KNOWN = Object.keys(DEFAULT_OPTIONS) as (keyof PlatformOptions)[];

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function intIn(problems: string[], name: string, v: unknown, min: number, max: number, unit: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v) || v < min || v > max) {
    problems.push(`option ${name} = ${show(v)} is not allowed: use a whole number of ${unit} from ${min} to ${max}`);
  }
}

function oneOf(problems: string[], name: string, v: unknown, allowed: readonly unknown[]): void {
  if (!allowed.includes(v)) {
    problems.push(`option ${name} = ${show(v)} is not allowed: use one of ${allowed.map(show).join(', ')}`);
  }
}

/**
 * Fill defaults and check every option. Throws PlatformOptionsError listing every problem
 * (unknown option names included).
 */
export function validateOptions(given: Partial<BuiltinOptions> | undefined): BuiltinOptions {
  const problems: string[] = [];
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
    throw new PlatformOptionsError(`platform options must be an object, got ${show(given)}`);
  }
  for (const k of Object.keys(given ?? {})) {
    if (k === 'plantedBug') continue;
    if (!KNOWN.includes(k as keyof PlatformOptions)) {
      problems.push(`unknown option ${show(k)}: known options are ${KNOWN.join(', ')}`);
    }
  }
  const o: BuiltinOptions = { ...DEFAULT_OPTIONS };
  for (const k of KNOWN) {
    const v = (given as Record<string, unknown> | undefined)?.[k];
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  }
  const bug = given?.plantedBug;
  if (bug !== undefined) {
    try {
      o.plantedBug = plantedBug(bug, 'option plantedBug =').name as PlantedBugName;
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  intIn(problems, 'checkpointIntervalMs', o.checkpointIntervalMs, 1, 10_000, 'milliseconds');
  oneOf(problems, 'mode', o.mode, ['checkpoint', 'event']);
  oneOf(problems, 'outputCommit', o.outputCommit, [true, false]);
  oneOf(problems, 'fencing', o.fencing, ['witness', 'none']);
  intIn(problems, 'heartbeatIntervalMs', o.heartbeatIntervalMs, 1, 10_000, 'milliseconds');
  intIn(problems, 'failoverTimeoutMs', o.failoverTimeoutMs, 10, 600_000, 'milliseconds');
  intIn(problems, 'leaseTtlMs', o.leaseTtlMs, 20, 600_000, 'milliseconds');
  intIn(problems, 'memoryMiB', o.memoryMiB, 8, 1024, 'MiB');
  if (problems.length === 0 && o.failoverTimeoutMs < 2 * o.heartbeatIntervalMs) {
    problems.push(
      `option failoverTimeoutMs = ${o.failoverTimeoutMs} is not allowed with heartbeatIntervalMs = ` +
        `${o.heartbeatIntervalMs}: the failover timeout must be at least twice the heartbeat interval ` +
        `(at least ${2 * o.heartbeatIntervalMs})`,
    );
  }
  if (problems.length > 0) {
    throw new PlatformOptionsError(`invalid platform options:\n  - ${problems.join('\n  - ')}`);
  }
  return o;
}

/**
 * How long the primary waits for a silent backup before it gives up on it (clears the standby
 * at the witness and releases held output unprotected). A backup that crashed closes its
 * connection and is dropped at once; this only bounds hangs and partitions. Longer than the
 * failover timeout so that a backup stalled by CPU contention is not resynchronised from scratch.
 */
export function backupTimeoutMs(o: PlatformOptions): number {
  return 3 * o.failoverTimeoutMs;
}

/**
 * The lease the witness grants lives leaseTtlMs; the holder renews 10 times per lease, so
 * only a stall of about 90 % of the lease (or a cut witness link) lets it lapse.
 */
export function leaseTiming(o: PlatformOptions): { ttlMs: number; renewEveryMs: number } {
  const ttlMs = o.leaseTtlMs;
  return { ttlMs, renewEveryMs: Math.max(2, Math.floor(ttlMs / 10)) };
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function checkEndpoint(problems: string[], where: string, e: unknown, allowNonLoopback: boolean): void {
  const ep = e as Endpoint | undefined;
  if (!ep || typeof ep !== 'object' || typeof ep.host !== 'string' || ep.host.length === 0) {
    problems.push(`layout ${where} = ${show(e)} is not an endpoint: use { host: "127.0.0.1", port: <1..65535> }`);
    return;
  }
  if (!Number.isInteger(ep.port) || ep.port < 1 || ep.port > 65535) {
    problems.push(`layout ${where}.port = ${show(ep.port)} is not allowed: use a port from 1 to 65535`);
  }
  if (!allowNonLoopback && !isLoopback(ep.host)) {
    problems.push(
      `layout ${where}.host = ${show(ep.host)} is not a loopback address: the builtin platform is loopback ` +
        `only unless allowNonLoopback is set (use 127.0.0.1, ::1 or localhost)`,
    );
  }
}

export function validateLayout(layout: PairLayout, allowNonLoopback = false): void {
  const problems: string[] = [];
  if (!layout || typeof layout !== 'object') throw new PlatformOptionsError(`layout must be an object, got ${show(layout)}`);
  checkEndpoint(problems, 'witness', layout.witness, allowNonLoopback);
  for (const h of HOST_NAMES) {
    const links = layout.hosts?.[h];
    if (!links) {
      problems.push(`layout hosts.${h} is missing`);
      continue;
    }
    for (const k of ['client', 'replication', 'dialPeer', 'dialWitness'] as const) {
      checkEndpoint(problems, `hosts.${h}.${k}`, links[k], allowNonLoopback);
    }
  }
  if (problems.length === 0) {
    const seen = new Map<string, string>();
    const listen: [string, Endpoint][] = [['witness', layout.witness]];
    for (const h of HOST_NAMES) {
      listen.push([`hosts.${h}.client`, layout.hosts[h].client], [`hosts.${h}.replication`, layout.hosts[h].replication]);
    }
    for (const [where, ep] of listen) {
      const key = `${ep.host}:${ep.port}`;
      const other = seen.get(key);
      if (other) problems.push(`layout ${where} and ${other} both listen on ${key}: every listener needs its own port`);
      seen.set(key, where);
    }
  }
  if (problems.length > 0) throw new PlatformOptionsError(`invalid pair layout:\n  - ${problems.join('\n  - ')}`);
}

/**
 * A seeded schedule of random faults: the same seed, kinds, interval and duration always
 * give the same sequence of fault kinds, targets and timings, so a failing run replays.
 * Pure: no clock, no I/O.
 */
import { phaseOf } from './phase.ts';

/**
 * crash / hang: the primary or backup process (hang: the primary); partition: the replication
 * link or the primary's isolation; latency: on the replication link; backup-hang: SIGSTOP of
 * the backup; witness-crash: the witness dies and restarts; witness-partition: the witness is
 * cut from the primary, the backup or both; one-way: the replication link from backup to
 * primary (acks lost); stream-damage: the replication stream sliced, reset or closed after
 * some data; transfer-crash: the backup crashes during the full state transfer of its
 * re-protection; slow-crash: the primary crashes while the replication link is slow.
 */
export const FAULT_KINDS = [
  'crash', 'hang', 'partition', 'latency',
  'backup-hang', 'witness-crash', 'witness-partition', 'one-way', 'stream-damage', 'transfer-crash', 'slow-crash',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultTarget =
  | 'primary' | 'backup' | 'replication' | 'primary-isolation' | 'witness'
  | 'witness-primary' | 'witness-backup' | 'witness-both'
  | 'slice' | 'reset' | 'limit';

export interface ScheduledFault {
  /** ms after the schedule starts */
  at: number;
  kind: FaultKind;
  /**
   * which role it hits (crash, hang, transfer-crash), which link (partition, latency, one-way,
   * slow-crash), which witness link (witness-partition), or how the stream is damaged
   */
  target: FaultTarget;
  /** how long the fault lasts before it is healed / resumed / restarted, ms */
  durationMs: number;
  /** the random phase the fault waits first, ms in [0, epochMs): not locked to checkpoints */
  phaseMs: number;
  /** latency toxic size, ms (latency, slow-crash) */
  latencyMs?: number;
  /** slice size in bytes (stream-damage slice), KB until the link closes (limit) */
  sizeBytes?: number;
}

/** mulberry32: a small, well-known 32-bit PRNG; plenty for fault schedules */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function parseFaultKinds(text: string): FaultKind[] {
  const kinds = text.split(',').map((s) => s.trim().toLowerCase().replace(/_/g, '-')).filter(Boolean);
  if (kinds.length === 0) throw new Error(`no fault kinds in "${text}"; allowed: ${FAULT_KINDS.join(', ')}`);
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      throw new Error(`unknown fault kind "${k}"; allowed: ${FAULT_KINDS.join(', ')}`);
    }
  }
  return [...new Set(kinds)] as FaultKind[];
}

/**
 * One fault every `everyMs` (the first after one interval), until `forMs`. Each lasts a
 * random part of the interval (30–70 %), so faults do not overlap and the platform has time
 * between them, and first waits a random phase in [0, epochMs) (drawn from a stream of its
 * own, so that a seed's kinds, targets and durations stay what they were before phases).
 */
export function faultSchedule(seed: number, kinds: readonly FaultKind[], everyMs: number, forMs: number, epochMs = 25): ScheduledFault[] {
  if (kinds.length === 0) throw new Error('faultSchedule needs at least one fault kind');
  if (!(everyMs > 0) || !(forMs >= 0)) throw new Error(`faultSchedule: interval ${everyMs} ms must be > 0 and duration ${forMs} ms >= 0`);
  if (!(epochMs > 0)) throw new Error(`faultSchedule: checkpoint interval ${epochMs} ms must be > 0`);
  const rnd = prng(seed);
  const phases = prng((seed ^ 0x9e3779b9) >>> 0);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: ScheduledFault[] = [];
  for (let at = everyMs; at <= forMs; at += everyMs) {
    const kind = pick(kinds);
    const durationMs = Math.round(everyMs * (0.3 + 0.4 * rnd()));
    const { phaseMs } = phaseOf(phases(), epochMs);
    const f = { at, kind, durationMs, phaseMs };
    switch (kind) {
      case 'crash':
        out.push({ ...f, target: pick(['primary', 'backup'] as const) });
        break;
      case 'hang':
        out.push({ ...f, target: 'primary' });
        break;
      case 'partition':
        out.push({ ...f, target: pick(['replication', 'primary-isolation'] as const) });
        break;
      case 'latency':
        out.push({ ...f, target: 'replication', latencyMs: pick([20, 50, 100]) });
        break;
      case 'backup-hang':
        out.push({ ...f, target: 'backup' });
        break;
      case 'witness-crash':
        out.push({ ...f, target: 'witness' });
        break;
      case 'witness-partition':
        out.push({ ...f, target: pick(['witness-primary', 'witness-backup', 'witness-both'] as const) });
        break;
      case 'one-way':
        out.push({ ...f, target: 'replication' });
        break;
      case 'stream-damage': {
        const how = pick(['slice', 'reset', 'limit'] as const);
        if (how === 'slice') out.push({ ...f, target: how, sizeBytes: pick([1, 16, 512]) });
        else if (how === 'limit') out.push({ ...f, target: how, sizeBytes: pick([64, 256, 1024]) * 1000 });
        else out.push({ ...f, target: how });
        break;
      }
      case 'transfer-crash':
        out.push({ ...f, target: 'backup' });
        break;
      case 'slow-crash':
        out.push({ ...f, target: 'replication', latencyMs: pick([20, 50, 100]) });
        break;
    }
  }
  return out;
}

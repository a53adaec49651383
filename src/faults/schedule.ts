/**
 * A seeded schedule of random faults: the same seed, kinds, interval and duration always
 * give the same sequence of fault kinds, targets and timings, so a failing run replays.
 * Pure: no clock, no I/O.
 */

export const FAULT_KINDS = ['crash', 'hang', 'partition', 'latency'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ScheduledFault {
  /** ms after the schedule starts */
  at: number;
  kind: FaultKind;
  /** which role it hits (crash, hang) or which link (partition, latency) */
  target: 'primary' | 'backup' | 'replication' | 'primary-isolation';
  /** how long the fault lasts before it is healed / resumed / restarted, ms */
  durationMs: number;
  /** latency toxic size, ms (latency only) */
  latencyMs?: number;
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
  const kinds = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
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
 * between them.
 */
export function faultSchedule(seed: number, kinds: readonly FaultKind[], everyMs: number, forMs: number): ScheduledFault[] {
  if (kinds.length === 0) throw new Error('faultSchedule needs at least one fault kind');
  if (!(everyMs > 0) || !(forMs >= 0)) throw new Error(`faultSchedule: interval ${everyMs} ms must be > 0 and duration ${forMs} ms >= 0`);
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: ScheduledFault[] = [];
  for (let at = everyMs; at <= forMs; at += everyMs) {
    const kind = pick(kinds);
    const durationMs = Math.round(everyMs * (0.3 + 0.4 * rnd()));
    switch (kind) {
      case 'crash':
        out.push({ at, kind, target: pick(['primary', 'backup'] as const), durationMs });
        break;
      case 'hang':
        out.push({ at, kind, target: 'primary', durationMs });
        break;
      case 'partition':
        out.push({ at, kind, target: pick(['replication', 'primary-isolation'] as const), durationMs });
        break;
      case 'latency':
        out.push({ at, kind, target: 'replication', durationMs, latencyMs: pick([20, 50, 100]) });
        break;
    }
  }
  return out;
}

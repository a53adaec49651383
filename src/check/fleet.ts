/**
 * Fleet figures (issue 12): for each pair of a scenario, on its own history, the verdicts that
 * matter for a rack of protected VMs (lost writes, split brain, worst outage, commit latency,
 * protection) and its share of the replication bandwidth; and for the fleet, how many pairs
 * were protected over time. Pure: history in, plain data out.
 */
import type { History } from '../workload/history.ts';
import { commitLatency } from './latency.ts';
import { checkLostWrites } from './lost-writes.ts';
import { findOutages, seenMs, type Outage } from './outage.ts';
import { historySpan } from './ops.ts';
import { protectionRuns, unprotectedPeriods } from './protection.ts';
import { replicationBandwidth } from './replication.ts';
import { eventsOf } from './scope.ts';
import { checkSplitBrain } from './split-brain.ts';
import { round } from './format.ts';

export interface PairFigures {
  pair: string;
  /** acknowledged writes lost (null: no final reads, so not judged) */
  lostWrites: number | null;
  splitBrain: boolean;
  /**
   * the longest outage the probes saw, without the time the harness itself was stalled in it,
   * as the outage verdicts judge (null: no probes)
   */
  worstOutageMs: number | null;
  /** the same outage's whole gap, the harness's own stalls included (null: no probes) */
  worstOutageGapMs: number | null;
  commitP50Ms: number | null;
  commitP99Ms: number | null;
  writes: number;
  /** time without protection after first being protected */
  unprotectedMs: number;
  meanKBps: number | null;
  /** this pair's part of all bytes the fleet replicated (0–1; null when none flowed) */
  bandwidthShare: number | null;
}

export interface FleetFigures {
  pairs: PairFigures[];
  /** pairs protected at each moment the count changed */
  protectedOverTime: { time: number; protected: number }[];
  /** the fewest pairs protected once every pair had been protected (null: never all) */
  minProtectedAfterAll: number | null;
}

export function pairFigures(history: History, pair: string): Omit<PairFigures, 'bandwidthShare'> & { bytes: number } {
  const ev = eventsOf(history, pair);
  const hasFinal = ev.some((e) => e.kind === 'op' && e.process === 'final');
  const lost = hasFinal ? checkLostWrites(ev).figures.lostWrites : null;
  const probes = ev.some((e) => e.kind === 'op' && e.process.startsWith('probe:'));
  const lat = commitLatency(ev);
  const [bw] = replicationBandwidth(ev, { pair });
  const unprotected = unprotectedPeriods(ev).reduce((s, r) => s + (r.to - r.from), 0);
  return {
    pair,
    lostWrites: typeof lost === 'number' ? lost : null,
    splitBrain: !checkSplitBrain(ev).ok,
    ...worstOutage(ev, probes),
    commitP50Ms: lat.p50 === null ? null : round(lat.p50, 1),
    commitP99Ms: lat.p99 === null ? null : round(lat.p99, 1),
    writes: lat.writes,
    unprotectedMs: Math.round(unprotected),
    meanKBps: bw?.meanKBps == null ? null : round(bw.meanKBps, 1),
    bytes: bw?.bytes ?? 0,
  };
}

function worstOutage(ev: History, probes: boolean): Pick<PairFigures, 'worstOutageMs' | 'worstOutageGapMs'> {
  if (!probes) return { worstOutageMs: null, worstOutageGapMs: null };
  let worst: Outage | null = null;
  for (const o of findOutages(ev).outages) if (!worst || seenMs(o) > seenMs(worst)) worst = o;
  return { worstOutageMs: worst ? round(seenMs(worst), 1) : 0, worstOutageGapMs: worst ? round(worst.ms, 1) : 0 };
}

/** the fleet count of protected pairs over time, from each pair's protection runs */
export function protectedOverTime(history: History, pairs: readonly string[]): { time: number; protected: number }[] {
  const end = historySpan(history).end;
  const changes: { time: number; d: number }[] = [];
  for (const p of pairs) {
    for (const r of protectionRuns(eventsOf(history, p), { end })) {
      if (!r.protected) continue;
      changes.push({ time: r.from, d: +1 });
      if (r.to < end) changes.push({ time: r.to, d: -1 });
    }
  }
  changes.sort((a, b) => a.time - b.time || a.d - b.d);
  const out: { time: number; protected: number }[] = [];
  let n = 0;
  for (const c of changes) {
    n += c.d;
    const time = round(c.time, 1);
    if (out.at(-1)?.time === time) out.at(-1)!.protected = n;
    else out.push({ time, protected: n });
  }
  return out;
}

export function fleetFigures(history: History, pairs: readonly string[]): FleetFigures {
  const each = pairs.map((p) => pairFigures(history, p));
  const total = each.reduce((s, f) => s + f.bytes, 0);
  const over = protectedOverTime(history, pairs);
  const allAt = over.findIndex((o) => o.protected === pairs.length);
  return {
    pairs: each.map(({ bytes, ...f }) => ({ ...f, bandwidthShare: total > 0 ? round(bytes / total, 3) : null })),
    protectedOverTime: over,
    minProtectedAfterAll: allAt < 0 ? null : Math.min(...over.slice(allAt).map((o) => o.protected)),
  };
}

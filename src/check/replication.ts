/**
 * Replication figures from the harness's "metrics" marks: every 250 ms per pair the harness
 * records `{ kind: 'mark', label: 'metrics', detail: { pair, bytesReplicated, checkpointsPerSecond,
 * lagMs, lastCommittedEpoch, protected } }`. bytesReplicated is a cumulative counter; the
 * replication bandwidth of an interval is the difference of two consecutive samples of the
 * same pair over the time between them.
 *
 * Counter resets: a platform may restart the counter when another host takes over (a new
 * process counts from its own zero). A sample whose counter is lower than the previous one is
 * taken as a reset: the interval across it is unknown (kbPerSec null, no bytes counted, a gap
 * in the plot, never a negative rate, never a spike from a counter that did not start at
 * zero), and the next intervals difference from the new host's counter. So the totals are a
 * lower bound, short by at most one sampling interval per reset.
 *
 * 1 KB = 1000 bytes (Toxiproxy's unit for its bandwidth toxic), so KB/s = bytes per ms.
 */
import type { History, MarkEvent } from '../workload/history.ts';
import { ordered } from './ops.ts';

/** the label of the harness's replication metrics marks */
export const METRICS_LABEL = 'metrics';

/** One metrics mark. A field the mark lacks or carries as a non-number is null. */
export interface MetricsSample {
  pair: string;
  time: number;
  /** cumulative bytes replicated */
  bytesReplicated: number | null;
  checkpointsPerSecond: number | null;
  lagMs: number | null;
  lastCommittedEpoch: number | null;
  protected: boolean | null;
}

/** Replication between two consecutive metrics samples of one pair. */
export interface BandwidthInterval {
  pair: string;
  /** times of the two samples, ms */
  from: number;
  to: number;
  /** bytes replicated in the interval; null across a counter reset */
  bytes: number | null;
  /** bytes / ms = KB/s; null across a counter reset */
  kbPerSec: number | null;
  /** the counter went down at `to` (restarted on another host) */
  reset: boolean;
}

export interface PairReplication {
  pair: string;
  samples: MetricsSample[];
  /** intervals between consecutive samples carrying a counter (same-time samples are skipped) */
  intervals: BandwidthInterval[];
  resets: number;
  /** bytes replicated over the measured intervals (a lower bound when resets > 0) */
  bytes: number;
  /** time covered by the measured intervals, ms (reset intervals excluded) */
  measuredMs: number;
  /** bytes / measuredMs; null with no measured interval */
  meanKBps: number | null;
  /** the highest interval rate; null with no measured interval */
  peakKBps: number | null;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The metrics marks as samples, in time order (optionally only those of one pair). O(n). */
export function metricsSamples(history: History, opts: { pair?: string } = {}): MetricsSample[] {
  const out: MetricsSample[] = [];
  for (const e of ordered(history)) {
    if (e.kind !== 'mark' || (e as MarkEvent).label !== METRICS_LABEL) continue;
    const d = (e as MarkEvent).detail ?? {};
    const pair = typeof d.pair === 'string' ? d.pair : '?';
    if (opts.pair !== undefined && pair !== opts.pair) continue;
    const bytes = num(d.bytesReplicated);
    out.push({
      pair,
      time: e.time,
      bytesReplicated: bytes !== null && bytes >= 0 ? bytes : null,
      checkpointsPerSecond: num(d.checkpointsPerSecond),
      lagMs: num(d.lagMs),
      lastCommittedEpoch: num(d.lastCommittedEpoch),
      protected: typeof d.protected === 'boolean' ? d.protected : null,
    });
  }
  return out;
}

/** Bandwidth intervals of one pair's samples (time order), counter resets handled as described above. */
export function bandwidthIntervals(samples: readonly MetricsSample[]): BandwidthInterval[] {
  const out: BandwidthInterval[] = [];
  let prev: (MetricsSample & { bytesReplicated: number }) | null = null;
  for (const s of samples) {
    if (s.bytesReplicated === null) continue;
    const cur = s as MetricsSample & { bytesReplicated: number };
    if (prev === null) {
      prev = cur;
      continue;
    }
    if (cur.time <= prev.time) {
      // a second sample at the same time has no interval; a lower counter becomes the baseline
      if (cur.bytesReplicated < prev.bytesReplicated) prev = cur;
      continue;
    }
    const diff = cur.bytesReplicated - prev.bytesReplicated;
    const reset = diff < 0;
    out.push({ pair: cur.pair, from: prev.time, to: cur.time, bytes: reset ? null : diff, kbPerSec: reset ? null : diff / (cur.time - prev.time), reset });
    prev = cur;
  }
  return out;
}

/** Replication bandwidth per pair (pairs in name order). O(n). */
export function replicationBandwidth(history: History, opts: { pair?: string } = {}): PairReplication[] {
  const byPair = new Map<string, MetricsSample[]>();
  for (const s of metricsSamples(history, opts)) {
    let l = byPair.get(s.pair);
    if (!l) byPair.set(s.pair, (l = []));
    l.push(s);
  }
  return [...byPair.keys()].sort().map((pair) => {
    const samples = byPair.get(pair)!;
    const intervals = bandwidthIntervals(samples);
    let bytes = 0;
    let measuredMs = 0;
    let peak: number | null = null;
    let resets = 0;
    for (const i of intervals) {
      if (i.reset) resets++;
      if (i.bytes === null || i.kbPerSec === null) continue;
      bytes += i.bytes;
      measuredMs += i.to - i.from;
      if (peak === null || i.kbPerSec > peak) peak = i.kbPerSec;
    }
    return { pair, samples, intervals, resets, bytes, measuredMs, meanKBps: measuredMs > 0 ? bytes / measuredMs : null, peakKBps: peak };
  });
}

/**
 * The capacity sweep (issue 12): a shared replication network is stepped down rate by rate
 * ("capacity step" marks: group, rateKBps); in each step, each pair's write commit latency
 * p99 (timeouts count at their full wait) and any loss of protection. The capacity is the
 * lowest rate at which every pair still kept p99 under the bound and its protection; the
 * first rate below it is where pairs start to lose.
 */
import type { History } from '../workload/history.ts';
import { ms } from './format.ts';
import { isClient, pairOps } from './ops.ts';
import { unprotectedPeriods } from './protection.ts';
import { metricsSamples } from './replication.ts';
import { eventsOf } from './scope.ts';
import { percentileSorted, sortedAsc } from './stats.ts';
import type { Verdict } from './types.ts';

export const CAPACITY_STEP = 'capacity step';
export const CAPACITY_END = 'capacity sweep end';

export interface CapacityPair {
  pair: string;
  writes: number;
  /** null: no write completed in the step */
  p99Ms: number | null;
  unprotectedMs: number;
  maxLagMs: number | null;
  ok: boolean;
}

export interface CapacityStep {
  rateKBps: number;
  from: number;
  to: number;
  pairs: CapacityPair[];
  ok: boolean;
}

export interface CapacityResult {
  group: string;
  boundMs: number;
  steps: CapacityStep[];
  /** the lowest rate before the first failing step (null: the first step already failed) */
  capacityKBps: number | null;
  /** the rate of the first failing step (null: every step held) */
  failsAtKBps: number | null;
}

/** the sweep's steps from its marks: each lasts until the next step, the sweep's end, or `end` */
export function capacitySteps(history: History, group: string, end: number): { rateKBps: number; from: number; to: number }[] {
  const marks = history.filter((e) => e.kind === 'mark' && (e.label === CAPACITY_STEP || e.label === CAPACITY_END) && e.detail?.group === group);
  const out: { rateKBps: number; from: number; to: number }[] = [];
  marks.forEach((m, i) => {
    if (m.kind !== 'mark' || m.label !== CAPACITY_STEP) return;
    out.push({ rateKBps: Number(m.detail?.rateKBps), from: m.time, to: marks[i + 1]?.time ?? end });
  });
  return out;
}

export function capacitySweep(history: History, group: string, pairs: readonly string[], opts: { boundMs: number; end: number }): CapacityResult {
  const windows = capacitySteps(history, group, opts.end);
  const per = pairs.map((pair) => {
    const ev = eventsOf(history, pair);
    const writes = pairOps(ev).ops.filter((o) => o.f === 'write' && isClient(o.process) && o.completeTime !== null && (o.type === 'ok' || o.type === 'info'));
    return { pair, ev, writes, lost: unprotectedPeriods(ev), metrics: metricsSamples(ev, { pair }) };
  });
  const steps = windows.map((w): CapacityStep => {
    const rows = per.map((p): CapacityPair => {
      const lat = sortedAsc(p.writes.filter((o) => o.invokeTime >= w.from && o.invokeTime < w.to).map((o) => o.completeTime! - o.invokeTime));
      const unprotectedMs = p.lost.reduce((s, r) => s + Math.max(0, Math.min(r.to, w.to) - Math.max(r.from, w.from)), 0);
      const lags = p.metrics.filter((m) => m.time >= w.from && m.time < w.to && m.lagMs !== null).map((m) => m.lagMs!);
      const p99 = percentileSorted(lat, 0.99);
      return {
        pair: p.pair, writes: lat.length, p99Ms: p99 === null ? null : Math.round(p99 * 10) / 10, unprotectedMs: Math.round(unprotectedMs),
        maxLagMs: lags.length ? Math.max(...lags) : null,
        ok: p99 !== null && p99 < opts.boundMs && unprotectedMs === 0,
      };
    });
    return { ...w, pairs: rows, ok: rows.every((r) => r.ok) };
  });
  const firstBad = steps.findIndex((s) => !s.ok);
  return {
    group, boundMs: opts.boundMs, steps,
    capacityKBps: firstBad === 0 || steps.length === 0 ? null : steps[(firstBad < 0 ? steps.length : firstBad) - 1]!.rateKBps,
    failsAtKBps: firstBad < 0 ? null : steps[firstBad]!.rateKBps,
  };
}

/** the sweep as a verdict: it holds when it found the rate where pairs start to lose (a finding, not a failure) */
export function capacityVerdict(r: CapacityResult): Verdict {
  const figures = { group: r.group, boundMs: r.boundMs, steps: r.steps.length, capacityKBps: r.capacityKBps, failsAtKBps: r.failsAtKBps };
  if (r.steps.length === 0 || r.steps.some((s) => s.pairs.every((p) => p.writes === 0))) {
    return { checker: 'capacity', ok: false, category: 'Harness error', figures, details: r, summary: `capacity of "${r.group}" unprovable: ${r.steps.length ? 'a step of the sweep saw no completed write' : 'no capacity step in the history (sweep the network first)'}` };
  }
  const first = r.steps.find((s) => !s.ok);
  const why = first
    ? first.pairs.filter((p) => !p.ok).map((p) => `${p.pair} ${p.unprotectedMs ? `unprotected ${ms(p.unprotectedMs)}` : `p99 ${p.p99Ms === null ? 'none' : ms(p.p99Ms)}`}`).join(', ')
    : '';
  const summary = first
    ? `${r.capacityKBps === null ? 'even the first rate was too little' : `every pair held at ${r.capacityKBps} KB/s`}; at ${first.rateKBps} KB/s ${first.pairs.filter((p) => !p.ok).length} of ${first.pairs.length} pairs lost (commit p99 bound ${ms(r.boundMs)}): ${why}`
    : `every pair held at every rate down to ${r.steps.at(-1)!.rateKBps} KB/s (commit p99 bound ${ms(r.boundMs)}): the capacity is lower than the sweep went`;
  return { checker: 'capacity', ok: true, figures, details: r, summary };
}

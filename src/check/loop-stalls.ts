/**
 * Event-loop health from the history's "loop" marks (hosts, witness and harness each report
 * once a second how late their loop's ticks ran: p50 / p99 / max and a count of stalls; a
 * host's emulator thread reports too, as "host a emulator"):
 * samples per process, a summary per process, and the worst stall near a moment (to say, next
 * to an unplanned failover or an outage, how healthy the environment was).
 */
import type { History, MarkEvent } from '../workload/history.ts';

export interface LoopSample {
  /** "host a", "host b", "witness", "harness" */
  process: string;
  pair?: string;
  /** end of the window (history ms) */
  time: number;
  windowMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  stalls: number;
}

export interface LoopSummary {
  process: string;
  windows: number;
  /** median over windows of the window's p50 / p99 lateness, ms */
  p50Ms: number;
  p99Ms: number;
  /** the longest stall seen, ms, and when (end of its window) */
  maxMs: number;
  maxAt: number;
  /** ticks late by the monitor's stall threshold or more */
  stalls: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function processName(d: Record<string, unknown>): string {
  const p = String(d.process ?? '?');
  const name = p === 'a' || p === 'b' ? `host ${p}` : p;
  return typeof d.thread === 'string' ? `${name} ${d.thread}` : name;
}

export function loopSamples(history: History, opts: { pair?: string } = {}): LoopSample[] {
  const out: LoopSample[] = [];
  for (const e of history) {
    if (e.kind !== 'mark' || (e as MarkEvent).label !== 'loop') continue;
    const d = (e as MarkEvent).detail ?? {};
    if (opts.pair !== undefined && d.pair !== undefined && d.pair !== opts.pair) continue;
    out.push({
      process: processName(d),
      ...(typeof d.pair === 'string' ? { pair: d.pair } : {}),
      time: e.time,
      windowMs: num(d.windowMs) || 1000,
      p50Ms: num(d.p50Ms),
      p99Ms: num(d.p99Ms),
      maxMs: num(d.maxMs),
      stalls: num(d.stalls),
    });
  }
  return out.sort((a, b) => a.time - b.time);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/** one summary per process, in a stable order (hosts, witness, harness) */
export function loopSummaries(samples: readonly LoopSample[]): LoopSummary[] {
  const by = new Map<string, LoopSample[]>();
  for (const s of samples) by.set(s.process, [...(by.get(s.process) ?? []), s]);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([process, xs]) => {
      const worst = xs.reduce((m, x) => (x.maxMs > m.maxMs ? x : m), xs[0]!);
      return {
        process,
        windows: xs.length,
        p50Ms: median(xs.map((x) => x.p50Ms)),
        p99Ms: median(xs.map((x) => x.p99Ms)),
        maxMs: worst.maxMs,
        maxAt: worst.time,
        stalls: xs.reduce((n, x) => n + x.stalls, 0),
      };
    });
}

/** per process, the longest stall in the windows that overlap [t - lookbackMs, t + one window] */
export function stallsAround(samples: readonly LoopSample[], t: number, lookbackMs = 2000): { process: string; maxMs: number }[] {
  const worst = new Map<string, number>();
  for (const s of samples) {
    if (s.time < t - lookbackMs || s.time - s.windowMs > t) continue;
    worst.set(s.process, Math.max(worst.get(s.process) ?? 0, s.maxMs));
  }
  return [...worst.entries()].map(([process, maxMs]) => ({ process, maxMs })).sort((a, b) => b.maxMs - a.maxMs);
}

/**
 * How much a network fault costs the clients: the median commit latency (invoke -> ok of
 * acknowledged writes) of writes invoked while windows of one fault kind were open, against
 * writes invoked while no fault at all was open. Output commit makes every reply wait for the
 * backup's acknowledgement, so latency added to the primary -> backup stream should show up
 * here about one to one.
 */
import type { History } from '../workload/history.ts';
import { ms } from './format.ts';
import { faultWindows, isClient, pairOps, type FaultWindow } from './ops.ts';
import { percentileSorted, sortedAsc } from './stats.ts';
import type { Verdict } from './types.ts';

export interface CommitGrowth {
  inside: { writes: number; p50: number | null };
  outside: { writes: number; p50: number | null };
  /** inside p50 - outside p50, null when either side has no writes */
  growthMs: number | null;
}

function within(t: number, w: FaultWindow, end: number): boolean {
  return t >= w.start && t < (w.end ?? end);
}

export function commitGrowth(history: History, fault: string): CommitGrowth {
  const windows = faultWindows(history);
  const mine = windows.filter((w) => w.fault === fault);
  const { ops } = pairOps(history);
  const end = history.length ? history[history.length - 1]!.time : 0;
  const inside: number[] = [];
  const outside: number[] = [];
  for (const o of ops) {
    if (o.f !== 'write' || o.type !== 'ok' || o.completeTime === null || !isClient(o.process)) continue;
    const lat = o.completeTime - o.invokeTime;
    if (mine.some((w) => within(o.invokeTime, w, end))) inside.push(lat);
    else if (!windows.some((w) => within(o.invokeTime, w, end))) outside.push(lat);
  }
  const p50 = (xs: number[]) => (xs.length ? percentileSorted(sortedAsc(xs), 0.5) : null);
  const i = p50(inside);
  const o = p50(outside);
  return {
    inside: { writes: inside.length, p50: i },
    outside: { writes: outside.length, p50: o },
    growthMs: i !== null && o !== null ? i - o : null,
  };
}

/**
 * The commit latency grew by about `expectedMs` (within ± toleranceMs) while `fault` windows
 * were open; without `expectedMs`, that it grew at all.
 */
export function checkCommitGrowth(history: History, opts: { fault: string; expectedMs?: number; toleranceMs?: number }): Verdict {
  const g = commitGrowth(history, opts.fault);
  const figures = {
    fault: opts.fault,
    insideWrites: g.inside.writes, insideP50Ms: g.inside.p50, outsideWrites: g.outside.writes, outsideP50Ms: g.outside.p50,
    growthMs: g.growthMs, expectedMs: opts.expectedMs ?? null, toleranceMs: opts.toleranceMs ?? null,
  };
  if (g.growthMs === null) {
    return {
      checker: 'commit-growth', ok: false, category: 'Harness error', figures,
      summary: `no evidence: ${g.inside.writes} acknowledged writes during ${opts.fault} faults, ${g.outside.writes} with no fault open`,
    };
  }
  const said = `median commit latency ${ms(g.inside.p50!)} during ${opts.fault} (${g.inside.writes} writes) vs ${ms(g.outside.p50!)} without faults (${g.outside.writes} writes): grew by ${ms(g.growthMs)}`;
  if (opts.expectedMs === undefined) {
    const ok = g.growthMs > 0;
    return { checker: 'commit-growth', ok, ...(ok ? {} : { category: 'Harness error' as const }), figures, summary: ok ? said : `${said}: it did not grow` };
  }
  const tol = opts.toleranceMs ?? opts.expectedMs / 2;
  const ok = Math.abs(g.growthMs - opts.expectedMs) <= tol;
  const tooSlow = g.growthMs > opts.expectedMs + tol;
  return {
    checker: 'commit-growth', ok, ...(ok ? {} : { category: tooSlow ? ('Slow commit' as const) : ('Harness error' as const) }), figures,
    summary: `${said}, expected ${ms(opts.expectedMs)} ± ${ms(tol)}${ok ? '' : tooSlow ? ': more than the link adds' : ': less than the link adds (do replies wait for the backup?)'}`,
  };
}

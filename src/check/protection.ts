/**
 * Protection over time, from the platform's own reports ("protected" / "unprotected" marks of
 * a pair): the runs of one state, and the verdict that a pair never lost protection once it
 * had it (the fleet scenarios: a crash of one pair must not cost the others their backups).
 */
import type { History } from '../workload/history.ts';
import { at, ms } from './format.ts';
import { historySpan } from './ops.ts';
import type { Verdict } from './types.ts';

export interface ProtectionRun {
  protected: boolean;
  from: number;
  /** end of the run (the next change, or the end of the history) */
  to: number;
}

/** the protection state of the (one pair's) history over time, from its first report on */
export function protectionRuns(history: History, opts: { end?: number } = {}): ProtectionRun[] {
  const end = opts.end ?? historySpan(history).end;
  const runs: ProtectionRun[] = [];
  for (const e of history) {
    if (e.kind !== 'mark' || (e.label !== 'protected' && e.label !== 'unprotected')) continue;
    const p = e.label === 'protected';
    const last = runs.at(-1);
    if (last && last.protected === p) continue;
    if (last) last.to = e.time;
    runs.push({ protected: p, from: e.time, to: Math.max(e.time, end) });
  }
  return runs;
}

/** the periods without protection after `since` (clipped to it), once the pair was first protected */
export function unprotectedPeriods(history: History, opts: { since?: number; end?: number } = {}): ProtectionRun[] {
  const since = opts.since ?? 0;
  const runs = protectionRuns(history, opts);
  const first = runs.findIndex((r) => r.protected);
  if (first < 0) return [];
  return runs
    .slice(first)
    .filter((r) => !r.protected && r.to > since)
    .map((r) => ({ ...r, from: Math.max(r.from, since) }));
}

/** the pair was protected from its first protection (or `since`) to the end: no backup lost */
export function checkStaysProtected(history: History, opts: { since?: number } = {}): Verdict {
  const runs = protectionRuns(history);
  const lost = unprotectedPeriods(history, opts);
  const totalMs = lost.reduce((s, r) => s + (r.to - r.from), 0);
  const figures = { since: opts.since ?? 0, unprotectedPeriods: lost.length, unprotectedMs: Math.round(totalMs) };
  if (!runs.some((r) => r.protected)) {
    return { checker: 'stays-protected', ok: false, category: 'Harness error', figures, summary: 'the platform never reported the pair protected, so staying protected cannot be judged' };
  }
  if (lost.length === 0) {
    return { checker: 'stays-protected', ok: true, figures, summary: `protected throughout${opts.since ? ` since ${ms(opts.since)}` : ''}` };
  }
  const first = lost[0]!;
  return {
    checker: 'stays-protected', ok: false, category: 'Protection lost', figures, details: lost,
    summary: `lost protection ${lost.length} time${lost.length > 1 ? 's' : ''} for ${ms(totalMs)} in all, first ${at(first.from)} for ${ms(first.to - first.from)}`,
  };
}

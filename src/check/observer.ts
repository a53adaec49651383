/**
 * The observer's blind spots. The harness's own event loop carries the clients, the probes and
 * the history; when it is blocked (its own GC, or the whole machine frozen — on the 2-core
 * machine a stall of the harness of 200 ms or more came with stalls of every other process in
 * 2 of 2 cases), no probe is sent and no reply is read. A gap in the evidence during such a
 * stall shows the observer stopped, not the platform: outages and latencies leave that part
 * out and say how much they left out. "harness stall" marks (time = end of the stall, detail
 * `ms` = its length) record every stall of 50 ms or more (src/harness/scenario.ts).
 */
import type { History, MarkEvent } from '../workload/history.ts';

export interface Stall {
  from: number;
  to: number;
}

export const OBSERVER_STALL_LABEL = 'harness stall';

/** the harness's stalls, by start time, overlapping ones merged */
export function observerStalls(history: History): Stall[] {
  const raw: Stall[] = [];
  for (const e of history) {
    if (e.kind !== 'mark' || (e as MarkEvent).label !== OBSERVER_STALL_LABEL) continue;
    const ms = Number((e as MarkEvent).detail?.ms);
    if (Number.isFinite(ms) && ms > 0) raw.push({ from: e.time - ms, to: e.time });
  }
  raw.sort((x, y) => x.from - y.from);
  const out: Stall[] = [];
  for (const s of raw) {
    const last = out.at(-1);
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/** ms of [from, to] during which the observer was stalled; `stalls` from observerStalls(). O(log n + k) */
export function blindWithin(stalls: readonly Stall[], from: number, to: number): number {
  if (to <= from || stalls.length === 0) return 0;
  // first stall that ends after `from`
  let lo = 0;
  let hi = stalls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stalls[mid]!.to <= from) lo = mid + 1;
    else hi = mid;
  }
  let blind = 0;
  for (let i = lo; i < stalls.length && stalls[i]!.from < to; i++) {
    blind += Math.min(to, stalls[i]!.to) - Math.max(from, stalls[i]!.from);
  }
  return blind;
}

/**
 * Several pairs in one scenario: which events belong to which pair. An event belongs to the
 * pair it carries (`pair`, stamped by the pair's recorder, or `detail.pair` of marks and
 * fault windows recorded before that); an event with neither is scenario-wide (a shared
 * network limit, "network healed", the scenario's start) and belongs to every pair.
 */
import type { History, HistoryEvent } from '../workload/history.ts';

/** the pair an event belongs to, or undefined when it is scenario-wide */
export function pairOf(e: HistoryEvent): string | undefined {
  if (e.pair !== undefined) return e.pair;
  if (e.kind === 'mark' || e.kind === 'fault') {
    const p = e.detail?.pair;
    if (typeof p === 'string') return p;
  }
  return undefined;
}

/** does the event concern `pair` (its own, or scenario-wide)? */
export function concerns(e: HistoryEvent, pair: string): boolean {
  const p = pairOf(e);
  return p === undefined || p === pair;
}

/**
 * The history a checker of one pair reads: that pair's events and the scenario-wide ones, in
 * the order recorded. With one pair in the scenario this is the whole history.
 */
export function eventsOf(history: History, pair: string): HistoryEvent[] {
  return history.filter((e) => concerns(e, pair));
}

/** the pairs named in a history, in order of first appearance */
export function pairsIn(history: History): string[] {
  const seen = new Set<string>();
  for (const e of history) {
    const p = pairOf(e);
    if (p !== undefined) seen.add(p);
  }
  return [...seen];
}

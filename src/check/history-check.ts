/**
 * Is the history itself well formed? Pairing irregularities (completion without invoke,
 * two ops in flight on one process, ok reads without a value) mean the recorder or the
 * workload broke a convention the other checkers rely on.
 */
import type { History } from '../workload/history.ts';
import { listFirst, at } from './format.ts';
import { pairOps } from './ops.ts';
import type { Verdict } from './types.ts';

export function checkHistory(history: History, opts: { maxListed?: number } = {}): Verdict {
  const maxListed = opts.maxListed ?? 5;
  const { ops, anomalies } = pairOps(history);
  const open = ops.filter((o) => o.type === 'open').length;
  const figures = { events: history.length, ops: ops.length, openOps: open, anomalies: anomalies.length };
  if (history.length === 0) {
    return { checker: 'history', ok: false, category: 'Harness error', summary: 'the history is empty', figures };
  }
  if (anomalies.length === 0) {
    return { checker: 'history', ok: true, summary: `${history.length} events, ${ops.length} ops well paired (${open} still open at the end)`, figures };
  }
  const items = anomalies.map((a) => `${a.process} ${at(a.time)}: ${a.problem}`);
  return {
    checker: 'history',
    ok: false,
    category: 'Harness error',
    summary: `${anomalies.length} malformed history entries: ${listFirst(items, maxListed)}`,
    figures,
    details: { anomalies },
  };
}

/**
 * Fencing: after a fault (e.g. a hang longer than the failover timeout), the host that was
 * primary must never answer as primary again: no ok completion (nor a compare-and-set it
 * answered NOMATCH: ops.ts served) of an op addressed to it and invoked after `since` (ops
 * invoked before may have been served before the fault and are not judged). The claim needs evidence that the host was asked and refused: at least one
 * definite refusal (fail) of an op addressed to it after `since`, else it is unprovable.
 */
import type { History } from '../workload/history.ts';
import { at, listFirst } from './format.ts';
import { pairOps, served as answered, type Op } from './ops.ts';
import type { Verdict } from './types.ts';

export interface FencingOptions {
  /** the old primary */
  host: string;
  /** from when on it must not serve (history time, ms) */
  since: number;
  /** until when (default: the end of the history) */
  until?: number;
  maxListed?: number;
}

export function checkStaysFenced(history: History, opts: FencingOptions): Verdict {
  if (typeof opts.since !== 'number' || !Number.isFinite(opts.since)) throw new RangeError(`fencing start must be a history time in ms; got ${opts.since}`);
  const until = opts.until ?? Infinity;
  const { ops } = pairOps(history);
  const served: Op[] = [];
  let refusals = 0;
  let unanswered = 0;
  for (const o of ops) {
    if (o.host !== opts.host || o.invokeTime <= opts.since || o.invokeTime > until) continue;
    if (answered(o)) served.push(o);
    else if (o.type === 'fail') refusals++;
    else unanswered++;
  }
  const figures = { host: opts.host, since: opts.since, servedAfter: served.length, refusals, unanswered };
  if (served.length) {
    const list = served.map((o) => `${o.process} ${o.f}${o.key !== undefined ? ` ${o.key}` : ''} ${o.type === 'ok' ? 'ok' : o.error} ${at(o.completeTime!)}`);
    return {
      checker: 'fencing',
      ok: false,
      category: 'Split brain',
      summary: `host ${opts.host} answered as primary after it should be fenced (${at(opts.since)}): ${served.length} ops, first ${listFirst(list, opts.maxListed ?? 3)}`,
      figures,
      details: { served: served.slice(0, 1000) },
    };
  }
  if (refusals === 0) {
    return {
      checker: 'fencing',
      ok: false,
      category: 'Harness error',
      summary: `fencing of host ${opts.host} unprovable: no op addressed to it after ${at(opts.since)} was refused (${unanswered} unanswered)`,
      figures,
    };
  }
  return { checker: 'fencing', ok: true, summary: `host ${opts.host} stayed fenced after ${at(opts.since)}: ${refusals} refusals, ${unanswered} unanswered, never served`, figures };
}

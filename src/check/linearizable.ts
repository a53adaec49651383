/**
 * Linearizability of the register workload (reg-write / reg-read / reg-cas on shared keys):
 * could every key's ops have taken effect one at a time, each at some instant between its
 * invoke and its completion, on ONE copy of the register (initially NIL)?
 *
 * Per key independently (P-compositionality), by the Wing–Gong / Lowe search with
 * memoisation (linearizable-search.ts). As Jepsen: fail ops did not happen (a failed cas
 * found another value and changed nothing); info / open writes and cas may have happened at
 * any time after their invoke, or never; info / open reads say nothing and are dropped.
 *
 * A key whose search exceeds the budget is undecided: the verdict fails as Harness error,
 * never passes. A key that is not linearizable is shrunk to its smallest counter-example
 * (linearizable-window.ts), which the summary explains and details carry for the plot.
 */
import type { History } from '../workload/history.ts';
import { listFirst, round } from './format.ts';
import { dropUnobservedIndeterminate, isIndeterminate, registerOps, relevantOps, type RegF, type RegOp } from './linearizable-ops.ts';
import { KeyOps, findFailingWindow, smallestWindow } from './linearizable-window.ts';
import type { Verdict } from './types.ts';

export interface LinearizableOptions {
  /** configurations one key may explore before it is undecided (default 2,000,000) */
  budget?: number;
  /** configurations one window check may explore while looking for / shrinking a counter-example (default 20,000) */
  windowBudget?: number;
  /** fail (Harness error) when the history holds no register op at all (default true) */
  requireOps?: boolean;
  /** how many failing keys the summary names (default 3) */
  maxListed?: number;
}

/** one op of the counter-example, plain data for the report and the plot */
export interface WindowOp {
  process: string;
  f: RegF;
  value: number | null;
  expect?: number | null;
  outcome: 'ok' | 'info' | 'open';
  invokeTime: number;
  /** null when it never completed */
  completeTime: number | null;
}

export interface LinearizableDetails {
  /** the key of the counter-example */
  key: string;
  /** the smallest set of its ops that cannot be linearized, in invoke order */
  window: WindowOp[];
  /** the value the window was checked from: NIL (nothing could have changed it before) or any */
  initial: 'nil' | 'any';
  /** one line a human reads */
  explanation: string;
  /** index in window of the op that cannot be placed (the observation that completed last) */
  culprit: number;
  /** every key that is not linearizable */
  failedKeys: string[];
  /** keys the search could not decide within the budget */
  undecidedKeys: string[];
}

export const DEFAULT_BUDGET = 2_000_000;

export function checkLinearizable(history: History, opts: LinearizableOptions = {}): Verdict {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const maxListed = opts.maxListed ?? 3;
  const windowBudget = Math.min(budget, opts.windowBudget ?? 20_000);
  const { byKey, malformed } = registerOps(history);
  let ops = 0;
  let indeterminate = 0;
  for (const list of byKey.values()) {
    ops += list.length;
    for (const o of list) if (isIndeterminate(o)) indeterminate++;
  }
  const figures: Record<string, number> = { keysChecked: 0, ops, indeterminateOps: indeterminate, statesExplored: 0, failedKeys: 0, undecidedKeys: 0, windowOps: 0 };
  if (malformed.length) {
    return { checker: 'linearizable', ok: false, category: 'Harness error', summary: `${malformed.length} malformed register ops: ${listFirst(malformed, maxListed)}`, figures, details: { malformed } };
  }
  if (ops === 0 && (opts.requireOps ?? true)) {
    return { checker: 'linearizable', ok: false, category: 'Harness error', summary: 'no register op (reg-write / reg-read / reg-cas) in the history: nothing to check', figures };
  }

  const failed: { key: string; k: KeyOps; from?: { s: number; e: number } }[] = [];
  const undecided: string[] = [];
  for (const [key, list] of [...byKey].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const k = new KeyOps(dropUnobservedIndeterminate(relevantOps(list)));
    figures.keysChecked!++;
    // a linearizable key is found in ~2 states per op; a violation makes the search exhaust
    // everything before it, so past a few states per op, look for a failing window first
    const quick = k.checkAll(Math.min(budget, 8 * k.n + 10_000));
    figures.statesExplored! += quick.states;
    if (quick.outcome === 'ok') continue;
    if (quick.outcome === 'fail') {
      failed.push({ key, k });
      continue;
    }
    const w = findFailingWindow(k, windowBudget);
    if (w) {
      figures.statesExplored! += w.states;
      failed.push({ key, k, from: w });
      continue;
    }
    const relaxed = k.checkAll(budget, true);
    figures.statesExplored! += relaxed.states;
    if (relaxed.outcome === 'fail') {
      failed.push({ key, k });
      continue;
    }
    const r = k.checkAll(budget);
    figures.statesExplored! += r.states;
    if (r.outcome === 'fail') failed.push({ key, k });
    else if (r.outcome === 'budget') undecided.push(key);
  }
  figures.failedKeys = failed.length;
  figures.undecidedKeys = undecided.length;

  if (failed.length === 0 && undecided.length === 0) {
    return {
      checker: 'linearizable',
      ok: true,
      summary: `${figures.keysChecked} keys linearizable (${ops} ops, ${indeterminate} indeterminate, ${figures.statesExplored} states explored)`,
      figures,
    };
  }
  if (failed.length === 0) {
    return {
      checker: 'linearizable',
      ok: false,
      category: 'Harness error',
      summary: `could not decide ${undecided.length === 1 ? `key ${undecided[0]}` : `keys ${listFirst(undecided, maxListed)}`} within ${budget} states (${ops} ops, ${indeterminate} indeterminate); linearizability unproven`,
      figures,
      details: { undecidedKeys: undecided },
    };
  }

  // the counter-example: the smallest window over the failing keys
  let best: { key: string; window: WindowOp[]; initial: 'nil' | 'any' } | null = null;
  for (const { key, k, from } of failed.slice(0, 10)) {
    const w = smallestWindow(k, windowBudget, from ? { from } : {});
    figures.statesExplored! += w.states;
    if (!best || w.idx.length < best.window.length) best = { key, window: w.idx.map((i) => windowOp(k.ops[i]!)), initial: w.initial };
  }
  figures.windowOps = best!.window.length;
  const explanation = explain(best!.key, best!.window, best!.initial);
  const culprit = culpritIndex(best!.window);
  const others = failed.length > 1 ? ` (${failed.length} keys not linearizable: ${listFirst(failed.map((f) => f.key), maxListed)})` : '';
  const undec = undecided.length ? `; ${undecided.length} keys undecided within ${budget} states` : '';
  const details: LinearizableDetails = { key: best!.key, window: best!.window, initial: best!.initial, explanation, culprit, failedKeys: failed.map((f) => f.key), undecidedKeys: undecided };
  return { checker: 'linearizable', ok: false, category: 'Not linearizable', summary: `${explanation}${others}${undec}`, figures, details };
}

function windowOp(o: RegOp): WindowOp {
  const w: WindowOp = { process: o.process, f: o.f, value: o.value, outcome: o.type === 'fail' ? 'info' : o.type, invokeTime: o.invokeTime, completeTime: o.completeTime };
  if (o.f === 'reg-cas') w.expect = o.expect ?? null;
  return w;
}

const s = (t: number) => `${round(t / 1000, 3)} s`;
const v = (x: number | null | undefined) => (x === null || x === undefined ? 'nil' : String(x));

/** "write 4", "read nil", "cas 3→5" */
export function opLabel(o: Pick<WindowOp, 'f' | 'value' | 'expect'>): string {
  if (o.f === 'reg-write') return `write ${v(o.value)}`;
  if (o.f === 'reg-read') return `read ${v(o.value)}`;
  return `cas ${v(o.expect)}→${v(o.value)}`;
}

function describe(o: WindowOp): string {
  if (o.outcome === 'ok') return `${opLabel(o)} (${o.process}, ${s(o.invokeTime)}–${s(o.completeTime!)} ok)`;
  return `${opLabel(o)} (${o.process}, from ${s(o.invokeTime)}, ${o.outcome === 'open' ? 'never completed' : 'indeterminate'})`;
}

/** the op the explanation blames: the observation (ok read or cas) that completed last, else the last op */
export function culpritIndex(window: readonly WindowOp[]): number {
  let culprit = -1;
  window.forEach((o, i) => {
    if (o.outcome !== 'ok' || o.f === 'reg-write') return;
    if (culprit === -1 || o.completeTime! >= window[culprit]!.completeTime!) culprit = i;
  });
  return culprit === -1 ? window.length - 1 : culprit;
}

/**
 * One line: the op that cannot be placed (the observation — read or cas — that completed
 * last), and the others it cannot be ordered with.
 */
export function explain(key: string, window: readonly WindowOp[], initial: 'nil' | 'any'): string {
  const culprit = culpritIndex(window);
  const c = window[culprit]!;
  const when = c.outcome === 'ok' ? `${s(c.invokeTime)}–${s(c.completeTime!)}` : `from ${s(c.invokeTime)} (${c.outcome})`;
  // definite ops first: they pin the violation down; indeterminate ones only might have happened
  const others = window.filter((o, i) => i !== culprit && o.outcome === 'ok').concat(window.filter((o, i) => i !== culprit && o.outcome !== 'ok')).map(describe);
  const rest = others.length > 6 ? [...others.slice(0, 6), `… and ${others.length - 6} more`] : others;
  const from = initial === 'nil' ? 'starting from nil' : 'whatever the value before';
  const withWhat = rest.length ? ` cannot be ordered with ${rest.join(', ')}` : ' is impossible';
  return `key ${key}: ${opLabel(c)} by ${c.process} at ${when}${withWhat} (${from}; ${window.length} op${window.length === 1 ? '' : 's'})`;
}

/**
 * The register ops of a history (reg-write, reg-read, reg-cas), paired invoke → completion
 * and grouped per key, as the linearizability checker reads them.
 *
 * Own pairing rather than ops.ts's pairOps because a reg-cas carries `expect`, which Op does
 * not keep; the rule is the same (a completion closes the oldest op of its process in flight
 * with the same f and key).
 */
import type { History, OpF } from '../workload/history.ts';
import { ordered } from './ops.ts';

export type RegF = 'reg-write' | 'reg-read' | 'reg-cas';
export const isRegF = (f: OpF): f is RegF => f === 'reg-write' || f === 'reg-read' || f === 'reg-cas';

/** one register op; fail = not applied, info / open = indeterminate */
export interface RegOp {
  process: string;
  f: RegF;
  key: string;
  /** reg-write: value written; reg-read: value read (ok only; null = NIL); reg-cas: new value */
  value: number | null;
  /** reg-cas: the value the key had to hold */
  expect?: number | null;
  type: 'ok' | 'fail' | 'info' | 'open';
  invokeTime: number;
  /** null while open */
  completeTime: number | null;
}

export interface RegisterOps {
  /** ops per key, in invoke order */
  byKey: Map<string, RegOp[]>;
  /** problems that make the register history unreadable (no key, ok read without value, cas without expect) */
  malformed: string[];
}

/** pair the register ops of a history and group them per key (other ops are ignored) */
export function registerOps(history: History): RegisterOps {
  const byKey = new Map<string, RegOp[]>();
  const malformed: string[] = [];
  const inFlight = new Map<string, RegOp[]>();
  for (const e of ordered(history)) {
    if (e.kind !== 'op' || !isRegF(e.f)) continue;
    if (e.type === 'invoke') {
      if (e.key === undefined) {
        malformed.push(`${e.f} by ${e.process} at ${e.time} ms has no key`);
        continue;
      }
      const op: RegOp = { process: e.process, f: e.f, key: e.key, value: e.value ?? null, type: 'open', invokeTime: e.time, completeTime: null };
      if (e.f === 'reg-write' && typeof e.value !== 'number') malformed.push(`reg-write of ${e.key} by ${e.process} at ${e.time} ms has no value`);
      if (e.f === 'reg-cas') {
        if (e.expect !== undefined) op.expect = e.expect;
        if (typeof e.value !== 'number') malformed.push(`reg-cas of ${e.key} by ${e.process} at ${e.time} ms has no new value`);
      }
      let list = inFlight.get(e.process);
      if (!list) inFlight.set(e.process, (list = []));
      list.push(op);
      let perKey = byKey.get(e.key);
      if (!perKey) byKey.set(e.key, (perKey = []));
      perKey.push(op);
      continue;
    }
    const list = inFlight.get(e.process);
    const idx = list ? list.findIndex((o) => o.f === e.f && (e.key === undefined || o.key === e.key)) : -1;
    if (idx === -1) continue; // unmatched completion: checkHistory reports it
    const op = list!.splice(idx, 1)[0]!;
    op.type = e.type;
    op.completeTime = e.time;
    if (op.f === 'reg-read') {
      if (e.type === 'ok') {
        if (e.value === undefined) malformed.push(`ok reg-read of ${op.key} by ${op.process} at ${e.time} ms carries no value (null means NIL)`);
        else op.value = e.value;
      } else op.value = null;
    } else if (op.f === 'reg-cas' && op.expect === undefined && e.expect !== undefined) {
      op.expect = e.expect;
    }
  }
  for (const ops of byKey.values()) {
    for (const o of ops) if (o.f === 'reg-cas' && o.expect === undefined) malformed.push(`reg-cas of ${o.key} by ${o.process} at ${o.invokeTime} ms has no expect`);
  }
  return { byKey, malformed };
}

/** the ops that constrain a linearization: fail ops (not applied) and indeterminate reads (no information) are dropped */
export function relevantOps(ops: readonly RegOp[]): RegOp[] {
  return ops.filter((o) => o.type !== 'fail' && (o.f !== 'reg-read' || o.type === 'ok'));
}

export const isIndeterminate = (o: RegOp): boolean => o.type === 'info' || o.type === 'open';

/**
 * Drop indeterminate writes / cas whose new value no op that might follow them observes
 * (no read of it, no cas expecting it, among ops not returned before their invoke): taking
 * effect or not, nothing could tell, so leaving them out changes no verdict — and each one
 * left in doubles the search. Repeated until stable (a dropped cas observes nothing).
 */
export function dropUnobservedIndeterminate(ops: readonly RegOp[]): RegOp[] {
  let cur = [...ops];
  for (;;) {
    // per observed value: the two latest returns of its observers (Infinity for indeterminate ones)
    const top = new Map<number | null, { r1: number; o1: RegOp | null; r2: number }>();
    const observe = (v: number | null, o: RegOp) => {
      const r = isIndeterminate(o) || o.completeTime === null ? Infinity : o.completeTime;
      const t = top.get(v) ?? { r1: -Infinity, o1: null, r2: -Infinity };
      if (r > t.r1) {
        t.r2 = t.r1;
        t.r1 = r;
        t.o1 = o;
      } else if (r > t.r2) t.r2 = r;
      top.set(v, t);
    };
    for (const o of cur) {
      if (o.f === 'reg-read') observe(o.value, o);
      else if (o.f === 'reg-cas') observe(o.expect ?? null, o);
    }
    const next = cur.filter((o) => {
      if (o.f === 'reg-read' || !isIndeterminate(o)) return true;
      const t = top.get(o.value);
      if (!t) return false;
      const latest = t.o1 === o ? t.r2 : t.r1;
      return latest >= o.invokeTime;
    });
    if (next.length === cur.length) return next;
    cur = next;
  }
}

/**
 * Register histories for the linearizability tests and bench: clients r0, r1, … read, write
 * and cas shared keys of a REAL (simulated) register, so the history is linearizable by
 * construction — each op takes effect at one random instant between its invoke and its
 * completion. Some ops end indeterminate (info: applied or not, by a coin) or never complete.
 * `corruptRead` then changes one read's value, which usually breaks linearizability.
 */
import { prng } from '../../src/faults/schedule.ts';
import type { HistoryEvent, OpEvent, OpType } from '../../src/workload/history.ts';

export interface RegisterHistoryOptions {
  seed?: number;
  keys?: number;
  clientsPerKey?: number;
  /** ops per client */
  opsPerClient?: number;
  /** values written are 1..values (default 5: collisions, as Jepsen's) */
  values?: number;
  /** fraction of ops that end info (default 0.03) */
  infoRate?: number;
  /** fraction of writes/cas that fail before applying (default 0.01) */
  failRate?: number;
  /** leave the last op of each client open with this probability (default 0.2) */
  openRate?: number;
  /** op latency range, ms (default 1..20) */
  latency?: [number, number];
  /** think time between a client's ops, ms (default 0..5) */
  gap?: [number, number];
}

/** small deterministic PRNG: the fault schedule's mulberry32 */
export const rng = prng;

interface SimOp {
  process: string;
  key: string;
  f: 'reg-write' | 'reg-read' | 'reg-cas';
  value: number | null;
  expect?: number | null;
  invoke: number;
  complete: number;
  at: number;
  outcome: OpType | 'open';
  applies: boolean;
}

export function registerHistory(opts: RegisterHistoryOptions = {}): HistoryEvent[] {
  const r = rng(opts.seed ?? 1);
  const keys = opts.keys ?? 4;
  const cpk = opts.clientsPerKey ?? 5;
  const perClient = opts.opsPerClient ?? 50;
  const values = opts.values ?? 5;
  const infoRate = opts.infoRate ?? 0.03;
  const failRate = opts.failRate ?? 0.01;
  const openRate = opts.openRate ?? 0.2;
  const [lat0, lat1] = opts.latency ?? [1, 20];
  const [gap0, gap1] = opts.gap ?? [0, 5];
  const between = (a: number, b: number) => a + r() * (b - a);
  const pickValue = () => 1 + Math.floor(r() * values);

  const sims: SimOp[] = [];
  for (let k = 0; k < keys; k++) {
    for (let c = 0; c < cpk; c++) {
      const process = `r${k * cpk + c}`;
      let t = between(0, 5);
      for (let i = 0; i < perClient; i++) {
        const roll = r();
        const f = roll < 0.4 ? 'reg-read' : roll < 0.75 ? 'reg-write' : 'reg-cas';
        const invoke = Math.round(t * 1000) / 1000;
        const complete = Math.round((invoke + between(lat0, lat1)) * 1000) / 1000;
        const at = between(invoke, complete);
        const op: SimOp = { process, key: `k${k}`, f, value: f === 'reg-read' ? null : pickValue(), invoke, complete, at, outcome: 'ok', applies: true };
        if (f === 'reg-cas') op.expect = r() < 0.15 ? null : pickValue();
        const last = i === perClient - 1;
        if (last && r() < openRate) {
          op.outcome = 'open';
          op.applies = r() < 0.5;
        } else if (r() < infoRate) {
          op.outcome = 'info';
          op.applies = r() < 0.5;
        } else if (f !== 'reg-read' && r() < failRate) {
          op.outcome = 'fail';
          op.applies = false;
        }
        sims.push(op);
        t = complete + between(gap0, gap1);
      }
    }
  }

  // run the real register in linearization-point order
  const state = new Map<string, number | null>();
  for (const op of [...sims].sort((a, b) => a.at - b.at)) {
    if (!op.applies) continue;
    const cur = state.get(op.key) ?? null;
    if (op.f === 'reg-read') op.value = cur;
    else if (op.f === 'reg-write') state.set(op.key, op.value);
    else if (cur === op.expect) state.set(op.key, op.value);
    else if (op.outcome === 'ok') op.outcome = 'fail'; // cas found another value: nothing changed
  }

  const events: { e: HistoryEvent; seq: number }[] = [];
  let seq = 0;
  for (const op of sims) {
    const base = { kind: 'op' as const, process: op.process, f: op.f, key: op.key, host: 'a' };
    const inv: OpEvent = { ...base, type: 'invoke', time: op.invoke };
    if (op.f !== 'reg-read') inv.value = op.value;
    if (op.f === 'reg-cas') inv.expect = op.expect ?? null;
    events.push({ e: inv, seq: seq++ });
    if (op.outcome === 'open') continue;
    const done: OpEvent = { ...base, type: op.outcome as OpType, time: op.complete };
    if (op.outcome === 'ok' || op.f !== 'reg-read') done.value = op.value;
    if (op.f === 'reg-cas') done.expect = op.expect ?? null;
    if (op.outcome === 'info') done.error = 'timeout';
    if (op.outcome === 'fail') done.error = op.f === 'reg-cas' ? 'CAS_MISMATCH' : 'NOT_PRIMARY';
    events.push({ e: done, seq: seq++ });
  }
  return events.sort((a, b) => a.e.time - b.e.time || a.seq - b.seq).map((x) => x.e);
}

/** the ok reg-read completions of a history (indexes into it) */
export function okReads(h: readonly HistoryEvent[]): number[] {
  const out: number[] = [];
  h.forEach((e, i) => {
    if (e.kind === 'op' && e.f === 'reg-read' && e.type === 'ok') out.push(i);
  });
  return out;
}

/** a copy with the value of the `which`-th ok read changed to another value in 0..values (0 = NIL) */
export function corruptRead(h: readonly HistoryEvent[], which: number, pick: () => number, values = 5): HistoryEvent[] {
  const reads = okReads(h);
  const i = reads[which % reads.length]!;
  const e = h[i] as OpEvent;
  let nv: number | null = e.value ?? null;
  while (nv === (e.value ?? null)) {
    const x = Math.floor(pick() * (values + 1));
    nv = x === 0 ? null : x;
  }
  const out = [...h];
  out[i] = { ...e, value: nv };
  return out;
}

type Done = 'ok' | 'fail' | 'info' | 'open';

/** hand-built register histories: w / r / cas ops with explicit times and outcomes */
export class RegBuilder {
  private events: { e: HistoryEvent; seq: number }[] = [];
  private seq = 0;

  private op(process: string, f: OpEvent['f'], key: string, t0: number, t1: number, outcome: Done, inv: Partial<OpEvent>, done: Partial<OpEvent>): this {
    this.events.push({ e: { kind: 'op', type: 'invoke', process, f, key, time: t0, ...inv } as OpEvent, seq: this.seq++ });
    if (outcome !== 'open') this.events.push({ e: { kind: 'op', type: outcome, process, f, key, time: t1, ...done } as OpEvent, seq: this.seq++ });
    return this;
  }

  w(process: string, key: string, value: number, t0: number, t1: number, outcome: Done = 'ok'): this {
    return this.op(process, 'reg-write', key, t0, t1, outcome, { value }, { value });
  }

  r(process: string, key: string, value: number | null, t0: number, t1: number, outcome: Done = 'ok'): this {
    return this.op(process, 'reg-read', key, t0, t1, outcome, {}, outcome === 'ok' ? { value } : {});
  }

  cas(process: string, key: string, expect: number | null, value: number, t0: number, t1: number, outcome: Done = 'ok'): this {
    return this.op(process, 'reg-cas', key, t0, t1, outcome, { value, expect }, { value, expect });
  }

  build(): HistoryEvent[] {
    return [...this.events].sort((a, b) => a.e.time - b.e.time || a.seq - b.seq).map((x) => x.e);
  }
}

export const reg = () => new RegBuilder();

/**
 * The smallest counter-example of a non-linearizable key: a small set W of its ops that is
 * itself not linearizable, chosen so that this PROVES the whole key is not.
 *
 * Soundness. Let W's stretch run from the first call to the last return of its DEFINITE
 * ops. W is "closed" when every mutating op (write or cas) outside W is
 *  - strictly before the stretch (returned before it starts), or
 *  - strictly after it (called after it ends), or
 *  - indeterminate with a new value that no op of W (nor any other such op) observes — a
 *    read of it or a cas expecting it — so that its taking effect or not changes nothing
 *    W can see.
 * Reads outside W are dropped (they change nothing). Then any linearization of the whole key,
 * cut from W's first definite op to its last, holds W's definite ops, the indeterminate ops
 * of W that took effect in between (the others took effect before — part of the start state
 * — or after, or never) and left-out indeterminate ops that can be deleted without any op
 * noticing: a linearization of W from the state at the cut. So when W has no linearization
 * from ANY initial value, the key has none. When nothing mutating outside W can precede the
 * cut (no op returned before the stretch, no indeterminate op left out) the start state is
 * NIL changed only by W's own indeterminate ops, all callable before the stretch: W is checked
 * from NIL instead — stronger (a read of a value never written).
 *
 * Shrinking: the shortest failing prefix (binary search on its end), then the latest start
 * (binary search), each closed as above; then single ops are dropped while W still fails.
 */
import type { RegOp } from './linearizable-ops.ts';
import { isIndeterminate } from './linearizable-ops.ts';
import { CAS, NIL, READ, UNKNOWN, WRITE, searchRegister, type SearchResult } from './linearizable-search.ts';

/** the ops of one key, prepared for the search (relevant ops only, in invoke order) */
export class KeyOps {
  readonly n: number;
  readonly call: Float64Array;
  readonly ret: Float64Array;
  readonly kind: Int32Array;
  readonly value: Int32Array;
  readonly expect: Int32Array;
  readonly mutating: Uint8Array;

  constructor(readonly ops: readonly RegOp[]) {
    const n = (this.n = ops.length);
    this.call = new Float64Array(n);
    this.ret = new Float64Array(n);
    this.kind = new Int32Array(n);
    this.value = new Int32Array(n);
    this.expect = new Int32Array(n);
    this.mutating = new Uint8Array(n);
    const ids = new Map<number, number>();
    const id = (v: number | null | undefined) => {
      if (v === null || v === undefined) return NIL;
      let i = ids.get(v);
      if (i === undefined) ids.set(v, (i = ids.size + 1));
      return i;
    };
    ops.forEach((o, i) => {
      this.call[i] = o.invokeTime;
      this.ret[i] = isIndeterminate(o) || o.completeTime === null ? Infinity : o.completeTime;
      this.kind[i] = o.f === 'reg-write' ? WRITE : o.f === 'reg-read' ? READ : CAS;
      this.value[i] = id(o.value);
      this.expect[i] = o.f === 'reg-cas' ? id(o.expect) : NIL;
      this.mutating[i] = o.f === 'reg-read' ? 0 : 1;
    });
  }

  /**
   * Is the window at `idx` (ascending) NOT linearizable from NIL or from any initial value?
   * First the relaxed search (cheap, its fail is a proof), then the exact one.
   */
  check(idx: readonly number[], initial: 'nil' | 'any', budget: number): SearchResult {
    const relaxed = this.checkModel(idx, initial, budget, true);
    if (relaxed.outcome === 'fail') return relaxed;
    const exact = this.checkModel(idx, initial, budget, false);
    return { outcome: exact.outcome, states: relaxed.states + exact.states };
  }

  /** check the ops at `idx` (ascending) from NIL or from any initial value, exact or relaxed (see searchRegister) */
  checkModel(idx: readonly number[], initial: 'nil' | 'any', budget: number, relaxed: boolean): SearchResult {
    const pick = <T extends Float64Array | Int32Array>(a: T, mk: (n: number) => T) => {
      const out = mk(idx.length);
      for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]!]!;
      return out;
    };
    const f64 = (n: number) => new Float64Array(n);
    const i32 = (n: number) => new Int32Array(n);
    return searchRegister(
      { call: pick(this.call, f64), ret: pick(this.ret, f64), kind: pick(this.kind, i32), value: pick(this.value, i32), expect: pick(this.expect, i32) },
      initial === 'nil' ? NIL : UNKNOWN,
      budget,
      { reuseIndeterminate: relaxed },
    );
  }

  /** all ops, from NIL; `relaxed`: see searchRegister's reuseIndeterminate */
  checkAll(budget: number, relaxed = false): SearchResult {
    return searchRegister(this, NIL, budget, { reuseIndeterminate: relaxed });
  }
}

export interface Closed {
  /** op indices, ascending */
  idx: number[];
  initial: 'nil' | 'any';
}

/** the smallest closed set containing `seed` (see the header), and the initial value it may be checked from */
export function closure(k: KeyOps, seed: Iterable<number>): Closed {
  const inW = new Uint8Array(k.n);
  let minCall = Infinity;
  let maxFin = -Infinity;
  const add = (i: number) => {
    inW[i] = 1;
    if (k.ret[i] === Infinity) return; // indeterminate ops do not widen the stretch (see the header)
    if (k.call[i]! < minCall) minCall = k.call[i]!;
    if (k.ret[i]! > maxFin) maxFin = k.ret[i]!;
  };
  for (const i of seed) add(i);
  let left: number[] = [];
  for (;;) {
    // outside mutating ops concurrent with W
    const definite: number[] = [];
    const indet: number[] = [];
    for (let i = 0; i < k.n && k.call[i]! <= maxFin; i++) {
      if (inW[i] || !k.mutating[i] || k.ret[i]! < minCall) continue;
      (k.ret[i] === Infinity ? indet : definite).push(i);
    }
    let grew = definite.length > 0;
    for (const i of definite) add(i);
    if (indet.length) {
      const observed = new Set<number>();
      const observe = (i: number) => {
        if (k.kind[i] === READ) observed.add(k.value[i]!);
        else if (k.kind[i] === CAS) observed.add(k.expect[i]!);
      };
      for (let i = 0; i < k.n; i++) if (inW[i]) observe(i);
      for (const i of indet) observe(i);
      left = [];
      for (const i of indet) {
        if (observed.has(k.value[i]!)) {
          add(i);
          grew = true;
        } else left.push(i);
      }
    } else left = [];
    if (!grew) break;
  }
  const idx: number[] = [];
  for (let i = 0; i < k.n; i++) if (inW[i]) idx.push(i);
  let before = false;
  for (let i = 0; i < k.n && !before; i++) before = !inW[i] && k.mutating[i] === 1 && k.ret[i]! < minCall;
  return { idx, initial: before || left.length > 0 ? 'any' : 'nil' };
}

export interface Window extends Closed {
  /** configurations explored while shrinking */
  states: number;
}

/**
 * A failing closed window found by sliding over the key (`size` ops by invoke order, half
 * overlapping), for keys too long to search whole: a violation is local, the search of a
 * window is small. null when no window fails (which proves nothing either way).
 */
export function findFailingWindow(k: KeyOps, budget: number, size = 64): { s: number; e: number; states: number } | null {
  let states = 0;
  const step = Math.max(1, size >> 1);
  for (let s = 0; s < k.n; s += step) {
    const e = Math.min(k.n - 1, s + size - 1);
    const c = closure(k, Array.from({ length: e - s + 1 }, (_, j) => s + j));
    const r = k.check(c.idx, c.initial, budget);
    states += r.states;
    if (r.outcome === 'fail') return { s, e, states };
    if (e === k.n - 1) break;
  }
  return null;
}

/**
 * Shrink a key known not to be linearizable to a small closed window that is not
 * linearizable either. `from` is a stretch of ops (by invoke order) whose closure is known
 * to fail (default: the whole key). `budget` caps each window check; a check over budget
 * counts as "not proven" and the window is not shrunk that way.
 */
export function smallestWindow(k: KeyOps, budget: number, opts: { maxInteriorPasses?: number; from?: { s: number; e: number } } = {}): Window {
  let states = 0;
  const fails = (c: Closed) => {
    const r = k.check(c.idx, c.initial, budget);
    states += r.states;
    return r.outcome === 'fail';
  };
  const range = (s: number, e: number) => closure(k, Array.from({ length: e - s + 1 }, (_, j) => s + j));
  const from = opts.from ?? { s: 0, e: k.n - 1 };

  // shortest failing stretch from `from.s`: hi fails, lo - 1 is the last known pass
  let lo = from.s;
  let hi = from.e;
  let best: Closed = range(from.s, from.e);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = range(from.s, mid);
    if (fails(c)) {
      hi = mid;
      best = c;
    } else lo = mid + 1;
  }
  const end = hi;
  // latest start that still fails
  lo = from.s;
  hi = end;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const c = range(mid, end);
    if (fails(c)) {
      lo = mid;
      best = c;
    } else hi = mid - 1;
  }
  // drop single ops while the window still fails
  const passes = opts.maxInteriorPasses ?? (best.idx.length <= 64 ? 8 : 1);
  for (let pass = 0; pass < passes && best.idx.length > 2; pass++) {
    let shrunk = false;
    for (const drop of [...best.idx].reverse()) {
      if (!best.idx.includes(drop)) continue;
      const c = closure(k, best.idx.filter((i) => i !== drop));
      if (c.idx.length >= best.idx.length) continue;
      if (fails(c)) {
        best = c;
        shrunk = true;
      }
    }
    if (!shrunk) break;
  }
  return { ...best, states };
}

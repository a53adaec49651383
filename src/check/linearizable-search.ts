/**
 * The Wing–Gong / Lowe linearizability search for ONE register (one key), as Porcupine does
 * it: the ops' calls and returns form a time-ordered doubly linked list; the search walks it,
 * "lifting" (linearizing) an op whose call comes before the first pending return when the
 * register model allows it, and backtracking when it meets the return of an op it has not
 * linearized. Every (linearized set, register value) reached is remembered, so no
 * configuration is explored twice (P-compositionality is the caller's: one key at a time).
 *
 * Indeterminate ops (ret = Infinity) may be linearized anywhere after their call, or never:
 * the search succeeds as soon as every op with a finite return is linearized.
 *
 * Values are small integer ids: 0 = NIL, ≥1 = a value; the initial state may be UNKNOWN
 * (-1), which the first read or cas fixes (a window checked "with any initial value").
 */

export const NIL = 0;
export const UNKNOWN = -1;

export const WRITE = 0;
export const READ = 1;
export const CAS = 2;

export interface SearchInput {
  /** call times */
  call: ArrayLike<number>;
  /** return times, Infinity for indeterminate ops */
  ret: ArrayLike<number>;
  /** WRITE / READ / CAS */
  kind: ArrayLike<number>;
  /** value id: written, read, or the cas's new value */
  value: ArrayLike<number>;
  /** cas: expected value id */
  expect: ArrayLike<number>;
}

export type SearchResult = { outcome: 'ok' | 'fail' | 'budget'; states: number };

/**
 * Is the register history linearizable from `initial` (a value id or UNKNOWN)?
 * `budget` caps the configurations explored: beyond it the outcome is 'budget' (undecided).
 *
 * `reuseIndeterminate`: a RELAXED model where each indeterminate op, once called, may take
 * effect any number of times. It allows every order the exact model allows and more, so its
 * 'fail' proves the history is not linearizable (its 'ok' proves nothing) — and its
 * configurations are just (D, state), with none of the 2^k ways k pending indeterminate ops
 * can have happened: a violation amid many indeterminate ops is found in polynomial time.
 */
export function searchRegister(input: SearchInput, initial: number, budget: number, opts: { reuseIndeterminate?: boolean } = {}): SearchResult {
  const reuse = opts.reuseIndeterminate ?? false;
  const n = input.call.length;
  if (n === 0) return { outcome: 'ok', states: 0 };
  const { call, ret, kind, value, expect } = input;

  // entries: 2i = call of op i, 2i+1 = its return; sorted by time, calls before returns at equal times
  const order = new Int32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) order[i] = i;
  const time = (e: number) => ((e & 1) === 0 ? call[e >> 1]! : ret[e >> 1]!);
  order.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);

  // doubly linked list over entry ids, HEAD = 2n, TAIL = 2n+1
  const HEAD = 2 * n;
  const TAIL = 2 * n + 1;
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  let p = HEAD;
  for (let i = 0; i < 2 * n; i++) {
    const e = order[i]!;
    next[p] = e;
    prev[e] = p;
    p = e;
  }
  next[p] = TAIL;
  prev[TAIL] = p;

  let remainingDefinite = 0;
  for (let i = 0; i < n; i++) if (ret[i] !== Infinity) remainingDefinite++;
  if (remainingDefinite === 0) return { outcome: 'ok', states: 0 };

  // symmetry: indeterminate ops doing the same thing (kind, value, expect) are interchangeable
  // once both are called, so one is tried only while no earlier one of its kind is pending
  const prevSame = new Int32Array(n).fill(-1);
  // definite and indeterminate ops are numbered apart: the linearized set is (D, I)
  const sub = new Int32Array(n);
  let nd = 0;
  let ni = 0;
  {
    const last = new Map<string, number>();
    const byCall = Array.from({ length: n }, (_, i) => i).sort((a, b) => call[a]! - call[b]! || a - b);
    for (const i of byCall) {
      if (ret[i] !== Infinity) {
        sub[i] = nd++;
        continue;
      }
      sub[i] = ni++;
      const cls = `${kind[i]},${value[i]},${expect[i]}`;
      const prevOp = last.get(cls);
      if (prevOp !== undefined) prevSame[i] = prevOp;
      last.set(cls, i);
    }
  }
  const D = new CanonBits(nd);
  const I = new CanonBits(ni);
  // Zobrist hash of (D, I), kept incrementally: definite ops first, then indeterminate ones
  const zob = new Int32Array(nd + ni);
  let seed = 0x2545f491;
  for (let i = 0; i < nd + ni; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    zob[i] = seed;
  }
  let hash = 0;
  const cache = new StateCache();

  // the path: which call was linearized and the state before it (reused
  // indeterminate ops can make it longer than n)
  let stackEntry = new Int32Array(n + 1);
  let stackState = new Int32Array(n + 1);
  let sp = 0;
  let state = initial;
  let entry = next[HEAD]!;
  // phase 1 tries the definite ops before the first pending return, phase 2 the indeterminate
  // ones: an indeterminate op is taken only when the definite ones cannot go on
  let phase = 1;
  let states = 0;

  for (;;) {
    if (remainingDefinite === 0) return { outcome: 'ok', states };
    if ((entry & 1) === 0 && entry !== TAIL && entry !== HEAD) {
      const op = entry >> 1;
      const definite = ret[op] !== Infinity;
      if (definite !== (phase === 1)) {
        entry = next[entry]!;
        continue;
      }
      // the register model: the state after op, or -2 when op cannot happen now
      let ns = -2;
      const k = kind[op]!;
      if (!definite && prevSame[op] !== -1 && !I.has(sub[prevSame[op]!]!)) ns = -2;
      else if (k === WRITE) ns = value[op]!;
      else if (k === READ) ns = state === UNKNOWN || state === value[op] ? value[op]! : -2;
      else ns = state === UNKNOWN || state === expect[op] ? value[op]! : -2;
      if (ns !== -2) {
        const set = definite ? D : I;
        const take = definite || !reuse;
        if (take) set.set(sub[op]!);
        const h = take ? hash ^ zob[definite ? sub[op]! : nd + sub[op]!]! : hash;
        if (!cache.covered(h, ns, D, I)) {
          cache.add(h, ns, D, I);
          if (++states > budget) return { outcome: 'budget', states };
          if (sp === stackEntry.length) {
            const grow = (a: Int32Array) => {
              const b = new Int32Array(a.length * 2);
              b.set(a);
              return b;
            };
            stackEntry = grow(stackEntry);
            stackState = grow(stackState);
          }
          stackEntry[sp] = entry;
          stackState[sp++] = state;
          state = ns;
          hash = h;
          if (take) lift(entry);
          if (definite) remainingDefinite--;
          entry = next[HEAD]!;
          phase = 1;
          continue;
        }
        if (take) set.clear(sub[op]!);
      }
      entry = next[entry]!;
    } else {
      // the return of an op not linearized (or the end): next phase, or undo the last choice
      if (phase === 1) {
        phase = 2;
        entry = next[HEAD]!;
        continue;
      }
      if (sp === 0) return { outcome: 'fail', states };
      const e = stackEntry[--sp]!;
      state = stackState[sp]!;
      const op = e >> 1;
      const definite = ret[op] !== Infinity;
      if (definite) {
        D.clear(sub[op]!);
        hash ^= zob[sub[op]!]!;
        remainingDefinite++;
      } else if (!reuse) {
        I.clear(sub[op]!);
        hash ^= zob[nd + sub[op]!]!;
      }
      if (definite || !reuse) unlift(e);
      entry = next[e]!;
      phase = definite ? 1 : 2;
    }
  }

  function lift(e: number): void {
    next[prev[e]!] = next[e]!;
    prev[next[e]!] = prev[e]!;
    const r = e + 1;
    next[prev[r]!] = next[r]!;
    prev[next[r]!] = prev[r]!;
  }
  function unlift(e: number): void {
    const r = e + 1;
    prev[next[r]!] = r;
    next[prev[r]!] = r;
    prev[next[e]!] = e;
    next[prev[e]!] = e;
  }
}

/** a bitset that keeps its canonical bounds: words below lo are full, words from hi on are empty */
export class CanonBits {
  readonly words: Uint32Array;
  lo = 0;
  hi = 0;
  constructor(n: number) {
    this.words = new Uint32Array((n + 31) >>> 5);
  }
  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  set(i: number): void {
    const w = i >>> 5;
    this.words[w]! |= 1 << (i & 31);
    if (w >= this.hi) this.hi = w + 1;
    while (this.lo < this.words.length && this.words[this.lo] === 0xffffffff) this.lo++;
  }
  clear(i: number): void {
    const w = i >>> 5;
    this.words[w]! &= ~(1 << (i & 31));
    if (w < this.lo) this.lo = w;
    while (this.hi > 0 && this.words[this.hi - 1] === 0) this.hi--;
  }
  get len(): number {
    return Math.max(0, this.hi - this.lo);
  }
}

/**
 * The configurations seen: (D, I, state), each set stored canonically as (lo, words lo..hi).
 * Open hashing over flat typed arrays, no object per configuration.
 */
class StateCache {
  private buckets = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;
  private size = 0;
  private chain = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private st = new Int32Array(1 << 12);
  private loD = new Int32Array(1 << 12);
  private lenD = new Int32Array(1 << 12);
  private loI = new Int32Array(1 << 12);
  private lenI = new Int32Array(1 << 12);
  private off = new Float64Array(1 << 12);
  private pool = new Uint32Array(1 << 14);
  private poolUsed = 0;

  private slot(h: number, state: number): number {
    return (Math.imul(h ^ Math.imul(state + 3, 0x9e3779b1), 0x85ebca6b) >>> 15) & this.mask;
  }

  covered(h: number, state: number, D: CanonBits, I: CanonBits): boolean {
    const lenD = D.len;
    const pool = this.pool;
    next: for (let e = this.buckets[this.slot(h, state)]!; e !== -1; e = this.chain[e]!) {
      if (this.hashes[e] !== h || this.st[e] !== state || this.loD[e] !== D.lo || this.lenD[e] !== lenD) continue;
      let off = this.off[e]!;
      for (let i = 0; i < lenD; i++) if (pool[off + i] !== D.words[D.lo + i]) continue next;
      off += lenD;
      const lo = this.loI[e]!;
      const len = this.lenI[e]!;
      if (lo !== I.lo || len !== I.len) continue;
      for (let i = 0; i < len; i++) if (pool[off + i] !== I.words[lo + i]) continue next;
      return true;
    }
    return false;
  }

  add(h: number, state: number, D: CanonBits, I: CanonBits): number {
    if (this.size === this.chain.length) this.grow();
    const need = D.len + I.len;
    if (this.poolUsed + need > this.pool.length) {
      const bigger = new Uint32Array(Math.max(this.pool.length * 2, this.poolUsed + need));
      bigger.set(this.pool.subarray(0, this.poolUsed));
      this.pool = bigger;
    }
    const e = this.size++;
    this.hashes[e] = h;
    this.st[e] = state;
    this.loD[e] = D.lo;
    this.lenD[e] = D.len;
    this.loI[e] = I.lo;
    this.lenI[e] = I.len;
    this.off[e] = this.poolUsed;
    for (let i = 0; i < D.len; i++) this.pool[this.poolUsed++] = D.words[D.lo + i]!;
    for (let i = 0; i < I.len; i++) this.pool[this.poolUsed++] = I.words[I.lo + i]!;
    const s = this.slot(h, state);
    this.chain[e] = this.buckets[s]!;
    this.buckets[s] = e;
    return e;
  }

  private grow(): void {
    const cap = this.chain.length * 2;
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a as never);
      return b;
    };
    this.chain = widen(this.chain, new Int32Array(cap));
    this.hashes = widen(this.hashes, new Int32Array(cap));
    this.st = widen(this.st, new Int32Array(cap));
    this.loD = widen(this.loD, new Int32Array(cap));
    this.lenD = widen(this.lenD, new Int32Array(cap));
    this.loI = widen(this.loI, new Int32Array(cap));
    this.lenI = widen(this.lenI, new Int32Array(cap));
    this.off = widen(this.off, new Float64Array(cap));
    this.buckets = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let e = 0; e < this.size; e++) {
      const s = this.slot(this.hashes[e]!, this.st[e]!);
      this.chain[e] = this.buckets[s]!;
      this.buckets[s] = e;
    }
  }
}

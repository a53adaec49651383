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
 */
export function searchRegister(input: SearchInput, initial: number, budget: number): SearchResult {
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
  {
    const last = new Map<string, number>();
    const byCall = Array.from({ length: n }, (_, i) => i).sort((a, b) => call[a]! - call[b]! || a - b);
    for (const i of byCall) {
      if (ret[i] !== Infinity) continue;
      const cls = `${kind[i]},${value[i]},${expect[i]}`;
      const prevOp = last.get(cls);
      if (prevOp !== undefined) prevSame[i] = prevOp;
      last.set(cls, i);
    }
  }
  const isSet = (op: number) => (bits[op >>> 5]! & (1 << (op & 31))) !== 0;

  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  // Zobrist hash of the linearized set, kept incrementally
  const zob = new Int32Array(n);
  let seed = 0x2545f491;
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    zob[i] = seed;
  }
  let hash = 0;
  let lo = 0; // first word not all ones
  let hi = 0; // one past the last non-zero word
  const cache = new StateCache();

  const stackEntry = new Int32Array(n);
  const stackState = new Int32Array(n);
  let sp = 0;
  let state = initial;
  let entry = next[HEAD]!;
  let states = 0;

  for (;;) {
    if (remainingDefinite === 0) return { outcome: 'ok', states };
    if (entry === TAIL) return { outcome: 'fail', states }; // unreachable: a pending definite return precedes TAIL
    if ((entry & 1) === 0) {
      const op = entry >> 1;
      // the register model: the state after op, or -2 when op cannot happen now
      let ns = -2;
      const k = kind[op]!;
      if (prevSame[op] !== -1 && !isSet(prevSame[op]!)) ns = -2;
      else if (k === WRITE) ns = value[op]!;
      else if (k === READ) ns = state === UNKNOWN || state === value[op] ? value[op]! : -2;
      else ns = state === UNKNOWN || state === expect[op] ? value[op]! : -2;
      if (ns !== -2) {
        const w = op >>> 5;
        const m = 1 << (op & 31);
        bits[w]! |= m;
        const h = hash ^ zob[op]!;
        let nlo = lo;
        while (nlo < words && bits[nlo] === 0xffffffff) nlo++;
        const nhi = Math.max(hi, w + 1);
        if (!cache.has(h, ns, bits, nlo, nhi)) {
          cache.add(h, ns, bits, nlo, nhi);
          if (++states > budget) return { outcome: 'budget', states };
          stackEntry[sp] = entry;
          stackState[sp++] = state;
          state = ns;
          hash = h;
          lo = nlo;
          hi = nhi;
          lift(entry);
          if (ret[op] !== Infinity) remainingDefinite--;
          entry = next[HEAD]!;
          continue;
        }
        bits[w]! &= ~m;
      }
      entry = next[entry]!;
    } else {
      // the return of an op not linearized: undo the last choice
      if (sp === 0) return { outcome: 'fail', states };
      const e = stackEntry[--sp]!;
      state = stackState[sp]!;
      const op = e >> 1;
      const w = op >>> 5;
      bits[w]! &= ~(1 << (op & 31));
      hash ^= zob[op]!;
      if (w < lo) lo = w;
      while (hi > 0 && bits[hi - 1] === 0) hi--;
      unlift(e);
      if (ret[op] !== Infinity) remainingDefinite++;
      entry = next[e]!;
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

/**
 * The set of configurations seen: (linearized set, state), the set stored canonically as
 * (lo, words lo..hi) — all words below lo are full, all from hi on are empty. Open hashing
 * over flat typed arrays (no object per configuration).
 */
class StateCache {
  private buckets = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;
  private size = 0;
  private chain = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private st = new Int32Array(1 << 12);
  private lo = new Int32Array(1 << 12);
  private off = new Int32Array(1 << 12);
  private len = new Int32Array(1 << 12);
  private pool = new Uint32Array(1 << 14);
  private poolUsed = 0;

  private slot(h: number, state: number): number {
    return (Math.imul(h ^ Math.imul(state + 3, 0x9e3779b1), 0x85ebca6b) >>> 15) & this.mask;
  }

  has(h: number, state: number, bits: Uint32Array, lo: number, hi: number): boolean {
    const len = Math.max(0, hi - lo);
    for (let e = this.buckets[this.slot(h, state)]!; e !== -1; e = this.chain[e]!) {
      if (this.hashes[e] !== h || this.st[e] !== state || this.lo[e] !== lo || this.len[e] !== len) continue;
      const off = this.off[e]!;
      let same = true;
      for (let i = 0; i < len; i++) {
        if (this.pool[off + i] !== bits[lo + i]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    return false;
  }

  add(h: number, state: number, bits: Uint32Array, lo: number, hi: number): void {
    const len = Math.max(0, hi - lo);
    if (this.size === this.chain.length) this.grow();
    if (this.poolUsed + len > this.pool.length) {
      const bigger = new Uint32Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      bigger.set(this.pool.subarray(0, this.poolUsed));
      this.pool = bigger;
    }
    const e = this.size++;
    this.hashes[e] = h;
    this.st[e] = state;
    this.lo[e] = lo;
    this.len[e] = len;
    this.off[e] = this.poolUsed;
    this.pool.set(bits.subarray(lo, lo + len), this.poolUsed);
    this.poolUsed += len;
    const s = this.slot(h, state);
    this.chain[e] = this.buckets[s]!;
    this.buckets[s] = e;
  }

  private grow(): void {
    const cap = this.chain.length * 2;
    const widen = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.chain = widen(this.chain);
    this.hashes = widen(this.hashes);
    this.st = widen(this.st);
    this.lo = widen(this.lo);
    this.off = widen(this.off);
    this.len = widen(this.len);
    this.buckets = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let e = 0; e < this.size; e++) {
      const s = this.slot(this.hashes[e]!, this.st[e]!);
      this.chain[e] = this.buckets[s]!;
      this.buckets[s] = e;
    }
  }
}

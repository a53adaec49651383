/**
 * Reading a history: time order, invoke/completion pairing into operations, fault windows.
 * Every checker starts here, so the conventions of the history live in one place.
 */
import { CAS_NOMATCH, type FaultEvent, type History, type HistoryEvent, type OpEvent, type OpF, type RoleEvent } from '../workload/history.ts';

/** The history in time order. Returned as is when already ordered (the normal case); otherwise a stable sort by time. */
export function ordered(history: History): readonly HistoryEvent[] {
  for (let i = 1; i < history.length; i++) {
    if (history[i]!.time < history[i - 1]!.time) {
      return history
        .map((e, idx) => ({ e, idx }))
        .sort((x, y) => x.e.time - y.e.time || x.idx - y.idx)
        .map((x) => x.e);
    }
  }
  return history;
}

/** first and last event time of the history (0, 0 when empty) */
export function historySpan(history: History): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const e of history) {
    if (e.time < start) start = e.time;
    if (e.time > end) end = e.time;
  }
  return history.length ? { start, end } : { start: 0, end: 0 };
}

/** outcome of an operation; 'open' = invoked, never completed (history ended) — indeterminate like info */
export type Outcome = 'ok' | 'fail' | 'info' | 'open';

/** One operation: an invoke paired with its completion. */
export interface Op {
  process: string;
  f: OpF;
  type: Outcome;
  key?: string;
  /** write: value written; read: value read on ok (null = NIL) */
  value?: number | null;
  /** ping: ticks returned */
  ticks?: number;
  /** host addressed (completion's host if it names one, else the invoke's) */
  host?: string;
  error?: string;
  invokeTime: number;
  /** completion time; null while open */
  completeTime: number | null;
}

/**
 * The addressed host answered the op as the serving primary: it completed ok, or it is a
 * compare-and-set that failed only because the key held another value (NOMATCH comes from
 * the guest; a host that does not serve says NOT_PRIMARY). Evidence of serving, not a refusal.
 */
export function served(o: Pick<Op, 'type' | 'f' | 'error'>): boolean {
  return o.type === 'ok' || (o.type === 'fail' && o.f === 'reg-cas' && o.error === CAS_NOMATCH);
}

export interface HistoryAnomaly {
  time: number;
  process: string;
  problem: string;
}

export interface PairedOps {
  /** operations ordered by invoke time */
  ops: Op[];
  anomalies: HistoryAnomaly[];
}

/** Processes that may have several ops in flight (the pipelined final reads). */
export const CONCURRENT_PROCESSES: ReadonlySet<string> = new Set(['final']);

/**
 * Pair every invoke with its completion. A process normally has one op in flight; a
 * completion is paired with the oldest in-flight op of its process with the same f and
 * key, which also pairs the pipelined final reads (many keys in flight, one op per key).
 * Irregularities are returned as anomalies, never thrown: concurrent ops on a
 * single-flight process (client, probe), a completion with no matching invoke (dropped).
 * Ops never completed stay 'open' (indeterminate). O(n) for single-flight processes.
 */
export function pairOps(history: History): PairedOps {
  const ops: Op[] = [];
  const anomalies: HistoryAnomaly[] = [];
  const inFlight = new Map<string, Op[]>();
  for (const e of ordered(history)) {
    if (e.kind !== 'op') continue;
    let pending = inFlight.get(e.process);
    if (e.type === 'invoke') {
      if (!pending) inFlight.set(e.process, (pending = []));
      if (pending.length > 0 && !CONCURRENT_PROCESSES.has(e.process)) {
        const prev = pending[pending.length - 1]!;
        anomalies.push({ time: e.time, process: e.process, problem: `invoke of ${e.f} while its ${prev.f} invoked ${prev.invokeTime} ms is still in flight` });
      }
      const op: Op = { process: e.process, f: e.f, type: 'open', invokeTime: e.time, completeTime: null };
      if (e.key !== undefined) op.key = e.key;
      if (e.value !== undefined) op.value = e.value;
      if (e.host !== undefined) op.host = e.host;
      ops.push(op);
      pending.push(op);
      continue;
    }
    let idx = -1;
    if (pending) {
      if (pending.length === 1) idx = pending[0]!.f === e.f && pending[0]!.key === e.key ? 0 : -1;
      else idx = pending.findIndex((o) => o.f === e.f && o.key === e.key);
      if (idx === -1 && pending.length === 1 && e.key === undefined && pending[0]!.f === e.f) idx = 0; // completion without key
    }
    if (idx === -1) {
      anomalies.push({ time: e.time, process: e.process, problem: `${e.type} of ${e.f}${e.key !== undefined ? ` ${e.key}` : ''} matches no op in flight; dropped` });
      continue;
    }
    const op = pending!.splice(idx, 1)[0]!;
    op.type = e.type;
    op.completeTime = e.time;
    if (e.host !== undefined) op.host = e.host;
    if (e.error !== undefined) op.error = e.error;
    if (e.ticks !== undefined) op.ticks = e.ticks;
    if (op.f === 'read') {
      // the value read is on the ok completion only
      if (e.type === 'ok' && e.value !== undefined) op.value = e.value;
      else delete op.value;
      if (e.type === 'ok' && e.value === undefined) {
        anomalies.push({ time: e.time, process: e.process, problem: `ok read of ${op.key ?? '?'} carries no value (null means NIL)` });
      }
    } else if (e.value !== undefined) {
      op.value = e.value;
    }
  }
  return { ops, anomalies };
}

/** One fault window: a start and (if recorded) its end. A missing end is open until the history ends. */
export interface FaultWindow {
  id: number;
  fault: string;
  target: string;
  start: number;
  /** null when no end was recorded (crash without restart, scenario died) */
  end: number | null;
  detail?: Record<string, unknown>;
}

/** Fault windows by start time. Ends without a start are ignored. */
export function faultWindows(history: History): FaultWindow[] {
  const byId = new Map<number, FaultWindow>();
  const out: FaultWindow[] = [];
  for (const e of ordered(history)) {
    if (e.kind !== 'fault') continue;
    const f = e as FaultEvent;
    if (f.phase === 'start') {
      const w: FaultWindow = { id: f.id, fault: f.fault, target: f.target, start: f.time, end: null };
      if (f.detail) w.detail = f.detail;
      byId.set(f.id, w);
      out.push(w);
    } else {
      const w = byId.get(f.id);
      if (w && w.end === null) w.end = f.time;
    }
  }
  return out;
}

/** "crash a #1" */
export function faultLabel(w: Pick<FaultWindow, 'fault' | 'target' | 'id'>): string {
  return `${w.fault} ${w.target} #${w.id}`;
}

/** Role events by time. */
export function roleEvents(history: History): RoleEvent[] {
  return ordered(history).filter((e): e is RoleEvent => e.kind === 'role');
}

/** Processes by the harness's naming convention. */
export const isProbe = (process: string): boolean => process.startsWith('probe:');
export const isFinal = (process: string): boolean => process === 'final';
export const isClient = (process: string): boolean => /^c\d+$/.test(process);
/** the clients that warm a new pair up (src/workload/warm-up.ts): warmup0, warmup1, … */
export const warmUpProcess = (i: number): string => `warmup${i}`;
export const isWarmUp = (process: string): boolean => /^warmup\d+$/.test(process);

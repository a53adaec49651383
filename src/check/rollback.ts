/**
 * Rollback: what one process has seen must never go back.
 * - values: per (process, key), a read may not return a value older than the newest value
 *   that process already saw for the key (a write of its own acknowledged, or a read), and
 *   may not return NIL after it saw a value;
 * - ticks: per process, a PING may not return fewer ticks than an earlier PING of the same
 *   process (ticks are compared only within one process).
 * Only ok completions count as "seen"; an indeterminate write is seen once a read returns it.
 */
import type { History } from '../workload/history.ts';
import { at, listFirst } from './format.ts';
import { pairOps } from './ops.ts';
import type { Verdict } from './types.ts';

export interface RollbackViolation {
  kind: 'value' | 'ticks';
  process: string;
  key?: string;
  /** the newest value/ticks already seen, when and how */
  seen: number;
  seenAt: number;
  seenBy: 'write' | 'read' | 'ping';
  /** what the later op returned (null = NIL) */
  got: number | null;
  gotAt: number;
  host?: string;
}

export function checkRollback(history: History, opts: { maxListed?: number } = {}): Verdict {
  const maxListed = opts.maxListed ?? 5;
  const { ops } = pairOps(history);
  // completion order within a process = invoke order (one op in flight), but across
  // processes we only ever compare within one process, so invoke order is enough.
  const seenValue = new Map<string, { v: number; t: number; by: 'write' | 'read' }>();
  const seenTicks = new Map<string, { v: number; t: number }>();
  const violations: RollbackViolation[] = [];
  let reads = 0;
  let pings = 0;

  for (const op of ops) {
    // a shared register's value legitimately goes down (another client wrote): not rollback
    if (op.type !== 'ok' || op.f.startsWith('reg-')) continue;
    const t = op.completeTime!;
    if (op.f === 'ping') {
      if (typeof op.ticks !== 'number') continue;
      pings++;
      const prev = seenTicks.get(op.process);
      if (prev && op.ticks < prev.v) {
        const v: RollbackViolation = { kind: 'ticks', process: op.process, seen: prev.v, seenAt: prev.t, seenBy: 'ping', got: op.ticks, gotAt: t };
        if (op.host !== undefined) v.host = op.host;
        violations.push(v);
      } else {
        seenTicks.set(op.process, { v: op.ticks, t });
      }
      continue;
    }
    if (op.key === undefined || op.value === undefined) continue;
    const id = `${op.process}\u0000${op.key}`;
    const prev = seenValue.get(id);
    if (op.f === 'read') {
      reads++;
      if (prev && (op.value === null || op.value < prev.v)) {
        const v: RollbackViolation = { kind: 'value', process: op.process, key: op.key, seen: prev.v, seenAt: prev.t, seenBy: prev.by, got: op.value, gotAt: t };
        if (op.host !== undefined) v.host = op.host;
        violations.push(v);
        continue;
      }
    }
    if (typeof op.value === 'number' && (!prev || op.value > prev.v)) {
      seenValue.set(id, { v: op.value, t, by: op.f === 'write' ? 'write' : 'read' });
    }
  }

  const valueRollbacks = violations.filter((v) => v.kind === 'value').length;
  const figures = { readsChecked: reads, pingsChecked: pings, violations: violations.length, valueRollbacks, tickRollbacks: violations.length - valueRollbacks };
  if (violations.length === 0) {
    return { checker: 'rollback', ok: true, summary: `no process saw state go back (${reads} reads, ${pings} pings checked)`, figures };
  }
  const describe = (v: RollbackViolation) => {
    const via = v.host !== undefined ? ` from host ${v.host}` : '';
    const seenHow = v.seenBy === 'write' ? 'its acked write of' : v.seenBy === 'read' ? 'reading' : 'ticks';
    if (v.kind === 'ticks') return `${v.process} got ticks ${v.got}${via} ${at(v.gotAt)} after ticks ${v.seen} ${at(v.seenAt)}`;
    return `${v.process} read ${v.key} = ${v.got === null ? 'NIL' : v.got}${via} ${at(v.gotAt)} after ${seenHow} ${v.seen} ${at(v.seenAt)}`;
  };
  return {
    checker: 'rollback',
    ok: false,
    category: 'Rollback',
    summary: `${violations.length} rollbacks (${valueRollbacks} of values, ${violations.length - valueRollbacks} of ticks): ${listFirst(violations.map(describe), maxListed)}`,
    figures,
    // the evidence list is capped; figures carry the full counts
    details: { violations: violations.slice(0, 1000) },
  };
}

/**
 * Lost writes (Jepsen set-checker style, per key register): every acknowledged write must
 * still be visible in the final reads. Values per key increase strictly, so a key is intact
 * when its final value is ≥ its last acknowledged value; a smaller value or NIL means
 * acknowledged writes were lost. Indeterminate (info / open) writes may or may not survive:
 * when the final value is one of them it counts as "recovered".
 *
 * Honesty rule: a key with an acknowledged write but no successful final read is
 * "unknown"; any unknown key makes the verdict fail (Harness error, "unprovable") — the
 * checker never claims zero loss for a key it could not read.
 */
import type { History } from '../workload/history.ts';
import { at, listFirst } from './format.ts';
import { isFinal, pairOps, type Outcome } from './ops.ts';
import type { Verdict } from './types.ts';

export interface LostWritesOptions {
  /** how many keys the summary names (default 5) */
  maxListed?: number;
  /** fail (Harness error) when the history holds no acknowledged write at all (default true) */
  requireWrites?: boolean;
}

export type KeyStatus = 'ok' | 'lost' | 'unknown';

export interface KeyOutcome {
  key: string;
  status: KeyStatus;
  /** process whose write was acknowledged last */
  writer: string;
  lastAcked: number;
  /** completion time of the last acknowledged write */
  ackedAt: number;
  /** last successful final read: a value, null for NIL, undefined when there is none */
  final?: number | null;
  finalAt?: number;
  /** acknowledged writes newer than the final value (all of them when final is NIL) */
  lostWrites: number;
  /** why the final read is missing (error of the last failed final read), for unknown keys */
  finalError?: string;
}

export interface LostWritesDetails {
  lost: KeyOutcome[];
  unknown: KeyOutcome[];
  /** indeterminate writes whose value is the final value */
  recovered: { key: string; value: number; process: string }[];
  /** final values no recorded write attempted */
  unexpected: { key: string; value: number }[];
  /** final values whose write completed as fail (the client was told it did not happen) */
  failedPresent: { key: string; value: number; process: string }[];
}

interface KeyState {
  ackedValues: number[];
  lastAcked: number;
  ackedAt: number;
  writer: string;
  attempts: Map<number, { type: Outcome; process: string }>;
}

export function checkLostWrites(history: History, opts: LostWritesOptions = {}): Verdict {
  const maxListed = opts.maxListed ?? 5;
  const requireWrites = opts.requireWrites ?? true;
  const { ops } = pairOps(history);

  const keys = new Map<string, KeyState>();
  const finals = new Map<string, { value: number | null; time: number }>();
  const finalErrors = new Map<string, string>();
  let ackedWrites = 0;
  let indeterminateWrites = 0;

  for (const op of ops) {
    if (op.key === undefined) continue;
    if (op.f === 'write' && !isFinal(op.process)) {
      if (typeof op.value !== 'number') continue;
      let k = keys.get(op.key);
      if (!k) {
        k = { ackedValues: [], lastAcked: -Infinity, ackedAt: NaN, writer: '', attempts: new Map() };
        keys.set(op.key, k);
      }
      k.attempts.set(op.value, { type: op.type, process: op.process });
      if (op.type === 'ok') {
        ackedWrites++;
        k.ackedValues.push(op.value);
        if (op.value > k.lastAcked) {
          k.lastAcked = op.value;
          k.ackedAt = op.completeTime!;
          k.writer = op.process;
        }
      } else if (op.type === 'info' || op.type === 'open') {
        indeterminateWrites++;
      }
    } else if (op.f === 'read' && isFinal(op.process)) {
      if (op.type === 'ok' && op.value !== undefined) {
        const prev = finals.get(op.key);
        if (!prev || op.completeTime! >= prev.time) finals.set(op.key, { value: op.value, time: op.completeTime! });
      } else if (op.type !== 'ok') {
        finalErrors.set(op.key, op.error ?? op.type);
      }
    }
  }

  const details: LostWritesDetails = { lost: [], unknown: [], recovered: [], unexpected: [], failedPresent: [] };
  let okKeys = 0;
  let lostWrites = 0;
  let keysWithAcks = 0;
  for (const [key, k] of keys) {
    const fin = finals.get(key);
    if (fin && fin.value !== null) {
      const attempt = k.attempts.get(fin.value);
      if (!attempt) details.unexpected.push({ key, value: fin.value });
      else if (attempt.type === 'info' || attempt.type === 'open') details.recovered.push({ key, value: fin.value, process: attempt.process });
      else if (attempt.type === 'fail') details.failedPresent.push({ key, value: fin.value, process: attempt.process });
    }
    if (k.ackedValues.length === 0) continue;
    keysWithAcks++;
    const outcome: KeyOutcome = { key, status: 'ok', writer: k.writer, lastAcked: k.lastAcked, ackedAt: k.ackedAt, lostWrites: 0 };
    if (!fin) {
      outcome.status = 'unknown';
      const err = finalErrors.get(key);
      if (err !== undefined) outcome.finalError = err;
      details.unknown.push(outcome);
      continue;
    }
    outcome.final = fin.value;
    outcome.finalAt = fin.time;
    if (fin.value === null || fin.value < k.lastAcked) {
      outcome.status = 'lost';
      const f = fin.value;
      outcome.lostWrites = f === null ? k.ackedValues.length : k.ackedValues.filter((v) => v > f).length;
      lostWrites += outcome.lostWrites;
      details.lost.push(outcome);
    } else {
      okKeys++;
    }
  }
  // final reads of keys nobody wrote must be NIL
  for (const [key, fin] of finals) {
    if (!keys.has(key) && fin.value !== null) details.unexpected.push({ key, value: fin.value });
  }

  const byAck = (a: KeyOutcome, b: KeyOutcome) => a.ackedAt - b.ackedAt;
  details.lost.sort(byAck);
  details.unknown.sort(byAck);

  const figures = {
    keys: keys.size,
    keysWithAckedWrites: keysWithAcks,
    ackedWrites,
    indeterminateWrites,
    ok: okKeys,
    lost: details.lost.length,
    lostWrites,
    recovered: details.recovered.length,
    unknown: details.unknown.length,
    unexpected: details.unexpected.length,
    failedPresent: details.failedPresent.length,
  };

  const describe = (o: KeyOutcome) => {
    const acked = `${o.key} last acked ${o.lastAcked} (${o.writer} ${at(o.ackedAt)})`;
    if (o.status === 'unknown') return `${acked}, no final read${o.finalError ? ` (${o.finalError})` : ''}`;
    const fin = o.final === null ? 'NIL' : String(o.final);
    return `${acked}, final read ${fin} ${at(o.finalAt!)} (${o.lostWrites} acked write${o.lostWrites === 1 ? '' : 's'} lost)`;
  };
  const unprovable = details.unknown.length
    ? `${details.unknown.length} of ${keysWithAcks} keys with acknowledged writes have no successful final read: ${listFirst(details.unknown.map(describe), maxListed)}`
    : '';
  const unexpected = details.unexpected.length
    ? `${details.unexpected.length} final values no recorded write attempted: ${listFirst(details.unexpected.map((u) => `${u.key} = ${u.value}`), maxListed)}`
    : '';

  if (details.lost.length) {
    const extra = [unprovable && `also unprovable: ${unprovable}`, unexpected].filter(Boolean).join('; ');
    return {
      checker: 'lost-writes',
      ok: false,
      category: 'State loss',
      summary: `${details.lost.length} of ${keysWithAcks} keys lost acknowledged writes (${lostWrites} acked writes lost): ${listFirst(details.lost.map(describe), maxListed)}${extra ? ` | ${extra}` : ''}`,
      figures,
      details,
    };
  }
  if (details.unknown.length || details.unexpected.length) {
    const parts = [unprovable && `unprovable: ${unprovable}`, unexpected].filter(Boolean).join(' | ');
    return {
      checker: 'lost-writes',
      ok: false,
      category: 'Harness error',
      summary: `zero loss NOT shown: ${parts}`,
      figures,
      details,
    };
  }
  if (keysWithAcks === 0 && requireWrites) {
    return {
      checker: 'lost-writes',
      ok: false,
      category: 'Harness error',
      summary: `unprovable: the history holds no acknowledged write (${keys.size} keys attempted), so there is nothing to show intact`,
      figures,
      details,
    };
  }
  const notRecovered = indeterminateWrites - details.recovered.length;
  return {
    checker: 'lost-writes',
    ok: true,
    summary: `all ${keysWithAcks} keys with acknowledged writes hold their last acked value or newer (${ackedWrites} acked writes; ${details.recovered.length} indeterminate writes recovered, ${notRecovered} not visible)${details.failedPresent.length ? `; note: ${details.failedPresent.length} writes reported failed are present` : ''}`,
    figures,
    details,
  };
}

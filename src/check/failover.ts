/**
 * Failover time: from the start of a crash / hang / isolation fault of the host that was
 * primary, to the first ok completion (any process) by another host. ok if every such
 * failover is ≤ limitMs.
 *
 * "Was primary" comes from the RoleEvents (the host's latest role at the fault start is
 * 'primary'); without RoleEvents for that host, from the ops (the last ok op before the
 * fault addressed it). Fault targets of host faults must be host names ("a", "b").
 */
import type { History } from '../workload/history.ts';
import { at, listFirst, ms, round } from './format.ts';
import { faultLabel, faultWindows, pairOps, roleEvents, served, type FaultWindow, type Op } from './ops.ts';
import type { Verdict } from './types.ts';

export const DEFAULT_FAILOVER_FAULTS: readonly string[] = ['crash', 'hang', 'isolate', 'isolation', 'partition'];

export interface FailoverOptions {
  /** the longest acceptable failover, ms */
  limitMs: number;
  /** judge only this fault (FaultEvent id); default every qualifying fault */
  faultId?: number;
  /** fault kinds that call for a failover when they hit the primary */
  kinds?: readonly string[];
}

export interface Failover {
  fault: Pick<FaultWindow, 'id' | 'fault' | 'target' | 'start'>;
  /** first ok completion by another host, null if none */
  servedAt: number | null;
  servedBy: string | null;
  servedProcess: string | null;
  /** first RoleEvent making another host primary (informational) */
  promotedAt: number | null;
  failoverMs: number | null;
}

export function findFailovers(history: History, opts: Omit<FailoverOptions, 'limitMs'> = {}): Failover[] {
  const kinds = new Set(opts.kinds ?? DEFAULT_FAILOVER_FAULTS);
  const roles = roleEvents(history);
  const { ops } = pairOps(history);
  // ok completions and compare-and-sets answered NOMATCH: both were served (ops.ts served)
  const oks = ops.filter((o): o is Op & { completeTime: number; host: string } => served(o) && o.completeTime !== null && o.host !== undefined);
  oks.sort((a, b) => a.completeTime - b.completeTime);
  const firstOkAfter = (t: number) => {
    let lo = 0;
    let hi = oks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (oks[mid]!.completeTime > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const wasPrimary = (host: string, t: number): boolean => {
    // the role just before the fault (a 'down' recorded at the same instant is its effect)
    let role: string | null = null;
    for (const r of roles) {
      if (r.time >= t) break;
      if (r.host === host) role = r.role;
    }
    if (role !== null) return role === 'primary';
    const i = firstOkAfter(t) - 1; // the last ok completion at or before t
    return i >= 0 && oks[i]!.host === host;
  };

  const out: Failover[] = [];
  for (const f of faultWindows(history)) {
    if (opts.faultId !== undefined ? f.id !== opts.faultId : !kinds.has(f.fault)) continue;
    if (opts.faultId === undefined && !wasPrimary(f.target, f.start)) continue;
    let served: (typeof oks)[number] | null = null;
    for (let i = firstOkAfter(f.start); i < oks.length; i++) {
      if (oks[i]!.host !== f.target) {
        served = oks[i]!;
        break;
      }
    }
    const promoted = roles.find((r) => r.time >= f.start && r.host !== f.target && r.role === 'primary');
    out.push({
      fault: { id: f.id, fault: f.fault, target: f.target, start: f.start },
      servedAt: served ? served.completeTime : null,
      servedBy: served ? served.host : null,
      servedProcess: served ? served.process : null,
      promotedAt: promoted ? promoted.time : null,
      failoverMs: served ? served.completeTime - f.start : null,
    });
  }
  return out;
}

export function checkFailover(history: History, opts: FailoverOptions): Verdict {
  if (typeof opts.limitMs !== 'number' || !(opts.limitMs >= 0)) throw new RangeError(`failover limit must be a number of ms ≥ 0; got ${opts.limitMs}`);
  const failovers = findFailovers(history, opts);
  const figures: Record<string, number | null> = { limitMs: opts.limitMs, failovers: failovers.length };
  if (failovers.length === 0) {
    const what = opts.faultId !== undefined ? `fault #${opts.faultId}` : `${[...(opts.kinds ?? DEFAULT_FAILOVER_FAULTS)].join('/')} fault of the primary host`;
    return { checker: 'failover', ok: false, category: 'Harness error', summary: `no ${what} in the history: nothing to time`, figures };
  }
  for (const f of failovers) figures[`failover ms: ${faultLabel(f.fault)}`] = f.failoverMs === null ? null : round(f.failoverMs, 3);
  const times = failovers.map((f) => f.failoverMs).filter((x): x is number => x !== null);
  figures.maxFailoverMs = times.length ? round(Math.max(...times), 3) : null;
  const describe = (f: Failover) => {
    const head = `${faultLabel(f.fault)} ${at(f.fault.start)}`;
    if (f.failoverMs === null) return `${head}: no other host served afterwards${f.promotedAt !== null ? ` (a host reported primary ${at(f.promotedAt)})` : ''}`;
    const promo = f.promotedAt !== null ? `, reported primary ${round(f.promotedAt - f.fault.start)} ms after the fault` : '';
    return `${head}: ${f.servedBy} served ${ms(f.failoverMs)} later (${f.servedProcess} ok ${at(f.servedAt!)}${promo})`;
  };
  const bad = failovers.filter((f) => f.failoverMs === null || f.failoverMs > opts.limitMs);
  if (bad.length) {
    return {
      checker: 'failover',
      ok: false,
      category: 'Slow failover',
      summary: `failover slower than ${ms(opts.limitMs)}: ${listFirst(bad.map(describe), 3)}`,
      figures,
      details: { failovers },
    };
  }
  return { checker: 'failover', ok: true, summary: `failover within ${ms(opts.limitMs)}: ${listFirst(failovers.map(describe), 3)}`, figures, details: { failovers } };
}

export interface PromotionOptions {
  /** the host expected to take over */
  host: string;
  /** when the fault happened (history time, ms) */
  since: number;
  /** the longest acceptable time from `since` until `host` serves, ms */
  limitMs: number;
}

/**
 * "The backup becomes primary within limitMs": the first ok completion addressed to `host`
 * after `since` comes at most limitMs later. Judged on what clients and probes saw being
 * served; the host's own RoleEvent 'primary' is reported alongside.
 */
export function checkPromotion(history: History, opts: PromotionOptions): Verdict {
  if (typeof opts.limitMs !== 'number' || !(opts.limitMs >= 0)) throw new RangeError(`promotion limit must be a number of ms ≥ 0; got ${opts.limitMs}`);
  if (typeof opts.since !== 'number' || !Number.isFinite(opts.since)) throw new RangeError(`promotion start must be a history time in ms; got ${opts.since}`);
  const { ops } = pairOps(history);
  let served: Op | null = null;
  for (const o of ops) {
    if (o.type !== 'ok' || o.host !== opts.host || o.completeTime! <= opts.since) continue;
    if (!served || o.completeTime! < served.completeTime!) served = o;
  }
  const promoted = roleEvents(history).find((r) => r.time >= opts.since && r.host === opts.host && r.role === 'primary');
  const servedMs = served ? served.completeTime! - opts.since : null;
  const promotedMs = promoted ? promoted.time - opts.since : null;
  const figures = {
    host: opts.host,
    since: opts.since,
    limitMs: opts.limitMs,
    servedAfterMs: servedMs === null ? null : round(servedMs, 3),
    promotedAfterMs: promotedMs === null ? null : round(promotedMs, 3),
  };
  const promo = promotedMs !== null ? `reported primary after ${ms(promotedMs)}` : 'never reported primary';
  if (servedMs === null) {
    return { checker: 'promotion', ok: false, category: 'Slow failover', summary: `host ${opts.host} never served after the fault ${at(opts.since)} (${promo})`, figures };
  }
  const ok = servedMs <= opts.limitMs;
  const summary = `host ${opts.host} served ${ms(servedMs)} after the fault ${at(opts.since)} (${served!.process} ${served!.f} ok ${at(served!.completeTime!)}; ${promo}) ${ok ? '≤' : '>'} ${ms(opts.limitMs)}`;
  return ok ? { checker: 'promotion', ok, summary, figures } : { checker: 'promotion', ok, category: 'Slow failover', summary, figures };
}

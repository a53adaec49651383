/**
 * Unplanned failover: a correct FT platform changes roles only because of a fault. Every
 * takeover (a host becomes primary while another was primary before it) and every self-fence
 * (a primary stops serving because its lease lapsed) must follow a fault window: one that
 * started before it and is still open, or ended less than `graceMs` before it (recovery after
 * a fault: a woken host being deposed, a healed link closing connections). Anything else is a
 * platform that flaps by itself — an availability defect, reported as such, with the
 * event-loop stalls of every process around it as the environment's side of the story.
 *
 * The first host to become primary (the pair's cold start) is not judged.
 */
import type { History } from '../workload/history.ts';
import { at } from './format.ts';
import { faultLabel, faultWindows, roleEvents, type FaultWindow } from './ops.ts';
import { loopSamples, stallsAround } from './loop-stalls.ts';
import type { Verdict } from './types.ts';

export interface RoleChange {
  host: string;
  /** 'takeover': became primary after another host was; 'self-fence': primary -> fenced; 'regained': fenced -> primary again */
  kind: 'takeover' | 'self-fence' | 'regained';
  from: string;
  time: number;
  /** the fault window that explains it (null: none) */
  cause: string | null;
}

export interface UnplannedOptions {
  /** how long after a fault window ended a role change still counts as its consequence [5000] */
  graceMs?: number;
}

function explains(w: FaultWindow, t: number, graceMs: number): boolean {
  return w.start <= t && (w.end === null || t <= w.end + graceMs);
}

/** every judged role change with the fault that explains it, if any */
export function roleChanges(history: History, opts: UnplannedOptions = {}): RoleChange[] {
  const graceMs = opts.graceMs ?? 5000;
  const faults = faultWindows(history);
  const prev = new Map<string, string>();
  let lastPrimary: string | null = null;
  const out: RoleChange[] = [];
  for (const e of roleEvents(history)) {
    const from = prev.get(e.host) ?? 'down';
    prev.set(e.host, e.role);
    if (from === e.role) continue;
    let kind: RoleChange['kind'] | null = null;
    if (e.role === 'primary') {
      if (lastPrimary !== null && lastPrimary !== e.host) kind = 'takeover';
      else if (from === 'fenced') kind = 'regained';
      lastPrimary = e.host;
    } else if (from === 'primary' && e.role === 'fenced') {
      kind = 'self-fence';
    }
    if (!kind) continue;
    const cause = faults.filter((w) => explains(w, e.time, graceMs)).at(-1);
    out.push({ host: e.host, kind, from, time: e.time, cause: cause ? faultLabel(cause) : null });
  }
  return out;
}

const describe = (c: RoleChange): string =>
  c.kind === 'takeover' ? `host ${c.host} became primary ${at(c.time)}` : c.kind === 'self-fence' ? `host ${c.host} fenced itself ${at(c.time)}` : `host ${c.host} was primary again ${at(c.time)}`;

export function checkNoUnplannedFailover(history: History, opts: UnplannedOptions = {}): Verdict {
  const changes = roleChanges(history, opts);
  // a regained lease is the end of a self-fence, which is judged itself
  const unplanned = changes.filter((c) => c.cause === null && c.kind !== 'regained');
  const figures = {
    roleChanges: changes.length,
    unplanned: unplanned.length,
    takeovers: changes.filter((c) => c.kind === 'takeover').length,
    selfFences: changes.filter((c) => c.kind === 'self-fence').length,
  };
  if (unplanned.length === 0) {
    return {
      checker: 'no-unplanned-failover', ok: true, figures, details: changes,
      summary: changes.length ? `${changes.length} role change${changes.length > 1 ? 's' : ''}, each after a fault (${changes.map((c) => `${describe(c)} after ${c.cause}`).join('; ')})` : 'no role change: the pair kept its primary',
    };
  }
  const samples = loopSamples(history);
  const first = unplanned[0]!;
  const stalls = stallsAround(samples, first.time).filter((s) => s.maxMs >= 1).slice(0, 4);
  const env = stalls.length ? `; longest event-loop stalls in the 2 s before: ${stalls.map((s) => `${s.process} ${Math.round(s.maxMs)} ms`).join(', ')}` : '; no event-loop reports around it';
  return {
    checker: 'no-unplanned-failover', ok: false, category: 'Unplanned failover', figures, details: changes,
    summary: `${unplanned.length} role change${unplanned.length > 1 ? 's' : ''} with no fault before ${unplanned.length > 1 ? 'them' : 'it'}: ${unplanned.slice(0, 3).map(describe).join('; ')}${unplanned.length > 3 ? '; …' : ''}${env}`,
  };
}

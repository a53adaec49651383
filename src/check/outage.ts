/**
 * Outage: the service is up at time t when some probe (of any host) succeeded. Outages are
 * the gaps between consecutive successful probe completions longer than a threshold
 * (default 3 × the median probe interval, i.e. the median time between two invokes of the
 * same probe). The whole gap counts, from the last success before to the first success
 * after: a conservative measure (it includes up to one probe period of detection).
 *
 * The window before the first success is start-up, not outage. A gap still open when the
 * history ends (last success → last probe event) is an open outage: its length is only a
 * lower bound, and the outage verdict fails on it.
 *
 * Each outage is attributed to one fault incident: among the faults that started before the
 * service came back, the one whose start is nearest the outage's start (the last success).
 * A crash usually lies just after the last success; a reply already in flight can put it
 * just before; an older fault or one starting deep inside the gap (a restart, the next
 * random fault) is farther away. Outages with no fault before their end are unattributed.
 *
 * The part of a gap during which the harness itself was stalled (src/check/observer.ts) is the
 * observer's blind spot, not proof of an outage: each outage carries it (blindMs), and the
 * verdicts judge what was seen (ms − blindMs), saying what they left out.
 */
import type { History } from '../workload/history.ts';
import { at, listFirst, ms, round } from './format.ts';
import { faultLabel, faultWindows, isProbe, pairOps, type FaultWindow } from './ops.ts';
import { median } from './stats.ts';
import { blindWithin, observerStalls } from './observer.ts';
import type { Verdict } from './types.ts';

export interface OutageOptions {
  /** a gap longer than this (ms) is an outage; default 3 × the median probe interval */
  thresholdMs?: number;
  /** which processes are probes (default: name starts with "probe:") */
  isProbe?: (process: string) => boolean;
}

export interface Outage {
  /** last successful probe before the gap */
  from: number;
  /** first successful probe after it, or the last probe event for an open outage */
  to: number;
  ms: number;
  /** ms of it during which the harness itself was stalled (not counted by the verdicts) */
  blindMs: number;
  /** the service had not come back when the history ended: ms is a lower bound */
  open: boolean;
  incident: Pick<FaultWindow, 'id' | 'fault' | 'target' | 'start'> | null;
}

/** what the verdicts judge of an outage: its length minus the observer's own stall in it */
export const seenMs = (o: Pick<Outage, 'ms' | 'blindMs'>): number => o.ms - o.blindMs;

export interface Incident {
  /** "crash a #1", or "unattributed @1234.5" */
  label: string;
  fault: Pick<FaultWindow, 'id' | 'fault' | 'target' | 'start'> | null;
  outages: number;
  ms: number;
  /** ms of its outages during which the harness itself was stalled */
  blindMs: number;
  open: boolean;
}

export interface OutageAnalysis {
  probes: number;
  successes: number;
  /** median interval between invokes of the same probe, ms (null without two invokes) */
  probeIntervalMs: number | null;
  thresholdMs: number;
  /** first probe invoke → first success; null if never up */
  startupMs: number | null;
  firstSuccess: number | null;
  /** first probe invoke and last probe event */
  windowStart: number | null;
  windowEnd: number | null;
  outages: Outage[];
  /** outages summed per fault incident, in time order */
  incidents: Incident[];
  totalMs: number;
  maxMs: number;
  /** the longest outage as judged (ms − blindMs) */
  maxSeenMs: number;
  /** longest gap between consecutive successes, outage or not: the resolution of "no outage" */
  maxGapMs: number;
}

/** Find the outages of a history (the analysis behind checkOutage and checkAvailability). O(n log n). */
export function findOutages(history: History, opts: OutageOptions = {}): OutageAnalysis {
  const probe = opts.isProbe ?? isProbe;
  if (opts.thresholdMs !== undefined && !(opts.thresholdMs >= 0)) {
    throw new RangeError(`outage threshold must be a number of ms ≥ 0; got ${opts.thresholdMs}`);
  }
  const { ops } = pairOps(history);
  const successes: number[] = [];
  const intervals: number[] = [];
  const lastInvoke = new Map<string, number>();
  let windowStart: number | null = null;
  let windowEnd: number | null = null;
  let probes = 0;
  for (const op of ops) {
    if (!probe(op.process)) continue;
    probes++;
    const prev = lastInvoke.get(op.process);
    if (prev !== undefined) intervals.push(op.invokeTime - prev);
    lastInvoke.set(op.process, op.invokeTime);
    if (windowStart === null || op.invokeTime < windowStart) windowStart = op.invokeTime;
    const last = op.completeTime ?? op.invokeTime;
    if (windowEnd === null || last > windowEnd) windowEnd = last;
    if (op.type === 'ok' && op.f === 'ping') successes.push(op.completeTime!);
  }
  successes.sort((a, b) => a - b);
  const probeIntervalMs = median(intervals);
  const thresholdMs = opts.thresholdMs ?? Math.max(1, 3 * (probeIntervalMs ?? 0));

  const faults = faultWindows(history);
  const attribute = (from: number, to: number): Outage['incident'] => {
    // the fault starting nearest `from` among those starting before `to` (ties: the earlier)
    let best: FaultWindow | null = null;
    for (const f of faults) {
      if (f.start > to) break;
      if (!best || Math.abs(f.start - from) < Math.abs(best.start - from)) best = f;
    }
    return best ? pick(best) : null;
  };

  const stalls = observerStalls(history);
  const outages: Outage[] = [];
  let maxGapMs = 0;
  for (let i = 1; i < successes.length; i++) {
    const gap = successes[i]! - successes[i - 1]!;
    if (gap > maxGapMs) maxGapMs = gap;
    if (gap > thresholdMs) {
      const from = successes[i - 1]!;
      const to = successes[i]!;
      outages.push({ from, to, ms: gap, blindMs: blindWithin(stalls, from, to), open: false, incident: attribute(from, to) });
    }
  }
  if (successes.length && windowEnd !== null) {
    const last = successes[successes.length - 1]!;
    const tail = windowEnd - last;
    if (tail > thresholdMs) {
      outages.push({ from: last, to: windowEnd, ms: tail, blindMs: blindWithin(stalls, last, windowEnd), open: true, incident: attribute(last, windowEnd) });
    }
  }

  const incidents: Incident[] = [];
  const byKey = new Map<string, Incident>();
  for (const o of outages) {
    const label = o.incident ? faultLabel(o.incident) : `unattributed ${at(o.from)}`;
    let inc = byKey.get(label);
    if (!inc) {
      inc = { label, fault: o.incident, outages: 0, ms: 0, blindMs: 0, open: false };
      byKey.set(label, inc);
      incidents.push(inc);
    }
    inc.outages++;
    inc.ms += o.ms;
    inc.blindMs += o.blindMs;
    inc.open ||= o.open;
  }

  const firstSuccess = successes.length ? successes[0]! : null;
  return {
    probes,
    successes: successes.length,
    probeIntervalMs,
    thresholdMs,
    startupMs: firstSuccess !== null && windowStart !== null ? firstSuccess - windowStart : null,
    firstSuccess,
    windowStart,
    windowEnd,
    outages,
    incidents,
    totalMs: outages.reduce((s, o) => s + o.ms, 0),
    maxMs: outages.reduce((m, o) => Math.max(m, o.ms), 0),
    maxSeenMs: outages.reduce((m, o) => Math.max(m, seenMs(o)), 0),
    maxGapMs,
  };
}

function pick(f: FaultWindow): Outage['incident'] {
  return { id: f.id, fault: f.fault, target: f.target, start: f.start };
}

/** flat figures of an analysis, shared with the availability verdict */
export function outageFigures(a: OutageAnalysis): Record<string, number | null> {
  const figures: Record<string, number | null> = {
    outages: a.outages.length,
    totalOutageMs: round(a.totalMs, 3),
    maxOutageMs: round(a.maxMs, 3),
    maxSeenOutageMs: round(a.maxSeenMs, 3),
    observerStalledMs: round(a.outages.reduce((s, o) => s + o.blindMs, 0), 3),
    openOutages: a.outages.filter((o) => o.open).length,
    startupMs: a.startupMs === null ? null : round(a.startupMs, 3),
    thresholdMs: round(a.thresholdMs, 3),
    probeIntervalMs: a.probeIntervalMs === null ? null : round(a.probeIntervalMs, 3),
    maxGapMs: round(a.maxGapMs, 3),
    probes: a.probes,
    successfulProbes: a.successes,
  };
  for (const inc of a.incidents) figures[`outage ms: ${inc.label}`] = round(inc.ms, 3);
  return figures;
}

/** Probe-evidence problems that make any outage or availability claim unprovable. */
export function probeEvidenceProblem(a: OutageAnalysis): string | null {
  if (a.probes === 0) return 'no probe ops in the history (probes are processes named "probe:<host>")';
  if (a.successes === 0) return `none of ${a.probes} probes succeeded: the service was never observed up`;
  return null;
}

export function describeOutage(o: Outage): string {
  const cause = o.incident ? `after ${faultLabel(o.incident)} ${at(o.incident.start)}` : 'with no fault before it';
  const blind = o.blindMs >= 1 ? `; the harness itself was stalled ${ms(o.blindMs)} of it, not counted` : '';
  return o.open
    ? `${ms(o.ms)}+ from ${round(o.from)} ms, still down when the history ends ${at(o.to)} (${cause}${blind})`
    : `${ms(o.ms)} from ${round(o.from)} to ${round(o.to)} ms (${cause}${blind})`;
}

/**
 * "The outage lasts at most maxOutageMs": every single outage ≤ maxOutageMs and none still open at the
 * end. Without maxOutageMs the verdict only reports (ok unless the evidence is missing).
 */
export function checkOutage(history: History, opts: OutageOptions & { maxOutageMs?: number; maxListed?: number } = {}): Verdict {
  if (opts.maxOutageMs !== undefined && !(opts.maxOutageMs >= 0)) throw new RangeError(`maximum outage must be a number of ms ≥ 0; got ${opts.maxOutageMs}`);
  const a = findOutages(history, opts);
  const figures: Record<string, number | null | string> = { ...outageFigures(a), limitMs: opts.maxOutageMs ?? null };
  const problem = probeEvidenceProblem(a);
  if (problem) return { checker: 'outage', ok: false, category: 'Harness error', summary: `outage unprovable: ${problem}`, figures, details: a };
  const list = listFirst(a.outages.map(describeOutage), opts.maxListed ?? 3);
  const resolution = `threshold ${ms(a.thresholdMs)}, longest gap ${ms(a.maxGapMs)}`;
  const open = a.outages.find((o) => o.open);
  if (open) {
    return { checker: 'outage', ok: false, category: 'Availability below target', summary: `service not back when the history ends: ${describeOutage(open)}`, figures, details: a };
  }
  if (opts.maxOutageMs !== undefined && a.maxSeenMs > opts.maxOutageMs) {
    const too = a.outages.filter((o) => seenMs(o) > opts.maxOutageMs!);
    return {
      checker: 'outage',
      ok: false,
      category: 'Availability below target',
      summary: `outage ${ms(a.maxSeenMs)} exceeds ${ms(opts.maxOutageMs)}: ${listFirst(too.map(describeOutage), opts.maxListed ?? 3)} (total ${ms(a.totalMs)} in ${a.outages.length} outages)`,
      figures,
      details: a,
    };
  }
  const limit = opts.maxOutageMs !== undefined ? ` ≤ ${ms(opts.maxOutageMs)}` : '';
  return {
    checker: 'outage',
    ok: true,
    summary: a.outages.length
      ? `${a.outages.length} outage${a.outages.length > 1 ? 's' : ''}, longest ${ms(a.maxSeenMs)}${limit}, total ${ms(a.totalMs)}: ${list}`
      : `no outage (${resolution})`,
    figures,
    details: a,
  };
}

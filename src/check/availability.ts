/**
 * Availability, measured and projected.
 *
 * - measured = 1 − total outage ÷ observed window; the window runs from the first successful
 *   probe to the last probe event (start-up is excluded from both, see outage.ts).
 * - projected annual = 1 − failuresPerYear × outagePerFailure ÷ 31,536,000 s, where
 *   outagePerFailure is the WORST incident of the scenario (outages summed per fault
 *   incident). With no outage at all it is the longest gap between successful probes — the
 *   most an unseen outage could have lasted — so "no outage" never reads as zero downtime.
 * - the verdict compares the projected figure with the target (a short scenario's measured
 *   figure can never show five nines; it is reported, not judged). An outage still open
 *   when the history ends fails the verdict: the outage per failure is unbounded.
 */
import type { History } from '../workload/history.ts';
import { ms, pct, round } from './format.ts';
import { describeOutage, findOutages, outageFigures, probeEvidenceProblem, seenMs, type OutageOptions } from './outage.ts';
import type { Verdict } from './types.ts';

export const SECONDS_PER_YEAR = 31_536_000;

export interface AvailabilityOptions extends OutageOptions {
  /** required availability as a fraction in (0, 1], e.g. 0.99999 for 99.999 % */
  target: number;
  /** declared failure rate (incidents a year), ≥ 0 */
  failuresPerYear: number;
}

/** Yearly downtime budget of an availability target, in seconds: 0.99999 → 315.36. */
export function downtimeBudgetSeconds(target: number): number {
  validateTarget(target);
  return round((1 - target) * SECONDS_PER_YEAR, 6);
}

/** A = 1 − failuresPerYear × outagePerFailureMs ÷ 1000 ÷ 31,536,000 */
export function projectAvailability(failuresPerYear: number, outagePerFailureMs: number): number {
  validateFailures(failuresPerYear);
  if (!(outagePerFailureMs >= 0) || !Number.isFinite(outagePerFailureMs)) {
    throw new RangeError(`outage per failure must be a finite number of ms ≥ 0; got ${outagePerFailureMs}`);
  }
  return 1 - (failuresPerYear * outagePerFailureMs) / 1000 / SECONDS_PER_YEAR;
}

function validateTarget(target: number): void {
  if (typeof target !== 'number' || !Number.isFinite(target) || target <= 0 || target > 1) {
    const hint = typeof target === 'number' && target > 1 && target <= 100 ? ` (for ${target} % pass ${Number((target / 100).toPrecision(12))})` : '';
    throw new RangeError(`availability target must be a fraction in (0, 1], e.g. 0.99999 for 99.999 %; got ${target}${hint}`);
  }
}

function validateFailures(n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new RangeError(`failures per year must be a finite number ≥ 0; got ${n}`);
  }
}

export function checkAvailability(history: History, opts: AvailabilityOptions): Verdict {
  validateTarget(opts.target);
  validateFailures(opts.failuresPerYear);
  const a = findOutages(history, opts);
  const budgetS = downtimeBudgetSeconds(opts.target);
  const base = { ...outageFigures(a), target: opts.target, failuresPerYear: opts.failuresPerYear, budgetSecondsPerYear: budgetS };
  const problem = probeEvidenceProblem(a);
  if (problem) {
    return { checker: 'availability', ok: false, category: 'Harness error', summary: `availability unprovable: ${problem}`, figures: base, details: a };
  }
  const windowMs = (a.windowEnd ?? 0) - (a.firstSuccess ?? 0);
  const measured = windowMs > 0 ? 1 - a.totalMs / windowMs : null;
  // an incident is judged by what was seen of it: minus the harness's own stalls (observer.ts)
  const worst = a.incidents.reduce<(typeof a.incidents)[number] | null>((w, i) => (!w || seenMs(i) > seenMs(w) ? i : w), null);
  const perFailureMs = worst ? seenMs(worst) : a.maxGapMs;
  const blind = worst && worst.blindMs >= 1 ? `, of ${ms(worst.ms)}: the harness itself was stalled ${ms(worst.blindMs)}, not counted` : '';
  const basis = worst ? `worst incident ${worst.label}: ${ms(perFailureMs)}${blind}` : `no outage; longest probe gap ${ms(a.maxGapMs)} taken as the bound`;
  const projected = projectAvailability(opts.failuresPerYear, perFailureMs);
  const downtimeS = (opts.failuresPerYear * perFailureMs) / 1000;
  const figures = {
    ...base,
    windowMs: round(windowMs, 3),
    measured: measured === null ? null : measured,
    measuredPercent: measured === null ? null : pct(measured),
    outagePerFailureMs: round(perFailureMs, 3),
    outagePerFailureBasis: worst ? `worst incident (${worst.label})` : 'longest probe gap (no outage)',
    projected,
    projectedPercent: pct(projected),
    projectedDowntimeSecondsPerYear: round(downtimeS, 6),
  };
  const open = a.outages.find((o) => o.open);
  if (open) {
    return {
      checker: 'availability',
      ok: false,
      category: 'Availability below target',
      summary: `service not back when the history ends (${describeOutage(open)}): outage per failure unbounded, ${pct(opts.target)} not shown`,
      figures,
      details: a,
    };
  }
  // compare downtime with the budget (not A with the target) to stay clear of float noise
  const ok = downtimeS <= budgetS + 1e-9;
  const measuredText = measured === null ? 'n/a' : `${pct(measured)} over ${ms(windowMs)}`;
  const summary =
    `projected ${pct(projected)} ${ok ? '≥' : '<'} target ${pct(opts.target)}: ${opts.failuresPerYear} failures/yr × ${ms(perFailureMs)} (${basis}) = ` +
    `${round(downtimeS, 3)} s/yr of downtime vs budget ${budgetS} s/yr; measured ${measuredText}`;
  return ok
    ? { checker: 'availability', ok: true, summary, figures, details: a }
    : { checker: 'availability', ok: false, category: 'Availability below target', summary, figures, details: a };
}

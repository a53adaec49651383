/**
 * Then-steps end here: run one checker over the scenario's history, keep the verdict for
 * the report, and fail the step with "[Category] summary" when it does not hold (Allure's
 * categories match on that prefix).
 */
import type { Verdict } from '../check/types.ts';
import type { ScenarioRuntime } from './scenario.ts';

export class VerdictFailure extends Error {
  override name = 'VerdictFailure';
  constructor(readonly verdict: Verdict) {
    super(`[${verdict.category ?? 'Harness error'}] ${verdict.summary}`);
  }
}

/** record the verdict; throw VerdictFailure unless it holds (or unless `expectFail`, which inverts) */
export function judge(rt: ScenarioRuntime, pair: string, step: string, verdict: Verdict): Verdict {
  rt.verdicts.push({ pair, step, verdict });
  if (!verdict.ok) throw new VerdictFailure(verdict);
  return verdict;
}

/** a failing verdict that the scenario expects (e.g. both hosts down: availability must fail) */
export function expectFailing(rt: ScenarioRuntime, pair: string, step: string, verdict: Verdict): Verdict {
  rt.verdicts.push({ pair, step, verdict: { ...verdict, summary: `expected to fail, and did: ${verdict.summary}` } });
  if (verdict.ok) {
    throw new VerdictFailure({
      ...verdict,
      ok: false,
      category: 'Harness error',
      summary: `expected "${verdict.checker}" to fail here, but it held: ${verdict.summary}`,
    });
  }
  return verdict;
}

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
  rt.addVerdict({ pair, step, verdict });
  if (!verdict.ok) throw new VerdictFailure(verdict);
  return verdict;
}

/**
 * A check the scenario expects to FAIL (e.g. both hosts down: availability must fail, zero
 * loss must not be claimed). The expectation holding is a passing verdict; the check holding
 * is a failure of the scenario.
 */
export function expectFailing(rt: ScenarioRuntime, pair: string, step: string, verdict: Verdict): Verdict {
  const failedAs = verdict.category ?? 'Harness error';
  const recorded: Verdict = verdict.ok
    ? { ...verdict, ok: false, category: 'Harness error', summary: `expected "${verdict.checker}" to fail here, but it held: ${verdict.summary}` }
    : {
        checker: `${verdict.checker} (expected to fail)`,
        ok: true,
        summary: `failed as expected [${failedAs}]: ${verdict.summary}`,
        figures: { ...verdict.figures, failedAs },
      };
  rt.addVerdict({ pair, step, verdict: recorded });
  if (!recorded.ok) throw new VerdictFailure(recorded);
  return recorded;
}

/**
 * Verdicts about what the platform *reports* (protected again, unprotected), as opposed to
 * what the history proves; they wait on the platform's status, then say what they saw.
 */
import type { Verdict } from '../check/types.ts';
import type { PairUnderTest } from './pair.ts';

const brief = (p: PairUnderTest) => {
  const s = p.status();
  return `primary ${s.primary ?? 'none'}, backup ${s.backup ?? 'none'}, ${s.protected ? 'protected' : 'unprotected'}`;
};

/** the pair reports protected within limitMs of now */
export async function reprotection(pair: PairUnderTest, limitMs: number): Promise<Verdict> {
  const t0 = performance.now();
  const ok = await pair.platform.waitFor((s) => s.protected, limitMs, 'protected').then(() => true, () => false);
  const took = Math.round(performance.now() - t0);
  return {
    checker: 're-protection', ok, ...(ok ? {} : { category: 'Protection lost' as const }),
    summary: ok ? `protected again after ${took} ms` : `not protected within ${limitMs} ms (${brief(pair)})`,
    figures: { reprotectMs: ok ? took : null, limitMs },
  };
}

/** the pair reports a serving primary and no protection within limitMs of now */
export async function reportedUnprotected(pair: PairUnderTest, limitMs: number): Promise<Verdict> {
  const ok = await pair.platform.waitFor((s) => !s.protected && s.primary !== null, limitMs, 'unprotected').then(() => true, () => false);
  return {
    checker: 'unprotected-reported', ok, ...(ok ? {} : { category: 'Harness error' as const }),
    summary: ok ? `reported unprotected (${brief(pair)})` : `not reported unprotected within ${limitMs} ms (${brief(pair)})`,
    figures: { limitMs },
  };
}

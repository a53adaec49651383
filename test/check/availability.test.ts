import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAvailability, downtimeBudgetSeconds, projectAvailability, SECONDS_PER_YEAR } from '../../src/check/index.ts';
import { hist } from './history-builder.ts';

/** probes every 10 ms taking no time; one outage of exactly outageMs after a crash of a at 1000 */
function withOutage(outageMs: number) {
  return hist()
    .probe('a', 0, 1000, 10, () => 'ok', 0) // last success 990
    .probe('a', 1000, 1000 + outageMs, 10, () => 'fail', 0)
    .probe('b', 990 + outageMs, 990 + outageMs + 2000, 10, () => 'ok', 0) // first success 990 + outageMs
    .fault(1, 'crash', 'a', 1000)
    .build();
}

describe('availability arithmetic', () => {
  it('99.999 % leaves 315.36 s a year', () => {
    assert.equal(SECONDS_PER_YEAR, 31_536_000);
    assert.equal(downtimeBudgetSeconds(0.99999), 315.36);
    assert.equal(downtimeBudgetSeconds(1), 0);
  });

  it('12 failures/yr × 0.5 s = 6 s/yr → 99.99998 %', () => {
    assert.ok(Math.abs(projectAvailability(12, 500) - (1 - 6 / 31_536_000)) < 1e-15);
  });
});

describe('checkAvailability', () => {
  it('12 failures × 0.5 s outage passes 99.999 %', () => {
    const v = checkAvailability(withOutage(500), { target: 0.99999, failuresPerYear: 12 });
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.outagePerFailureMs, 500);
    assert.equal(v.figures.projectedDowntimeSecondsPerYear, 6);
    assert.equal(v.figures.budgetSecondsPerYear, 315.36);
    assert.equal(v.figures.projectedPercent, '99.99998 %');
    assert.match(v.summary, /projected 99\.99998 % ≥ target 99\.999 %: 12 failures\/yr × 500 ms \(worst incident crash a #1: 500 ms\) = 6 s\/yr of downtime vs budget 315\.36 s\/yr/);
    assert.equal(typeof v.figures.measured, 'number');
  });

  it('12 failures × 30 s outage fails 99.999 %', () => {
    const v = checkAvailability(withOutage(30_000), { target: 0.99999, failuresPerYear: 12 });
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Availability below target');
    assert.equal(v.figures.projectedDowntimeSecondsPerYear, 360);
    assert.match(v.summary, /< target 99\.999 %.*360 s\/yr of downtime vs budget 315\.36 s\/yr/);
  });

  it('measures availability over the observed window', () => {
    const v = checkAvailability(withOutage(500), { target: 0.99999, failuresPerYear: 12 });
    // window: first success 0 → last probe 3480; outage 500
    assert.equal(v.figures.windowMs, 3480);
    assert.ok(Math.abs((v.figures.measured as number) - (1 - 500 / 3480)) < 1e-12);
  });

  it('without any outage, takes the longest probe gap as the outage per failure and says so', () => {
    const h = hist().probe('a', 0, 1000, 10, () => 'ok', 0).fault(1, 'crash', 'b', 500).build();
    const v = checkAvailability(h, { target: 0.99999, failuresPerYear: 12 });
    assert.equal(v.ok, true);
    assert.equal(v.figures.outagePerFailureMs, 10);
    assert.equal(v.figures.outagePerFailureBasis, 'longest probe gap (no outage)');
  });

  it('fails when the service had not come back at the end', () => {
    const h = hist().probe('a', 0, 1000, 10, (t) => (t < 900 ? 'ok' : 'fail'), 0).fault(1, 'crash', 'a', 900).build();
    const v = checkAvailability(h, { target: 0.9, failuresPerYear: 1 });
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Availability below target');
    assert.match(v.summary, /unbounded/);
  });

  it('zero failures a year always meets the target; target 1 needs zero downtime', () => {
    assert.equal(checkAvailability(withOutage(30_000), { target: 0.99999, failuresPerYear: 0 }).ok, true);
    assert.equal(checkAvailability(withOutage(500), { target: 1, failuresPerYear: 1 }).ok, false);
  });

  it('validates its input with clear errors', () => {
    const h = withOutage(500);
    assert.throws(() => checkAvailability(h, { target: 99.999, failuresPerYear: 12 }), /availability target must be a fraction in \(0, 1\], e\.g\. 0\.99999 for 99\.999 %; got 99\.999 \(for 99\.999 % pass 0\.99999/);
    for (const target of [0, -0.5, 1.5, Number.NaN]) {
      assert.throws(() => checkAvailability(h, { target, failuresPerYear: 12 }), RangeError);
    }
    for (const failuresPerYear of [-1, Number.NaN, Infinity]) {
      assert.throws(() => checkAvailability(h, { target: 0.99999, failuresPerYear }), /failures per year must be a finite number ≥ 0/);
    }
    assert.throws(() => downtimeBudgetSeconds(2), RangeError);
  });

  it('is a Harness error without probe evidence', () => {
    const v = checkAvailability(hist().write('c0', 'k', 1, 0, 1).build(), { target: 0.99999, failuresPerYear: 12 });
    assert.equal(v.category, 'Harness error');
  });
});

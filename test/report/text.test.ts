import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATEGORIES, checkCommitLatency, type Verdict } from '../../src/check/index.ts';
import { allureCategories, failureMessage, formatVerdictTable } from '../../src/report/index.ts';
import { hist } from '../check/history-builder.ts';

const verdicts: Verdict[] = [
  { checker: 'lost-writes', ok: true, summary: 'all 40 keys intact', figures: {} },
  { checker: 'outage', ok: false, category: 'Availability below target', summary: 'outage 812 ms exceeds 500 ms:\n detail', figures: {} },
  { checker: 'commit-latency', ok: false, summary: 'p99 250 ms ≥ 200 ms', figures: {} },
];

describe('formatVerdictTable', () => {
  it('prints aligned plain-text columns, one line per verdict', () => {
    const out = formatVerdictTable('Primary crash', verdicts);
    const lines = out.split('\n');
    assert.equal(lines[0], 'Scenario: Primary crash — 2 of 3 checks FAILED');
    assert.equal(lines.length, 5);
    assert.match(lines[1]!, /^ {2}CHECK +RESULT +CATEGORY +SUMMARY$/);
    const col = (s: string) => lines[1]!.indexOf(s);
    for (const l of lines.slice(2)) {
      assert.match(l.slice(col('RESULT')), /^(PASS|FAIL) /);
      assert.notEqual(l.slice(col('SUMMARY'), col('SUMMARY') + 1), ' ');
    }
    assert.match(lines[3]!, /FAIL +Availability below target +outage 812 ms exceeds 500 ms: detail$/);
    assert.match(lines[4]!, /FAIL +uncategorized/);
    assert.doesNotMatch(out, /\x1b\[/); // no colour codes
  });

  it('accepts the harness records { pair, step, verdict } and cuts summaries when asked', () => {
    const out = formatVerdictTable('s', [{ pair: 'kv', step: 'x', verdict: verdicts[0]! }], { maxSummary: 8 });
    assert.match(out, /all 40 …$/);
    assert.match(out, /^ {2}kv\/lost-writes +PASS/m);
    assert.equal(formatVerdictTable('empty', []), 'Scenario: empty — no verdicts');
  });
});

describe('Allure categories', () => {
  const asJs = (re: string) => new RegExp(`^(?:${re.replace(/^\(\?s\)/, '')})$`, 's'); // Java String.matches semantics

  it('has the ten verdict categories (Slow commit, Not linearizable and Unplanned failover among them), each matching its tagged failure message (also multi-line)', () => {
    const cats = allureCategories().filter((c) => c.name !== 'Scenario error' && c.name !== 'Platform cannot');
    assert.deepEqual(cats.map((c) => c.name), [...CATEGORIES]);
    assert.equal(cats.length, 10);
    assert.ok(cats.find((c) => c.name === 'Not linearizable')?.description);
    assert.ok(cats.find((c) => c.name === 'Slow commit')?.description);
    assert.ok(cats.find((c) => c.name === 'Unplanned failover')?.description);
    for (const c of cats) {
      assert.ok(c.matchedStatuses?.includes('failed'));
      const re = asJs(c.messageRegex!);
      assert.ok(re.test(`[${c.name}] something happened`), c.name);
      assert.ok(re.test(`VerdictFailure: [${c.name}] evidence\n    at step (steps/x.ts:1:1)`), `${c.name} multi-line`);
      for (const other of cats.filter((o) => o !== c)) assert.ok(!re.test(`[${other.name}] x`), `${c.name} must not match ${other.name}`);
    }
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(cats)));
  });

  it('puts a step given a wrong value under Scenario error, and no verdict there', () => {
    const all = allureCategories();
    const re = asJs(all.find((c) => c.name === 'Scenario error')!.messageRegex!);
    assert.ok(re.test('StepInputError: percentage "100.5%" is out of range\n    at parsePercent (x.ts:1:1)'));
    for (const name of CATEGORIES) assert.ok(!re.test(`VerdictFailure: [${name}] x`), name);
  });

  it('puts a step the platform cannot do under Platform cannot, and no verdict there', () => {
    const all = allureCategories();
    const re = asJs(all.find((c) => c.name === 'Platform cannot')!.messageRegex!);
    assert.ok(re.test('PlatformCannotError: platform command:./x.py cannot hang a host\n    at PairUnderTest.need (x.ts:1:1)'));
    for (const name of CATEGORIES) assert.ok(!re.test(`VerdictFailure: [${name}] x`), name);
  });

  it('failureMessage tags the summary with the category', () => {
    assert.equal(failureMessage(verdicts[1]!), '[Availability below target] outage 812 ms exceeds 500 ms:\n detail');
    assert.equal(failureMessage({ checker: 'x', ok: false, summary: 'no category', figures: {} }), '[Harness error] no category');
    assert.ok(asJs(allureCategories()[0]!.messageRegex!).test(failureMessage({ checker: 'lost-writes', ok: false, category: 'State loss', summary: '3 keys lost', figures: {} })));
  });

  it('a failing commit latency check is filed under Slow commit, not Harness error', () => {
    const h = hist();
    for (let i = 0; i < 50; i++) h.write('c0', `c0-${i}`, i, i * 10, i * 10 + 300);
    const msg = failureMessage(checkCommitLatency(h.build(), { limitMs: 200 }));
    assert.match(msg, /^\[Slow commit\] p99 commit latency 300 ms ≥ 200 ms/);
    const matching = allureCategories().filter((c) => asJs(c.messageRegex!).test(msg));
    assert.deepEqual(matching.map((c) => c.name), ['Slow commit']);
  });
});

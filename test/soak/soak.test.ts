import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryOf, summariseMessages } from '../../src/soak/messages.ts';
import { withoutHangs } from '../../src/soak/evidence.ts';
import { renderSoakReport, stallDistribution } from '../../src/soak/render.ts';
import { hist } from '../check/history-builder.ts';

const env = (o: unknown) => JSON.stringify(o);
function messages(outcomes: [string, string[]][]): string {
  const lines: string[] = [];
  outcomes.forEach(([name, statuses], i) => {
    lines.push(env({ pickle: { id: `p${i}`, name, uri: 'features/x.feature' } }), env({ testCase: { id: `t${i}`, pickleId: `p${i}` } }));
    lines.push(env({ testCaseStarted: { id: `s${i}`, testCaseId: `t${i}` } }));
    for (const st of statuses) lines.push(env({ testStepFinished: { testCaseStartedId: `s${i}`, testStepResult: { status: st, ...(st === 'FAILED' ? { message: 'VerdictFailure: [Unplanned failover] host b became primary\n  at x' } : {}) } } }));
    lines.push(env({ testCaseFinished: { testCaseStartedId: `s${i}` } }));
  });
  return lines.join('\n') + '\nnot json\n';
}

test('a run\'s message stream gives each scenario\'s outcome and the category of its first failure', () => {
  const r = summariseMessages(messages([['crash', ['PASSED', 'PASSED']], ['flap', ['PASSED', 'FAILED', 'SKIPPED']]]), { run: 1, exitCode: 1, wallMs: 5 });
  assert.deepEqual(r.scenarios.map((s) => [s.name, s.passed, s.category]), [['crash', true, ''], ['flap', false, 'Unplanned failover']]);
  assert.match(r.scenarios[1]!.message, /^FAILED: VerdictFailure: \[Unplanned failover\] host b became primary$/);
  assert.equal(categoryOf('StepInputError: "x" is not allowed'), 'Scenario error');
});

test('a hung host\'s own stall is not counted as the environment\'s', () => {
  const h = hist()
    .mark('loop', 1000, { process: 'a', maxMs: 12, windowMs: 1000 })
    .fault(1, 'hang', 'a', 1500, 3500)
    .mark('loop', 3600, { process: 'a', maxMs: 2006, windowMs: 1000 })
    .mark('loop', 3600, { process: 'a', thread: 'emulator', maxMs: 2003, windowMs: 1000 })
    .mark('loop', 3600, { process: 'b', maxMs: 30, windowMs: 1000 })
    .mark('loop', 5000, { process: 'a', maxMs: 9, windowMs: 1000 })
    .build();
  assert.deepEqual(withoutHangs(h).map((x) => [x.process, x.maxMs]), [['host a', 12], ['host b', 30], ['host a', 9]]);
});

test('the summary counts green runs, false alarms, unplanned role changes and the stall distribution', () => {
  const run = (n: number, red: boolean) => summariseMessages(messages([['crash', ['PASSED']], ['flap', [red ? 'FAILED' : 'PASSED']]]), { run: n, exitCode: red ? 1 : 0, wallMs: 80_000 + n });
  const loop = [10, 20, 30, 150].map((maxMs, i) => ({ process: i % 2 ? 'host a' : 'host b', time: i, windowMs: 1000, p50Ms: 0, p99Ms: 0, maxMs, stalls: 0 }));
  const emu = { process: 'host a emulator', time: 0, windowMs: 1000, p50Ms: 0, p99Ms: 0, maxMs: 40, stalls: 0 };
  const { text, json } = renderSoakReport({
    runs: [run(1, false), run(2, true)],
    evidence: [{ scenarios: 2, unplanned: 0, planned: 1, unplannedIn: [], loop }, { scenarios: 2, unplanned: 2, planned: 0, unplannedIn: [{ scenario: 'flap', summary: '2 role changes with no fault' }], loop: [] }],
    hog: true,
    profile: 'default',
    wallMs: 1,
  });
  assert.match(text, /green runs: 1 of 2/);
  assert.match(text, /false alarms: 1 red of 4 scenario executions \(25\.00 %\)/);
  assert.match(text, /role changes: 1 after a fault, 2 unplanned/);
  assert.match(text, /flap +1\/2/);
  assert.deepEqual(stallDistribution([...loop, emu]), [
    { process: 'emulators', windows: 1, p50: 40, p99: 40, max: 40, over100: 0 },
    { process: 'hosts', windows: 4, p50: 30, p99: 150, max: 150, over100: 1 },
  ]);
  assert.equal((json as { greenRuns: number }).greenRuns, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarioOutcomes } from '../../src/bugs/results.ts';
import { buildMatrix, matrixExitCode, renderMatrix, type BugRun } from '../../src/bugs/matrix.ts';

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const env = (o: unknown) => JSON.stringify(o);

/** a recorded-style message stream: each scenario's steps with [text, status, startMs, endMs] */
function messages(scenarios: { name: string; uri?: string; steps: [string, string, number, number][]; retried?: boolean }[]): string {
  const lines: string[] = [env({ meta: { protocolVersion: '27' } })];
  scenarios.forEach((sc, i) => {
    lines.push(env({ pickle: { id: `p${i}`, name: sc.name, uri: sc.uri ?? 'features/x.feature', steps: sc.steps.map(([text], j) => ({ id: `p${i}s${j}`, text })) } }));
    lines.push(env({ testCase: { id: `t${i}`, pickleId: `p${i}`, testSteps: [{ id: `t${i}h`, hookId: 'h' }, ...sc.steps.map((_, j) => ({ id: `t${i}s${j}`, pickleStepId: `p${i}s${j}` }))] } }));
    const attempts = sc.retried ? 2 : 1;
    for (let a = 0; a < attempts; a++) {
      const id = `c${i}a${a}`;
      lines.push(env({ testCaseStarted: { id, testCaseId: `t${i}`, attempt: a, timestamp: ts(1000) } }));
      sc.steps.forEach(([, status, start, end], j) => {
        const st = a === 0 && sc.retried ? 'FAILED' : status;
        lines.push(env({ testStepStarted: { testCaseStartedId: id, testStepId: `t${i}s${j}`, timestamp: ts(start) } }));
        lines.push(
          env({
            testStepFinished: {
              testCaseStartedId: id,
              testStepId: `t${i}s${j}`,
              testStepResult: { status: st, ...(st === 'FAILED' ? { message: `VerdictFailure: [State loss] 3 acknowledged writes lost\n    at step` } : {}) },
              timestamp: ts(end),
            },
          }),
        );
      });
      lines.push(env({ testCaseFinished: { testCaseStartedId: id, timestamp: ts(9000), willBeRetried: a + 1 < attempts } }));
    }
  });
  return lines.join('\n') + '\n{"cut';
}

const crash: [string, string, number, number][] = [
  ['a protected pair "kv" with checkpoints every 25 ms', 'PASSED', 1000, 1500],
  ['1 second passes', 'PASSED', 1500, 2500],
  ['the primary host of "kv" crashes', 'PASSED', 2500, 2600],
  ['no acknowledged write to "kv" is lost', 'FAILED', 4000, 4700],
];

test('a failing scenario: category from the message, detection timed from the first fault step', () => {
  const [s] = scenarioOutcomes(messages([{ name: 'Primary crash', uri: 'features/primary-crash.feature', steps: crash }]));
  assert.equal(s!.key, 'primary-crash.feature: Primary crash');
  assert.equal(s!.passed, false);
  assert.equal(s!.category, 'State loss');
  assert.equal(s!.detectedFrom, 'fault');
  assert.equal(Math.round(s!.detectedMs!), 2200);
});

test('no fault step before the failure: timed from the scenario start; a passed retry wins', () => {
  const noFault: [string, string, number, number][] = [
    ['a protected pair "kv" with checkpoints every 25 ms', 'PASSED', 1000, 1500],
    ['the commit latency of "kv" stays below 200 ms at the 99th percentile', 'FAILED', 3000, 3250],
  ];
  const out = scenarioOutcomes(messages([{ name: 'latency', steps: noFault }, { name: 'flaky', steps: crash.map(([t, , a, b]) => [t, 'PASSED', a, b] as [string, string, number, number]), retried: true }]));
  assert.deepEqual(out.map((s) => [s.name, s.passed, s.detectedFrom, s.detectedMs]), [['latency', false, 'scenario', 2250], ['flaky', true, null, null]]);
});

test('the matrix: caught, right category, noise marked, false alarms, catch rates and exit code', () => {
  const caught = scenarioOutcomes(messages([{ name: 'Primary crash', steps: crash }, { name: 'Flap', steps: crash.slice(0, 2).map(([t, , a, b]) => [t, 'PASSED', a, b] as [string, string, number, number]) }]));
  const clean = caught.map((s) => ({ ...s, passed: true, category: '', message: '', detectedMs: null, detectedFrom: null }));
  const runs: BugRun[] = [
    { bug: null, expected: null, exitCode: 0, scenarios: clean },
    { bug: 'early-release', expected: 'State loss', exitCode: 1, scenarios: caught },
    { bug: 'fenced-reads', expected: 'Not linearizable', exitCode: 0, scenarios: clean },
    { bug: 'epoch-reset', expected: 'Split brain', exitCode: 1, scenarios: caught },
  ];
  const m = buildMatrix(runs);
  assert.deepEqual([m.caught, m.rightCategory, m.bugs, m.falseAlarms.length], [2, 1, 3, 0]);
  assert.deepEqual(m.rows.map((r) => [r.bug, r.caught, r.rightCategory]), [['early-release', true, true], ['fenced-reads', false, false], ['epoch-reset', true, false]]);
  const text = renderMatrix(m);
  assert.match(text, /early-release\s+State loss\s+LOSS 2\.2s\s+\.\s+caught/);
  assert.match(text, /fenced-reads\s+Not linearizable\s+\.\s+\.\s+MISSED/);
  assert.match(text, /caught \(other category\)/);
  assert.match(text, /catch rate: 2 of 3 planted bugs \(67%\)/);
  assert.match(text, /false alarms \(failures without a planted bug\): 0/);
  assert.equal(matrixExitCode(m), 1);

  // the same failure without the bug: noise, not a catch
  const noisy = buildMatrix([{ ...runs[0]!, scenarios: caught }, runs[1]!]);
  assert.equal(noisy.falseAlarms.length, 1);
  assert.match(renderMatrix(noisy), /LOSS 2\.2s\*\s+\.\s+MISSED/);
  assert.equal(noisy.caught, 0);
  assert.equal(matrixExitCode(noisy), 1);
  // a different category than without the bug still counts
  const other = buildMatrix([{ ...runs[0]!, scenarios: caught.map((s) => ({ ...s, category: s.passed ? '' : 'Slow commit' })) }, runs[1]!]);
  assert.equal(other.caught, 1);
  assert.equal(matrixExitCode(buildMatrix([runs[0]!, runs[1]!])), 0);
});

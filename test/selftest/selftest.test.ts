/**
 * The self-test: the harness must not only pass the correct platform (the feature suite)
 * but catch broken ones. Each scenario of features/selftest runs a deliberately unsafe
 * platform and MUST fail with the right category and evidence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCucumber } from '../support/cucumber-run.ts';

test('the harness catches platforms that lose writes, split brain or serve stale reads', { timeout: 300_000 }, async () => {
  const run = await runCucumber(['--profile', 'selftest']);
  assert.notEqual(run.exitCode, 0, 'the self-test scenarios must fail');

  const loss = run.scenarios.get('Primary crash with output commit off');
  assert.ok(loss, `scenario missing; got ${[...run.scenarios.keys()].join(', ')}\n${run.output.slice(-3000)}`);
  assert.equal(loss.status, 'FAILED');
  assert.deepEqual(loss.failedSteps, ['no acknowledged write to "kv" is lost']);
  const lossMsg = loss.messages.join('\n');
  assert.match(lossMsg, /\[State loss\] \d+ of \d+ keys lost acknowledged writes/);
  assert.match(lossMsg, /c\d+-\d+ last acked \d+ \(c\d+ at [\d.]+ ms\), final read/, 'the lost writes are listed with their evidence');

  const brain = run.scenarios.get('Replication partition with fencing none');
  assert.ok(brain);
  assert.equal(brain.status, 'FAILED');
  assert.deepEqual(brain.failedSteps, ['"kv" is never served by two primaries at once']);
  assert.match(brain.messages.join('\n'), /\[Split brain\] two primaries at once.*hosts a and b both served/);

  const soak = run.scenarios.get('Seeded random faults with output commit off');
  assert.ok(soak);
  assert.equal(soak.status, 'FAILED');
  assert.deepEqual(soak.failedSteps, ['no acknowledged write to "kv" is lost']);
  assert.match(soak.messages.join('\n'), /\[State loss\] \d+ of \d+ keys lost acknowledged writes/);

  // a fenced primary answering reads (planted bug fenced-reads): no write is lost and writes are
  // never taken twice, so only the linearizability checker sees the stale reads
  const stale = run.scenarios.get('A fenced primary answers reads with stale values');
  assert.ok(stale);
  assert.equal(stale.status, 'FAILED');
  assert.deepEqual(stale.failedSteps, ['the history of "kv" is linearizable']);
  assert.match(stale.messages.join('\n'), /\[Not linearizable\] key reg-\d+: read \d+ by r\d+ at [\d.]+ s/);

  assert.deepEqual(run.survivors, [], 'no process of the run survives it');
});

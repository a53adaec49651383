/** After every scenario: a role change with no fault before it fails the scenario as an Unplanned failover. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCucumber } from '../support/cucumber-run.ts';

test('a takeover with no fault before it fails its scenario as Unplanned failover; a quiet pair and an expecting scenario pass; role-aimed faults wait for a settled pair', { timeout: 300_000 }, async () => {
  const run = await runCucumber(['--config', 'test/fixtures/unplanned/cucumber.json']);
  const get = (name: string) => {
    const s = run.scenarios.get(name);
    assert.ok(s, `scenario "${name}" did not run:\n${run.output.slice(-2000)}`);
    return s;
  };
  const flapped = get('a takeover with no fault before it');
  assert.equal(flapped.status, 'FAILED');
  assert.match(flapped.messages.join('\n'), /\[Unplanned failover\] \d+ role changes? with no fault before (it|them): .*(host b became primary|host a fenced itself) at/);
  assert.match(flapped.messages.join('\n'), /event-loop stalls in the 2 s before: .*host a \d+ ms/, 'the hung host\'s own stall is named');
  assert.equal(get('the same, where the scenario expects it').status, 'PASSED');
  assert.equal(get('a quiet pair keeps its primary').status, 'PASSED');
  // the second crash finds no primary at first (b is taking over): it waits, then hits b
  assert.equal(get('a fault aimed at a role waits through a failover in progress').status, 'PASSED');
  const never = get('a fault aimed at a role that never comes back says what it saw');
  assert.equal(never.status, 'FAILED');
  assert.deepEqual(never.failedSteps, ['the backup host of "kv" crashes']);
  assert.match(never.messages.join('\n'), /pair "kv" did not settle: no backup for 5000 ms \(now a=down, b=primary; role changes in that time: .*b primary at/);
  assert.deepEqual(run.survivors, [], 'no process of the run survives it');
});

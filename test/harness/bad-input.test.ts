/** Wrong words in a scenario fail that step, name the value and what is allowed, and leak nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCucumber } from '../support/cucumber-run.ts';

test('bad step parameters fail with clear messages and leave no process behind', { timeout: 300_000 }, async () => {
  const run = await runCucumber(['--config', 'test/fixtures/cucumber.json', '--tags', 'not @long']);
  assert.notEqual(run.exitCode, 0);
  const expect: Record<string, [string, RegExp]> = {
    'unknown option': ['a protected pair "kv" with:', /unknown option "checkpoint speed"; allowed: checkpoint interval, output commit/],
    'negative time': ['-2 seconds pass', /"-2 seconds" is negative; allowed/],
    'unknown pair': ['the primary host of "kx" crashes', /unknown pair "kx"; pairs of this scenario: "kv"/],
    'availability above 100 percent': ['the availability of "kv" is at least 100.5% assuming 12 host failures per year', /"100.5%" is out of range; allowed: more than 0% and at most 100%/],
  };
  for (const [name, [stepText, message]] of Object.entries(expect)) {
    const s = run.scenarios.get(name);
    assert.ok(s, `scenario "${name}" did not run:\n${run.output.slice(-2000)}`);
    assert.equal(s.status, 'FAILED', name);
    assert.deepEqual(s.failedSteps, [stepText], name);
    assert.match(s.messages.join('\n'), message, name);
  }
  assert.deepEqual(run.survivors, [], 'no process of the run survives it');
});

/**
 * The @smoke features through the Python reference driver (examples/drivers/builtin.py), which
 * imports nothing of ftchaos and launches `ftchaos witness` / `ftchaos host` itself: every
 * scenario passes, the report's environment names the driver, nothing survives the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCucumber } from '../support/cucumber-run.ts';

test('the @smoke features pass through the Python reference driver', { timeout: 300_000 }, async () => {
  const run = await runCucumber(['--profile', 'driver-smoke']);
  assert.equal(run.exitCode, 0, run.output.slice(-4000));
  assert.ok(run.scenarios.size >= 1, 'at least one @smoke scenario ran');
  for (const s of run.scenarios.values()) assert.equal(s.status, 'PASSED', `${s.name}: ${s.messages.join('\n')}`);
  assert.deepEqual(run.survivors, [], 'no process of the run survives it');
});

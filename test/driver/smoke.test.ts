/**
 * The @smoke features through the Python reference driver (examples/drivers/builtin.py), which
 * imports nothing of ftchaos and launches `ftchaos witness` / `ftchaos host` itself: every
 * scenario passes, the report's environment names the driver, nothing survives the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCucumber } from '../support/cucumber-run.ts';

test('the @smoke features pass through the Python reference driver', { timeout: 300_000 }, async () => {
  const run = await runCucumber(['--profile', 'driver-smoke']);
  assert.equal(run.exitCode, 0, run.output.slice(-4000));
  assert.ok(run.scenarios.size >= 1, 'at least one @smoke scenario ran');
  for (const s of run.scenarios.values()) assert.equal(s.status, 'PASSED', `${s.name}: ${s.messages.join('\n')}`);
  assert.deepEqual(run.survivors, [], 'no process of the run survives it');
  // the report's environment says which platform, and what its driver declared
  const env = readFileSync('reports/allure-results/environment.properties', 'utf8');
  assert.match(env, /^platform=command\\:\.\/examples\/drivers\/builtin\.py$/m);
  assert.match(env, /^platform\\? driver=command\\:\.\/examples\/drivers\/builtin\.py\\?: builtin \(Python reference driver\), protocol 1, can crash, hang, resume, restart, logs/m);
});

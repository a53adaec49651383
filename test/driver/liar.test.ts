/**
 * Trust nothing a driver says about safety: a driver that hides a split brain behind roles
 * that look right (it reports the old primary "fenced" while it still serves) is caught by the
 * split-brain checker, which asks every host directly; and a step that needs a hang the driver
 * does not declare fails saying so, never passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCucumber } from '../support/cucumber-run.ts';

const RUNS = process.env.FTCHAOS_RUNS_DIR || join('reports', 'runs'); // as the harness resolves it

test('a driver lying about roles is caught by the checkers; a missing capability fails the step', { timeout: 300_000 }, async () => {
  const platform = 'command:./test/driver/fixtures/liar.py --hide-split-brain --no-hang';
  const since = Date.now();
  const run = await runCucumber(['--config', 'test/fixtures/driver/cucumber.json', '--tags', '@liar', '--world-parameters', JSON.stringify({ platform })]);
  assert.notEqual(run.exitCode, 0);

  const brain = run.scenarios.get('The driver hides a split brain behind roles that look right');
  assert.ok(brain, `scenario missing; got ${[...run.scenarios.keys()].join(', ')}\n${run.output.slice(-3000)}`);
  assert.equal(brain.status, 'FAILED');
  assert.deepEqual(brain.failedSteps, ['"kv" is never served by two primaries at once']);
  assert.match(brain.messages.join('\n'), /\[Split brain\] two primaries at once.*hosts a and b both served/);

  // the driver's own story had no split brain: by its role reports, never two primaries
  const dir = readdirSync(RUNS).map((d) => join(RUNS, d)).filter((d) => statSync(d).mtimeMs >= since - 1000)
    .flatMap((d) => readdirSync(d).filter((s) => s.includes('hides-a-split-brain')).map((s) => join(d, s)));
  assert.equal(dir.length, 1, `one evidence folder for the scenario: ${dir.join(', ')}`);
  const roles = readFileSync(join(dir[0]!, 'history.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.kind === 'role');
  const now: Record<string, string> = {};
  let twoPrimaries = false;
  for (const e of roles) {
    now[e.host] = e.role;
    if (now.a === 'primary' && now.b === 'primary') twoPrimaries = true;
  }
  assert.ok(roles.some((e) => e.role === 'fenced'), 'the driver claimed it fenced the old primary');
  assert.equal(twoPrimaries, false, 'by the driver\'s word there were never two primaries');

  const hang = run.scenarios.get('A step needs a hang the driver cannot do');
  assert.ok(hang);
  assert.equal(hang.status, 'FAILED');
  assert.deepEqual(hang.failedSteps, ['the primary host of "kv" hangs for 1 second']);
  assert.match(hang.messages.join('\n'), /PlatformCannotError: platform command:\.\/test\/driver\/fixtures\/liar\.py --hide-split-brain --no-hang cannot hang a host/);

  assert.deepEqual(run.survivors, [], 'no process of the run survives it');
});

/**
 * A scenario whose platform driver is broken fails at its first step, saying what the driver
 * did, and leaves nothing running — it never hangs until the step timeout, never passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCucumber } from '../support/cucumber-run.ts';

const run = (mode: string) =>
  runCucumber(['--config', 'test/fixtures/driver/cucumber.json', '--tags', '@broken', '--world-parameters', JSON.stringify({ platform: `command:./test/driver/fixtures/broken.py ${mode}` })], { timeoutMs: 60_000 });

for (const [mode, message] of [
  ['bad-json', /platform command:\S+ bad-json did not start: driver \S+ bad-json wrote a line that is not protocol \(not JSON: "hello there, I am not JSON"\) \(waiting for its answer to "hello"\)/],
  ['dies', /platform command:\S+ dies did not start: the pair to be protected cannot happen: the driver exited with code 3; its stderr ends: dying in the middle of the run/],
] as const) {
  test(`a driver that ${mode === 'dies' ? 'dies mid-run' : 'writes bad JSON'} fails the pair step at once`, { timeout: 90_000 }, async () => {
    const t0 = performance.now();
    const r = await run(mode);
    assert.notEqual(r.exitCode, 0);
    const s = r.scenarios.get('A pair on a broken driver');
    assert.ok(s, r.output.slice(-3000));
    assert.equal(s.status, 'FAILED');
    assert.deepEqual(s.failedSteps, ['a protected pair "kv" with checkpoints every 25 ms']);
    assert.match(s.messages.join('\n'), message);
    assert.ok(performance.now() - t0 < 45_000, 'it failed at once, not at a timeout');
    assert.deepEqual(r.survivors, [], 'nothing survives, the child the dying driver left included');
  });
}

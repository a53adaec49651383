/**
 * `ftchaos driver-check` against the Python reference driver (real hosts: every call passes)
 * and against a driver that lies about roles (caught by asking the hosts themselves).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { line, runFtchaos } from './run.ts';

describe('driver-check on real hosts', { timeout: 300_000 }, () => {
  test('the Python reference driver passes every call', async () => {
    const r = await runFtchaos(['driver-check', 'command:./examples/drivers/builtin.py']);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    for (const name of ['hello', 'start', 'protected', 'status', 'roles are true', 'logs', 'hang', 'resume', 'crash', 'restart', 'failover reported', 'roles are true after failover', 'events', 'stop']) {
      assert.match(line(r.stdout, name), /^ok\s/, name);
    }
    assert.match(r.stdout, /PASS: every required call works/);
    assert.deepEqual(r.survivors, []);
  });

  test('a driver that swaps the roles it reports is caught by asking the hosts themselves', async () => {
    const r = await runFtchaos(['driver-check', 'command:./test/driver/fixtures/liar.py --swap-roles']);
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(line(r.stdout, 'roles are true'), /^FAIL .*host b is reported primary but does not serve: answered "dc1 ERR NOT_PRIMARY".*host a is reported backup but serves: answered "dc2 PONG \d+"/);
    assert.deepEqual(r.survivors, []);
  });
});

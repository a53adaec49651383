/**
 * `ftchaos driver-check` against drivers that are broken in one way each (no VMs: they
 * start nothing real): clear verdicts, the exact lines, no process left behind. The real hosts
 * are in driver-check-real.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { line, runFtchaos } from './run.ts';

const BROKEN = 'command:./test/driver/fixtures/broken.py';
const FAST = ['--call-timeout', '2000', '--start-timeout', '4000'];

// each run has its own tag and spawns no VM: they wait on timeouts, so they run at once
describe('driver-check on broken drivers', { timeout: 120_000, concurrency: true }, () => {
  test('bad JSON: hello answered wrong, with the line it sent and the line it got', async () => {
    const r = await runFtchaos(['driver-check', `${BROKEN} bad-json`, ...FAST]);
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(line(r.stdout, 'hello'), /^FAIL hello\s+answered wrong\s+\(required\) .*not JSON: "hello there, I am not JSON"/);
    assert.match(r.stdout, /sent: {5}\{"id":1,"method":"hello","params":\{"protocol":1,/);
    assert.match(r.stdout, /received: hello there, I am not JSON/);
    assert.match(line(r.stdout, 'start'), /skipped\s+\(required\) hello failed/);
    assert.match(r.stdout, /^FAIL: .*hello/m);
    assert.deepEqual(r.survivors, []);
  });

  test('never protected: protection answered wrong, the roles it claims are checked against the hosts', async () => {
    const r = await runFtchaos(['driver-check', `${BROKEN} never-protected`, ...FAST]);
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(line(r.stdout, 'protected'), /^FAIL protected\s+answered wrong\s+\(required\) never reported \{"event":"protected","protected":true\} within 4000 ms \(roles it reported: a=primary b=backup\)/);
    assert.match(line(r.stdout, 'roles are true'), /^FAIL .*host a is reported primary but does not serve: connection refused/);
    assert.match(line(r.stdout, 'hang'), /^-\s+hang\s+missing\s+not declared: steps that need it fail with "platform command:\S+ never-protected cannot hang a host"/);
    assert.match(line(r.stdout, 'stop'), /^ok\s+stop/);
    assert.deepEqual(r.survivors, []);
  });

  test('hangs on a call: that call timed out, with the line that got no answer', async () => {
    const r = await runFtchaos(['driver-check', `${BROKEN} hangs`, ...FAST]);
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(line(r.stdout, 'status'), /^FAIL status\s+timed out\s+\(required\) driver \S+ hangs did not answer "status" within 2000 ms/);
    assert.match(r.stdout, /sent: {5}\{"id":3,"method":"status","params":\{\}\}\n\s+received: nothing within 2000 ms/);
    assert.deepEqual(r.survivors, []);
  });

  test('dies mid-run: the call it died on says so, and the child it left behind is killed and named', async () => {
    const r = await runFtchaos(['driver-check', `${BROKEN} dies`, ...FAST]);
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(line(r.stdout, 'status'), /^FAIL status\s+answered wrong\s+\(required\) driver \S+ dies exited \(code 3\) before it answered; its stderr ends: dying in the middle of the run/);
    assert.match(line(r.stdout, 'stop'), /^FAIL stop .*already exited with code 3.*left 1 process\(es\) behind: \d+ \(sleep 600\) \(killed\)/);
    assert.deepEqual(r.survivors, [], 'the sleep the driver left is gone too');
  });

  test('event times on another clock: events answered wrong, saying what to do', async () => {
    const r = await runFtchaos(['driver-check', `${BROKEN} wall-clock`, ...FAST]);
    assert.equal(r.exitCode, 1, r.stdout);
    assert.match(line(r.stdout, 'events'), /^FAIL events\s+answered wrong\s+\(required\) \d+ event time\(s\) are not CLOCK_MONOTONIC ms \(leave "time" out to be stamped on arrival\); first: \{"event": "role", "host": "a", "role": "primary", "time": \d+/);
    assert.deepEqual(r.survivors, []);
  });

  test('bad usage: a missing program, a program that is not executable, a bad flag (exit 2, says what is allowed)', async () => {
    const missing = await runFtchaos(['driver-check', './no/such/driver.py']);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /driver program \.\/no\/such\/driver\.py does not exist/);
    const notExec = await runFtchaos(['driver-check', 'test/driver/README.md']);
    assert.equal(notExec.exitCode, 2);
    assert.match(notExec.stderr, /is not executable: chmod \+x it, or name its interpreter \(command:python3 /);
    const flag = await runFtchaos(['driver-check', `${BROKEN} hangs`, '--call-timeout', 'soon']);
    assert.equal(flag.exitCode, 2);
    assert.match(flag.stderr, /--call-timeout must be a whole number of milliseconds/);
  });
});

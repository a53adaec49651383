/**
 * The builtin platform's processes on their own (`ftchaos witness`, `ftchaos host`), as an
 * external driver launches them: events on stdout, exit when stdin closes, bad configuration
 * refused with what is allowed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { freePort } from '../../src/platform/ports.ts';
import { runFtchaos } from './run.ts';

describe('ftchaos witness / host standalone', { timeout: 60_000 }, () => {
  test('the witness says ready on stdout, and exits when its stdin closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftchaos-witness-'));
    try {
      const port = await freePort();
      const env = { ...process.env };
      delete env.NODE_OPTIONS;
      const w = spawn(process.execPath, ['bin/ftchaos.mjs', 'witness', '--port', String(port), '--log-file', join(dir, 'w.log')], { stdio: ['pipe', 'pipe', 'inherit'], env });
      const exited = new Promise<number | null>((r) => w.once('exit', (code) => r(code)));
      const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
        let buf = '';
        w.stdout.setEncoding('utf8');
        w.stdout.on('data', (d: string) => {
          buf += d;
          for (const l of buf.split('\n')) if (l.includes('"t":"ready"')) resolve(JSON.parse(l));
        });
        w.once('exit', (c) => reject(new Error(`witness exited (${c}) before ready`)));
      });
      assert.equal(ready.pid, w.pid);
      assert.equal(typeof ready.time, 'number');
      w.stdin.end();
      assert.equal(await exited, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad configuration is refused with exit 2, naming what is allowed', async () => {
    const noPort = await runFtchaos(['witness', '--log-file', '/tmp/x.log']);
    assert.equal(noPort.exitCode, 2);
    assert.match(noPort.stderr, /--port must be a port number from 1 to 65535, not undefined/);
    const notJson = await runFtchaos(['host', '{name: a}']);
    assert.equal(notJson.exitCode, 2);
    assert.match(notJson.stderr, /the configuration is not JSON/);
    const badName = await runFtchaos(['host', JSON.stringify({ name: 'c', initialRole: 'primary' })]);
    assert.equal(badName.exitCode, 2);
    assert.match(badName.stderr, /name must be "a" or "b", not "c"/);
    const ep = { host: '127.0.0.1', port: 1 };
    const badOpt = await runFtchaos(['host', JSON.stringify({ name: 'a', initialRole: 'primary', links: { client: ep, replication: ep, dialPeer: ep, dialWitness: ep }, logFile: '/tmp/x', options: { checkpointEvery: 3 } })]);
    assert.equal(badOpt.exitCode, 2);
    assert.match(badOpt.stderr, /options: invalid platform options:\n.*unknown option "checkpointEvery": known options are checkpointIntervalMs/);
    const extra = await runFtchaos(['host', JSON.stringify({ name: 'a', role: 'primary' })]);
    assert.match(extra.stderr, /unknown field\(s\) role; allowed: name, peer, initialRole/);
    for (const r of [noPort, notJson, badName, badOpt, extra]) assert.deepEqual(r.survivors, []);
  });
});

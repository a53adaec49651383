/**
 * Process ownership: no host or witness survives its parent (Ctrl-C, SIGTERM, even SIGKILL of
 * the parent), stop() is idempotent, and a start that cannot work fails clearly and leaks nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { BuiltinPlatform, directLayout } from '../../src/platform/builtin/index.ts';
import { childEnv } from '../../src/platform/builtin/children.ts';
import { awaitGone, survivors } from './support.ts';

const FIXTURE = new URL('./fixtures/start-pair.ts', import.meta.url).pathname;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
  test(`no process survives a ${signal} of the parent`, async () => {
    const child = execa(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: childEnv(),
      extendEnv: false,
      stdout: 'pipe',
      stderr: 'pipe',
      reject: false,
      buffer: false,
    });
    let out = '';
    const started = await new Promise<{ pids: number[]; logDir: string }>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { pids: number[]; logDir: string });
      });
      void child.then((r) => reject(new Error(`fixture exited early (${r.exitCode ?? r.signal})`)));
    });
    try {
      assert.equal(started.pids.length, 3);
      assert.equal(survivors(started.pids).length, 3);
      child.kill(signal);
      await child;
      assert.deepEqual(await awaitGone(started.pids, 10_000), [], `children of a ${signal}ed parent survived`);
    } finally {
      for (const pid of survivors(started.pids)) process.kill(pid, 'SIGKILL');
      fs.rmSync(started.logDir, { recursive: true, force: true });
    }
  });
}

test('start() fails clearly when a port is taken, and leaks nothing; stop() is idempotent', async () => {
  const layout = await directLayout();
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(layout.hosts.a.client.port, layout.hosts.a.client.host, () => r()));
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftchaos-platform-'));
  const p = new BuiltinPlatform({ layout, logDir });
  try {
    await assert.rejects(p.start(), /builtin platform did not start: host a .*exited before listening[\s\S]*EADDRINUSE/);
    assert.deepEqual(await awaitGone(p.allPids), []);
    await p.stop();
    await p.stop();
    assert.equal(p.status().primary, null);
  } finally {
    squatter.close();
    await p.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
});

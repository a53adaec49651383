/**
 * The harness's side of the protocol (CommandPlatform) against real driver processes that
 * start nothing: events stamped on arrival when their time is on another clock, status answers
 * that never override newer events, and a capability the driver lacks refused by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandPlatform } from '../../src/platform/command/platform.ts';
import { parseCommandSpec } from '../../src/platform/command/spec.ts';
import { monoMs, type PlatformEvent } from '../../src/platform/types.ts';

const ep = (port: number) => ({ host: '127.0.0.1', port });
const layout = { witness: ep(1), hosts: { a: { client: ep(2), replication: ep(3), dialPeer: ep(4), dialWitness: ep(5) }, b: { client: ep(6), replication: ep(7), dialPeer: ep(8), dialWitness: ep(9) } } };

async function withPlatform(mode: string, fn: (p: CommandPlatform, events: PlatformEvent[], dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-adapter-'));
  const p = new CommandPlatform({
    spec: parseCommandSpec(`command:./test/driver/fixtures/broken.py ${mode}`), pair: 'kv', options: {}, layout, logDir: dir,
    clientEndpoints: { a: ep(10), b: ep(11) }, pollMs: 50, startTimeoutMs: 5000, callTimeoutMs: 3000,
  });
  const events: PlatformEvent[] = [];
  p.on((e) => events.push(e));
  try {
    await fn(p, events, dir);
  } finally {
    await p.stop();
    assert.equal(p.driver?.alive, false, 'the driver is gone after stop');
    rmSync(dir, { recursive: true, force: true });
  }
}

test('event times on another clock are replaced by arrival, and the log says so once', async () => {
  await withPlatform('wall-clock', async (p, events) => {
    const t0 = monoMs();
    await p.start();
    const roles = events.filter((e) => e.type === 'role');
    assert.ok(roles.length >= 2);
    for (const e of roles) assert.ok(Math.abs(e.time - t0) < 10_000, `role time ${e.time} is on the harness clock (now ${t0})`);
    const warnings = events.filter((e) => e.type === 'log' && /is not CLOCK_MONOTONIC ms/.test(e.line));
    assert.equal(warnings.length, 1);
  });
});

test('a status answer read before newer events does not undo them', async () => {
  await withPlatform('stale-status', async (p, events, dir) => {
    await p.start();
    await p.waitFor((s) => s.primary === 'b', 5000, 'b primary');
    // several polls later, still b: the stale answer changed nothing
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(p.status().primary, 'b');
    assert.equal(p.status().hosts.a.role, 'fenced');
    const seq = events.filter((e) => e.type === 'role').map((e) => (e.type === 'role' ? `${e.host}=${e.role}` : ''));
    assert.deepEqual(seq, ['a=primary', 'b=backup', 'a=fenced', 'b=primary']);
    await p.stop();
    assert.match(readFileSync(join(dir, 'kv.driver.transcript.log'), 'utf8'), /> \{"id":1,"method":"hello"/);
  });
});

test('a call the driver did not declare is refused by name, without asking the driver', async () => {
  await withPlatform('stale-status', async (p) => {
    await p.start();
    await assert.rejects(p.hang('a'), /PlatformCannotError|platform command:\.\/test\/driver\/fixtures\/broken\.py stale-status cannot hang a host \(its driver declares: none\)/);
    assert.equal(p.can('crash'), false);
    assert.doesNotMatch(p.driver!.transcript.map((t) => t.line).join('\n'), /"method":"hang"/);
  });
});

/**
 * The agent pool: a pair started from it runs in the pooled processes (no new spawn), is
 * protected and serves; the pool refills after the pair stops; closing it leaves no process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BuiltinPlatform, directLayout, liveChildPids } from '../../src/platform/builtin/index.ts';
import { AgentPool } from '../../src/platform/builtin/agent-pool.ts';
import { KvConn, awaitGone } from './support.ts';

test('a pair from the agent pool runs in the pooled processes, serves, and nothing is left after the pool closes', { timeout: 120_000 }, async () => {
  const before = new Set(liveChildPids());
  const pool = new AgentPool({ vm: { memoryMiB: 16 } });
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftchaos-pool-'));
  let p: BuiltinPlatform | null = null;
  try {
    pool.refill();
    const pooled = liveChildPids().filter((x) => !before.has(x));
    assert.equal(pooled.length, 3, 'one pair\'s worth of agents is starting');
    p = new BuiltinPlatform({ layout: await directLayout(), logDir, pair: 'kv', pool });
    await p.start();
    assert.deepEqual([...p.allPids].sort(), [...pooled].sort(), 'the witness and both hosts are the pooled agents');
    const c = new KvConn('a', p.clientEndpoints()[p.status().primary!], 'pool');
    assert.ok(await c.ready);
    assert.equal(await c.request('SET k 1', 5000), 'OK');
    assert.equal(await c.request('GET k', 5000), 'VAL 1');
    c.close();
    await p.stop();
    // replaced after the pair stopped
    const refilled = liveChildPids().filter((x) => !before.has(x) && !pooled.includes(x));
    assert.equal(refilled.length, 3, 'the pool refills once the pair stopped');
    await pool.close();
    assert.deepEqual(await awaitGone([...pooled, ...refilled]), [], 'no agent survives the pool');
  } finally {
    await p?.stop();
    await pool.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
});

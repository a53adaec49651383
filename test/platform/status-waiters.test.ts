import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusWaiters } from '../../src/platform/status-waiters.ts';
import type { PairStatus } from '../../src/platform/types.ts';

const st = (primary: 'a' | 'b' | null) => ({ primary }) as unknown as PairStatus;

test('a wait resolves when a notified status satisfies it, fails at once when hopeless, and names what it saw on timeout', async () => {
  let now = st(null);
  const w = new StatusWaiters(() => now);
  const describe = (s: PairStatus) => `primary=${s.primary}`;
  const p = w.wait((s) => s.primary === 'b', 5000, 'b primary', { describe });
  now = st('b');
  w.notify();
  assert.equal((await p).primary, 'b');
  await assert.rejects(w.wait((s) => s.primary === 'a', 5000, 'a primary', { describe, hopeless: () => 'the driver exited' }), /a primary cannot happen: the driver exited/);
  await assert.rejects(w.wait((s) => s.primary === 'a', 20, 'a primary', { describe }), /timed out after 20 ms waiting for a primary; primary=b/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacedLoop } from '../../src/workload/paced-loop.ts';

/** collect the start times of `steps` steps of a loop */
async function starts(intervalMs: number, steps: number, think?: () => number): Promise<number[]> {
  const at: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const loop = new PacedLoop(intervalMs, async () => {
    at.push(performance.now());
    if (at.length === steps) done();
  }, think);
  loop.start();
  await finished;
  await loop.stop();
  return at;
}

test('a step follows the one before after the pacing interval at the earliest', async () => {
  const at = await starts(20, 4);
  // (0.1 ms less: the step reads the clock a moment after the loop did)
  for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 19.9, `gap ${at[i]! - at[i - 1]!} ms < 20 ms`);
});

test('a think time is drawn after every step and waited on top of the pacing', async () => {
  const draws = [30, 0, 45];
  let calls = 0;
  const at = await starts(5, 4, () => draws[calls++ % draws.length]!);
  assert.ok(calls >= 3, `think drawn ${calls} times for 4 steps`);
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  assert.ok(gaps[0]! >= 34.9, `first gap ${gaps[0]} ms, expected ≥ 5 + 30`);
  assert.ok(gaps[2]! >= 49.9, `third gap ${gaps[2]} ms, expected ≥ 5 + 45`);
});

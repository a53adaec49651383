/** Naming the pairs of a fleet, and what a wrong count or group name says (pure: boots nothing). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetNames, MAX_FLEET, sweepRates } from '../../src/harness/fleet.ts';
import { StepInputError } from '../../src/harness/params.ts';

test('a group of N pairs is <group>-1 … <group>-N', () => {
  assert.deepEqual(fleetNames('r1-kv', 3, 'step'), ['r1-kv-1', 'r1-kv-2', 'r1-kv-3']);
});

test('a wrong count or group name fails naming the step, the value and what is allowed', () => {
  assert.throws(() => fleetNames('r1', 0, '0 protected pairs "r1"'), (e: Error) => e instanceof StepInputError && /^0 protected pairs "r1": 0 pairs is not allowed; allowed: 1 to 16 pairs$/.test(e.message));
  assert.throws(() => fleetNames('r1', MAX_FLEET + 1, 's'), /17 pairs is not allowed/);
  assert.throws(() => fleetNames('r 1', 2, 's'), /group name "r 1" is not allowed; allowed: letters, digits/);
});

test('a sweep steps down geometrically from the first rate to the last', () => {
  assert.deepEqual(sweepRates(16000, 250, 7), [16000, 8000, 4000, 2000, 1000, 500, 250]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCount, parseDuration, parsePairOptions, parsePercent, parseRateKBps, parseWarmUpOps, StepInputError } from '../../src/harness/params.ts';

test('durations in the units QA writes', () => {
  assert.equal(parseDuration('25 ms'), 25);
  assert.equal(parseDuration('2 seconds'), 2000);
  assert.equal(parseDuration('1 second'), 1000);
  assert.equal(parseDuration('1.5 s'), 1500);
  assert.equal(parseDuration('0 ms'), 0);
});

test('a negative or unitless duration names the value and what is allowed', () => {
  assert.throws(() => parseDuration('-2 seconds'), (e: Error) => e instanceof StepInputError && /"-2 seconds" is negative/.test(e.message) && /allowed/.test(e.message));
  assert.throws(() => parseDuration('25'), /"25" is not a duration; allowed: a number followed by ms or seconds/);
  assert.throws(() => parseDuration('3 fortnights'), /not a duration/);
});

test('percentages: (0, 100]', () => {
  assert.equal(parsePercent('99.999%'), 0.99999);
  assert.equal(parsePercent('100%'), 1);
  assert.throws(() => parsePercent('100.5%'), /"100.5%" is out of range; allowed: more than 0% and at most 100%/);
  assert.throws(() => parsePercent('0%'), /out of range/);
  assert.throws(() => parsePercent('99.9'), /not a percentage/);
});

test('rates in KB/s', () => {
  assert.equal(parseRateKBps('256 KB/s'), 256);
  assert.equal(parseRateKBps('1 MB/s'), 1024);
  assert.throws(() => parseRateKBps('0 KB/s'), /must be more than 0/);
});

test('counts', () => {
  assert.equal(checkCount(8, 'client count', 1, 64), 8);
  assert.throws(() => checkCount(0, 'client count', 1, 64), /client count 0 is out of range; allowed: a whole number from 1 to 64/);
});

test('option tables map to platform options', () => {
  assert.deepEqual(
    parsePairOptions([
      ['checkpoint interval', '10 ms'],
      ['output commit', 'off'],
      ['fencing', 'none'],
      ['mode', 'event'],
      ['failover timeout', '150 ms'],
      ['heartbeat interval', '5 ms'],
      ['memory', '32 MiB'],
    ]),
    { checkpointIntervalMs: 10, outputCommit: false, fencing: 'none', mode: 'event', failoverTimeoutMs: 150, heartbeatIntervalMs: 5, memoryMiB: 32 },
  );
});

test('an unknown option or value lists what is allowed', () => {
  assert.throws(() => parsePairOptions([['checkpoint speed', 'fast']]), /unknown option "checkpoint speed"; allowed: checkpoint interval, output commit, fencing, mode/);
  assert.throws(() => parsePairOptions([['fencing', 'shared disk']]), /fencing "shared disk" is not allowed; allowed: witness, none/);
  assert.throws(() => parsePairOptions([['output commit', 'maybe']]), /allowed: on or off/);
  assert.throws(() => parsePairOptions([['checkpoint interval', '0 ms']]), /must be greater than 0 ms/);
  assert.throws(() => parsePairOptions([['mode']]), /must have two cells/);
});

test('world parameter warmUpOps: absent, 0 (off) or a whole number of ops; anything else is refused', () => {
  assert.equal(parseWarmUpOps(undefined), undefined);
  assert.equal(parseWarmUpOps(0), 0);
  assert.equal(parseWarmUpOps(500), 500);
  for (const bad of [-1, 2.5, '200', 100_001, null]) {
    assert.throws(() => parseWarmUpOps(bad), (e: Error) => e instanceof StepInputError && /warmUpOps .* is not allowed; allowed: a whole number of ops from 0 \(no warm-up\) to 100000/.test(e.message), String(bad));
  }
});

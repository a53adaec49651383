/** Ctrl-C in the middle of a scenario: every host, witness and proxy of the run goes with it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { runCucumber, taggedProcesses } from '../support/cucumber-run.ts';

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

test('SIGINT during a scenario leaves no process behind', { timeout: 180_000 }, async () => {
  let seenHosts = 0;
  const run = await runCucumber(['--config', 'test/fixtures/cucumber.json', '--tags', '@long'], {
    whileRunning: async (tag, signal) => {
      // wait (polling the process table: the state we wait for has no event) for both hosts
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        seenHosts = taggedProcesses(tag).filter((p) => cmdline(p).includes('host-main')).length;
        if (seenHosts >= 2) break;
        await delay(100);
      }
      signal('SIGINT');
    },
  });
  assert.equal(seenHosts, 2, 'both host processes were running before the interrupt');
  assert.notEqual(run.exitCode, 0);
  assert.deepEqual(run.survivors.map((p) => `${p}: ${cmdline(p)}`), [], 'no process of the run survives the interrupt');
});

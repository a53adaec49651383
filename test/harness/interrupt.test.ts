/** Ctrl-C in the middle of a scenario: every host, witness and proxy of the run goes with it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runCucumber, taggedProcesses } from '../support/cucumber-run.ts';

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

const RUNS = process.env.FTCHAOS_RUNS_DIR || join('reports', 'runs'); // as the harness resolves it
const runDirs = () => new Set(existsSync(RUNS) ? readdirSync(RUNS) : []);

/** hosts of the scenario's pair that have started (their logs say so), in run folders made since `before` */
function startedHosts(before: Set<string>): number {
  let n = 0;
  for (const run of [...runDirs()].filter((d) => !before.has(d))) {
    for (const sc of readdirSync(join(RUNS, run))) {
      for (const h of ['a', 'b']) {
        const log = join(RUNS, run, sc, 'logs', 'kv', `kv.host-${h}.log`);
        if (existsSync(log) && readFileSync(log, 'utf8').includes('"host starting"')) n++;
      }
    }
  }
  return n;
}

test('SIGINT during a scenario leaves no process behind', { timeout: 180_000 }, async () => {
  let seenHosts = 0;
  let processes = 0;
  const before = runDirs();
  const run = await runCucumber(['--config', 'test/fixtures/cucumber.json', '--tags', '@long'], {
    whileRunning: async (tag, signal) => {
      // wait (polling the logs: the state we wait for has no event we can subscribe to) for
      // both hosts of the scenario's pair to run
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        seenHosts = startedHosts(before);
        if (seenHosts >= 2) break;
        await delay(100);
      }
      processes = taggedProcesses(tag).length;
      signal('SIGINT');
    },
  });
  assert.equal(seenHosts, 2, 'both host processes were running before the interrupt');
  assert.ok(processes >= 4, `cucumber, witness and both hosts (and idle agents) were running: ${processes}`);
  assert.notEqual(run.exitCode, 0);
  assert.deepEqual(run.survivors.map((p) => `${p}: ${cmdline(p)}`), [], 'no process of the run survives the interrupt');
});

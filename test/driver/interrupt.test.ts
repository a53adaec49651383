/**
 * Ctrl-C in the middle of a scenario run through an external driver: the driver, its witness
 * and hosts, and the proxies all go with it (the driver sees its stdin close; the harness kills
 * its process group).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runCucumber, taggedProcesses } from '../support/cucumber-run.ts';

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

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

test('SIGINT during a scenario through the Python driver leaves no process behind', { timeout: 180_000 }, async () => {
  let seenHosts = 0;
  let processes: string[] = [];
  const before = runDirs();
  const run = await runCucumber(['--config', 'test/fixtures/cucumber.json', '--tags', '@long', '--world-parameters', JSON.stringify({ platform: 'command:./examples/drivers/builtin.py' })], {
    whileRunning: async (tag, signal) => {
      // poll the logs: "both hosts run" has no event the test can subscribe to
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        seenHosts = startedHosts(before);
        if (seenHosts >= 2) break;
        await delay(100);
      }
      processes = taggedProcesses(tag).map(cmdline);
      signal('SIGINT');
    },
  });
  assert.equal(seenHosts, 2, 'both host processes were running before the interrupt');
  assert.ok(processes.some((c) => c.includes('examples/drivers/builtin.py')), `the driver ran: ${processes.join('\n')}`);
  assert.ok(processes.filter((c) => / host \{/.test(c)).length === 2 && processes.some((c) => c.includes(' witness ')), `witness and both hosts ran as ftchaos witness/host: ${processes.join('\n')}`);
  assert.notEqual(run.exitCode, 0);
  assert.deepEqual(run.survivors.map((p) => `${p}: ${cmdline(p)}`), [], 'no process of the run survives the interrupt');
});

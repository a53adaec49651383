#!/usr/bin/env node
// `npm test`'s test run in two lanes at once, so that a 2-core CI runner is kept busy:
//
//  - the timed lane, at normal priority: the tests that judge the platform's timing (failover,
//    outages, unplanned role changes) and then the default feature suite (test:features);
//  - the other lane, niced (nice 10): everything else — pure checkers and plots, the CLI,
//    drivers, Toxiproxy, self-tests and harness tests that assert what was caught or reported,
//    never how fast. It takes the CPU the timed lane leaves, so it cannot make that lane's
//    scenarios slow. Its cucumber runs use no agent pool (FTCHAOS_AGENT_POOL=off): a pool is
//    refilled after each scenario, which a run of one or two scenarios pays for and never uses
//    (the pool itself is tested by test/platform/agent-pool.test.ts and used by the suite).
//    Its runs keep their evidence under reports/test-lanes/ (FTCHAOS_RUNS_DIR,
//    FTCHAOS_ALLURE_RESULTS), apart from the suite's report.
//
// A test file not named in TIMED runs in the other lane. Each lane's output streams to
// reports/test-lanes/<lane>.log as it runs and is printed whole when the lane ends; the last
// lines name each failed lane with the end of its log, so the tail of a CI log says what broke.
// Ctrl-C / SIGTERM reach both lanes (their process groups), which clean up after themselves.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** test files whose verdicts depend on timing: never run beside another lane at equal priority */
export const TIMED = [
  'test/platform/failover.test.ts',
  'test/platform/faults.test.ts',
  'test/platform/agent-pool.test.ts',
  'test/platform/lifecycle.test.ts',
  'test/harness/unplanned.test.ts',
  'test/harness/sharper-faults.test.ts',
  'test/bugs/plantings.test.ts',
  'test/vm/checkpoint.test.ts',
  'test/workload/register.test.ts',
  // writes the suite's own reports/verdicts.txt and reads reports/allure-results (profile driver-smoke)
  'test/driver/smoke.test.ts',
];

const LOG_DIR = 'reports/test-lanes';
const TAIL_LINES = 60;

function testFiles() {
  return readdirSync('test', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join('test', d.name)).filter((f) => f.endsWith('.test.ts')).map((f) => `test/${d.name}/${f}`))
    .sort();
}

const nodeTest = (files) => [process.execPath, '--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files];

function lanes() {
  const all = testFiles();
  const missing = TIMED.filter((f) => !all.includes(f));
  if (missing.length) throw new Error(`scripts/test-lanes.mjs names test files that do not exist: ${missing.join(', ')}`);
  const other = all.filter((f) => !TIMED.includes(f));
  return [
    { name: 'timed', commands: [nodeTest(TIMED), ['npm', 'run', '-s', 'test:features']], env: {} },
    {
      name: 'other',
      commands: [['nice', '-n', '10', ...nodeTest(other)]],
      // its own evidence folders, so that nothing it runs lands in the suite's report
      env: { FTCHAOS_AGENT_POOL: 'off', FTCHAOS_RUNS_DIR: join(LOG_DIR, 'runs'), FTCHAOS_ALLURE_RESULTS: join(LOG_DIR, 'allure-results') },
    },
  ];
}

const children = new Set();

/** run a lane's commands one after another; resolves with the first non-zero exit code (or 0) */
function runLane(lane) {
  mkdirSync(LOG_DIR, { recursive: true });
  const path = join(LOG_DIR, `${lane.name}.log`);
  const log = createWriteStream(path);
  const started = performance.now();
  const runOne = (cmd) =>
    new Promise((resolve) => {
      log.write(`$ ${cmd.join(' ')}\n`);
      const child = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, ...lane.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      children.add(child);
      child.stdout.pipe(log, { end: false });
      child.stderr.pipe(log, { end: false });
      child.on('close', (code, signal) => {
        children.delete(child);
        resolve(code ?? (signal ? 128 : 1));
      });
    });
  return (async () => {
    let code = 0;
    for (const cmd of lane.commands) {
      code = await runOne(cmd);
      if (code !== 0) break;
    }
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    await new Promise((r) => log.end(r));
    return { lane: lane.name, code, path, secs };
  })();
}

function stopAll(signal) {
  for (const c of children) {
    try {
      process.kill(-c.pid, signal);
    } catch {
      /* already gone */
    }
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    process.stderr.write(`\ntest-lanes: ${sig}: stopping both lanes\n`);
    stopAll(sig);
  });
}

const results = await Promise.all(lanes().map(runLane));
for (const r of results) {
  process.stdout.write(`\n===== lane ${r.lane} (${r.secs} s, exit ${r.code}) — ${r.path}\n`);
  process.stdout.write(readFileSync(r.path, 'utf8'));
}
const failed = results.filter((r) => r.code !== 0);
process.stdout.write('\n===== test lanes\n');
for (const r of results) process.stdout.write(`  ${r.lane}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.secs} s\n`);
for (const r of failed) {
  const lines = readFileSync(r.path, 'utf8').trimEnd().split('\n');
  process.stdout.write(`\n----- the end of lane ${r.lane} (${r.path}):\n${lines.slice(-TAIL_LINES).join('\n')}\n`);
}
process.exit(failed.length ? 1 : 0);

#!/usr/bin/env node
// `npm test`'s test run, in two phases:
//
//  1. two lanes at once, each running its test files one after another:
//     - vm (normal priority): every test file that starts processes, servers or scenarios. They
//       run one at a time, because a second VM workload beside a scenario is what makes a
//       correct platform look slow (measured: outages over target and unplanned failovers when
//       two such lanes shared the 2 cores). Their cucumber runs use no agent pool
//       (FTCHAOS_AGENT_POOL=off): a pool is refilled after each scenario, which a run of one or
//       two scenarios pays for and never uses (the pool has its own test and serves the suite).
//     - pure (nice 10): the files named in PURE, which start no VM and no busy server.
//  2. once both passed: the default feature suite (test:features) alone, without the pool.
//
// The files named in EXTENDED are left out: end-to-end tests whose parts the default features
// and the other tests already cover, too slow for a 15-minute CI budget on 2 cores. They run
// with `npm run test:extended` (and `npm run test:unit` runs every file).
//
// Each lane's output streams to reports/test-lanes/<lane>.log as it runs and is printed whole
// when the lane ends; the last lines name each failed lane with the end of its log, so the tail
// of a CI log says what broke. Ctrl-C / SIGTERM reach every lane (their process groups).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** left out of npm test (see above): npm run test:extended */
export const EXTENDED = [
  // the platform's failover paths one by one; the default features and self-tests run each of
  // them (primary crash, Kemari, re-protection, backup crash, hang, output commit off, fencing none)
  'test/platform/failover.test.ts',
  // end to end through npm pack + install + init (a QA repository), through two real shards and
  // a merge, and the Python driver through driver-check: minutes of installs and cold starts; the
  // parts they join are each tested in the suite (init, shard planning and merging, the driver
  // protocol against broken drivers, cucumber through command: drivers)
  'test/cli/qa-repo.test.ts',
  'test/cli/shard.test.ts',
  'test/driver/driver-check-real.test.ts',
];

/** test files that start no process, server or scenario: safe to run beside the main lane */
export const PURE = [
  ...[
    'availability', 'commit-growth', 'failover', 'history', 'keeps-serving', 'latency', 'linearizable-evidence',
    'linearizable', 'lost-writes', 'observer', 'outage', 'register-ops', 'replication', 'rollback', 'scale', 'split-brain', 'unplanned',
  ].map((n) => `test/check/${n}.test.ts`),
  ...['allure-executor', 'fault-phase', 'lin-window-plot', 'network', 'plots', 'text'].map((n) => `test/report/${n}.test.ts`),
  'test/bugs/catalogue.test.ts',
  'test/bugs/matrix.test.ts',
  'test/soak/soak.test.ts',
  'test/faults/schedule.test.ts',
  'test/harness/params.test.ts',
  'test/harness/own-links.test.ts',
  'test/platform/options.test.ts',
  'test/platform/status-waiters.test.ts',
  'test/driver/adapter.test.ts',
  'test/driver/protocol.test.ts',
  'test/driver/select.test.ts',
  'test/cli/shard-units.test.ts',
  'test/workload/recorder.test.ts',
  'test/workload/paced-loop.test.ts',
  'test/workload/probe.test.ts',
  'test/toxiproxy/units.test.ts',
  // embedded Toxiproxy servers without VMs and without timing bounds (hostile, fuzz, toxics,
  // streaming and shared-bandwidth measure time and stay in the processes lane)
  'test/toxiproxy/api.test.ts',
  'test/toxiproxy/cli.test.ts',
  'test/toxiproxy/connect.test.ts',
  'test/toxiproxy/lifecycle.test.ts',
  // broken drivers: small Python processes answering wrong, waiting on timeouts; no VM
  'test/driver/driver-check.test.ts',
  'test/editor/language-service.test.ts',
  'test/scripts/step-catalog.test.ts',
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

const POOL_OFF = { FTCHAOS_AGENT_POOL: 'off' };

/** the lanes of phase 1 */
function lanes() {
  const all = testFiles();
  const missing = [...EXTENDED, ...PURE].filter((f) => !all.includes(f));
  if (missing.length) throw new Error(`scripts/test-lanes.mjs names test files that do not exist: ${missing.join(', ')}`);
  const vm = all.filter((f) => !EXTENDED.includes(f) && !PURE.includes(f));
  return [
    { name: 'vm', commands: [{ cmd: nodeTest(vm), env: POOL_OFF }] },
    { name: 'pure', commands: [{ cmd: ['nice', '-n', '10', ...nodeTest(PURE)], env: {} }] },
  ];
}

// without the agent pool too: spares prepared during a scenario's fault windows stalled every
// process on 2 cores (outages after re-protection); the suite took the same 3 min 39 s without it
const FEATURES = { name: 'features', commands: [{ cmd: ['npm', 'run', '-s', 'test:features'], env: POOL_OFF }] };

const children = new Set();

/** run a lane's commands one after another; resolves with the first non-zero exit code (or 0) */
function runLane(lane) {
  mkdirSync(LOG_DIR, { recursive: true });
  const path = join(LOG_DIR, `${lane.name}.log`);
  const log = createWriteStream(path);
  const started = performance.now();
  const runOne = ({ cmd, env }) =>
    new Promise((resolve) => {
      log.write(`$ ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}${cmd.join(' ')}\n`);
      const child = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    process.stderr.write(`\ntest-lanes: ${sig}: stopping every lane\n`);
    stopAll(sig);
  });
}

if (process.argv.includes('--extended')) {
  const r = await runLane({ name: 'extended', commands: [{ cmd: nodeTest(EXTENDED), env: {} }] });
  process.stdout.write(readFileSync(r.path, 'utf8'));
  process.exit(r.code);
}

const results = await Promise.all(lanes().map(runLane));
if (results.every((r) => r.code === 0) && !stopping) results.push(await runLane(FEATURES));
else results.push({ lane: 'features', code: 0, path: '', secs: '0', skipped: true });
for (const r of results) {
  if (r.skipped) continue;
  process.stdout.write(`\n===== lane ${r.lane} (${r.secs} s, exit ${r.code}) — ${r.path}\n`);
  process.stdout.write(readFileSync(r.path, 'utf8'));
}
const failed = results.filter((r) => r.code !== 0);
process.stdout.write('\n===== test lanes\n');
for (const r of results) process.stdout.write(`  ${r.lane}: ${r.skipped ? 'not run (a lane before it failed)' : r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}${r.skipped ? '' : ` in ${r.secs} s`}\n`);
for (const r of failed) {
  const lines = readFileSync(r.path, 'utf8').trimEnd().split('\n');
  process.stdout.write(`\n----- the end of lane ${r.lane} (${r.path}):\n${lines.slice(-TAIL_LINES).join('\n')}\n`);
}
process.exit(failed.length ? 1 : 0);

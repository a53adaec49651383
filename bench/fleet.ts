/**
 * npm run bench:fleet — how many protected pairs this machine holds (issue 12), through the
 * harness's own path: the embedded Toxiproxy, the builtin platform (agent pool), one writing
 * client and probes per pair, every event scoped to its pair.
 *
 * For each fleet size N (FTCHAOS_BENCH_FLEET_N, default 1,2,3,4,6,8): boot N pairs at 25 ms
 * epochs (two at a time), let them run WARMUP_MS, then measure WINDOW_MS:
 *   - per pair: write commit latency p99 (timeouts count), protection lost (platform reports)
 *   - memory: RSS of each pair's two host processes; of the harness process; of every other
 *     process under this one (witnesses, lease sidecars, idle agents)
 *   - CPU: utime+stime over the window of the same processes, as % of one core
 * N holds when every pair keeps p99 < 100 ms and never loses protection. The sweep stops at
 * the first N that does not hold; the answer is the largest N that held.
 *
 *   npm run bench:fleet    (env: FTCHAOS_BENCH_FLEET_N=1,2,4  FTCHAOS_BENCH_FLEET_MS=8000)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commitLatency, eventsOf, unprotectedPeriods } from '../src/check/index.ts';
import { startFleet } from '../src/harness/fleet.ts';
import { closePlatforms, platformsSettled, resolvePlatform, warmPlatforms } from '../src/harness/platforms.ts';
import { ScenarioRuntime } from '../src/harness/scenario.ts';
import { connectToxiproxy } from '../src/toxiproxy/connect.ts';

const SIZES = (process.env.FTCHAOS_BENCH_FLEET_N ?? '1,2,3,4,6,8').split(',').map(Number);
const WINDOW_MS = Number(process.env.FTCHAOS_BENCH_FLEET_MS ?? 8000);
const WARMUP_MS = 1000;
const EPOCH_MS = 25;
const P99_BOUND_MS = 100;
const TICK = 100; // USER_HZ on Linux
const PAGE = 4096;

interface Proc { pid: number; ppid: number; cpuTicks: number; rssBytes: number }

function readProcs(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields after the name: state(0) ppid(1) … utime(11) stime(12) … rss(21) pages
      out.set(Number(d), { pid: Number(d), ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * PAGE });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** every process below `root` (not root itself) */
function descendants(procs: Map<number, Proc>, root: number): Set<number> {
  const out = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs.values()) {
      if (!out.has(p.pid) && (p.ppid === root || out.has(p.ppid))) {
        out.add(p.pid);
        grew = true;
      }
    }
  }
  return out;
}

const sum = (procs: Map<number, Proc>, pids: Iterable<number>, f: (p: Proc) => number) => {
  let s = 0;
  for (const pid of pids) {
    const p = procs.get(pid);
    if (p) s += f(p);
  }
  return s;
};
const mb = (b: number) => (b / 1e6).toFixed(0);
const pctCore = (ticks: number) => ((ticks / TICK / (WINDOW_MS / 1000)) * 100).toFixed(0);

interface SizeResult {
  n: number;
  holds: boolean;
  worstP99: number | null;
  lostProtection: string[];
  overBound: string[];
  hostRssPerPair: number;
  hostCpuTicksPerPair: number;
  harnessRss: number;
  harnessCpuTicks: number;
  otherRss: number;
  otherCpuTicks: number;
  bootMs: number;
}

async function measure(n: number, tp: Awaited<ReturnType<typeof connectToxiproxy>>, root: string): Promise<SizeResult> {
  const rt = new ScenarioRuntime({ dir: join(root, `n${n}`), toxiproxy: tp.client, platformFactory: resolvePlatform('builtin'), seed: 1 });
  try {
    const t0 = performance.now();
    const pairs = await startFleet(rt, 'bench', n, { checkpointIntervalMs: EPOCH_MS }, `bench fleet of ${n}`);
    const bootMs = performance.now() - t0;
    // the agent pool replaces the agents the pairs took: not in the window
    await platformsSettled();
    for (const p of pairs) {
      p.startClients(1);
      p.startProbes(20);
    }
    await sleep(WARMUP_MS);
    const from = rt.recorder.now();
    const before = readProcs();
    const self = process.pid;
    await sleep(WINDOW_MS);
    const after = readProcs();
    const to = rt.recorder.now();
    const hostPids = pairs.flatMap((p) => Object.values(p.status().hosts).map((h) => h.pid).filter((x): x is number => x !== null));
    const hostTrees = new Set(hostPids.flatMap((pid) => [pid, ...descendants(after, pid)]));
    const others = [...descendants(after, self)].filter((pid) => !hostTrees.has(pid));
    const ticks = (pids: Iterable<number>) => sum(after, pids, (p) => p.cpuTicks) - sum(before, pids, (p) => p.cpuTicks);
    const results = pairs.map((p) => {
      const ev = eventsOf(rt.recorder.events, p.name).filter((e) => e.time >= from && e.time < to);
      const lat = commitLatency(ev);
      const lost = unprotectedPeriods(eventsOf(rt.recorder.events, p.name), { since: from }).filter((r) => r.from < to);
      return { name: p.name, p99: lat.p99, lost: lost.length > 0 };
    });
    const p99s = results.map((r) => r.p99 ?? Infinity);
    const overBound = results.filter((r) => !(r.p99 !== null && r.p99 < P99_BOUND_MS)).map((r) => `${r.name} (p99 ${r.p99 === null ? 'no writes' : r.p99.toFixed(0) + ' ms'})`);
    const lostProtection = results.filter((r) => r.lost).map((r) => r.name);
    return {
      n, holds: overBound.length === 0 && lostProtection.length === 0, worstP99: Math.max(...p99s), lostProtection, overBound,
      hostRssPerPair: sum(after, hostTrees, (p) => p.rssBytes) / n, hostCpuTicksPerPair: ticks(hostTrees) / n,
      harnessRss: after.get(self)?.rssBytes ?? 0, harnessCpuTicks: (after.get(self)?.cpuTicks ?? 0) - (before.get(self)?.cpuTicks ?? 0),
      otherRss: sum(after, others, (p) => p.rssBytes), otherCpuTicks: ticks(others), bootMs,
    };
  } finally {
    await rt.teardown();
    await platformsSettled();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'ftchaos-bench-fleet-'));
  warmPlatforms();
  const tp = await connectToxiproxy();
  const rows: SizeResult[] = [];
  try {
    for (const n of SIZES) {
      const r = await measure(n, tp, root);
      rows.push(r);
      console.error(`  N=${n}: ${r.holds ? 'holds' : 'does not hold'} (worst p99 ${r.worstP99 === null ? 'n/a' : r.worstP99.toFixed(0)} ms)`);
      if (!r.holds) break;
    }
  } finally {
    await tp.close();
    await closePlatforms();
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`ftchaos fleet bench: npm run bench:fleet (node ${process.version}, ${(await import('node:os')).cpus().length} cores)`);
  console.log(`builtin platform, ${EPOCH_MS} ms epochs, 1 writing client + probes every 20 ms per pair, ${WINDOW_MS} ms window after ${WARMUP_MS} ms warm-up; one run per N`);
  console.log('');
  console.log('   N  holds  worst p99  boot     per pair: hosts RSS  hosts CPU    harness RSS  harness CPU   other RSS  other CPU');
  for (const r of rows) {
    console.log(
      `${String(r.n).padStart(4)}  ${(r.holds ? 'yes' : 'NO').padEnd(5)}  ${(r.worstP99 === null ? 'n/a' : r.worstP99.toFixed(0) + ' ms').padStart(9)}  ${(r.bootMs / 1000).toFixed(1).padStart(4)} s` +
        `  ${mb(r.hostRssPerPair).padStart(16)} MB  ${pctCore(r.hostCpuTicksPerPair).padStart(7)} %` +
        `  ${mb(r.harnessRss).padStart(10)} MB  ${pctCore(r.harnessCpuTicks).padStart(9)} %  ${mb(r.otherRss).padStart(8)} MB  ${pctCore(r.otherCpuTicks).padStart(7)} %`,
    );
    if (!r.holds) console.log(`        ${[...r.overBound.map((x) => `over ${P99_BOUND_MS} ms: ${x}`), ...r.lostProtection.map((x) => `lost protection: ${x}`)].join('; ')}`);
  }
  const held = rows.filter((r) => r.holds).map((r) => r.n);
  const best = held.length ? Math.max(...held) : 0;
  const last = rows.at(-1);
  console.log('');
  console.log(`largest N whose every pair kept commit p99 < ${P99_BOUND_MS} ms and its protection: ${best}` +
    (last?.holds ? ` (every size tried held; try larger FTCHAOS_BENCH_FLEET_N)` : ` (N=${last?.n} did not)`));
  console.log(`CPU is % of one core over the window; RSS at the window's end. took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();

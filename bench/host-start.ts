/**
 * What `ftchaos host` costs to start, as an external driver launches it (`node bin/ftchaos.mjs
 * host '<config>'`): wall time and CPU time (all threads, from /proc) until its "listening"
 * event, from the bundles against from source through tsx (FTCHAOS_BUNDLES=off, the baseline),
 * alternating, in one run. A solo primary: no peer and no witness. Run: npm run bench:host-start
 * [-- --runs N]. Linux only (reads /proc/<pid>/stat).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { median } from '../src/check/stats.ts';
import { freePorts } from '../src/platform/ports.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '6' } } });
const runs = Number(values.runs);
const TICKS_PER_S = 100; // USER_HZ on Linux

/** utime + stime of a live process, in seconds */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
}

async function startOnce(dir: string, bundles: boolean, i: number): Promise<{ wallMs: number; cpuS: number }> {
  const [client, replication, dialPeer, dialWitness] = (await freePorts(4)).map((port) => ({ host: '127.0.0.1', port }));
  const cfg = {
    name: 'a',
    initialRole: 'primary',
    solo: true,
    logFile: join(dir, `host-${i}.log`),
    links: { client, replication, dialPeer, dialWitness },
  };
  const env = { ...process.env };
  if (bundles) delete env.FTCHAOS_BUNDLES;
  else env.FTCHAOS_BUNDLES = 'off';
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/ftchaos.mjs', 'host', JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'inherit'], env });
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.includes('"listening"')) break;
    }
    const wallMs = performance.now() - t0;
    if (child.exitCode !== null || child.pid === undefined) throw new Error('the host exited before it listened');
    return { wallMs, cpuS: cpuSeconds(child.pid) };
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.stdin!.end(); // a host exits when its stdin closes
    await gone;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ftchaos-bench-host-'));
try {
  const bundled: { wallMs: number; cpuS: number }[] = [];
  const source: { wallMs: number; cpuS: number }[] = [];
  for (let i = 0; i < runs; i++) {
    bundled.push(await startOnce(dir, true, 2 * i));
    source.push(await startOnce(dir, false, 2 * i + 1));
  }
  const row = (name: string, xs: { wallMs: number; cpuS: number }[]) => {
    const w = xs.map((x) => x.wallMs);
    const c = xs.map((x) => x.cpuS);
    console.log(`${name.padEnd(24)} wall to listening median ${median(w)!.toFixed(0)} ms (worst ${Math.max(...w).toFixed(0)}), CPU median ${median(c)!.toFixed(2)} s (worst ${Math.max(...c).toFixed(2)})`);
  };
  console.log(`ftchaos host start, ${runs} starts each, alternating`);
  row('bundles', bundled);
  row('source (tsx, baseline)', source);
  const ratio = median(bundled.map((x) => x.cpuS))! / median(source.map((x) => x.cpuS))!;
  console.log(`CPU to start from bundles / from source: ${ratio.toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

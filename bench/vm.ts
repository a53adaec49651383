/**
 * VM layer costs: boot, captureFull / captureDelta (idle, computing, computing + writing
 * pages), applyDelta, restore, serial round trips, idle CPU. Run: npm run bench:vm
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  applyDelta,
  bootVm,
  decodeCheckpoint,
  decodeDelta,
  encodeCheckpoint,
  encodeDelta,
  prewarmVm,
  restoreVm,
  type Checkpoint,
  type V86Vm,
} from '../src/vm/index.ts';

const quick = process.argv.includes('--quick');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const f = (x: number, d = 3) => x.toFixed(d);

function ask(vm: V86Vm, line: string): Promise<string> {
  return new Promise((resolve) => {
    const off = vm.onLine((l) => {
      off();
      resolve(l);
    });
    vm.sendLine(line);
  });
}

/** capture a delta every epochMs for durMs while the guest runs; applies them to `base` */
async function epochs(vm: V86Vm, base: Checkpoint, epochMs: number, durMs: number) {
  const ms: number[] = [];
  const bytes: number[] = [];
  const pages: number[] = [];
  let cp = base;
  const end = performance.now() + durMs;
  while (performance.now() < end) {
    await sleep(epochMs);
    const t = performance.now();
    const d = vm.captureDelta();
    ms.push(performance.now() - t);
    const enc = encodeDelta(d);
    bytes.push(enc.length);
    pages.push(d.pages.length);
    cp = applyDelta(cp, decodeDelta(enc));
  }
  return { ms, bytes, pages, cp };
}

function report(name: string, r: { ms: number[]; bytes: number[]; pages: number[] }) {
  console.log(
    `${name.padEnd(28)} captureDelta p50 ${f(pct(r.ms, 50))} ms  p99 ${f(pct(r.ms, 99))} ms  ` +
      `delta p50 ${pct(r.bytes, 50)} B (${pct(r.pages, 50)} pages)  n=${r.ms.length}`,
  );
}

async function main() {
  const dur = quick ? 1000 : 3000;
  let t = performance.now();
  const vm = await bootVm();
  console.log(`boot (first, incl. wasm compile)  ${f(performance.now() - t, 1)} ms`);
  t = performance.now();
  const vmB = await bootVm();
  console.log(`boot (second)                     ${f(performance.now() - t, 1)} ms`);
  vmB.destroy();

  // serial round trips (the JIT warms up over the first ~1000)
  for (let i = 0; i < 2000; i++) await ask(vm, `w${i} SET warm${i % 50} ${i}`);
  const lat: number[] = [];
  const serialEnd = performance.now() + dur;
  let ops = 0;
  const s0 = performance.now();
  while (performance.now() < serialEnd) {
    const a = performance.now();
    await ask(vm, ops % 2 ? `${ops} GET k${ops % 100}` : `${ops} SET k${ops % 100} v${ops}`);
    lat.push(performance.now() - a);
    ops++;
  }
  const secs = (performance.now() - s0) / 1000;
  console.log(`serial SET/GET sequential         ${f(ops / secs, 0)} ops/s  p50 ${f(pct(lat, 50) * 1000, 0)} us  p99 ${f(pct(lat, 99) * 1000, 0)} us`);

  // full checkpoints
  const fulls: number[] = [];
  let full!: Checkpoint;
  for (let i = 0; i < 10; i++) {
    t = performance.now();
    full = vm.captureFull();
    fulls.push(performance.now() - t);
    await sleep(10);
  }
  t = performance.now();
  const encFull = encodeCheckpoint(full);
  const encMs = performance.now() - t;
  t = performance.now();
  decodeCheckpoint(encFull);
  const decMs = performance.now() - t;
  console.log(
    `captureFull                       p50 ${f(pct(fulls, 50))} ms  (RAM ${full.ram.length} B, device ${full.device.length} B; ` +
      `encoded ${encFull.length} B in ${f(encMs)} ms, decoded in ${f(decMs)} ms)`,
  );

  // idle CPU of a running guest
  await sleep(200);
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  await sleep(dur);
  const c1 = process.cpuUsage(c0);
  console.log(`idle guest CPU                    ${f(((c1.user + c1.system) / 1000 / (performance.now() - w0)) * 100, 1)} % of a core`);

  // deltas
  let base = vm.captureFull();
  const idle10 = await epochs(vm, base, 10, dur);
  report('idle, 10 ms epochs', idle10);
  const idle25 = await epochs(vm, idle10.cp, 25, dur);
  report('idle, 25 ms epochs', idle25);
  base = idle25.cp;
  await ask(vm, 'b1 WORK on');
  const work = await epochs(vm, base, 25, dur);
  report('WORK on, 25 ms epochs', work);
  await ask(vm, 'b2 WORK on 64');
  const work64 = await epochs(vm, work.cp, 25, dur);
  report('WORK on 64, 25 ms epochs', work64);
  await ask(vm, 'b3 WORK off');

  // applyDelta cost (device state is rebuilt, RAM pages are copied in place)
  const deltas = [];
  base = vm.captureFull();
  for (let i = 0; i < 20; i++) {
    await sleep(10);
    deltas.push(vm.captureDelta());
  }
  t = performance.now();
  for (const d of deltas) base = applyDelta(base, d);
  console.log(`applyDelta                        ${f((performance.now() - t) / deltas.length)} ms per delta`);

  // restore: checkpoint -> running VM -> first reply
  const rs: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < (quick ? 3 : 8); i++) {
    const cp = vm.captureFull();
    t = performance.now();
    const r = await restoreVm(cp);
    rs.push(performance.now() - t);
    await ask(r, 'r1 PING');
    firsts.push(performance.now() - t);
    r.destroy();
  }
  console.log(`restoreVm                         p50 ${f(pct(rs, 50), 1)} ms  (to first reply p50 ${f(pct(firsts, 50), 1)} ms)`);
  const warm: number[] = [];
  for (let i = 0; i < (quick ? 3 : 8); i++) {
    const cp = vm.captureFull();
    await prewarmVm();
    t = performance.now();
    const r = await restoreVm(cp);
    await ask(r, 'r2 PING');
    warm.push(performance.now() - t);
    r.destroy();
  }
  console.log(`restoreVm after prewarmVm()       to first reply p50 ${f(pct(warm, 50), 1)} ms  max ${f(Math.max(...warm), 1)} ms`);

  // WORK progress while capturing every 25 ms vs not
  const rate = async (capture: boolean) => {
    const a = Number(/work=(\d+)/.exec(await ask(vm, 'p1 STAT'))![1]);
    const t0 = performance.now();
    const end = t0 + dur;
    while (performance.now() < end) {
      await sleep(25);
      if (capture) vm.captureDelta();
    }
    const b = Number(/work=(\d+)/.exec(await ask(vm, 'p2 STAT'))![1]);
    return (b - a) / ((performance.now() - t0) / 1000);
  };
  await ask(vm, 'b4 WORK on');
  vm.captureFull();
  await rate(false);
  const without = await rate(false);
  const withCap = await rate(true);
  await ask(vm, 'b5 WORK off');
  console.log(`WORK units/s                      ${f(without, 0)} without captures, ${f(withCap, 0)} with a delta every 25 ms (ratio ${f(withCap / without, 3)})`);
  vm.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

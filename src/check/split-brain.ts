/**
 * Split brain: no two hosts may serve as primary at the same time.
 *
 * Evidence of serving: ok completions of any process (probes, clients, final reads) whose
 * op names the host it addressed, and compare-and-sets the host answered NOMATCH (ops.ts served). Per host, a serving run is a maximal sequence of
 * consecutive ok completions (in completion order) not interrupted by a fail of an op
 * addressed to that host; info neither ends nor extends a run.
 *
 * Each op only proves the host served at some instant between its invoke and its
 * completion. So a run proves service from (at the latest) its first op's completion, `lo`,
 * until (at the earliest) its last op's invoke, `hi`. For ops that take no time this is the
 * run [first ok time, last ok time]; with real latencies it never accuses a clean handover
 * just because an old reply arrived late. Two runs of different hosts overlap when
 * loA < hiB and loB < hiA: strictly interleaved service (a single op is a run of zero
 * length and is caught when it lies strictly inside the other host's run; two single
 * points never overlap). O(n log n).
 */
import type { History } from '../workload/history.ts';
import { at, listFirst, ms, round } from './format.ts';
import { pairOps, served, type Op } from './ops.ts';
import type { Verdict } from './types.ts';

export interface ServingRun {
  host: string;
  /** completion time of the first ok and invoke time of the last ok: proven-service bounds */
  lo: number;
  hi: number;
  /** first and last ok completion times, for display */
  firstOk: number;
  lastOk: number;
  firstProcess: string;
  lastProcess: string;
  oks: number;
}

export interface Overlap {
  hosts: [string, string];
  /** window both hosts served in (for a single op: the op's own interval) */
  from: number;
  to: number;
  runs: [ServingRun, ServingRun];
}

/** Serving runs per host, each host's runs in time order. */
export function servingRuns(history: History): Map<string, ServingRun[]> {
  const { ops } = pairOps(history);
  const done = ops.filter((o): o is Op & { completeTime: number; host: string } => o.completeTime !== null && o.host !== undefined);
  // completion order (stable: ops are in invoke order)
  done.sort((a, b) => a.completeTime - b.completeTime);
  const runs = new Map<string, ServingRun[]>();
  const current = new Map<string, ServingRun>();
  for (const op of done) {
    if (served(op)) {
      let run = current.get(op.host);
      if (!run) {
        run = { host: op.host, lo: op.completeTime, hi: op.invokeTime, firstOk: op.completeTime, lastOk: op.completeTime, firstProcess: op.process, lastProcess: op.process, oks: 0 };
        current.set(op.host, run);
        const list = runs.get(op.host) ?? [];
        list.push(run);
        runs.set(op.host, list);
      }
      run.oks++;
      if (op.invokeTime > run.hi) run.hi = op.invokeTime;
      run.lastOk = op.completeTime;
      run.lastProcess = op.process;
    } else if (op.type === 'fail') {
      current.delete(op.host);
    }
  }
  return runs;
}

function overlapsOf(a: ServingRun[], b: ServingRun[]): Overlap[] {
  // a's runs are in time order with strictly increasing lo, and a run's hi never exceeds the
  // next run's lo (every op of a run completes before the fail that ends it). So the runs of
  // a that can overlap s are those from the last one starting at or before s.lo up to the
  // last one starting before s.hi.
  const out: Overlap[] = [];
  const los = a.map((r) => r.lo);
  const firstAbove = (x: number) => {
    let lo = 0;
    let hi = los.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (los[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const firstAtLeast = (x: number) => {
    let lo = 0;
    let hi = los.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (los[mid]! >= x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  for (const s of b) {
    const from = Math.max(0, firstAbove(s.lo) - 1);
    const to = firstAtLeast(s.hi); // runs with lo < s.hi
    for (let i = from; i < to; i++) {
      const r = a[i]!;
      if (r.lo < s.hi && s.lo < r.hi) {
        let f = Math.max(r.lo, s.lo);
        let t = Math.min(r.hi, s.hi);
        if (f > t) [f, t] = [t, f];
        out.push({ hosts: [r.host, s.host], from: f, to: t, runs: [r, s] });
      }
    }
  }
  return out;
}

export function checkSplitBrain(history: History, opts: { maxListed?: number } = {}): Verdict {
  const maxListed = opts.maxListed ?? 3;
  const runs = servingRuns(history);
  const hosts = [...runs.keys()].sort();
  const overlaps: Overlap[] = [];
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      overlaps.push(...overlapsOf(runs.get(hosts[i]!)!, runs.get(hosts[j]!)!));
    }
  }
  overlaps.sort((x, y) => x.from - y.from);
  const figures: Record<string, number | string | null> = {
    hostsServing: hosts.join(',') || null,
    overlaps: overlaps.length,
    maxOverlapMs: overlaps.length ? round(Math.max(...overlaps.map((o) => o.to - o.from)), 3) : 0,
    firstOverlapAt: overlaps.length ? overlaps[0]!.from : null,
  };
  for (const h of hosts) figures[`runs ${h}`] = runs.get(h)!.length;
  if (overlaps.length === 0) {
    return {
      checker: 'split-brain',
      ok: true,
      summary: hosts.length
        ? `never two primaries: serving runs of ${hosts.map((h) => `${h} (${runs.get(h)!.length})`).join(', ')} do not interleave`
        : 'never two primaries (no host served at all)',
      figures,
      details: { runs: Object.fromEntries(hosts.map((h) => [h, runs.get(h)!.slice(0, 1000)])) },
    };
  }
  const describe = (o: Overlap) => {
    const [r, s] = o.runs;
    const run = (x: ServingRun) =>
      x.oks === 1 ? `${x.host} served ${x.firstProcess}'s op completing ${at(x.firstOk)}` : `${x.host} served from ${round(x.firstOk)} ms (${x.firstProcess}) to ${round(x.lastOk)} ms (${x.lastProcess}, ${x.oks} oks)`;
    return `hosts ${o.hosts[0]} and ${o.hosts[1]} both served between ${round(o.from)} and ${round(o.to)} ms (${ms(o.to - o.from)}): ${run(r)}; ${run(s)}`;
  };
  return {
    checker: 'split-brain',
    ok: false,
    category: 'Split brain',
    summary: `two primaries at once, ${overlaps.length} overlapping serving runs: ${listFirst(overlaps.map(describe), maxListed)}`,
    figures,
    details: { overlaps: overlaps.slice(0, 1000) },
  };
}

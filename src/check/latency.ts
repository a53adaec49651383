/**
 * Commit latency and throughput: per-op latency (invoke → ok) of writes — the time until the
 * platform released the acknowledgement, i.e. output commit — overall and per time bucket,
 * plus ok client ops per second per bucket (probes and final reads are not counted).
 * Latencies are bucketed by invoke time, throughput by completion time. A write's latency
 * leaves out the time the harness itself was stalled while it waited (src/check/observer.ts):
 * the observer's pause is not the platform's commit time.
 */
import type { History } from '../workload/history.ts';
import { at, ms, round } from './format.ts';
import { isFinal, isProbe, isWarmUp, pairOps, type Op } from './ops.ts';
import { percentileSorted, sortedAsc } from './stats.ts';
import { blindWithin, observerStalls } from './observer.ts';
import type { Verdict } from './types.ts';

export interface LatencyBucket {
  /** bucket start and end, ms */
  start: number;
  end: number;
  /** acknowledged writes invoked in the bucket and their latency percentiles (null when none) */
  writes: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** ok client completions per second in the bucket (by completion time): writes, reads, all ops */
  writesPerSec: number;
  readsPerSec: number;
  opsPerSec: number;
  /** indeterminate and failed completions in the bucket */
  infos: number;
  fails: number;
}

export interface LatencyStats {
  bucketMs: number;
  writes: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  buckets: LatencyBucket[];
}

const NICE_BUCKETS = [10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000, 600_000, 3_600_000];

/** the smallest "nice" bucket giving at most ~100 buckets over the span */
export function autoBucketMs(spanMs: number): number {
  const want = spanMs / 100;
  return NICE_BUCKETS.find((b) => b >= want) ?? NICE_BUCKETS[NICE_BUCKETS.length - 1]!;
}

/** invoke → ok of an op, minus the harness's own stalls in between (observer.ts) */
function seenLatency(history: History): (o: Op) => number {
  const stalls = observerStalls(history);
  return (o) => o.completeTime! - o.invokeTime - blindWithin(stalls, o.invokeTime, o.completeTime!);
}

/** the client ops the figures count: neither the final reads, the probes nor the warm-up */
const counted = (o: Op) => !isFinal(o.process) && !isProbe(o.process) && !isWarmUp(o.process);

/** Latency and throughput statistics of the client writes. O(n log n). */
export function commitLatency(history: History, opts: { bucketMs?: number } = {}): LatencyStats {
  if (opts.bucketMs !== undefined && !(opts.bucketMs > 0)) throw new RangeError(`latency bucket must be a number of ms > 0; got ${opts.bucketMs}`);
  const { ops } = pairOps(history);
  const done = ops.filter((o): o is Op & { completeTime: number } => o.completeTime !== null && counted(o));
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const o of done) {
    if (o.invokeTime < t0) t0 = o.invokeTime;
    if (o.completeTime > t1) t1 = o.completeTime;
  }
  if (done.length === 0) return { bucketMs: opts.bucketMs ?? 1000, writes: 0, p50: null, p99: null, max: null, buckets: [] };
  const bucketMs = opts.bucketMs ?? autoBucketMs(t1 - t0);
  const latency = seenLatency(history);
  const origin = Math.floor(t0 / bucketMs) * bucketMs;
  const n = Math.floor((t1 - origin) / bucketMs) + 1;
  const lat: number[][] = Array.from({ length: n }, () => []);
  const counts = Array.from({ length: n }, () => ({ w: 0, r: 0, all: 0, info: 0, fail: 0 }));
  const all: number[] = [];
  for (const o of done) {
    const c = counts[Math.floor((o.completeTime - origin) / bucketMs)]!;
    if (o.type === 'ok') {
      c.all++;
      if (o.f === 'write') c.w++;
      else if (o.f === 'read') c.r++;
    } else if (o.type === 'info') c.info++;
    else if (o.type === 'fail') c.fail++;
    if (o.f === 'write' && o.type === 'ok') {
      const l = latency(o);
      all.push(l);
      lat[Math.floor((o.invokeTime - origin) / bucketMs)]!.push(l);
    }
  }
  const perSec = 1000 / bucketMs;
  const buckets: LatencyBucket[] = lat.map((ls, i) => {
    const s = sortedAsc(ls);
    const c = counts[i]!;
    return {
      start: origin + i * bucketMs,
      end: origin + (i + 1) * bucketMs,
      writes: s.length,
      p50: percentileSorted(s, 0.5),
      p99: percentileSorted(s, 0.99),
      max: s.length ? s[s.length - 1]! : null,
      writesPerSec: c.w * perSec,
      readsPerSec: c.r * perSec,
      opsPerSec: c.all * perSec,
      infos: c.info,
      fails: c.fail,
    };
  });
  const s = sortedAsc(all);
  return { bucketMs, writes: s.length, p50: percentileSorted(s, 0.5), p99: percentileSorted(s, 0.99), max: s.length ? s[s.length - 1]! : null, buckets };
}

export interface CommitLatencyOptions {
  /** the latency the percentile must stay below, ms */
  limitMs: number;
  /** default 0.99 */
  percentile?: number;
  bucketMs?: number;
}

/**
 * "Commit latency stays below limitMs at the 99th percentile": the overall percentile of
 * acknowledged-write latency is < limitMs. The worst bucket is reported, not judged. A
 * failure is a Slow commit.
 */
export function checkCommitLatency(history: History, opts: CommitLatencyOptions): Verdict {
  const p = opts.percentile ?? 0.99;
  if (typeof opts.limitMs !== 'number' || !(opts.limitMs > 0)) throw new RangeError(`latency limit must be a number of ms > 0; got ${opts.limitMs}`);
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile must be a fraction in (0, 1], e.g. 0.99; got ${p}`);
  const stats = commitLatency(history, opts.bucketMs !== undefined ? { bucketMs: opts.bucketMs } : {});
  const { ops } = pairOps(history);
  const latency = seenLatency(history);
  const lats = sortedAsc(ops.filter((o) => o.f === 'write' && o.type === 'ok' && counted(o)).map(latency));
  const value = percentileSorted(lats, p);
  const pName = `p${round(p * 100, 3)}`;
  // worst bucket by the same percentile
  let worst: { at: number; v: number } | null = null;
  if (stats.buckets.length) {
    const byInvoke = new Map<number, number[]>();
    for (const o of ops) {
      if (o.f !== 'write' || o.type !== 'ok' || !counted(o)) continue;
      const b = Math.floor(o.invokeTime / stats.bucketMs) * stats.bucketMs;
      const l = byInvoke.get(b) ?? [];
      l.push(latency(o));
      byInvoke.set(b, l);
    }
    for (const [b, l] of byInvoke) {
      const v = percentileSorted(sortedAsc(l), p)!;
      if (!worst || v > worst.v) worst = { at: b, v };
    }
  }
  const figures = {
    limitMs: opts.limitMs,
    percentile: p,
    [`${pName}Ms`]: value === null ? null : round(value, 3),
    p50Ms: stats.p50 === null ? null : round(stats.p50, 3),
    maxMs: stats.max === null ? null : round(stats.max, 3),
    ackedWrites: lats.length,
    bucketMs: stats.bucketMs,
    [`worstBucket${pName}Ms`]: worst ? round(worst.v, 3) : null,
    worstBucketAt: worst ? worst.at : null,
  };
  if (value === null) {
    return { checker: 'commit-latency', ok: false, category: 'Harness error', summary: 'no acknowledged write in the history: commit latency unmeasured', figures };
  }
  const worstText = worst ? `; worst ${ms(stats.bucketMs)} bucket ${pName} ${ms(worst.v)} ${at(worst.at)}` : '';
  const ok = value < opts.limitMs;
  const summary = `${pName} commit latency ${ms(value)} ${ok ? '<' : '≥'} ${ms(opts.limitMs)} over ${lats.length} acknowledged writes (p50 ${ms(stats.p50!)}, max ${ms(stats.max!)}${worstText})`;
  return { checker: 'commit-latency', ok, ...(ok ? {} : { category: 'Slow commit' as const }), summary, figures, details: stats };
}

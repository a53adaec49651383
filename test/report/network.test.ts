import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NETWORK_PANEL_TITLES, networkSpec, renderSvg } from '../../src/report/index.ts';
import { replicationBandwidth } from '../../src/check/index.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';
import { bigHistory } from '../check/big-history.ts';
import { hist } from '../check/history-builder.ts';

/**
 * 6 s of c0 writing every 20 ms (12 ms commit, 110 ms while 100 ms of latency is on the
 * replication link at 1–2 s); primary a crashes at 3 s, b serves from 3.4 s. Metrics every
 * 250 ms: 1200 KB/s, 400 KB/s under the latency toxic, nothing while unprotected; host b's
 * counter restarts from zero at 3.25 s.
 */
function scenario(opts: { metrics?: boolean } = {}) {
  const b = hist().role('a', 'primary', 0).role('b', 'backup', 0);
  let v = 0;
  for (let t = 0; t < 6000; t += 20, v++) {
    const ok = t < 2980 || t >= 3400;
    b.write('c0', `c0-${v}`, v, t, t + (t >= 1000 && t < 2000 ? 110 : 12), { host: t < 3000 ? 'a' : 'b', outcome: ok ? 'ok' : 'info' });
  }
  b.fault(1, 'latency', 'replication', 1000, 2000).fault(2, 'crash', 'a', 3000).role('a', 'down', 3000).role('b', 'primary', 3400);
  if (opts.metrics ?? true) {
    let bytes = 0;
    for (let t = 0; t <= 6000; t += 250) {
      if (t === 3250) bytes = 0;
      else if (!(t > 3000 && t <= 3500)) bytes += t > 1000 && t <= 2000 ? 100_000 : 300_000;
      b.metrics('kv', t, bytes, { checkpointsPerSecond: t > 3000 && t < 3500 ? 0 : 40 });
    }
    for (let t = 1000; t <= 6000; t += 1000) {
      b.mark('loop', t, { pair: 'kv', process: 'a', p50Ms: 0.1, p99Ms: 3, maxMs: t === 3000 ? 240 : 12, stalls: t === 3000 ? 1 : 0, windowMs: 1000 });
      b.mark('loop', t, { process: 'harness', p50Ms: 0.2, p99Ms: 2, maxMs: 8, stalls: 0, windowMs: 1000 });
    }
  }
  return b.build();
}

const isSvg = (svg: string) => {
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\s*$/);
};
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;

interface Row { t: number; series: string; value: number | null; i: number }
type Panel = { title?: { text: string; subtitle?: string }; layer: { data?: { values: unknown[] }; mark: { type: string } }[] };
const panels = (spec: unknown) => (spec as { vconcat: Panel[] }).vconcat;
/** the rows of the line layers of a panel, by series */
const series = (p: Panel) => {
  const out = new Map<string, Row[]>();
  for (const l of p.layer.filter((l) => l.mark.type === 'line')) {
    for (const r of l.data!.values as Row[]) out.set(r.series, [...(out.get(r.series) ?? []), r]);
  }
  return out;
};

describe('network plot (commit latency, throughput, replication bandwidth)', () => {
  it('renders the four panels on one time axis with the fault windows labelled in each', async () => {
    const warnings: string[] = [];
    const svg = await renderSvg(networkSpec(scenario(), { bucketMs: 200 }), { onWarning: (w) => warnings.push(w) });
    isSvg(svg);
    const t = texts(svg);
    for (const title of Object.values(NETWORK_PANEL_TITLES)) assert.ok(t.includes(title), `panel title ${title} in ${t.join('|')}`);
    assert.equal(count(t, 'latency replication #1'), 4, 'fault label in every panel');
    assert.equal(count(t, 'crash a #2 (no end)'), 4);
    for (const legend of ['p50', 'p99', 'writes/s', 'all ok client ops/s', 'replication KB/s', 'checkpoints/s', 'host a', 'harness']) assert.ok(t.includes(legend), `legend ${legend}`);
    assert.ok(t.includes('harness: worst 8 ms, p99 2 ms; host a: worst 240 ms, p99 3 ms'), t.join('|'));
    assert.ok(t.some((x) => x.includes('200 ms buckets')));
    assert.ok(t.includes('kv: mean 1009 KB/s, peak 1200 KB/s, 1 counter reset (gap)'), t.join('|'));
    assert.equal(count(t, 'time since scenario start (s)'), 1, 'one x-axis title, under the bottom panel');
    assert.ok(!t.includes('no replication metrics'));
    assert.deepEqual(warnings, []);
  });

  it('plots the bandwidth as a staircase, a gap at the counter reset, never negative', () => {
    const bw = series(panels(networkSpec(scenario()))[2]!).get('replication KB/s')!;
    assert.ok(bw.every((r) => r.value === null || r.value >= 0));
    const at = (s: number) => bw.filter((r) => r.t === s).map((r) => r.value);
    assert.deepEqual(at(1.5), [400, 400], 'held over the interval');
    assert.deepEqual(at(3.25), [null, 0], 'the interval ending at the reset is a gap; the next one starts from the new counter');
    assert.deepEqual(at(0.25), [1200, 1200]);
    assert.deepEqual(bw.map((r) => r.i), bw.map((_, k) => k), 'points ordered');
    const cp = series(panels(networkSpec(scenario()))[2]!).get('checkpoints/s')!;
    assert.ok(cp.some((r) => r.value === 0) && cp.some((r) => r.value === 40));
  });

  it('the latency and throughput panels carry p50 / p99 and ok ops/s per bucket', () => {
    const [lat, thr] = panels(networkSpec(scenario(), { bucketMs: 200 }));
    const p99 = series(lat!).get('p99')!;
    assert.equal(p99.find((r) => r.t === 1.2)!.value, 110);
    assert.equal(p99.find((r) => r.t === 0.2)!.value, 12);
    assert.equal(p99.find((r) => r.t === 3.2)!.value, null, 'no acknowledged write in the outage: a gap');
    assert.deepEqual([...series(lat!).keys()], ['p50', 'p99']);
    assert.equal(series(thr!).get('all ok client ops/s')!.find((r) => r.t === 0.2)!.value, 50);
  });

  it('says "no replication metrics" without metrics marks (the other panels still plot)', async () => {
    const svg = await renderSvg(networkSpec(scenario({ metrics: false })));
    isSvg(svg);
    const t = texts(svg);
    assert.ok(t.includes('no replication metrics'));
    assert.ok(t.includes('p99'));
    assert.equal(count(t, 'latency replication #1'), 4);
    // metrics of another pair only
    const other = networkSpec([...scenario()], { pair: 'db' });
    assert.ok(texts(await renderSvg(other)).includes('no replication metrics'));
  });

  it('renders an empty history', async () => {
    const t = texts(await renderSvg(networkSpec([])));
    for (const msg of ['no acknowledged writes', 'no client ops', 'no replication metrics', 'no event-loop reports']) assert.ok(t.includes(msg), msg);
    for (const title of Object.values(NETWORK_PANEL_TITLES)) assert.ok(t.includes(title));
  });

  it('one series per pair when several pairs report; pair picks one', () => {
    const b = hist();
    for (let t = 0; t <= 1000; t += 250) b.metrics('kv', t, t * 1000).metrics('db', t, t * 2000);
    const h = b.build();
    assert.deepEqual([...series(panels(networkSpec(h))[2]!).keys()], ['db KB/s', 'kv KB/s', 'db checkpoints/s', 'kv checkpoints/s']);
    const kv = series(panels(networkSpec(h, { pair: 'kv' }))[2]!);
    assert.deepEqual([...kv.keys()], ['replication KB/s', 'checkpoints/s']);
    assert.ok(kv.get('replication KB/s')!.every((r) => r.value === 1000));
  });

  it('merges intervals of long runs exactly (bytes / time), never across a reset', () => {
    const b = hist();
    let bytes = 0;
    for (let t = 0; t <= 10_000; t += 250) {
      bytes = t === 5000 ? 7 : bytes + (t % 500 === 0 ? 100_000 : 300_000); // alternating 400 / 1200 KB/s
      b.metrics('kv', t, bytes);
    }
    const h = b.build();
    const bw = series(panels(networkSpec(h, { maxPoints: 10 }))[2]!).get('replication KB/s')!;
    assert.ok(bw.length / 2 <= 12, `${bw.length / 2} spans`);
    // each span's rate × its length adds up to exactly the bytes measured
    let plotted = 0;
    for (let k = 0; k < bw.length; k += 2) if (bw[k]!.value !== null) plotted += bw[k]!.value! * (bw[k + 1]!.t - bw[k]!.t) * 1000;
    assert.ok(Math.abs(plotted - replicationBandwidth(h)[0]!.bytes) < 1e-3, `${plotted}`);
    assert.ok(bw.filter((r) => r.value !== null).every((r) => r.value! >= 400 && r.value! <= 1200));
    assert.deepEqual(bw.filter((r) => r.value === null).map((r) => r.t), [4.75, 5], 'the reset stays a gap of its own');
  });

  it('stays quick and small on a ~200k-event history with metrics', async () => {
    const m = hist();
    for (let t = 0; t <= 64_000; t += 250) m.metrics('kv', t, t * 1000);
    const h: HistoryEvent[] = [...bigHistory(), ...m.build()].sort((a, b) => a.time - b.time);
    assert.ok(h.length > 200_000);
    const t0 = performance.now();
    const svg = await renderSvg(networkSpec(h));
    const took = performance.now() - t0;
    isSvg(svg);
    assert.ok(texts(svg).includes('crash a #1 (no end)'));
    assert.ok(svg.length < 1_000_000, `svg ${svg.length} bytes`);
    assert.ok(took < 10_000, `took ${took} ms`);
  });
});

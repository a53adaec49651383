import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latencySpec, renderSvg, throughputSpec, timelineSpec } from '../../src/report/index.ts';
import { bigHistory } from '../check/big-history.ts';
import { hist } from '../check/history-builder.ts';

/** primary crash at 1 s, backup serves from 1.4 s; c0 writes every 20 ms, final reads */
function scenario() {
  const b = hist().role('a', 'primary', 0).role('b', 'backup', 0);
  b.probe('a', 0, 2000, 10, (t) => (t < 1000 ? 'ok' : 'fail'));
  b.probe('b', 0, 3000, 10, (t) => (t < 1400 ? 'fail' : 'ok'));
  let v = 0;
  for (let t = 0; t < 3000; t += 20, v++) {
    const ok = t < 980 || t >= 1400;
    b.write('c0', `c0-${v}`, v, t, t + 12, { host: t < 1000 ? 'a' : 'b', outcome: ok ? 'ok' : 'info' });
  }
  b.write('c1', 'c1-0', 0, 500, 510, { host: 'a', outcome: 'fail' }).read('c1', 'c1-0', null, 600, 604);
  b.fault(1, 'crash', 'a', 1000).role('a', 'down', 1001).role('b', 'primary', 1350).fault(2, 'latency', 'replication', 2000, 2500);
  for (let i = 0; i < v; i++) b.read('final', `c0-${i}`, i, 3000 + i, 3001 + i, { host: 'b' });
  return b.build();
}

const isSvg = (svg: string) => {
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\s*$/);
};

/** text nodes of the SVG */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('timeline plot', () => {
  it('renders lanes for hosts and processes, the fault label and the outage', async () => {
    const svg = await renderSvg(timelineSpec(scenario(), { title: 'primary crash' }));
    isSvg(svg);
    const t = texts(svg);
    for (const lane of ['host a', 'host b', 'c0', 'c1', 'probe:a', 'probe:b', 'final']) assert.ok(t.includes(lane), `lane ${lane} in ${t.join('|')}`);
    assert.ok(t.includes('crash a #1 (no end)'), 'open crash window labelled');
    assert.ok(t.includes('latency replication #2'), 'closed fault window labelled');
    assert.ok(t.some((x) => /^outage 41\d ms$/.test(x)), `outage label in ${t.join('|')}`);
    assert.ok(t.includes('primary crash'));
    for (const legend of ['ok', 'info', 'fail', 'primary', 'backup', 'down']) assert.ok(t.includes(legend), `legend ${legend}`);
    // ok / info / fail bars and the role colours are drawn
    for (const colour of ['#2ca02c', '#ff9f1c', '#d62728', '#1f77b4', '#9467bd']) assert.ok(svg.includes(`fill="${colour}"`), colour);
  });

  it('orders lanes hosts, clients numerically, probes, final', () => {
    const spec = timelineSpec(hist().write('c10', 'k', 1, 0, 1).write('c2', 'j', 1, 0, 1).ping('probe:b', 1, 0, 1).role('a', 'primary', 0).read('final', 'k', 1, 2, 3).build()) as unknown as {
      layer: { encoding?: { y?: { scale?: { domain?: string[] } } } }[];
    };
    const y = spec.layer.find((l) => l.encoding?.y?.scale?.domain)!.encoding!.y!.scale!.domain;
    assert.deepEqual(y, ['host a', 'c2', 'c10', 'probe:b', 'final']);
    // register clients come after the set clients, also numerically
    const reg = timelineSpec(hist().write('r10', 'k', 1, 0, 1).write('c1', 'j', 1, 0, 1).write('r2', 'k', 2, 0, 1).ping('probe:a', 1, 0, 1).build()) as unknown as typeof spec;
    assert.deepEqual(reg.layer.find((l) => l.encoding?.y?.scale?.domain)!.encoding!.y!.scale!.domain, ['c1', 'r2', 'r10', 'probe:a']);
  });

  it('stays small and quick on a ~200k-event history (ops merged per pixel)', async () => {
    const h = bigHistory();
    const t0 = performance.now();
    const svg = await renderSvg(timelineSpec(h));
    const took = performance.now() - t0;
    isSvg(svg);
    assert.ok(svg.length < 3_000_000, `svg ${svg.length} bytes`);
    assert.ok(took < 15_000, `took ${took} ms`);
  });

  it('renders an empty history without throwing', async () => {
    isSvg(await renderSvg(timelineSpec([])));
  });
});

describe('latency plot', () => {
  it('renders the scatter with fault windows', async () => {
    const svg = await renderSvg(latencySpec(scenario()));
    isSvg(svg);
    const t = texts(svg);
    assert.ok(t.includes('latency (ms)'));
    assert.ok(t.includes('crash a #1 (no end)'));
    assert.ok(t.includes('write'));
    assert.ok((svg.match(/<path[^>]*class="?[^"]*"? ?/g) ?? []).length > 10);
  });

  it('thins long runs but says so', async () => {
    const spec = latencySpec(bigHistory(), { maxPoints: 2000 }) as unknown as { title: { text: string } };
    assert.match(spec.title.text, /of \d+ ops shown: 1 in \d+, and all above p99/);
  });
});

describe('throughput / commit latency plot', () => {
  it('renders both panels', async () => {
    const svg = await renderSvg(throughputSpec(scenario(), { bucketMs: 100 }));
    isSvg(svg);
    const t = texts(svg);
    assert.ok(t.includes('ok ops per second'));
    assert.ok(t.includes('commit latency (ms)'));
    assert.ok(t.includes('p99'));
    assert.ok(t.includes('crash a #1 (no end)'));
    assert.ok(t.some((x) => x.includes('100 ms buckets')));
  });
});

describe('renderSvg', () => {
  it('rejects a broken spec', async () => {
    await assert.rejects(renderSvg({ mark: 'nonsense' } as never));
  });
});

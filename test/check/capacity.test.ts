import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPACITY_END, CAPACITY_STEP, capacitySweep, capacityVerdict } from '../../src/check/index.ts';
import { capacityRows, capacitySpec, renderSvg } from '../../src/report/index.ts';
import { sweepRates } from '../../src/harness/fleet.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';
import { hist } from './history-builder.ts';

const of = (pair: string, events: HistoryEvent[]): HistoryEvent[] => events.map((e) => ({ ...e, pair }));
const RATES = [4000, 2000, 1000, 500];

/**
 * Two pairs; the shared network steps 4000 → 500 KB/s, one second each from 1 s. Latency grows
 * as the rate falls: p-1 20/40/120/300 ms, p-2 10/20/60/150 ms; p-2 loses protection at 500.
 */
function sweep(): HistoryEvent[] {
  const all: HistoryEvent[] = [...hist().build()];
  const wide = hist();
  RATES.forEach((r, i) => wide.mark(CAPACITY_STEP, 1000 + i * 1000, { group: 'g', rateKBps: r }));
  wide.mark(CAPACITY_END, 5000, { group: 'g' });
  all.push(...wide.build());
  for (const [pair, lat] of [['p-1', [20, 40, 120, 300]], ['p-2', [10, 20, 60, 150]]] as const) {
    const b = hist().role('a', 'primary', 0).mark('protected', 100, { pair });
    let v = 0;
    for (let t = 1000; t < 5000; t += 20, v++) b.write('c0', `c0-${v}`, v, t, t + lat[Math.floor((t - 1000) / 1000)]!);
    if (pair === 'p-2') b.mark('unprotected', 4200, { pair }).mark('protected', 4600, { pair });
    all.push(...of(pair, b.build()));
  }
  return all.sort((x, y) => x.time - y.time);
}

describe('capacity sweep', () => {
  it('finds the lowest rate where every pair held and the first where one lost', () => {
    const r = capacitySweep(sweep(), 'g', ['p-1', 'p-2'], { boundMs: 100, end: 6000 });
    assert.deepEqual(r.steps.map((s) => s.rateKBps), RATES);
    assert.deepEqual(r.steps.map((s) => s.to - s.from), [1000, 1000, 1000, 1000], 'the last step ends at the sweep\'s end');
    assert.deepEqual(r.steps.map((s) => s.pairs.map((p) => p.p99Ms)), [[20, 10], [40, 20], [120, 60], [300, 150]]);
    assert.deepEqual(r.steps[3]!.pairs.map((p) => p.unprotectedMs), [0, 400]);
    assert.equal(r.capacityKBps, 2000);
    assert.equal(r.failsAtKBps, 1000);
    const v = capacityVerdict(r);
    assert.equal(v.ok, true);
    assert.match(v.summary, /every pair held at 2000 KB\/s; at 1000 KB\/s 1 of 2 pairs lost \(commit p99 bound 100 ms\): p-1 p99 120 ms/);
  });

  it('says so when every step held, and is a Harness error without a sweep', () => {
    // p-1 alone never loses protection, and its p99 stays under a bound of 1 s
    const r = capacitySweep(sweep(), 'g', ['p-1'], { boundMs: 1000, end: 6000 });
    assert.equal(r.failsAtKBps, null);
    assert.equal(r.capacityKBps, 500);
    assert.match(capacityVerdict(r).summary, /held at every rate down to 500 KB\/s/);
    const none = capacityVerdict(capacitySweep(sweep(), 'other', ['p-1'], { boundMs: 100, end: 6000 }));
    assert.equal(none.ok, false);
    assert.equal(none.category, 'Harness error');
  });

  it('steps rates down geometrically', () => {
    assert.deepEqual(sweepRates(8000, 500, 5), [8000, 4000, 2000, 1000, 500]);
  });

  it('plots p99 per pair over the rates, with lost protection marked', async () => {
    const r = capacitySweep(sweep(), 'g', ['p-1', 'p-2'], { boundMs: 100, end: 6000 });
    const rows = capacityRows(r);
    assert.equal(rows.points.length, 8);
    assert.deepEqual(rows.lost.map((p) => [p.pair, p.rate]), [['p-2', 500]]);
    const warnings: string[] = [];
    const svg = await renderSvg(capacitySpec(r), { onWarning: (w) => warnings.push(w) });
    const t = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    for (const x of ['p-1', 'p-2', 'bound 100 ms', 'shared replication network (KB/s)']) assert.ok(t.includes(x), `${x} in ${t.join('|')}`);
    assert.ok(t.some((x) => x.includes('pairs start to lose at 1000 KB/s')));
    assert.deepEqual(warnings, []);
  });
});

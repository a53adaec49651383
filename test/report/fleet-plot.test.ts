import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkStaysProtected, fleetFigures, protectedOverTime } from '../../src/check/index.ts';
import { FLEET_PANEL_TITLES, fleetRows, fleetSpec, renderSvg } from '../../src/report/index.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';
import { hist } from '../check/history-builder.ts';

const of = (pair: string, events: HistoryEvent[]): HistoryEvent[] => events.map((e) => ({ ...e, pair }));

/**
 * Three pairs for 4 s, protected from 0.2 s. f-1's primary crashes at 2 s (unprotected until
 * 3 s); f-2 and f-3 stay protected. f-1 replicates 300 KB per 250 ms, the others 100 KB.
 */
function fleet(): HistoryEvent[] {
  const all: HistoryEvent[] = [];
  for (const [pair, kb] of [['f-1', 300], ['f-2', 100], ['f-3', 100]] as const) {
    const b = hist().role('a', 'primary', 100).role('b', 'backup', 100).mark('protected', 200, { pair });
    let v = 0;
    for (let t = 0; t < 4000; t += 50, v++) if (!(pair === 'f-1' && t >= 1950 && t < 2150)) b.write('c0', `c0-${v}`, v, t, t + (pair === 'f-1' ? 30 : 10), { host: pair === 'f-1' && t >= 2000 ? 'b' : 'a' });
    for (let k = 0; k < v; k++) if (!(pair === 'f-1' && k >= 39 && k < 43)) b.read('final', `c0-${k}`, k, 4100, 4101, { host: pair === 'f-1' ? 'b' : 'a' });
    let bytes = 0;
    for (let t = 0; t <= 4000; t += 250) {
      if (!(pair === 'f-1' && t > 2000 && t < 3000)) bytes += kb * 1000;
      b.metrics(pair, t, bytes);
    }
    if (pair === 'f-1') b.fault(1, 'crash', 'a', 2000).role('a', 'down', 2000).role('b', 'primary', 2100).mark('unprotected', 2000, { pair }).mark('protected', 3000, { pair });
    all.push(...of(pair, b.build()));
  }
  return all.sort((x, y) => x.time - y.time);
}

describe('fleet figures', () => {
  it('judge each pair on its own history and share the bandwidth out', () => {
    const f = fleetFigures(fleet(), ['f-1', 'f-2', 'f-3']);
    assert.deepEqual(f.pairs.map((p) => p.unprotectedMs), [1000, 0, 0]);
    assert.deepEqual(f.pairs.map((p) => p.lostWrites), [0, 0, 0]);
    assert.deepEqual(f.pairs.map((p) => p.splitBrain), [false, false, false]);
    assert.equal(f.pairs[0]!.commitP99Ms, 30);
    assert.equal(f.pairs[1]!.commitP99Ms, 10);
    const shares = f.pairs.map((p) => p.bandwidthShare!);
    assert.ok(shares[0]! > 0.5 && shares[0]! < 0.6, String(shares));
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 0.01);
    assert.equal(f.minProtectedAfterAll, 2);
  });

  it('count the pairs protected over time', () => {
    assert.deepEqual(protectedOverTime(fleet(), ['f-1', 'f-2', 'f-3']).map((o) => [o.time, o.protected]), [[200, 3], [2000, 2], [3000, 3]]);
  });

  it('stays-protected fails for the pair that lost its backup, with when and how long', () => {
    const h = fleet();
    const v = checkStaysProtected(h.filter((e) => e.pair === 'f-1'));
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Protection lost');
    assert.match(v.summary, /lost protection 1 time for 1000 ms in all, first at 2000 ms/);
    assert.equal(checkStaysProtected(h.filter((e) => e.pair === 'f-2')).ok, true);
    assert.equal(checkStaysProtected([]).category, 'Harness error');
  });
});

describe('fleet panel', () => {
  it('has one protection lane and one bandwidth line per pair, and renders to SVG', async () => {
    const h = fleet();
    const rows = fleetRows(h, ['f-1', 'f-2', 'f-3']);
    assert.deepEqual(rows.protection.filter((r) => r.pair === 'f-1').map((r) => r.state), ['protected', 'unprotected', 'protected']);
    assert.deepEqual(rows.faults, [{ pair: 'f-1', t: 2, label: 'crash a' }]);
    assert.deepEqual([...new Set(rows.bandwidth.map((r) => r.pair))], ['f-1', 'f-2', 'f-3']);
    assert.ok(rows.bandwidth.filter((r) => r.pair === 'f-1' && r.t > 2 && r.t < 2.75).every((r) => r.kbps === 0));
    assert.equal(rows.bandwidth.find((r) => r.pair === 'f-2')!.kbps, 400);
    const warnings: string[] = [];
    const svg = await renderSvg(fleetSpec(h, ['f-1', 'f-2', 'f-3']), { onWarning: (w) => warnings.push(w) });
    assert.match(svg, /^<svg /);
    const t = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    for (const title of Object.values(FLEET_PANEL_TITLES)) assert.ok(t.includes(title), `${title} in ${t.join('|')}`);
    for (const p of ['f-1', 'f-2', 'f-3', 'protected', 'unprotected']) assert.ok(t.includes(p), `${p} in ${t.join('|')}`);
    assert.deepEqual(warnings, []);
  });
});

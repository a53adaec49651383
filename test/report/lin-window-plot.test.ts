import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLinearizable, type LinearizableDetails } from '../../src/check/index.ts';
import { linWindowSpec, renderSvg } from '../../src/report/index.ts';
import { reg } from '../check/register-history.ts';

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&gt;/g, '>'));

describe('linearizability counter-example plot', () => {
  it('renders the window of a failed verdict: lanes per process, op labels, styles', async () => {
    // r1 reads 2, then r2 reads the older 1 although the write of 2 (info, r3) ... and a cas that never completed
    const h = reg()
      .w('r0', 'x', 1, 0, 10)
      .w('r3', 'x', 2, 20, 100, 'info')
      .r('r1', 'x', 2, 30, 40)
      .r('r2', 'x', 1, 50, 60)
      .cas('r4', 'x', 2, 5, 45, 0, 'open')
      .build();
    const v = checkLinearizable(h);
    assert.equal(v.ok, false, v.summary);
    const d = v.details as LinearizableDetails;
    const svg = await renderSvg(linWindowSpec(d));
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const t = texts(svg);
    for (const o of d.window) assert.ok(t.includes(o.process), `lane ${o.process} in ${t.join('|')}`);
    assert.ok(t.includes('r 1') && t.includes('r 2'), t.join('|'));
    assert.ok(t.some((x) => x.startsWith('key x: not linearizable')), t.join('|'));
    assert.ok(t.includes('cannot be placed'), 'the culprit is in the legend');
    assert.ok(svg.includes('fill="#d62728"'), 'the culprit is drawn red');
  });

  it('labels writes, reads of nil and cas, draws open and indeterminate ops apart', async () => {
    const d = {
      key: 'k',
      initial: 'any' as const,
      explanation: 'hand-made',
      culprit: 1,
      window: [
        { process: 'r0', f: 'reg-write' as const, value: 3, outcome: 'ok' as const, invokeTime: 1000, completeTime: 1010 },
        { process: 'r1', f: 'reg-read' as const, value: null, outcome: 'ok' as const, invokeTime: 1020, completeTime: 1030 },
        { process: 'r2', f: 'reg-cas' as const, expect: 3, value: 5, outcome: 'info' as const, invokeTime: 1005, completeTime: 1015 },
        { process: 'r10', f: 'reg-write' as const, value: 4, outcome: 'open' as const, invokeTime: 1001, completeTime: null },
        // invoked long before the stretch of the definite ops: summarised at the left edge
        { process: 'r2', f: 'reg-write' as const, value: 9, outcome: 'info' as const, invokeTime: 5, completeTime: 50 },
      ],
    };
    const spec = linWindowSpec(d) as unknown as { layer: { data: { values: { lane: string; t1: number }[] }; mark: { type: string; strokeDash?: number[] } }[] };
    const dashed = spec.layer.find((l) => l.mark.type === 'rule')!;
    assert.deepEqual(dashed.data.values.map((r) => r.lane), ['r2', 'r2'], 'only the info ops continue dashed');
    const bars = spec.layer.find((l) => l.mark.type === 'bar')!.data.values;
    const open = bars.find((r) => r.lane === 'r10')!;
    assert.ok(open.t1 > 1.03, 'the open op runs to the window end');
    const svg = await renderSvg(linWindowSpec(d));
    const t = texts(svg);
    for (const label of ['w 3', 'r nil', 'cas 3→5', 'w 4', 'r0', 'r1', 'r2', 'r10', 'indeterminate', 'never completed', 'earlier: w 9']) assert.ok(t.includes(label), `${label} in ${t.join('|')}`);
    const ticks = t.filter((x) => /^\d+\.\d+$/.test(x)).map(Number);
    assert.ok(ticks.length > 3 && Math.min(...ticks) > 0.99, `the axis covers the definite ops, not the early info op: ${ticks.join(' ')}`);
    assert.ok(t.indexOf('r2') < t.indexOf('r10'), 'lanes in numeric order');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotationBands, phaseText } from '../../src/report/lanes.ts';
import { networkSpec, renderSvg, timelineSpec } from '../../src/report/index.ts';
import { faultWindows } from '../../src/check/ops.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';

/** a primary and a witness crash, each struck at a phase, and a partition without one */
function history(): HistoryEvent[] {
  const ev: HistoryEvent[] = [
    { kind: 'role', host: 'a', role: 'primary', time: 0 },
    { kind: 'role', host: 'b', role: 'backup', time: 0 },
    { kind: 'fault', phase: 'start', fault: 'crash', target: 'witness', id: 1, detail: { pair: 'kv', phaseMs: 12.5, epochMs: 25 }, time: 1000 },
    { kind: 'fault', phase: 'end', fault: 'crash', target: 'witness', id: 1, time: 1600 },
    { kind: 'fault', phase: 'start', fault: 'partition', target: 'witness-backup', id: 2, detail: { pair: 'kv', hosts: ['b'] }, time: 2000 },
    { kind: 'fault', phase: 'end', fault: 'partition', target: 'witness-backup', id: 2, time: 2400 },
  ];
  for (let t = 0; t < 3000; t += 20) {
    ev.push({ kind: 'op', type: 'invoke', process: 'probe:a', f: 'ping', host: 'a', time: t });
    ev.push({ kind: 'op', type: 'ok', process: 'probe:a', f: 'ping', host: 'a', ticks: t, time: t + 2 });
  }
  return ev.sort((x, y) => x.time - y.time);
}

describe('fault phases in the report', () => {
  it('labels a fault with where it struck in the checkpoint interval, and says so in its tooltip', () => {
    const { faults } = annotationBands(faultWindows(history()), [], 3000, 3);
    const [crash, partition] = faults;
    assert.equal(crash!.label, 'crash witness #1 @12.5/25');
    assert.match(crash!.tip!, /^crash witness #1 @12\.5\/25; struck 12\.5 ms into a 25 ms checkpoint interval \(phaseMs=12\.5, epochMs=25\)$/);
    assert.equal(partition!.label, 'partition witness-backup #2', 'a fault without a phase keeps its plain label');
    assert.match(partition!.tip!, /hosts=\["b"\]/);
    assert.equal(phaseText(undefined), '');
    assert.equal(phaseText({ phaseMs: 0, epochMs: 200 }), ' @0/200');
  });

  it('shades every fault kind in the timeline and network plots, with the phase label and a tick where it struck', async () => {
    const svg = await renderSvg(timelineSpec(history(), { title: 'witness faults' }));
    const t = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    assert.ok(t.includes('crash witness #1 @12.5/25'), `phase label in ${t.join('|')}`);
    assert.ok(t.includes('partition witness-backup #2'));
    // both windows shaded (the fault style's fill), and a dashed line where the phased one struck
    const bands = [...svg.matchAll(/<path aria-label="t0: ([\d.]+); t1: ([\d.]+); what: ([^"]*)"[^>]*fill="#7f7f7f"/g)].map((m) => m[3]);
    assert.equal(bands.length, 2, `two fault bands: ${bands.join(' | ')}`);
    assert.match(bands[0]!, /struck 12\.5 ms into a 25 ms checkpoint interval/);
    assert.match(svg, /aria-label="t0: 1; struck: crash witness #1[^"]*"[^>]*stroke="#444444"[^>]*stroke-dasharray="2,2"/, 'phase line drawn');
    const net = await renderSvg(networkSpec(history()));
    assert.ok(net.includes('crash witness #1 @12.5/25'), 'the network plot labels the phase too');
  });
});

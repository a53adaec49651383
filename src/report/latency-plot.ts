/**
 * Latency over time: one point per completed client read / write (x = invoke time,
 * y = invoke → ok latency), fault windows shaded, outages marked. Long runs are thinned to
 * at most maxPoints points: every k-th point is kept, plus every point above the p99, so
 * spikes never disappear (the title says when it thinned).
 */
import type { TopLevelSpec } from 'vega-lite';
import { faultWindows, historySpan, isFinal, pairOps } from '../check/ops.ts';
import { findOutages, type Outage } from '../check/outage.ts';
import { percentileSorted, sortedAsc } from '../check/stats.ts';
import type { History } from '../workload/history.ts';
import { annotationBands, faultLayers, outageLayers, sec, timeX } from './lanes.ts';

export interface LatencyPlotOptions {
  title?: string;
  width?: number;
  height?: number;
  /** default 3000 (about 1 MB of SVG) */
  maxPoints?: number;
  /** log-scale y (default false) */
  logScale?: boolean;
  outages?: readonly Pick<Outage, 'from' | 'to' | 'ms' | 'open'>[];
}

export function latencySpec(history: History, opts: LatencyPlotOptions = {}): TopLevelSpec {
  const width = opts.width ?? 900;
  const maxPoints = opts.maxPoints ?? 3000;
  const { start, end } = historySpan(history);
  const px = Math.max(1, end - start) / width;
  const { ops } = pairOps(history);
  const all = ops
    .filter((o) => o.type === 'ok' && (o.f === 'write' || o.f === 'read') && !isFinal(o.process))
    .map((o) => ({ t: o.invokeTime, latency: o.completeTime! - o.invokeTime, op: o.f, process: o.process }));
  let points = all;
  let thinned = '';
  if (all.length > maxPoints) {
    const p99 = percentileSorted(sortedAsc(all.map((p) => p.latency)), 0.99)!;
    const k = Math.ceil(all.length / maxPoints);
    points = all.filter((p, i) => i % k === 0 || p.latency > p99);
    thinned = ` (${points.length} of ${all.length} ops shown: 1 in ${k}, and all above p99)`;
  }
  const outages = opts.outages ?? findOutages(history).outages;
  const bands = annotationBands(faultWindows(history), outages, end, px);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${opts.title ?? 'op latency over time'}${thinned}`, offset: 40 },
    width,
    height: opts.height ?? 260,
    layer: [
      ...faultLayers(bands.faults),
      ...outageLayers(bands.outages),
      {
        data: { values: points.map((p) => ({ ...p, t: sec(p.t) })) },
        mark: { type: 'point', filled: true, size: 12, opacity: 0.6 },
        encoding: {
          x: timeX('t', start, end, 'invoke time since scenario start (s)'),
          y: { field: 'latency', type: 'quantitative', title: 'latency (ms)', scale: opts.logScale ? { type: 'symlog' } : {} },
          color: { field: 'op', type: 'nominal', title: 'op', scale: { domain: ['write', 'read'], range: ['#1f77b4', '#ff7f0e'] } },
          tooltip: [{ field: 'process' }, { field: 'op' }, { field: 'latency', title: 'latency ms' }],
        },
      },
    ],
    config: { view: { stroke: '#dddddd' } },
  };
  return spec as unknown as TopLevelSpec;
}

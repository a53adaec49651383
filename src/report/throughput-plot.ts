/**
 * Throughput and commit latency over time, in time buckets: top, ok client ops per second
 * (writes, reads, all); bottom, p50 / p99 / max commit latency of acknowledged writes; fault
 * windows shaded in both (labelled in the top one). network-plot.ts adds replication bandwidth.
 */
import type { TopLevelSpec } from 'vega-lite';
import { commitLatency } from '../check/latency.ts';
import { faultWindows, historySpan } from '../check/ops.ts';
import type { History } from '../workload/history.ts';
import { annotationBands } from './lanes.ts';
import { latencyPanelLayers, panel, throughputPanelLayers, type PanelFrame } from './panels.ts';

export interface ThroughputPlotOptions {
  title?: string;
  width?: number;
  /** bucket size in ms (default: automatic, ~100 buckets) */
  bucketMs?: number;
}

export function throughputSpec(history: History, opts: ThroughputPlotOptions = {}): TopLevelSpec {
  const width = opts.width ?? 900;
  const { start, end } = historySpan(history);
  const stats = commitLatency(history, opts.bucketMs !== undefined ? { bucketMs: opts.bucketMs } : {});
  const faults = annotationBands(faultWindows(history), [], end, Math.max(1, end - start) / width).faults;
  const frame: PanelFrame = { width, height: 180, start, end, faults };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${opts.title ?? 'throughput and commit latency'} (${stats.bucketMs} ms buckets)`, offset: 40 },
    vconcat: [
      panel(frame, throughputPanelLayers(frame, stats, 'time since scenario start (s)')),
      panel(frame, latencyPanelLayers(frame, stats, ['p50', 'p99', 'max'], 'time since scenario start (s)'), { labels: false }),
    ],
    resolve: { scale: { color: 'independent' } },
    config: { view: { stroke: '#dddddd' } },
  };
  return spec as unknown as TopLevelSpec;
}

/**
 * Throughput and commit latency over time, in time buckets (issue 6: "FT costs network"):
 * top, ok client ops per second (writes, reads, all); bottom, p50 / p99 / max commit latency of
 * acknowledged writes; fault windows shaded in both.
 */
import type { TopLevelSpec } from 'vega-lite';
import { commitLatency } from '../check/latency.ts';
import { faultWindows, historySpan } from '../check/ops.ts';
import type { History } from '../workload/history.ts';
import { annotationBands, bandLayers, sec } from './lanes.ts';

export interface ThroughputPlotOptions {
  title?: string;
  width?: number;
  /** bucket size in ms (default: automatic, ~100 buckets) */
  bucketMs?: number;
}

export function throughputSpec(history: History, opts: ThroughputPlotOptions = {}): TopLevelSpec {
  const width = opts.width ?? 900;
  const { start, end } = historySpan(history);
  const px = Math.max(1, end - start) / width;
  const stats = commitLatency(history, opts.bucketMs !== undefined ? { bucketMs: opts.bucketMs } : {});
  // step-after lines: each bucket drawn from its start to the next bucket
  const mid = (b: { start: number }) => sec(b.start);
  const rate = stats.buckets.flatMap((b) => [
    { t: mid(b), series: 'writes/s', value: b.writesPerSec },
    { t: mid(b), series: 'reads/s', value: b.readsPerSec },
    { t: mid(b), series: 'all ok client ops/s', value: b.opsPerSec },
  ]);
  // buckets without acknowledged writes carry null: the lines break there instead of bridging the gap
  const lat = stats.buckets.flatMap((b) => [
    { t: mid(b), series: 'p50', value: b.p50 },
    { t: mid(b), series: 'p99', value: b.p99 },
    { t: mid(b), series: 'max', value: b.max },
  ]);
  const faults = annotationBands(faultWindows(history), [], end, px).faults;
  const x = { field: 't', type: 'quantitative', title: 'time since scenario start (s)', scale: { domain: [sec(start), sec(end)], nice: false, zero: false } };
  const panel = (values: unknown[], yTitle: string, domain: string[], range: string[], withLabels: boolean) => ({
    width,
    height: 180,
    layer: [
      ...bandLayers(faults, '#7f7f7f', 0.14, '#444444').slice(0, withLabels ? undefined : 1),
      {
        data: { values },
        mark: { type: 'line', point: { size: 12 }, interpolate: 'step-after' },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: yTitle },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain, range } },
        },
      },
    ],
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${opts.title ?? 'throughput and commit latency'} (${stats.bucketMs} ms buckets)`, offset: 40 },
    vconcat: [
      panel(rate, 'ok ops per second', ['writes/s', 'reads/s', 'all ok client ops/s'], ['#1f77b4', '#ff7f0e', '#7f7f7f'], true),
      panel(lat, 'commit latency (ms)', ['p50', 'p99', 'max'], ['#2ca02c', '#d62728', '#bbbbbb'], false),
    ],
    resolve: { scale: { color: 'independent' } },
    config: { view: { stroke: '#dddddd' } },
  };
  return spec as unknown as TopLevelSpec;
}

/**
 * "FT costs network" (issue 6): three stacked panels on one time axis, fault windows shaded and
 * labelled in each:
 *   1. write commit latency p50 / p99 per time bucket (ms)
 *   2. client throughput: ok ops per second per bucket (writes, reads, all)
 *   3. replication bandwidth (KB/s, left axis) between consecutive "metrics" marks, and the
 *      platform's checkpoints/s (right axis, dashed); a counter reset (failover to a host with
 *      its own counter) leaves a gap, never a negative rate — see src/check/replication.ts.
 *   4. event-loop health: each process's longest stall per second (hosts, witness, harness),
 *      so that a reviewer sees how healthy the environment was next to the verdicts.
 * Panels with nothing to show say so ("no replication metrics", "no client ops", …).
 * Long runs: at most maxPoints spans per bandwidth / checkpoint series; consecutive intervals
 * are merged (total bytes / total time, so the merged rate is exact), never across a reset.
 */
import type { TopLevelSpec } from 'vega-lite';
import { commitLatency } from '../check/latency.ts';
import { faultWindows, historySpan } from '../check/ops.ts';
import { replicationBandwidth, type BandwidthInterval, type PairReplication } from '../check/replication.ts';
import type { History } from '../workload/history.ts';
import { annotationBands, type Layer } from './lanes.ts';
import { loopSamples } from '../check/loop-stalls.ts';
import { latencyPanelLayers, loopPanel, messageLayer, panel, stepLines, stepRows, throughputPanelLayers, type PanelFrame, type StepRow } from './panels.ts';

export interface NetworkPlotOptions {
  title?: string;
  /** plot width in px (default 900) */
  width?: number;
  /** height of each panel in px (default 160) */
  panelHeight?: number;
  /** latency / throughput bucket in ms (default: automatic, ~100 buckets) */
  bucketMs?: number;
  /** only this pair's metrics marks (default: every pair found, one series each) */
  pair?: string;
  /** at most this many spans per replication series (default 1500) */
  maxPoints?: number;
}

export const NETWORK_PANEL_TITLES = {
  latency: 'write commit latency p50 / p99 (ms)',
  throughput: 'client throughput (ok ops/s)',
  replication: 'replication bandwidth (KB/s) and checkpoints/s',
  loop: 'event-loop stalls of every process (environment health)',
} as const;

const BW_COLORS = ['#1f77b4', '#17becf', '#9467bd', '#8c564b'];
const CP_COLORS = ['#ff7f0e', '#bcbd22', '#e377c2', '#7f7f7f'];
const X_TITLE = 'time since scenario start (s)';

type Span = { start: number; end: number; value: number | null };

/** bandwidth spans, consecutive measured intervals merged k at a time (bytes / time stays exact), resets kept as gaps */
function bandwidthSpans(intervals: readonly BandwidthInterval[], maxPoints: number): Span[] {
  const k = Math.max(1, Math.ceil(intervals.length / maxPoints));
  const out: Span[] = [];
  let acc: { start: number; end: number; bytes: number; n: number } | null = null;
  const flush = () => {
    if (acc) out.push({ start: acc.start, end: acc.end, value: acc.bytes / (acc.end - acc.start) });
    acc = null;
  };
  for (const i of intervals) {
    if (i.bytes === null) {
      flush();
      out.push({ start: i.from, end: i.to, value: null });
      continue;
    }
    if (acc && acc.end !== i.from) flush();
    if (!acc) acc = { start: i.from, end: i.to, bytes: 0, n: 0 };
    acc.end = i.to;
    acc.bytes += i.bytes;
    if (++acc.n >= k) flush();
  }
  flush();
  return out;
}

/** checkpoints/s held from one sample to the next, averaged k samples at a time */
function checkpointSpans(r: PairReplication, maxPoints: number): Span[] {
  const s = r.samples.filter((x) => x.checkpointsPerSecond !== null);
  const k = Math.max(1, Math.ceil(s.length / maxPoints));
  const out: Span[] = [];
  for (let i = 0; i + 1 < s.length; i += k) {
    const j = Math.min(i + k, s.length - 1);
    let sum = 0;
    for (let m = i; m < j; m++) sum += s[m]!.checkpointsPerSecond!;
    if (s[j]!.time > s[i]!.time) out.push({ start: s[i]!.time, end: s[j]!.time, value: sum / (j - i) });
  }
  return out;
}

const kb = (x: number) => (x >= 100 ? Math.round(x).toString() : x.toFixed(1));

function replicationPanel(frame: PanelFrame, reps: readonly PairReplication[], maxPoints: number, xTitle: string | null): Layer {
  const bwRows: StepRow[] = [];
  const cpRows: StepRow[] = [];
  const bwSeries: string[] = [];
  const cpSeries: string[] = [];
  const notes: string[] = [];
  const many = reps.length > 1;
  for (const r of reps) {
    const bw = bandwidthSpans(r.intervals, maxPoints);
    const cp = checkpointSpans(r, maxPoints);
    const prefix = many ? `${r.pair} ` : '';
    if (bw.some((s) => s.value !== null)) {
      const name = `${prefix}${many ? 'KB/s' : 'replication KB/s'}`;
      bwSeries.push(name);
      bwRows.push(...stepRows(bw, name, (s) => s.value));
    }
    if (cp.length) {
      const name = `${prefix}checkpoints/s`;
      cpSeries.push(name);
      cpRows.push(...stepRows(cp, name, (s) => s.value));
    }
    const figures = r.meanKBps === null ? ['bandwidth unmeasured'] : [`mean ${kb(r.meanKBps)} KB/s`, `peak ${kb(r.peakKBps!)} KB/s`];
    if (r.resets) figures.push(`${r.resets} counter reset${r.resets > 1 ? 's' : ''} (gap)`);
    notes.push(`${r.pair}: ${figures.join(', ')}`);
  }
  if (bwRows.length === 0 && cpRows.length === 0) {
    return panel(frame, [messageLayer(frame, 'no replication metrics', xTitle)], { title: NETWORK_PANEL_TITLES.replication });
  }
  // one colour scale for both layers, so one legend lists bandwidth and checkpoints
  const color = { domain: [...bwSeries, ...cpSeries], range: [...bwSeries.map((_, i) => BW_COLORS[i % BW_COLORS.length]!), ...cpSeries.map((_, i) => CP_COLORS[i % CP_COLORS.length]!)] };
  const layers: Layer[] = [];
  if (bwRows.length) layers.push(stepLines(frame, bwRows, 'replication KB/s', color, { xTitle, axis: { orient: 'left', titleColor: BW_COLORS[0] } }));
  if (cpRows.length) layers.push(stepLines(frame, cpRows, 'checkpoints/s', color, { xTitle, axis: { orient: 'right', titleColor: CP_COLORS[0] }, dash: [4, 2] }));
  return panel(frame, layers, { title: NETWORK_PANEL_TITLES.replication, subtitle: notes.join('; '), resolve: { scale: { y: 'independent' } } });
}

/**
 * Commit latency, client throughput and replication bandwidth over time, stacked on one time
 * axis with the fault windows shaded and labelled in every panel. O(n log n) in the history.
 */
export function networkSpec(history: History, opts: NetworkPlotOptions = {}): TopLevelSpec {
  const width = opts.width ?? 900;
  const maxPoints = Math.max(1, opts.maxPoints ?? 1500);
  const { start, end } = historySpan(history);
  const stats = commitLatency(history, opts.bucketMs !== undefined ? { bucketMs: opts.bucketMs } : {});
  const faults = annotationBands(faultWindows(history), [], end, Math.max(1, end - start) / width).faults;
  const frame: PanelFrame = { width, height: opts.panelHeight ?? 160, start, end, faults };
  const reps = replicationBandwidth(history, opts.pair !== undefined ? { pair: opts.pair } : {});
  const pairText = opts.pair !== undefined ? ` of "${opts.pair}"` : '';
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${opts.title ?? `commit latency, throughput and replication${pairText} over time`} (${stats.bucketMs} ms buckets)`, offset: 12 },
    vconcat: [
      panel(frame, latencyPanelLayers(frame, stats, ['p50', 'p99'], null), { title: NETWORK_PANEL_TITLES.latency }),
      panel(frame, throughputPanelLayers(frame, stats, null), { title: NETWORK_PANEL_TITLES.throughput }),
      replicationPanel(frame, reps, maxPoints, null),
      loopPanel(frame, loopSamples(history, opts.pair !== undefined ? { pair: opts.pair } : {}), NETWORK_PANEL_TITLES.loop, X_TITLE),
    ],
    spacing: 16,
    resolve: { scale: { color: 'independent' } },
    config: { view: { stroke: '#dddddd' } },
  };
  return spec as unknown as TopLevelSpec;
}

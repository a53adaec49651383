/**
 * Panels of the stacked "over time" figures (throughput-plot.ts, network-plot.ts): every panel
 * has the same time axis (the whole history span), the fault windows shaded, and series drawn
 * as staircases (each value held from its bucket's / interval's start to its end; null = gap).
 */
import type { LatencyStats } from '../check/latency.ts';
import { loopSummaries, type LoopSample } from '../check/loop-stalls.ts';
import { faultLayers, labelSpace, sec, timeDomain, timeX, type Band, type Layer } from './lanes.ts';

/** what the panels of one figure share */
export interface PanelFrame {
  width: number;
  height: number;
  /** history span, ms */
  start: number;
  end: number;
  faults: readonly Band[];
}

/** one row of a staircase series; `i` orders the points of the line */
export interface StepRow {
  t: number;
  series: string;
  value: number | null;
  i: number;
}

/**
 * Staircase rows of one series: two points per span (start and end, in seconds) carrying the
 * same value, so the line holds each value over its span; a null value breaks the line there.
 */
export function stepRows<T extends { start: number; end: number }>(spans: readonly T[], series: string, value: (s: T) => number | null): StepRow[] {
  const rows: StepRow[] = [];
  spans.forEach((s, k) => {
    const v = value(s);
    rows.push({ t: sec(s.start), series, value: v, i: 2 * k }, { t: sec(s.end), series, value: v, i: 2 * k + 1 });
  });
  return rows;
}

/** a line layer of staircase rows coloured by series (domain / range fix the legend order and colours) */
export function stepLines(frame: PanelFrame, rows: readonly StepRow[], yTitle: string, color: { domain: readonly string[]; range: readonly string[] }, opts: { xTitle?: string | null; axis?: Layer; dash?: number[] } = {}): Layer {
  return {
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, ...(opts.dash ? { strokeDash: opts.dash } : {}) },
    encoding: {
      x: timeX('t', frame.start, frame.end, opts.xTitle === undefined ? 'time since scenario start (s)' : opts.xTitle),
      y: { field: 'value', type: 'quantitative', title: yTitle, ...(opts.axis ? { axis: opts.axis } : {}) },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: color.domain, range: color.range } },
      order: { field: 'i', type: 'quantitative' },
    },
  };
}

/** a grey message in the middle of an empty panel (keeps the time axis) */
export function messageLayer(frame: PanelFrame, text: string, xTitle: string | null = 'time since scenario start (s)'): Layer {
  const [t0, t1] = timeDomain(frame.start, frame.end);
  return {
    data: { values: [{ t: sec((t0 + t1) / 2) }] },
    mark: { type: 'text', fontSize: 13, color: '#888888', align: 'center', baseline: 'middle' },
    encoding: { x: timeX('t', frame.start, frame.end, xTitle), y: { value: frame.height / 2 }, text: { value: text } },
  };
}

/**
 * One panel: fault windows shaded (labelled above the plot when `labels`), then `layers`.
 * With a title, the title sits above the fault labels.
 */
export function panel(frame: PanelFrame, layers: readonly Layer[], opts: { title?: string; subtitle?: string; labels?: boolean; resolve?: Layer } = {}): Layer {
  const labels = opts.labels ?? true;
  return {
    ...(opts.title !== undefined
      ? { title: { text: opts.title, ...(opts.subtitle ? { subtitle: opts.subtitle } : {}), anchor: 'start', frame: 'group', fontSize: 12, offset: labels ? labelSpace(frame.faults) : 8 } }
      : {}),
    width: frame.width,
    height: frame.height,
    layer: [...faultLayers(frame.faults, labels), ...layers],
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
  };
}

type LatencySeries = 'p50' | 'p99' | 'max';
const LATENCY_COLORS: Record<LatencySeries, string> = { p50: '#2ca02c', p99: '#d62728', max: '#bbbbbb' };

/** write commit latency per bucket (ms); "no acknowledged writes" when there are none */
export function latencyPanelLayers(frame: PanelFrame, stats: LatencyStats, series: readonly LatencySeries[], xTitle: string | null): Layer[] {
  if (!stats.buckets.some((b) => b.writes > 0)) return [messageLayer(frame, 'no acknowledged writes', xTitle)];
  const rows = series.flatMap((s) => stepRows(stats.buckets, s, (b) => b[s]));
  return [stepLines(frame, rows, 'commit latency (ms)', { domain: series, range: series.map((s) => LATENCY_COLORS[s]) }, { xTitle })];
}

const RATE_SERIES = ['writes/s', 'reads/s', 'all ok client ops/s'] as const;

/** ok client completions per second per bucket; "no client ops" when there are none */
export function throughputPanelLayers(frame: PanelFrame, stats: LatencyStats, xTitle: string | null): Layer[] {
  if (stats.buckets.length === 0) return [messageLayer(frame, 'no client ops', xTitle)];
  const rows = [
    ...stepRows(stats.buckets, RATE_SERIES[0], (b) => b.writesPerSec),
    ...stepRows(stats.buckets, RATE_SERIES[1], (b) => b.readsPerSec),
    ...stepRows(stats.buckets, RATE_SERIES[2], (b) => b.opsPerSec),
  ];
  return [stepLines(frame, rows, 'ok ops per second', { domain: RATE_SERIES, range: ['#1f77b4', '#ff7f0e', '#7f7f7f'] }, { xTitle })];
}

const LOOP_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2'];

/**
 * Event-loop health: per process (hosts, witness, harness) the longest stall of each 1 s
 * window, ms; the subtitle gives each process's worst stall and median p99 lateness.
 */
export function loopPanel(frame: PanelFrame, samples: readonly LoopSample[], title: string, xTitle: string | null): Layer {
  if (samples.length === 0) return panel(frame, [messageLayer(frame, 'no event-loop reports', xTitle)], { title });
  const sums = loopSummaries(samples);
  const names = sums.map((s) => s.process);
  const rows = names.flatMap((n) => stepRows(samples.filter((s) => s.process === n).map((s) => ({ start: s.time - s.windowMs, end: s.time, v: s.maxMs })), n, (s) => s.v));
  const color = { domain: names, range: names.map((_, i) => LOOP_COLORS[i % LOOP_COLORS.length]!) };
  const subtitle = sums.map((s) => `${s.process}: worst ${Math.round(s.maxMs)} ms, p99 ${s.p99Ms} ms`).join('; ');
  return panel(frame, [stepLines(frame, rows, 'longest stall per second (ms)', color, { xTitle })], { title, subtitle });
}

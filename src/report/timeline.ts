/**
 * The TIMELINE plot: time on x; one lane per host showing its role over time (RoleEvents),
 * one lane per client / probe / final process with each op drawn from invoke to completion
 * coloured ok / info / fail (open = never completed); fault windows shaded grey with their
 * label, outages shaded red with their length.
 *
 * Consecutive ops of one lane with the same outcome that are closer than about a pixel are
 * merged into one bar (lossless at the plot's resolution; keeps the SVG small for long runs).
 */
import type { TopLevelSpec } from 'vega-lite';
import { faultWindows, historySpan, pairOps, roleEvents } from '../check/ops.ts';
import { findOutages, type Outage } from '../check/outage.ts';
import type { History } from '../workload/history.ts';
import { annotationBands, faultLayers, laneOrder, outageLayers, sec, timeX } from './lanes.ts';

export interface TimelineOptions {
  title?: string;
  /** plot width in px (default 900) */
  width?: number;
  /** px per lane (default 16) */
  laneHeight?: number;
  /** outages to mark; default: findOutages(history).outages */
  outages?: readonly Pick<Outage, 'from' | 'to' | 'ms' | 'open'>[];
  /** merge same-outcome ops of a lane closer than this (ms); default ≈ 1 px */
  mergeGapMs?: number;
}

const OUTCOMES = ['ok', 'info', 'fail', 'open'] as const;
const OUTCOME_COLORS = ['#2ca02c', '#ff9f1c', '#d62728', '#9e9e9e'];
const ROLE_COLORS: Record<string, string> = {
  primary: '#1f77b4',
  backup: '#9467bd',
  starting: '#c7c7c7',
  fenced: '#8c564b',
  down: '#333333',
};
const OTHER_ROLE_COLORS = ['#17becf', '#bcbd22', '#e377c2', '#7f7f7f'];

export function timelineSpec(history: History, opts: TimelineOptions = {}): TopLevelSpec {
  const width = opts.width ?? 900;
  const { start, end } = historySpan(history);
  const span = Math.max(1, end - start);
  const px = span / width;
  const mergeGap = opts.mergeGapMs ?? px;

  // ops, merged per lane
  const { ops } = pairOps(history);
  const byLane = new Map<string, typeof ops>();
  for (const o of ops) {
    const l = byLane.get(o.process) ?? [];
    l.push(o);
    byLane.set(o.process, l);
  }
  const opRows: { lane: string; t0: number; t1: number; outcome: string; ops: number }[] = [];
  for (const [lane, list] of byLane) {
    let cur: { lane: string; t0: number; t1: number; outcome: string; ops: number } | null = null;
    for (const o of list) {
      const t0 = o.invokeTime;
      const t1 = Math.max(o.completeTime ?? end, t0 + px); // at least a pixel wide
      if (cur && cur.outcome === o.type && t0 <= cur.t1 + mergeGap) {
        cur.t1 = Math.max(cur.t1, t1);
        cur.ops++;
        continue;
      }
      if (cur) opRows.push(cur);
      cur = { lane, t0, t1, outcome: o.type, ops: 1 };
    }
    if (cur) opRows.push(cur);
  }

  // host roles
  const roleRows: { lane: string; t0: number; t1: number; outcome: string }[] = [];
  const lastRole = new Map<string, { t0: number; role: string }>();
  for (const r of roleEvents(history)) {
    const prev = lastRole.get(r.host);
    if (prev) roleRows.push({ lane: `host ${r.host}`, t0: prev.t0, t1: r.time, outcome: prev.role });
    lastRole.set(r.host, { t0: r.time, role: r.role });
  }
  for (const [host, prev] of lastRole) roleRows.push({ lane: `host ${host}`, t0: prev.t0, t1: Math.max(end, prev.t0 + px), outcome: prev.role });

  const roles = [...new Set(roleRows.map((r) => r.outcome))].sort();
  const domain: string[] = [...OUTCOMES, ...roles];
  let other = 0;
  const range = [...OUTCOME_COLORS, ...roles.map((r) => ROLE_COLORS[r] ?? OTHER_ROLE_COLORS[other++ % OTHER_ROLE_COLORS.length]!)];
  const lanes = laneOrder([...roleRows.map((r) => r.lane), ...byLane.keys()]);

  const outages = opts.outages ?? findOutages(history).outages;
  const bands = annotationBands(faultWindows(history), outages, end, px);
  const toSec = <T extends { t0: number; t1: number }>(r: T) => ({ ...r, t0: sec(r.t0), t1: sec(r.t1) });
  const color = { field: 'outcome', type: 'nominal', title: 'outcome / role', scale: { domain, range } };
  const x = timeX('t0', start, end);
  const y = { field: 'lane', type: 'nominal', title: null, scale: { domain: lanes }, sort: lanes };

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title ?? 'timeline', offset: 40 },
    width,
    height: Math.max(1, lanes.length) * (opts.laneHeight ?? 16),
    layer: [
      ...faultLayers(bands.faults),
      ...outageLayers(bands.outages),
      {
        data: { values: roleRows.map(toSec) },
        mark: { type: 'bar', opacity: 0.85 },
        encoding: { x, x2: { field: 't1' }, y, color },
      },
      {
        data: { values: opRows.map(toSec) },
        mark: { type: 'bar' },
        encoding: { x, x2: { field: 't1' }, y, color, tooltip: [{ field: 'lane' }, { field: 'outcome' }, { field: 'ops', title: 'ops merged' }] },
      },
    ],
    config: { view: { stroke: '#dddddd' }, axis: { labelFontSize: 11 } },
  };
  return spec as unknown as TopLevelSpec;
}

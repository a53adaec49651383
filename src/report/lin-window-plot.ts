/**
 * The COUNTER-EXAMPLE plot of a failed linearizability verdict: the smallest window of one
 * key's ops that cannot be linearized (src/check/linearizable.ts). One lane per process,
 * each op a bar from invoke to completion labelled "w 3", "r 4", "cas 3→5"; indeterminate
 * ops (info) continue as a dashed line to the window's end (they may take effect later),
 * ops that never completed are drawn to the window's end, pale; the op that cannot be placed
 * is red.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LinearizableDetails, WindowOp } from '../check/linearizable.ts';
import { laneOrder, sec } from './lanes.ts';

export interface LinWindowPlotOptions {
  /** plot width in px (default 700) */
  width?: number;
  /** px per lane (default 28) */
  laneHeight?: number;
}

const s3 = (ms: number) => String(Math.round(ms) / 1000);
const v = (x: number | null | undefined) => (x === null || x === undefined ? 'nil' : String(x));

/** "w 3", "r nil", "cas 3→5" */
export function shortOpLabel(o: Pick<WindowOp, 'f' | 'value' | 'expect'>): string {
  if (o.f === 'reg-write') return `w ${v(o.value)}`;
  if (o.f === 'reg-read') return `r ${v(o.value)}`;
  return `cas ${v(o.expect)}→${v(o.value)}`;
}

/** split a long line at ", " / spaces into lines of at most ~`max` characters */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur && cur.length + 1 + word.length > max) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines;
}

const STYLES = ['ok', 'indeterminate', 'never completed', 'cannot be placed'] as const;
const COLORS = ['#1f77b4', '#ff9f1c', '#bdbdbd', '#d62728'];

export function linWindowSpec(d: Pick<LinearizableDetails, 'key' | 'window' | 'initial' | 'explanation'> & { culprit?: number }, opts: LinWindowPlotOptions = {}): TopLevelSpec {
  const width = opts.width ?? 700;
  const laneHeight = opts.laneHeight ?? 28;
  const ops = d.window;
  // the plotted stretch is that of the definite ops: indeterminate ones invoked long before
  // (they may take effect at any later time) start at its left edge, their label says when
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const o of ops) {
    if (o.outcome !== 'ok') continue;
    t0 = Math.min(t0, o.invokeTime);
    t1 = Math.max(t1, o.completeTime!);
  }
  for (const o of ops) {
    if (t0 === Infinity || o.invokeTime > t1) t1 = Math.max(t1, o.completeTime ?? o.invokeTime);
  }
  if (t0 === Infinity) t0 = ops.length ? Math.min(...ops.map((o) => o.invokeTime)) : 0;
  if (t1 === -Infinity) t1 = t0;
  const pad = Math.max(1, (t1 - t0) * 0.15);
  const start = t0 - pad;
  const end = t1 + pad;
  const minWidth = (end - start) / width; // a pixel, ms

  const lastLabelEnd = new Map<string, number[]>();
  const rows = ops.map((o, i) => {
    const style = i === d.culprit ? 'cannot be placed' : o.outcome === 'ok' ? 'ok' : o.outcome === 'info' ? 'indeterminate' : 'never completed';
    const from = Math.max(o.invokeTime, start);
    const done = Math.max(o.completeTime ?? end, from);
    const early = o.invokeTime < start;
    // indeterminate ops invoked before the stretch share one label per lane (see below)
    const label = early ? '' : shortOpLabel(o);
    // labels of one lane that would overlap go to the other row (above / below the bar)
    const ends = lastLabelEnd.get(o.process) ?? [-Infinity, -Infinity];
    if (early) return { lane: o.process, t0: sec(from), t1: sec(Math.max(done, from + minWidth)), label, row: -1, style, outcome: o.outcome, span: `from ${s3(o.invokeTime)} s` };
    const row = ends[0]! <= from ? 0 : ends[1]! <= from ? 1 : ends[0]! <= ends[1]! ? 0 : 1;
    ends[row] = from + (label.length * 6.5 + 6) * minWidth;
    lastLabelEnd.set(o.process, ends);
    return {
      lane: o.process,
      t0: sec(from),
      t1: sec(Math.max(done, from + minWidth)),
      label,
      row,
      style,
      outcome: o.outcome,
      span: o.completeTime === null ? `from ${s3(o.invokeTime)} s, never completed` : `${s3(o.invokeTime)}–${s3(o.completeTime)} s`,
    };
  });
  // per lane, the indeterminate ops invoked before the stretch: "earlier: w 5, cas 4→1"
  const earlier = new Map<string, string[]>();
  for (const o of ops) if (o.invokeTime < start) earlier.set(o.process, [...(earlier.get(o.process) ?? []), shortOpLabel(o)]);
  const earlierRows = [...earlier].map(([lane, labels]) => ({
    lane,
    t0: sec(start),
    label: `earlier: ${labels.slice(0, 4).join(', ')}${labels.length > 4 ? ` +${labels.length - 4}` : ''}`,
  }));
  // indeterminate ops may still take effect after their completion
  const later = ops.filter((o) => o.outcome === 'info' && o.completeTime !== null).map((o) => ({ lane: o.process, t0: sec(Math.max(o.completeTime!, start)), t1: sec(end) }));
  const lanes = laneOrder(ops.map((o) => o.process)).sort((a, b) => {
    const x = /^r(\d+)$/.exec(a);
    const y = /^r(\d+)$/.exec(b);
    return x && y ? Number(x[1]) - Number(y[1]) : 0;
  });
  const x = { field: 't0', type: 'quantitative', title: 'time since scenario start (s)', scale: { domain: [sec(start), sec(end)], nice: false, zero: false } };
  const y = { field: 'lane', type: 'nominal', title: null, scale: { domain: lanes }, sort: lanes };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `key ${d.key}: not linearizable (${ops.length} ops, from ${d.initial === 'nil' ? 'nil' : 'any value'})`,
      subtitle: wrap(d.explanation, Math.max(40, Math.floor(width / 6))),
      subtitleFontSize: 10,
      anchor: 'start',
    },
    width,
    height: Math.max(1, lanes.length) * laneHeight,
    layer: [
      {
        data: { values: later },
        mark: { type: 'rule', clip: true, strokeDash: [4, 3], color: COLORS[1], strokeWidth: 2 },
        encoding: { x, x2: { field: 't1' }, y },
      },
      {
        data: { values: rows },
        mark: { type: 'bar', clip: true, height: laneHeight * 0.6, cornerRadius: 2 },
        encoding: {
          x,
          x2: { field: 't1' },
          y,
          color: { field: 'style', type: 'nominal', title: null, scale: { domain: [...STYLES], range: COLORS }, legend: { orient: 'bottom' } },
          opacity: { condition: { test: "datum.style === 'never completed'", value: 0.6 }, value: 0.9 },
          tooltip: [{ field: 'lane', title: 'process' }, { field: 'label', title: 'op' }, { field: 'span', title: 'time' }, { field: 'outcome' }],
        },
      },
      {
        data: { values: earlierRows },
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, dy: -laneHeight * 0.42, fontSize: 9, fontStyle: 'italic', color: '#8a5a00' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
      ...[0, 1].map((row) => ({
        data: { values: rows.filter((r) => r.row === row) },
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, dy: row === 0 ? 0 : laneHeight * 0.42, fontSize: row === 0 ? 11 : 9, fontWeight: 'bold', color: '#111111' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      })),
    ],
    config: { view: { stroke: '#dddddd' }, axis: { labelFontSize: 11 } },
  };
  return spec as unknown as TopLevelSpec;
}

/** Shared pieces of the plots: time conversion, lane order, fault / outage annotations. */
import type { FaultWindow } from '../check/ops.ts';
import { faultLabel } from '../check/ops.ts';

/** history times are ms; plots show seconds */
export const sec = (ms: number): number => ms / 1000;

/** "host a", "host b", then clients c0, c1, … c10 and register clients r0, r1, … in numeric order, probes, final, the rest */
export function laneOrder(lanes: Iterable<string>): string[] {
  const rank = (l: string): [number, number, string] => {
    if (l.startsWith('host ')) return [0, 0, l];
    const c = /^c(\d+)$/.exec(l);
    if (c) return [1, Number(c[1]), l];
    const r = /^r(\d+)$/.exec(l);
    if (r) return [1.5, Number(r[1]), l];
    if (l.startsWith('probe:')) return [2, 0, l];
    if (l === 'final') return [3, 0, l];
    return [4, 0, l];
  };
  return [...new Set(lanes)].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
  });
}

export interface Band {
  t0: number;
  t1: number;
  label: string;
  /** tooltip: the label and, for a fault, its detail (phase in the checkpoint interval, links, …) */
  tip?: string;
  /** stacking row of the label above the plot (0 = nearest) */
  level: number;
}

/**
 * Fault windows and outages as shaded bands in seconds (an open fault window lasts until
 * `end`, ms), with label rows assigned together so that no two labels overlap (up to 3
 * rows above the plot). `msPerPx` is the plot's time resolution.
 */
export function annotationBands(
  faults: readonly FaultWindow[],
  outages: readonly { from: number; to: number; ms: number; open?: boolean }[],
  end: number,
  msPerPx: number,
): { faults: Band[]; outages: Band[] } {
  const items: { kind: 'fault' | 'outage'; t0: number; t1: number; label: string; tip?: string }[] = [
    ...faults.map((f) => {
      const label = `${faultLabel(f)}${phaseText(f.detail)}${f.end === null ? ' (no end)' : ''}`;
      return { kind: 'fault' as const, t0: f.start, t1: f.end ?? Math.max(end, f.start), label, tip: faultTip(label, f.detail) };
    }),
    ...outages.map((o) => ({ kind: 'outage' as const, t0: o.from, t1: o.to, label: `outage ${Math.round(o.ms)} ms${o.open ? '+' : ''}` })),
  ].sort((a, b) => a.t0 - b.t0);
  const lastEnd = [-Infinity, -Infinity, -Infinity];
  const out = { faults: [] as Band[], outages: [] as Band[] };
  for (const it of items) {
    let level = lastEnd.findIndex((e) => e <= it.t0);
    if (level === -1) level = lastEnd.indexOf(Math.min(...lastEnd));
    lastEnd[level] = it.t0 + (it.label.length * 6 + 8) * msPerPx; // ~6 px per character at font size 10
    (it.kind === 'fault' ? out.faults : out.outages).push({ t0: sec(it.t0), t1: sec(it.t1), label: it.label, ...(it.tip ? { tip: it.tip } : {}), level });
  }
  return out;
}

/**
 * " @12.5/25" when the fault struck at a random phase of the checkpoint interval (detail
 * phaseMs / epochMs, see PairUnderTest.strike): where in the epoch it landed.
 */
export function phaseText(detail: Record<string, unknown> | undefined): string {
  const p = detail?.phaseMs;
  const e = detail?.epochMs;
  return typeof p === 'number' && typeof e === 'number' ? ` @${p}/${e}` : '';
}

/** the band's tooltip: its label, then the fault's detail as "key=value" pairs */
function faultTip(label: string, detail: Record<string, unknown> | undefined): string {
  if (!detail) return label;
  const parts = Object.entries(detail)
    .filter(([k]) => k !== 'pair')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const phase = typeof detail.phaseMs === 'number' ? `; struck ${detail.phaseMs} ms into a ${detail.epochMs} ms checkpoint interval` : '';
  return `${label}${phase}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

export type Layer = Record<string, unknown>;

/** how fault windows and outages look in every plot */
export const FAULT_STYLE = { fill: '#7f7f7f', opacity: 0.14, text: '#444444' } as const;
export const OUTAGE_STYLE = { fill: '#d62728', opacity: 0.22, text: '#b00000' } as const;

/** shaded fault windows (+ their labels above the plot unless `labels` is false) */
export function faultLayers(bands: readonly Band[], labels = true): Layer[] {
  const layers = bandLayers(bands, FAULT_STYLE.fill, FAULT_STYLE.opacity, FAULT_STYLE.text);
  return labels ? layers : layers.slice(0, 1);
}

/** shaded outages with their length above the plot */
export function outageLayers(bands: readonly Band[]): Layer[] {
  return bandLayers(bands, OUTAGE_STYLE.fill, OUTAGE_STYLE.opacity, OUTAGE_STYLE.text);
}

/** px above the plot the band labels need (a title offset that keeps the title clear of them) */
export function labelSpace(...bandSets: readonly (readonly Band[])[]): number {
  let rows = 0;
  for (const bands of bandSets) for (const b of bands) rows = Math.max(rows, b.level + 1);
  return rows === 0 ? 8 : 8 + 12 * rows;
}

/** the plotted time range, ms: the history span, or a second from its start when the span is empty */
export function timeDomain(start: number, end: number): [number, number] {
  return [start, end > start ? end : start + 1000];
}

/**
 * The time x encoding every time plot shares: seconds since the scenario start, the whole
 * history span as domain (so stacked panels line up). title null = no axis title.
 */
export function timeX(field: string, start: number, end: number, title: string | null = 'time since scenario start (s)'): Layer {
  const [t0, t1] = timeDomain(start, end);
  return { field, type: 'quantitative', title, scale: { domain: [sec(t0), sec(t1)], nice: false, zero: false } };
}

/** shaded rectangles spanning the plot height + their labels above the plot */
export function bandLayers(bands: readonly Band[], fill: string, opacity: number, textColor: string): Layer[] {
  if (bands.length === 0) return [];
  const layers: Layer[] = [
    {
      data: { values: bands },
      mark: { type: 'rect', color: fill, opacity },
      encoding: {
        x: { field: 't0', type: 'quantitative' },
        x2: { field: 't1' },
        tooltip: [{ field: bands.some((b) => b.tip) ? 'tip' : 'label', type: 'nominal', title: 'what' }],
      },
    },
  ];
  // a fault struck at a phase of the checkpoint interval: a dashed line where it struck
  const struck = bands.filter((b) => / @[\d.]+\/[\d.]+/.test(b.label));
  if (struck.length) {
    layers.push({
      data: { values: struck },
      mark: { type: 'rule', color: textColor, strokeDash: [2, 2], opacity: 0.6 },
      encoding: { x: { field: 't0', type: 'quantitative' }, tooltip: [{ field: 'tip', type: 'nominal', title: 'struck' }] },
    });
  }
  for (const level of [0, 1, 2]) {
    if (!bands.some((b) => b.level === level)) continue;
    layers.push({
      data: { values: bands.filter((b) => b.level === level) },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 2, fontSize: 10, color: textColor },
      encoding: {
        x: { field: 't0', type: 'quantitative' },
        y: { value: -3 - 12 * level },
        text: { field: 'label', type: 'nominal' },
      },
    });
  }
  return layers;
}

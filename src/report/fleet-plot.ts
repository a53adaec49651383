/**
 * The fleet panel (issue 12): several pairs on one time axis.
 *   1. protection state per pair: one lane per pair, protected (green) / unprotected (red)
 *      from the platform's reports, host faults of the pair drawn as black ticks;
 *   2. replication bandwidth per pair (KB/s between consecutive metrics marks, a gap at a
 *      counter reset), one line per pair;
 *   3. pairs protected over time (the fleet count).
 * Pure: history in, vega-lite spec out (renderSvg turns it into SVG).
 */
import type { TopLevelSpec } from 'vega-lite';
import { protectedOverTime } from '../check/fleet.ts';
import { faultWindows, historySpan } from '../check/ops.ts';
import { protectionRuns } from '../check/protection.ts';
import { replicationBandwidth } from '../check/replication.ts';
import { eventsOf } from '../check/scope.ts';
import type { History } from '../workload/history.ts';

export const FLEET_PANEL_TITLES = {
  protection: 'protection state per pair',
  bandwidth: 'replication bandwidth per pair (KB/s)',
  count: 'pairs protected',
} as const;

const X_TITLE = 'time since scenario start (s)';
const s = (ms: number) => Math.round(ms) / 1000;

export interface FleetPlotOptions {
  title?: string;
  width?: number;
}

/** rows of the three panels, exported for tests */
export function fleetRows(history: History, pairs: readonly string[]) {
  const { end } = historySpan(history);
  const protection: { pair: string; from: number; to: number; state: string }[] = [];
  const faults: { pair: string; t: number; label: string }[] = [];
  const bandwidth: { pair: string; t: number; kbps: number | null; i: number }[] = [];
  for (const pair of pairs) {
    const ev = eventsOf(history, pair);
    for (const r of protectionRuns(ev, { end })) protection.push({ pair, from: s(r.from), to: s(r.to), state: r.protected ? 'protected' : 'unprotected' });
    for (const f of faultWindows(ev.filter((e) => e.kind !== 'fault' || e.pair === pair || (e.detail as { pair?: unknown } | undefined)?.pair === pair))) {
      faults.push({ pair, t: s(f.start), label: `${f.fault} ${f.target}` });
    }
    const [bw] = replicationBandwidth(ev, { pair });
    for (const i of bw?.intervals ?? []) {
      // held over the interval; a reset interval is a gap (null), never a negative rate
      bandwidth.push({ pair, t: s(i.from), kbps: i.kbPerSec, i: bandwidth.length }, { pair, t: s(i.to), kbps: i.kbPerSec, i: bandwidth.length + 1 });
    }
  }
  const count = protectedOverTime(history, pairs).map((o) => ({ t: s(o.time), protected: o.protected }));
  if (count.length) count.push({ t: s(end), protected: count.at(-1)!.protected });
  return { protection, faults, bandwidth, count, end: s(end) };
}

export function fleetSpec(history: History, pairs: readonly string[], opts: FleetPlotOptions = {}): TopLevelSpec {
  const width = opts.width ?? 900;
  const rows = fleetRows(history, pairs);
  const x = (title: string | null) => ({ type: 'quantitative' as const, scale: { domain: [0, rows.end] }, title });
  const lane = { field: 'pair', type: 'nominal' as const, sort: [...pairs], title: null };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title ?? `fleet of ${pairs.length} pairs`,
    vconcat: [
      {
        title: FLEET_PANEL_TITLES.protection,
        width,
        height: Math.max(60, 18 * pairs.length),
        layer: [
          {
            data: { values: rows.protection },
            mark: { type: 'bar' },
            encoding: {
              x: { field: 'from', ...x(null) },
              x2: { field: 'to' },
              y: lane,
              color: { field: 'state', type: 'nominal', scale: { domain: ['protected', 'unprotected'], range: ['#2ca02c', '#d62728'] }, title: null },
            },
          },
          {
            data: { values: rows.faults },
            mark: { type: 'tick', color: 'black', thickness: 2 },
            encoding: { x: { field: 't', ...x(null) }, y: lane, tooltip: { field: 'label' } },
          },
        ],
      },
      {
        title: FLEET_PANEL_TITLES.bandwidth,
        width,
        height: 160,
        data: { values: rows.bandwidth },
        mark: { type: 'line', interpolate: 'linear' },
        encoding: {
          x: { field: 't', ...x(null) },
          y: { field: 'kbps', type: 'quantitative', title: 'KB/s' },
          color: { field: 'pair', type: 'nominal', sort: [...pairs], title: 'pair' },
          order: { field: 'i' },
        },
      },
      {
        title: FLEET_PANEL_TITLES.count,
        width,
        height: 80,
        data: { values: rows.count },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', ...x(X_TITLE) },
          y: { field: 'protected', type: 'quantitative', title: 'pairs', scale: { domain: [0, pairs.length] } },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return spec as TopLevelSpec;
}

/**
 * The capacity sweep plot (issue 12): for each rate of the shared replication network (x, KB/s,
 * log scale), each pair's write commit latency p99 (one line per pair); the bound as a dashed
 * rule, steps where a pair lost protection as red crosses, and the rate where pairs start to
 * lose as a vertical rule. Pure: a CapacityResult in, a vega-lite spec out.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CapacityResult } from '../check/capacity.ts';

export function capacityRows(r: CapacityResult) {
  const points = r.steps.flatMap((s) => s.pairs.map((p) => ({ rate: s.rateKBps, pair: p.pair, p99: p.p99Ms, unprotectedMs: p.unprotectedMs, ok: p.ok })));
  return { points, lost: points.filter((p) => p.unprotectedMs > 0) };
}

export function capacitySpec(r: CapacityResult, opts: { title?: string; width?: number } = {}): TopLevelSpec {
  const { points, lost } = capacityRows(r);
  const top = Math.max(r.boundMs * 1.5, ...points.map((p) => p.p99 ?? 0));
  const x = { field: 'rate', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'shared replication network (KB/s)' };
  const sub = r.failsAtKBps === null
    ? `every pair held at every rate (bound ${r.boundMs} ms)`
    : `pairs start to lose at ${r.failsAtKBps} KB/s${r.capacityKBps === null ? '' : `; all held at ${r.capacityKBps} KB/s`} (commit p99 bound ${r.boundMs} ms, or protection lost)`;
  const layers: unknown[] = [
    {
      data: { values: points },
      mark: { type: 'line', point: true },
      encoding: {
        x, y: { field: 'p99', type: 'quantitative', title: 'write commit latency p99 (ms)', scale: { domain: [0, top], clamp: true } },
        color: { field: 'pair', type: 'nominal', title: 'pair' },
      },
    },
    { data: { values: [{ bound: r.boundMs }] }, mark: { type: 'rule', strokeDash: [6, 4], color: 'black' }, encoding: { y: { field: 'bound', type: 'quantitative' } } },
    {
      data: { values: [{ bound: r.boundMs, label: `bound ${r.boundMs} ms` }] },
      mark: { type: 'text', align: 'left', dy: -6, x: 4 },
      encoding: { y: { field: 'bound', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
  if (lost.length) {
    layers.push({
      data: { values: lost.map((p) => ({ ...p, y: top })) },
      mark: { type: 'point', shape: 'cross', color: '#d62728', size: 80, filled: true },
      encoding: { x, y: { field: 'y', type: 'quantitative' }, tooltip: [{ field: 'pair' }, { field: 'unprotectedMs', title: 'unprotected ms' }] },
    });
  }
  if (r.failsAtKBps !== null) {
    layers.push({ data: { values: [{ rate: r.failsAtKBps }] }, mark: { type: 'rule', color: '#d62728' }, encoding: { x } });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title ?? `capacity of "${r.group}"`, subtitle: sub },
    width: opts.width ?? 700,
    height: 260,
    layer: layers,
  } as TopLevelSpec;
}

/**
 * The evidence of one scenario, as report attachments: verdicts (JSON), the history
 * (ndjson), the timeline and latency plots (SVG), host/witness logs and guest consoles.
 * Plot failures never hide the rest: they become a note in the attachments.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fleetSpec, latencySpec, linWindowSpec, networkSpec, renderSvg, timelineSpec } from '../report/index.ts';
import { eventsOf } from '../check/scope.ts';
import { fleetFigures } from '../check/fleet.ts';
import type { LinearizableDetails } from '../check/linearizable.ts';
import type { ScenarioRuntime } from './scenario.ts';

export interface Attachment {
  fileName: string;
  mediaType: string;
  body: string;
}

const MAX_LOG_BYTES = 2 * 1024 * 1024;

export async function collectEvidence(rt: ScenarioRuntime, scenario: string, _opts: { failed: boolean }): Promise<Attachment[]> {
  const out: Attachment[] = [];
  const history = rt.recorder.events;
  // in name order (r1-kv-2 before r1-kv-10), not the order the pairs finished booting
  const names = [...rt.pairs.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const multi = names.length > 1;
  // several pairs: the verdicts per pair, and the fleet's figures (issue 12)
  let fleet: ReturnType<typeof fleetFigures> | null = null;
  let fleetError: string | null = null;
  if (multi) {
    try {
      fleet = fleetFigures(history, names);
    } catch (err) {
      fleetError = String((err as Error).stack ?? err);
    }
  }
  const byPair = multi ? Object.fromEntries(names.map((n) => [n, rt.verdicts.filter((v) => v.pair === n).map((v) => ({ step: v.step, checker: v.verdict.checker, ok: v.verdict.ok, summary: v.verdict.summary }))])) : undefined;
  const verdicts = { scenario, seed: rt.config.seed, verdicts: rt.verdicts, ...(multi ? { pairs: byPair, fleet } : {}) };
  const verdictsJson = JSON.stringify(verdicts, null, 2);
  writeFileSync(join(rt.config.dir, 'verdicts.json'), verdictsJson);
  out.push({ fileName: 'verdicts.json', mediaType: 'application/json', body: verdictsJson });

  const historyPath = rt.recorder.path;
  if (historyPath && existsSync(historyPath)) {
    out.push({ fileName: 'history.ndjson', mediaType: 'application/x-ndjson', body: readFileSync(historyPath, 'utf8') });
  }

  if (fleet) out.push({ fileName: 'fleet.json', mediaType: 'application/json', body: JSON.stringify(fleet, null, 2) });
  if (fleetError) out.push({ fileName: 'fleet.error.txt', mediaType: 'text/plain', body: `fleet figures failed: ${fleetError}` });
  const plots: [string, () => ReturnType<typeof timelineSpec>][] = multi
    ? [
        ['fleet.svg', () => fleetSpec(history, names, { title: `${scenario}: ${names.length} pairs` })],
        // one pair's plots on that pair's history: its hosts a and b are not another pair's
        ...names.flatMap((n): [string, () => ReturnType<typeof timelineSpec>][] => {
          const own = eventsOf(history, n);
          const file = (kind: string) => `${n}-${kind}.svg`.replace(/[^\w.-]+/g, '_');
          return [[file('timeline'), () => timelineSpec(own)], [file('network'), () => networkSpec(own, { pair: n })]];
        }),
      ]
    : [
        ['timeline.svg', () => timelineSpec(history)],
        ['latency.svg', () => latencySpec(history)],
        ['network.svg', () => networkSpec(history)],
      ];
  // the smallest counter-example of each failed linearizability verdict
  for (const v of rt.verdicts) {
    const details = (v.verdict as { details?: unknown }).details as Partial<LinearizableDetails> | undefined;
    if (v.verdict.checker === 'linearizable' && !v.verdict.ok && Array.isArray(details?.window)) {
      plots.push([`${v.pair}-not-linearizable.svg`.replace(/[^\w.-]+/g, '_'), () => linWindowSpec(details as LinearizableDetails)]);
    }
  }
  for (const [name, spec] of plots) {
    try {
      const svg = await renderSvg(spec());
      writeFileSync(join(rt.config.dir, name), svg);
      out.push({ fileName: name, mediaType: 'image/svg+xml', body: svg });
    } catch (err) {
      out.push({ fileName: `${name}.error.txt`, mediaType: 'text/plain', body: `plot failed: ${(err as Error).stack ?? err}` });
    }
  }

  for (const pair of rt.pairs.values()) {
    for (const [label, path] of Object.entries(pair.platform.logFiles())) {
      if (!existsSync(path)) continue;
      let text = readFileSync(path, 'utf8');
      if (text.length > MAX_LOG_BYTES) text = `[first ${MAX_LOG_BYTES - 1} bytes cut]\n` + text.slice(-MAX_LOG_BYTES);
      out.push({ fileName: `${pair.name}-${label}-${basename(path)}`, mediaType: 'text/plain', body: text });
    }
  }
  return out;
}

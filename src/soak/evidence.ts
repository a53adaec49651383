/**
 * What the evidence folders of one run say beyond pass/fail: the unplanned role changes (from
 * each scenario's verdicts.json) and every process's event-loop reports (the "loop" marks of
 * each history.ndjson).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopSamples, type LoopSample } from '../check/loop-stalls.ts';
import { faultWindows } from '../check/ops.ts';
import type { HistoryEvent } from '../workload/history.ts';

export interface EvidenceSummary {
  scenarios: number;
  /** role changes without a fault (figures.unplanned of the no-unplanned-failover verdicts) */
  unplanned: number;
  /** role changes after a fault */
  planned: number;
  /** the scenarios with unplanned role changes, and what was said */
  unplannedIn: { scenario: string; summary: string }[];
  loop: LoopSample[];
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function readHistory(file: string): HistoryEvent[] {
  if (!existsSync(file)) return [];
  const out: HistoryEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"loop"') && !line.includes('"fault"')) continue;
    try {
      out.push(JSON.parse(line) as HistoryEvent);
    } catch {
      /* a line cut by a killed run */
    }
  }
  return out;
}

interface VerdictsFile {
  scenario: string;
  verdicts: { verdict: { checker: string; ok: boolean; summary: string; figures: Record<string, unknown> } }[];
}

export function summariseEvidence(runDirs: readonly string[]): EvidenceSummary {
  const s: EvidenceSummary = { scenarios: 0, unplanned: 0, planned: 0, unplannedIn: [], loop: [] };
  for (const run of runDirs) {
    for (const d of existsSync(run) ? readdirSync(run) : []) {
      const dir = join(run, d);
      s.scenarios++;
      const v = readJson<VerdictsFile>(join(dir, 'verdicts.json'));
      const stability = v?.verdicts.find((x) => x.verdict.checker === 'no-unplanned-failover')?.verdict;
      if (stability) {
        const unplanned = Number(stability.figures.unplanned ?? 0);
        s.unplanned += unplanned;
        s.planned += Number(stability.figures.roleChanges ?? 0) - unplanned;
        if (unplanned > 0) s.unplannedIn.push({ scenario: v!.scenario, summary: stability.summary });
      }
      s.loop.push(...withoutHangs(readHistory(join(dir, 'history.ndjson'))));
    }
  }
  return s;
}

/**
 * The loop reports of a history, less those of a host over a window in which the scenario
 * hung it on purpose (SIGSTOP): that "stall" is the fault, not the environment.
 */
export function withoutHangs(history: readonly HistoryEvent[]): LoopSample[] {
  const hangs = faultWindows(history).filter((w) => w.fault === 'hang');
  return loopSamples(history).filter(
    (x) => !hangs.some((w) => (x.process === `host ${w.target}` || x.process === `host ${w.target} emulator`) && x.time - x.windowMs <= (w.end ?? Infinity) && x.time >= w.start),
  );
}

/**
 * The soak summary, as text and JSON: per-scenario pass counts, the false-alarm rate (red
 * runs, red scenario executions, on a correct platform every red is a false alarm), unplanned
 * role changes, and the stall distribution — per process kind, the distribution over every
 * one-second window of that window's longest stall.
 */
import type { RunResult } from './messages.ts';
import type { EvidenceSummary } from './evidence.ts';
import type { LoopSample } from '../check/loop-stalls.ts';

export interface SoakInput {
  runs: readonly RunResult[];
  evidence: readonly EvidenceSummary[];
  hog: boolean;
  profile: string;
  wallMs: number;
}

const q = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0);

/** "host a"/"host b" -> "hosts", "host a emulator" -> "emulators" */
const kindOf = (process: string): string => (process.endsWith(' emulator') ? 'emulators' : process.startsWith('host ') ? 'hosts' : process);

export function stallDistribution(samples: readonly LoopSample[]): { process: string; windows: number; p50: number; p99: number; max: number; over100: number }[] {
  const by = new Map<string, number[]>();
  for (const s of samples) by.set(kindOf(s.process), [...(by.get(kindOf(s.process)) ?? []), s.maxMs]);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([process, xs]) => {
      const s = xs.sort((a, b) => a - b);
      return { process, windows: s.length, p50: q(s, 0.5), p99: q(s, 0.99), max: s.at(-1) ?? 0, over100: s.filter((x) => x >= 100).length };
    });
}

export function renderSoakReport(input: SoakInput): { text: string; json: unknown } {
  const names = new Map<string, { passed: number; runs: number; reds: string[] }>();
  for (const r of input.runs) {
    for (const s of r.scenarios) {
      const e = names.get(s.name) ?? { passed: 0, runs: 0, reds: [] };
      e.runs++;
      if (s.passed) e.passed++;
      else e.reds.push(`run ${r.run}: ${s.message}`);
      names.set(s.name, e);
    }
  }
  const execs = [...names.values()].reduce((n, e) => n + e.runs, 0);
  const redExecs = [...names.values()].reduce((n, e) => n + e.runs - e.passed, 0);
  const greenRuns = input.runs.filter((r) => r.exitCode === 0 && r.scenarios.every((s) => s.passed)).length;
  const walls = input.runs.map((r) => r.wallMs / 1000).sort((a, b) => a - b);
  const unplanned = input.evidence.reduce((n, e) => n + e.unplanned, 0);
  const planned = input.evidence.reduce((n, e) => n + e.planned, 0);
  const stalls = stallDistribution(input.evidence.flatMap((e) => e.loop));
  const lines: string[] = [];
  lines.push(`soak: ${input.runs.length} run${input.runs.length > 1 ? 's' : ''} of profile "${input.profile}"${input.hog ? ', one core kept busy beside them (--hog)' : ', machine otherwise idle'}`);
  lines.push(`green runs: ${greenRuns} of ${input.runs.length}`);
  lines.push(`false alarms: ${redExecs} red of ${execs} scenario executions (${execs ? ((100 * redExecs) / execs).toFixed(2) : '0'} %); red runs ${input.runs.length - greenRuns} of ${input.runs.length}`);
  lines.push(`wall time per run: median ${q(walls, 0.5).toFixed(1)} s, worst ${(walls.at(-1) ?? 0).toFixed(1)} s`);
  lines.push(`role changes: ${planned} after a fault, ${unplanned} unplanned (no fault before them)`);
  for (const e of input.evidence) for (const u of e.unplannedIn) lines.push(`  unplanned: ${u.scenario}: ${u.summary}`);
  lines.push('', 'scenario                                                          passed');
  for (const [name, e] of [...names.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${name.slice(0, 64).padEnd(66)}${e.passed}/${e.runs}`);
    for (const red of e.reds) lines.push(`    ${red.slice(0, 200)}`);
  }
  lines.push('', 'event-loop stalls: longest stall of each 1 s window, ms (over every window of every run)');
  lines.push('process    windows    p50     p99     max   windows >= 100 ms');
  for (const s of stalls) {
    lines.push(`${s.process.padEnd(10)} ${String(s.windows).padStart(7)} ${s.p50.toFixed(1).padStart(6)} ${s.p99.toFixed(1).padStart(7)} ${s.max.toFixed(0).padStart(7)}   ${s.over100}`);
  }
  lines.push('(hung hosts, SIGSTOPped by a scenario on purpose, show as stalls as long as the hang)', '');
  return {
    text: lines.join('\n'),
    json: { profile: input.profile, hog: input.hog, runs: input.runs.length, greenRuns, scenarioExecutions: execs, redExecutions: redExecs, unplanned, planned, wallSeconds: walls, scenarios: Object.fromEntries(names), stalls, runResults: input.runs },
  };
}

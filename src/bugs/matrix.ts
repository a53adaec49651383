/**
 * The planted-bug matrix (pure): which scenario caught which planted bug, in which category
 * and how fast; the catch rate, the right-category rate and the false alarms of the run
 * without a planted bug. Rendered as text for the terminal and as JSON.
 */
import type { ScenarioOutcome } from './results.ts';

export interface BugRun {
  /** the planted bug's name; null for the run without one */
  bug: string | null;
  /** the category the catalogue says it should be caught in */
  expected: string | null;
  exitCode: number;
  scenarios: ScenarioOutcome[];
}

export interface Cell {
  caught: boolean;
  category: string;
  detectedMs: number | null;
  detectedFrom: 'fault' | 'scenario' | null;
  /** the same scenario failed in the same category without a planted bug too: noise, not a catch */
  alsoUnplanted: boolean;
  message: string;
}

export interface BugRow {
  bug: string;
  expected: string;
  /** some scenario failed that did not fail the same way without the bug */
  caught: boolean;
  /** such a failure is in the category the catalogue names */
  rightCategory: boolean;
  /** a run that produced no scenario results (crashed cucumber): neither caught nor missed */
  noResults: boolean;
  cells: Record<string, Cell | null>;
}

export interface Matrix {
  scenarios: string[];
  rows: BugRow[];
  falseAlarms: { scenario: string; category: string; message: string }[];
  unplantedRan: boolean;
  caught: number;
  rightCategory: number;
  bugs: number;
}

function cell(s: ScenarioOutcome, unplantedFailed: Map<string, string>): Cell {
  return { caught: !s.passed, category: s.category, detectedMs: s.detectedMs, detectedFrom: s.detectedFrom, alsoUnplanted: !s.passed && unplantedFailed.get(s.key) === s.category, message: s.message };
}

export function buildMatrix(runs: readonly BugRun[]): Matrix {
  const unplanted = runs.find((r) => r.bug === null);
  const unplantedFailed = new Map((unplanted?.scenarios ?? []).filter((s) => !s.passed).map((s) => [s.key, s.category]));
  const scenarios: string[] = [];
  for (const r of runs) for (const s of r.scenarios) if (!scenarios.includes(s.key)) scenarios.push(s.key);
  const rows: BugRow[] = runs
    .filter((r) => r.bug !== null)
    .map((r) => {
      const cells: Record<string, Cell | null> = {};
      for (const k of scenarios) {
        const s = r.scenarios.find((x) => x.key === k);
        cells[k] = s ? cell(s, unplantedFailed) : null;
      }
      // a failure the unplanted run had too, in the same category, is noise, not a catch
      const failed = r.scenarios.filter((s) => !s.passed && unplantedFailed.get(s.key) !== s.category);
      return {
        bug: r.bug!,
        expected: r.expected ?? '',
        caught: failed.length > 0,
        rightCategory: failed.some((s) => s.category === r.expected),
        noResults: r.scenarios.length === 0,
        cells,
      };
    });
  return {
    scenarios,
    rows,
    falseAlarms: (unplanted?.scenarios ?? []).filter((s) => !s.passed).map((s) => ({ scenario: s.key, category: s.category, message: s.message })),
    unplantedRan: !!unplanted,
    caught: rows.filter((r) => r.caught).length,
    rightCategory: rows.filter((r) => r.rightCategory).length,
    bugs: rows.length,
  };
}

/** short names of the categories for the table's cells */
const SHORT: Record<string, string> = {
  'State loss': 'LOSS',
  Rollback: 'ROLLBACK',
  'Not linearizable': 'NONLIN',
  'Split brain': 'SPLIT',
  'Availability below target': 'AVAIL',
  'Protection lost': 'PROTECT',
  'Slow failover': 'SLOWFO',
  'Slow commit': 'SLOWCOMMIT',
  'Unplanned failover': 'UNPLANNED',
  'Harness error': 'HARNESS',
  'Scenario error': 'SCENARIO',
};

export function cellText(c: Cell | null): string {
  if (!c) return '';
  if (!c.caught) return '.';
  const t = c.detectedMs === null ? '' : ` ${(c.detectedMs / 1000).toFixed(1)}s${c.detectedFrom === 'scenario' ? '(sc)' : ''}`;
  return `${SHORT[c.category] ?? c.category}${t}${c.alsoUnplanted ? '*' : ''}`;
}

function pct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(0)}%`;
}

export function renderMatrix(m: Matrix): string {
  const out: string[] = [];
  out.push('Planted bugs × default scenarios: caught (category, time to detection after the first fault step) or missed (.)', '');
  const ids = m.scenarios.map((_, i) => `S${i + 1}`);
  const head = ['bug', 'should be', ...ids, 'verdict'];
  const body = m.rows.map((r) => [
    r.bug,
    r.expected,
    ...m.scenarios.map((k) => cellText(r.cells[k] ?? null)),
    r.noResults ? 'NO RESULTS' : !r.caught ? 'MISSED' : r.rightCategory ? 'caught' : 'caught (other category)',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out.push(fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt), '');
  m.scenarios.forEach((k, i) => out.push(`  ${ids[i]}: ${k}`));
  out.push('  (sc): timed from the scenario start (no fault step before the failure); *: failed the same way without a planted bug (noise, not counted)', '');
  out.push(`catch rate: ${m.caught} of ${m.bugs} planted bugs (${pct(m.caught, m.bugs)})`);
  out.push(`caught in the right category: ${m.rightCategory} of ${m.bugs} (${pct(m.rightCategory, m.bugs)})`);
  if (!m.unplantedRan) out.push('false alarms: not measured (no run without a planted bug)');
  else {
    out.push(`false alarms (failures without a planted bug): ${m.falseAlarms.length}`);
    for (const f of m.falseAlarms) out.push(`  ${f.scenario}: ${f.message}`);
  }
  const missed = m.rows.filter((r) => !r.caught);
  if (missed.length) out.push(`missed: ${missed.map((r) => r.bug).join(', ')}`);
  return out.join('\n') + '\n';
}

/** exit status of `npm run bugs`: 1 when a bug was missed or a false alarm happened */
export function matrixExitCode(m: Matrix): number {
  return m.rows.some((r) => !r.caught) || m.falseAlarms.length > 0 ? 1 : 0;
}

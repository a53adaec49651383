/**
 * The verdict table printed in the terminal at the end of a run: one row per verdict,
 * aligned plain-text columns (no colours, no box drawing), the summary on one line.
 *
 *   Scenario: Primary crash
 *     CHECK        RESULT  CATEGORY      SUMMARY
 *     lost-writes  PASS    -             all 40 keys with acknowledged writes hold …
 *     outage       FAIL    Availability… outage 812 ms exceeds 500 ms: …
 */
import type { Verdict } from '../check/types.ts';

export interface VerdictTableOptions {
  /** cut summaries to this many characters (default: no cut) */
  maxSummary?: number;
  /** indent of the rows (default 2 spaces) */
  indent?: string;
}

/** A verdict, or the harness's record of one (CHECK then reads "<pair>/<checker>"). */
export type VerdictRow = Verdict | { step?: string; pair?: string; verdict: Verdict };

export function formatVerdictTable(scenario: string, verdicts: readonly VerdictRow[], opts: VerdictTableOptions = {}): string {
  const indent = opts.indent ?? '  ';
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
  const cut = (s: string) => (opts.maxSummary !== undefined && s.length > opts.maxSummary ? `${s.slice(0, Math.max(0, opts.maxSummary - 1))}…` : s);
  const rows = verdicts.map((row) => {
    const v = 'verdict' in row ? row.verdict : row;
    const name = 'verdict' in row && row.pair !== undefined ? `${row.pair}/${v.checker}` : v.checker;
    return [name, v.ok ? 'PASS' : 'FAIL', v.category ?? (v.ok ? '-' : 'uncategorized'), cut(oneLine(v.summary))];
  });
  const header = ['CHECK', 'RESULT', 'CATEGORY', 'SUMMARY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const failed = rows.filter((r) => r[1] === 'FAIL').length;
  const status = verdicts.length === 0 ? 'no verdicts' : failed ? `${failed} of ${verdicts.length} checks FAILED` : `all ${verdicts.length} checks passed`;
  return [`Scenario: ${oneLine(scenario)} — ${status}`, ...(rows.length ? [line(header), ...rows.map(line)] : [])].join('\n');
}

/**
 * What every checker returns. A verdict is plain data (JSON-serialisable) so the harness can
 * attach it to the report as is.
 */

/** The failure categories of the report (Allure categories match them by name). */
export type Category =
  | 'State loss'
  | 'Rollback'
  | 'Not linearizable'
  | 'Split brain'
  | 'Availability below target'
  | 'Protection lost'
  | 'Slow failover'
  | 'Slow commit'
  | 'Unplanned failover'
  | 'Harness error';

export const CATEGORIES: readonly Category[] = [
  'State loss',
  'Rollback',
  'Not linearizable',
  'Split brain',
  'Availability below target',
  'Protection lost',
  'Slow failover',
  'Slow commit',
  'Unplanned failover',
  'Harness error',
];

export type Figure = number | string | boolean | null;

export interface Verdict {
  /** short stable name of the checker, e.g. "lost-writes" */
  checker: string;
  ok: boolean;
  /** set whenever ok is false */
  category?: Category;
  /** one line a human reads in a failure message, with the evidence */
  summary: string;
  /** the numbers behind the verdict, flat, for tables and the report */
  figures: Record<string, Figure>;
  /** checker-specific evidence (lists of lost keys, overlaps, outages, ...) */
  details?: unknown;
}

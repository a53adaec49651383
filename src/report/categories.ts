/**
 * Allure categories (the content of categories.json in the results folder) for the ten
 * verdict categories, and the failure message format they match: "[State loss] …".
 * Allure matches messageRegex against the whole message (Java String.matches), so each
 * regex is wrapped in (?s).* … .* to allow text and newlines around the tag.
 */
import { CATEGORIES, type Category, type Verdict } from '../check/types.ts';

export interface AllureCategory {
  name: string;
  description?: string;
  messageRegex?: string;
  matchedStatuses?: ('failed' | 'broken' | 'passed' | 'skipped' | 'unknown')[];
}

const DESCRIPTIONS: Record<Category, string> = {
  'State loss': 'An acknowledged write was missing after failover (or NIL).',
  Rollback: 'A client saw state go backwards: an older value or fewer ticks than it had already seen.',
  'Not linearizable': 'Reads, writes and compare-and-sets of a shared key cannot be ordered as one copy would have done them (a stale read, a lost or resurrected write); the smallest window of ops that proves it is plotted.',
  'Split brain': 'Two hosts served as primary at the same time, or a fenced primary served.',
  'Availability below target': 'The outage was longer than allowed, or the projected availability misses the target.',
  'Protection lost': 'The pair ran without a current backup where it should not have: it lost protection during a scenario that expects it kept, or was not protected again in time.',
  'Slow failover': 'The backup took longer than allowed to serve after the primary failed.',
  'Slow commit': 'Acknowledged writes took longer than allowed at the given percentile (output commit waits on replication).',
  'Unplanned failover': 'The platform changed roles (a takeover or a self-fence) with no fault before it: it flaps by itself, an availability defect.',
  'Harness error': 'The evidence was missing or malformed, so nothing could be proven (not a platform verdict).',
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** the tag the harness puts in front of a failure message: "[State loss]" */
export function categoryTag(category: Category): string {
  return `[${category}]`;
}

/** "[State loss] 3 of 40 keys lost …" — what a failing step's error message should be */
export function failureMessage(verdict: Verdict): string {
  return `${categoryTag(verdict.category ?? 'Harness error')} ${verdict.summary}`;
}

/** the categories.json content (an array; JSON.stringify it into the results folder) */
export function allureCategories(): AllureCategory[] {
  return [
    ...CATEGORIES.map((name): AllureCategory => ({
      name,
      description: DESCRIPTIONS[name],
      messageRegex: `(?s).*${escapeRegex(categoryTag(name))}.*`,
      matchedStatuses: ['failed', 'broken'],
    })),
    <AllureCategory>{
      // not a verdict: the scenario itself is written wrong (unknown pair, negative time, ...)
      name: 'Scenario error',
      description: 'A step was given a value it does not allow; the message names the value and what is allowed.',
      messageRegex: '(?s).*StepInputError.*',
      matchedStatuses: ['failed', 'broken'],
    },
    <AllureCategory>{
      // not a verdict either: the platform under test lacks what the step needs
      name: 'Platform cannot',
      description: 'A step needs something the platform\'s driver does not declare (docs/driver.md): "platform X cannot hang a host".',
      messageRegex: '(?s).*PlatformCannotError.*',
      matchedStatuses: ['failed', 'broken'],
    },
  ];
}

/**
 * One cucumber run's outcome per scenario, from its message stream (ndjson envelopes: pickle,
 * testCase, testCaseStarted, testStepFinished, testCaseFinished). A scenario passed when its
 * last attempt's steps (hooks included) all passed or were skipped; the message is the first
 * failure's, cut to its first line.
 */
export interface ScenarioResult {
  name: string;
  uri: string;
  passed: boolean;
  /** first line of the first failure ("" when passed) */
  message: string;
  /** "[State loss]" … from the message, or "Scenario error" / "other" */
  category: string;
}

export interface RunResult {
  run: number;
  exitCode: number;
  wallMs: number;
  scenarios: ScenarioResult[];
}

interface Envelope {
  pickle?: { id: string; name: string; uri: string };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string };
  testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string; message?: string } };
  testCaseFinished?: { testCaseStartedId: string; willBeRetried?: boolean };
}

/** the envelopes of a cucumber message stream (ndjson), lines that do not parse skipped */
export function messageEnvelopes<T>(ndjson: string): T[] {
  const out: T[] = [];
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a line cut off by a killed run: the rest still counts
    }
  }
  return out;
}

export function categoryOf(message: string): string {
  const m = /\[([A-Z][A-Za-z ]+)\]/.exec(message);
  if (m) return m[1]!;
  if (/StepInputError/.test(message)) return 'Scenario error';
  if (/PlatformCannotError/.test(message)) return 'Platform cannot';
  return message ? 'other' : '';
}

export function summariseMessages(ndjson: string, meta: { run: number; exitCode: number; wallMs: number }): RunResult {
  const pickles = new Map<string, { name: string; uri: string }>();
  const cases = new Map<string, string>();
  const started = new Map<string, string>();
  const failures = new Map<string, string>();
  const byPickle = new Map<string, ScenarioResult>();
  for (const e of messageEnvelopes<Envelope>(ndjson)) {
    if (e.pickle) pickles.set(e.pickle.id, { name: e.pickle.name, uri: e.pickle.uri });
    else if (e.testCase) cases.set(e.testCase.id, e.testCase.pickleId);
    else if (e.testCaseStarted) started.set(e.testCaseStarted.id, e.testCaseStarted.testCaseId);
    else if (e.testStepFinished) {
      const r = e.testStepFinished.testStepResult;
      const id = e.testStepFinished.testCaseStartedId;
      if (!['PASSED', 'SKIPPED'].includes(r.status) && !failures.has(id)) {
        failures.set(id, `${r.status}: ${(r.message ?? '').split('\n').find((l) => l.trim()) ?? ''}`.trim());
      }
    } else if (e.testCaseFinished) {
      const id = e.testCaseFinished.testCaseStartedId;
      const pickleId = cases.get(started.get(id) ?? '') ?? '';
      const p = pickles.get(pickleId) ?? { name: '?', uri: '?' };
      const message = failures.get(id) ?? '';
      // a retried attempt is replaced by the next one
      byPickle.set(pickleId, { name: p.name, uri: p.uri, passed: !message, message, category: categoryOf(message) });
    }
  }
  return { ...meta, scenarios: [...byPickle.values()] };
}

/**
 * One cucumber run's scenarios, from its message stream (ndjson envelopes), with what
 * `npm run bugs` needs beyond pass/fail: the first failure's category and *when* it was
 * detected — the failing step's (or hook's) finish time relative to the start of the first
 * fault step of the scenario, else relative to the scenario's start. The last attempt of a
 * retried scenario counts.
 */
import { categoryOf, messageEnvelopes } from '../soak/messages.ts';

export interface ScenarioOutcome {
  /** "<feature file>: <scenario name>" */
  key: string;
  name: string;
  uri: string;
  passed: boolean;
  /** first line of the first failure ('' when passed) */
  message: string;
  /** the failure's category ('' when passed) */
  category: string;
  /** ms from the first fault step's start (or the scenario's start) to the failure (null: passed) */
  detectedMs: number | null;
  /** what detectedMs counts from */
  detectedFrom: 'fault' | 'scenario' | null;
}

interface Ts {
  seconds: number | string;
  nanos: number;
}

interface Envelope {
  pickle?: { id: string; name: string; uri: string; steps?: { id: string; text: string }[] };
  testCase?: { id: string; pickleId: string; testSteps?: { id: string; pickleStepId?: string }[] };
  testCaseStarted?: { id: string; testCaseId: string; timestamp?: Ts };
  testStepStarted?: { testCaseStartedId: string; testStepId: string; timestamp?: Ts };
  testStepFinished?: { testCaseStartedId: string; testStepId?: string; testStepResult: { status: string; message?: string }; timestamp?: Ts };
  testCaseFinished?: { testCaseStartedId: string };
}

/** a step that injects a fault (its start is when detection time starts counting) */
export const FAULT_STEP = /\b(crash(es)?|hangs?|partitioned|isolated|flaps|of latency|limited to|random faults|restarts|is cut|drops?|sliced|is reset|closes after)\b/i;

function ms(t: Ts | undefined): number | null {
  if (!t) return null;
  return Number(t.seconds) * 1000 + t.nanos / 1e6;
}

export function scenarioOutcomes(ndjson: string): ScenarioOutcome[] {
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const cases = new Map<string, NonNullable<Envelope['testCase']>>();
  const started = new Map<string, { testCaseId: string; at: number | null; firstFault: number | null; failure: { message: string; at: number | null } | null }>();
  const byPickle = new Map<string, ScenarioOutcome>();
  for (const e of messageEnvelopes<Envelope>(ndjson)) {
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    else if (e.testCase) cases.set(e.testCase.id, e.testCase);
    else if (e.testCaseStarted) started.set(e.testCaseStarted.id, { testCaseId: e.testCaseStarted.testCaseId, at: ms(e.testCaseStarted.timestamp), firstFault: null, failure: null });
    else if (e.testStepStarted) {
      const s = started.get(e.testStepStarted.testCaseStartedId);
      if (!s || s.firstFault !== null) continue;
      const tc = cases.get(s.testCaseId);
      const pickle = tc ? pickles.get(tc.pickleId) : undefined;
      const ps = tc?.testSteps?.find((x) => x.id === e.testStepStarted!.testStepId)?.pickleStepId;
      const text = ps ? pickle?.steps?.find((x) => x.id === ps)?.text : undefined;
      if (text && FAULT_STEP.test(text)) s.firstFault = ms(e.testStepStarted.timestamp);
    } else if (e.testStepFinished) {
      const s = started.get(e.testStepFinished.testCaseStartedId);
      const r = e.testStepFinished.testStepResult;
      if (!s || s.failure || ['PASSED', 'SKIPPED'].includes(r.status)) continue;
      const first = (r.message ?? '').split('\n').find((l) => l.trim()) ?? '';
      s.failure = { message: `${r.status}: ${first}`.trim(), at: ms(e.testStepFinished.timestamp) };
    } else if (e.testCaseFinished) {
      const s = started.get(e.testCaseFinished.testCaseStartedId);
      const tc = s ? cases.get(s.testCaseId) : undefined;
      const p = tc ? pickles.get(tc.pickleId) : undefined;
      if (!s || !tc) continue;
      const name = p?.name ?? '?';
      const uri = p?.uri ?? '?';
      const f = s.failure;
      const from = f && f.at !== null ? (s.firstFault !== null && s.firstFault <= f.at ? 'fault' : s.at !== null ? 'scenario' : null) : null;
      const base = from === 'fault' ? s.firstFault : from === 'scenario' ? s.at : null;
      byPickle.set(tc.pickleId, {
        key: `${uri.replace(/^features\//, '')}: ${name}`,
        name,
        uri,
        passed: !f,
        message: f?.message ?? '',
        category: f ? categoryOf(f.message) : '',
        detectedMs: f && f.at !== null && base !== null ? Math.max(0, f.at - base) : null,
        detectedFrom: from,
      });
    }
  }
  return [...byPickle.values()];
}

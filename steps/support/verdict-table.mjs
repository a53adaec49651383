// A formatter that collects each scenario's verdicts (the "verdicts.json" attachment the
// After hook makes) and, when the run ends, prints one short table per scenario to the
// terminal (stderr, so the progress formatter keeps stdout) and to its own file. A retried
// attempt (@flaky, see cucumber.json) is named as such, and the run ends with the list of
// scenarios that needed a retry: a retry is never hidden. Failed scenarios come last, and the
// very last lines name each failed attempt with its error, so that the tail of a CI log says
// what went wrong.
import { Formatter } from '@cucumber/cucumber';

export default class VerdictTableFormatter extends Formatter {
  constructor(options) {
    super(options);
    this.scenarios = [];
    this.pickles = new Map(); // pickle id -> name
    this.testCases = new Map(); // test case id -> pickle id
    this.attempts = new Map(); // test case started id -> { name, attempt, status, willBeRetried }
    options.eventBroadcaster.on('envelope', (envelope) => {
      if (envelope.pickle) this.pickles.set(envelope.pickle.id, envelope.pickle.name);
      if (envelope.testCase) this.testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
      if (envelope.testCaseStarted) {
        const s = envelope.testCaseStarted;
        this.attempts.set(s.id, { name: this.pickles.get(this.testCases.get(s.testCaseId)) ?? '?', attempt: s.attempt, status: 'PASSED', willBeRetried: false });
      }
      if (envelope.testStepFinished) {
        const a = this.attempts.get(envelope.testStepFinished.testCaseStartedId);
        const status = envelope.testStepFinished.testStepResult.status;
        if (a && a.status === 'PASSED' && status !== 'PASSED' && status !== 'SKIPPED') {
          a.status = status;
          a.error = (envelope.testStepFinished.testStepResult.message ?? '').split('\n').find((l) => l.trim()) ?? '';
        }
      }
      if (envelope.testCaseFinished) {
        const a = this.attempts.get(envelope.testCaseFinished.testCaseStartedId);
        if (a) a.willBeRetried = envelope.testCaseFinished.willBeRetried;
      }
      const att = envelope.attachment;
      if (att && att.fileName === 'verdicts.json') {
        const text = att.contentEncoding === 'BASE64' ? Buffer.from(att.body, 'base64').toString('utf8') : att.body;
        try {
          this.scenarios.push({ ...JSON.parse(text), testCaseStartedId: att.testCaseStartedId });
        } catch {
          /* not ours */
        }
      }
      if (envelope.testRunFinished) this.printing = this.printTables();
    });
  }

  async finished() {
    await this.printing;
    return super.finished();
  }

  /** "attempt 1 of a @flaky scenario: FAILED, retried" for retried attempts, else '' */
  attemptNote(testCaseStartedId) {
    const a = this.attempts.get(testCaseStartedId);
    if (!a || (a.attempt === 0 && !a.willBeRetried)) return '';
    return ` [attempt ${a.attempt + 1}: ${a.status}${a.willBeRetried ? ', retried (@flaky)' : ''}]`;
  }

  retrySummary() {
    const byName = new Map();
    for (const a of this.attempts.values()) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
    const retried = [...byName].filter(([, list]) => list.length > 1);
    if (retried.length === 0) return '';
    const lines = retried.map(([name, list]) => `  ${name}: ${list.map((a) => a.status).join(' -> ')}`);
    return `${retried.length} @flaky scenario(s) were retried (each attempt is in the report):\n${lines.join('\n')}\n`;
  }

  /** the failed attempts, one line each with the first line of the error ('' when none failed) */
  failureSummary() {
    const bad = [...this.attempts.values()].filter((a) => a.status !== 'PASSED');
    if (bad.length === 0) return '';
    const lines = bad.map((a) => `  ${a.name} [attempt ${a.attempt + 1}${a.willBeRetried ? ', retried' : ''}]: ${a.status}${a.error ? ` — ${a.error.slice(0, 400)}` : ''}`);
    return `${bad.length} failed scenario attempt(s) of ${this.attempts.size}:\n${lines.join('\n')}\n`;
  }

  async printTables() {
    const summary = this.retrySummary();
    if (this.scenarios.length === 0 && !summary && !this.failureSummary()) return;
    // tsx is registered by the support code, which cucumber loads before the formatters
    const { formatVerdictTable } = await import('../../src/report/verdict-table.ts');
    // the scenario's own seed: under --parallel every worker draws its own, so the run has several
    const seedNote = (s) => (typeof s.seed === 'number' ? ` [seed ${s.seed}]` : '');
    const failed = (s) => (this.attempts.get(s.testCaseStartedId)?.status ?? 'PASSED') !== 'PASSED';
    const ordered = [...this.scenarios.filter((s) => !failed(s)), ...this.scenarios.filter(failed)];
    const tables = ordered.map((s) => formatVerdictTable(s.scenario + seedNote(s) + this.attemptNote(s.testCaseStartedId), s.verdicts));
    const text = [...tables, summary, this.failureSummary()].filter(Boolean).join('\n');
    this.log(text + '\n');
    process.stderr.write('\n' + text + '\n');
  }
}

// A formatter that collects each scenario's verdicts (the "verdicts.json" attachment the
// After hook makes) and, when the run ends, prints one short table per scenario to the
// terminal (stderr, so the progress formatter keeps stdout) and to its own file.
import { Formatter } from '@cucumber/cucumber';

export default class VerdictTableFormatter extends Formatter {
  constructor(options) {
    super(options);
    this.scenarios = [];
    options.eventBroadcaster.on('envelope', (envelope) => {
      const a = envelope.attachment;
      if (a && a.fileName === 'verdicts.json') {
        const text = a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body;
        try {
          this.scenarios.push(JSON.parse(text));
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

  async printTables() {
    if (this.scenarios.length === 0) return;
    // tsx is registered by the support code, which cucumber loads before the formatters
    return import('../../src/report/verdict-table.ts').then(({ formatVerdictTable }) => {
      const text = this.scenarios.map((s) => formatVerdictTable(s.scenario, s.verdicts)).join('\n');
      this.log(text + '\n');
      process.stderr.write('\n' + text + '\n');
    });
  }
}

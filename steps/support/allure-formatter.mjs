// The Allure formatter with what a JSON config cannot hold: RegExp patterns that turn the
// tags QA writes (@epic:..., @feature:..., @severity:..., @issue:...) into Allure labels and
// links. Used from cucumber.json as "./steps/support/allure-formatter.mjs:<file>".
import AllureCucumberReporter from 'allure-cucumberjs/reporter';

export default class FtChaosAllureFormatter extends AllureCucumberReporter {
  constructor(options) {
    const parsed = options.parsedArgvOptions ?? {};
    super({
      ...options,
      parsedArgvOptions: {
        resultsDir: 'reports/allure-results',
        ...parsed,
        labels: [
          { pattern: [/@epic:(.*)/], name: 'epic' },
          { pattern: [/@feature:(.*)/], name: 'feature' },
          { pattern: [/@story:(.*)/], name: 'story' },
          { pattern: [/@severity:(.*)/], name: 'severity' },
          { pattern: [/@owner:(.*)/], name: 'owner' },
        ],
        links: {
          issue: { pattern: [/@issue:(.*)/], urlTemplate: parsed.issueUrlTemplate ?? '%s', nameTemplate: 'issue %s' },
        },
      },
    });
    this.ftResultsDir = parsed.resultsDir ?? 'reports/allure-results';
  }

  // Under --parallel each worker wrote its part of the environment (own seed, own evidence
  // folder) and combined what it saw; the last two may have finished together. Here, in the
  // coordinator, every worker is done: combine all parts once more.
  async finished() {
    try {
      const { combineEnvironments, loadEnvironmentParts } = await import('../../src/report/allure-environment.ts');
      const { writeAllureRunFiles } = await import('../../src/harness/allure-files.ts');
      const parts = loadEnvironmentParts(this.ftResultsDir, process.pid);
      if (parts.length > 1) writeAllureRunFiles(this.ftResultsDir, combineEnvironments(parts));
    } catch (err) {
      this.log(`ftchaos: could not combine the workers' Allure environment: ${err.message}\n`);
    }
    return super.finished();
  }
}

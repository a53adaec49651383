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
  }
}

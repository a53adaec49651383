/**
 * Allure's executor.json (the "Executors" widget, and the build each trend point belongs to):
 * the CI's name, build number and URL, read from the common CI environment variables by
 * cucumber's own detector (@cucumber/ci-environment: GitHub Actions, GitLab, Jenkins,
 * Azure, CircleCI, Buildkite, Bamboo, TeamCity, Travis, …). Outside CI there is none.
 */
import detectCiEnvironment from '@cucumber/ci-environment';

export interface AllureExecutor {
  name: string;
  type: string;
  url?: string;
  buildOrder?: number;
  buildName: string;
  buildUrl?: string;
  reportName: string;
  reportUrl?: string;
}

export function allureExecutor(env: Record<string, string | undefined>): AllureExecutor | null {
  const ci = detectCiEnvironment(env);
  if (!ci) return null;
  const order = Number(ci.buildNumber);
  return {
    name: ci.name,
    // Allure picks the icon by type: github, gitlab, jenkins, teamcity, bamboo, …
    type: ci.name.toLowerCase().replace(/ actions$/, '').replace(/[^a-z0-9]+/g, ''),
    ...(ci.url ? { url: ci.url, buildUrl: ci.url } : {}),
    ...(Number.isSafeInteger(order) && order >= 0 ? { buildOrder: order } : {}),
    buildName: ci.buildNumber ? `${ci.name} #${ci.buildNumber}` : ci.name,
    reportName: 'ftchaos',
    // where CI publishes the HTML report, if it does (links the trend's points to it)
    ...(env.FTCHAOS_REPORT_URL ? { reportUrl: env.FTCHAOS_REPORT_URL } : {}),
  };
}

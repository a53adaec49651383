/**
 * What CI gets from a run: @flaky scenarios are retried (and only they), every attempt is in
 * the Allure results and shown as a retry in the HTML report; executor.json names the CI
 * build; a second report given the first as --previous has a trend over both builds.
 * Runs cucumber in a temporary folder (as a QA repository would) with this repository's
 * retry settings from cucumber.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { taggedProcesses } from '../support/cucumber-run.ts';
import { buildAllureReport, parseReportArgs, ReportError } from '../../src/cli/report.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const at = (p: string) => join(ROOT, p);

async function hasJava(): Promise<boolean> {
  const r = await execa('java', ['-version'], { reject: false });
  return r.exitCode === 0 && !r.failed;
}

function allureResults(dir: string): { name: string; status: string; historyId: string }[] {
  return readdirSync(dir).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

test('@flaky scenarios are retried and shown as retried; the executor names the CI build; the trend spans reports', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-ci-'));
  const tag = randomUUID();
  try {
    const ci = JSON.parse(readFileSync(at('cucumber.json'), 'utf8')).ci;
    assert.equal(ci.retryTagFilter, '@flaky', 'the ci profile retries @flaky scenarios only');
    assert.ok(ci.retry >= 1, 'the ci profile retries');
    writeFileSync(join(dir, 'cucumber.json'), JSON.stringify({
      default: {
        paths: [at('test/fixtures/flaky/flaky.feature')],
        import: [at('steps/support/tsx.mjs'), at('steps/register.ts'), at('test/fixtures/flaky/flaky.steps.ts')],
        retry: ci.retry,
        retryTagFilter: ci.retryTagFilter,
        format: [
          'progress',
          'message:reports/cucumber.ndjson',
          `${at('steps/support/allure-formatter.mjs')}:reports/allure-results/.formatter.log`,
          `${at('steps/support/verdict-table.mjs')}:reports/verdicts.txt`,
        ],
        formatOptions: { resultsDir: 'reports/allure-results' },
      },
    }));
    const env: Record<string, string | undefined> = {
      ...process.env, FTCHAOS_TEST_TAG: tag,
      GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/qa', GITHUB_RUN_ID: '41',
    };
    delete env.NODE_OPTIONS;
    delete env.NODE_TEST_CONTEXT;
    // its reports are the ones it checks, in its own folder (npm test's lanes point these elsewhere)
    delete env.FTCHAOS_RUNS_DIR;
    delete env.FTCHAOS_ALLURE_RESULTS;
    const run = await execa(process.execPath, [at('node_modules/@cucumber/cucumber/bin/cucumber.js')], {
      cwd: dir, env, extendEnv: false, reject: false, all: true, timeout: 120_000, killSignal: 'SIGINT',
    });
    assert.equal(run.exitCode, 1, `the scenario without @flaky fails the run:\n${run.all}`);

    // cucumber: the @flaky scenario ran twice, the others once
    const envelopes = readFileSync(join(dir, 'reports/cucumber.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const pickleName = new Map(envelopes.filter((e) => e.pickle).map((e) => [e.pickle.id, e.pickle.name]));
    const caseName = new Map(envelopes.filter((e) => e.testCase).map((e) => [e.testCase.id, pickleName.get(e.testCase.pickleId)]));
    const runs = new Map<string, number>();
    for (const e of envelopes.filter((x) => x.testCaseStarted)) runs.set(caseName.get(e.testCaseStarted.testCaseId)!, (runs.get(caseName.get(e.testCaseStarted.testCaseId)!) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(runs), {
      'A flaky scenario passes on its second attempt': 2,
      'A scenario without the flaky tag is not retried': 1,
      'A steady scenario passes at once': 1,
    });

    // Allure results: one result per attempt, the failed attempt kept
    const results = allureResults(join(dir, 'reports/allure-results'));
    const flaky = results.filter((r) => r.name === 'A flaky scenario passes on its second attempt');
    assert.equal(flaky.length, 2, 'both attempts of the @flaky scenario are in the results');
    assert.ok(flaky.some((r) => r.status === 'passed') && flaky.some((r) => r.status !== 'passed'), `one failed and one passed attempt: ${flaky.map((r) => r.status)}`);
    assert.equal(new Set(flaky.map((r) => r.historyId)).size, 1, 'the attempts share the history id (Allure groups them as retries)');
    const plain = results.filter((r) => r.name === 'A scenario without the flaky tag is not retried');
    assert.equal(plain.length, 1, 'a scenario without @flaky runs once');
    assert.notEqual(plain[0].status, 'passed');

    // terminal and verdicts.txt name the retry
    assert.match(run.all ?? '', /1 @flaky scenario\(s\) were retried[^\n]*\n\s+A flaky scenario passes on its second attempt: FAILED -> PASSED/);
    assert.match(readFileSync(join(dir, 'reports/verdicts.txt'), 'utf8'), /A flaky scenario passes on its second attempt: FAILED -> PASSED/);

    // executor.json from the CI variables
    const executor = JSON.parse(readFileSync(join(dir, 'reports/allure-results/executor.json'), 'utf8'));
    assert.equal(executor.name, 'GitHub Actions');
    assert.equal(executor.buildOrder, 41);
    assert.equal(executor.buildUrl, 'https://github.com/acme/qa/actions/runs/41');
    assert.deepEqual(taggedProcesses(tag), [], 'no process of the run survives it');

    if (!(await hasJava())) {
      t.diagnostic('no Java: the HTML report part is skipped');
      return;
    }
    // HTML report: the flaky scenario shows its retry
    const results1 = join(dir, 'reports/allure-results');
    const first = join(dir, 'report-41');
    await buildAllureReport({ results: results1, out: first }, () => {});
    const cases = readdirSync(join(first, 'data/test-cases')).map((f) => JSON.parse(readFileSync(join(first, 'data/test-cases', f), 'utf8')));
    const shown = cases.filter((c) => c.name === 'A flaky scenario passes on its second attempt');
    const final = shown.find((c) => c.status === 'passed');
    assert.ok(final, 'the report shows the passing attempt as the result');
    assert.equal(final.retriesCount, 1, 'and counts one retry');
    assert.equal(final.retriesStatusChange, true, 'and marks that the status changed between attempts (the retry icon)');
    assert.equal(final.extra.retries.length, 1, 'with the failed attempt under Retries');

    // trend: the next build's report, given the first as --previous, spans both builds
    executor.buildOrder = 42;
    executor.buildName = 'GitHub Actions #42';
    writeFileSync(join(results1, 'executor.json'), JSON.stringify(executor));
    const second = join(dir, 'report-42');
    await buildAllureReport({ results: results1, out: second, previous: first }, () => {});
    const trend = JSON.parse(readFileSync(join(second, 'history/history-trend.json'), 'utf8'));
    assert.deepEqual(trend.map((p: { buildOrder: number }) => p.buildOrder), [42, 41], 'the trend has both builds, newest first');
    await assert.rejects(buildAllureReport({ results: results1, out: join(dir, 'x'), previous: join(dir, 'reports') }), ReportError);
    assert.ok(!existsSync(join(dir, 'x')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report flags: defaults, and a clear error for an unknown one', () => {
  assert.deepEqual(parseReportArgs([]), { results: 'reports/allure-results', out: 'reports/allure-report', help: false });
  assert.equal(parseReportArgs(['--previous', 'last']).previous, 'last');
  assert.throws(() => parseReportArgs(['--prev', 'x']), /Unknown option '--prev'.*allowed: --results, --out, --previous, --help/);
});

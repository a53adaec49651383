/**
 * ftchaos from a QA team's own repository, end to end: `npm pack` this package, install the
 * tarball into an empty temporary repository (its dependencies come from the npm registry),
 * `npx ftchaos init`, check the editor resolves the example's steps, run the smoke feature
 * with ftchaos's steps and find the reports; then the Allure HTML report (with Java).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { taggedProcesses } from '../support/cucumber-run.ts';
import { editorView } from '../support/language-service.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('a QA repository: pack, install, init, run the smoke feature, find the reports', { timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-qa-'));
  const tag = randomUUID();
  const env: Record<string, string | undefined> = { ...process.env, FTCHAOS_TEST_TAG: tag };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  // its reports are the ones it checks, in its own folder (npm test's lanes point these elsewhere)
  delete env.FTCHAOS_RUNS_DIR;
  delete env.FTCHAOS_ALLURE_RESULTS;
  const sh = (cmd: string, args: string[], cwd: string, timeout = 300_000) =>
    execa(cmd, args, { cwd, env, extendEnv: false, reject: false, all: true, timeout, killSignal: 'SIGINT' });
  try {
    const packed = await sh('npm', ['pack', '--json', '--pack-destination', dir], ROOT);
    assert.equal(packed.exitCode, 0, packed.all);
    const tarball = join(dir, JSON.parse(packed.stdout)[0].filename);

    const qa = join(dir, 'qa');
    mkdirSync(qa);
    writeFileSync(join(qa, 'package.json'), JSON.stringify({ name: 'qa-chaos', version: '1.0.0', private: true }, null, 2));
    const installed = await sh('npm', ['install', '--no-audit', '--no-fund', tarball], qa);
    assert.equal(installed.exitCode, 0, installed.all);

    const bad = await sh('npx', ['--no', 'ftchaos', 'init', '--ci', 'jenkins'], qa);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /unknown CI "jenkins"; allowed: github, gitlab, none/);

    const init = await sh('npx', ['--no', 'ftchaos', 'init', '--platform', 'builtin'], qa);
    assert.equal(init.exitCode, 0, init.all);
    for (const f of ['features/example.feature', 'cucumber.json', '.github/workflows/ftchaos.yml', '.vscode/settings.json', '.gitignore']) {
      assert.ok(existsSync(join(qa, f)), `init created ${f}`);
    }
    const config = JSON.parse(readFileSync(join(qa, 'cucumber.json'), 'utf8'));
    assert.deepEqual(config.default.worldParameters, { platform: 'builtin' });
    assert.ok(JSON.parse(readFileSync(join(qa, 'package.json'), 'utf8')).scripts['chaos:smoke'], 'npm scripts added');
    const again = await sh('npx', ['--no', 'ftchaos', 'init'], qa);
    assert.equal(again.exitCode, 1, 'init refuses to overwrite');
    assert.match(again.stderr, /these files exist, nothing was written \(use --force to overwrite\): features\/example\.feature, cucumber\.json/);

    // the editor, with the scaffolded settings, resolves the example's steps into ftchaos's glue
    const view = await editorView(qa);
    assert.deepEqual(view.diagnostics, []);
    assert.ok(view.steps.length > 5);
    for (const s of view.steps) assert.match(s.definitions.join(), /^node_modules\/ftchaos\/steps\/[a-z]+\.steps\.ts:\d+$/, s.text);

    const run = await sh('npm', ['run', 'chaos:smoke'], qa, 240_000); // the script init added: cucumber-js --profile smoke
    assert.equal(run.exitCode, 0, run.all);
    assert.match(run.all, /1 scenario \(1 passed\)/);
    for (const f of ['cucumber.html', 'junit.xml', 'cucumber.ndjson', 'verdicts.txt', 'allure-results/environment.properties', 'allure-results/categories.json']) {
      assert.ok(existsSync(join(qa, 'reports', f)), `reports/${f}`);
    }
    const results = readdirSync(join(qa, 'reports/allure-results')).filter((f) => f.endsWith('-result.json'));
    assert.equal(results.length, 1, 'one Allure result for the one scenario');
    const result = JSON.parse(readFileSync(join(qa, 'reports/allure-results', results[0]), 'utf8'));
    assert.equal(result.status, 'passed');
    assert.ok(result.labels.some((l: { name: string; value: string }) => l.name === 'epic' && l.value === 'Fault-tolerance'), 'tags became Allure labels');
    assert.match(readFileSync(join(qa, 'reports/allure-results/environment.properties'), 'utf8'), /^platform=builtin$/m);
    const runs = readdirSync(join(qa, 'reports/runs'));
    assert.equal(runs.length, 1, 'the evidence lands in the QA repository');
    assert.ok(existsSync(join(qa, 'reports/runs', runs[0], readdirSync(join(qa, 'reports/runs', runs[0]))[0], 'history.ndjson')));
    assert.deepEqual(taggedProcesses(tag), [], 'no process of the run survives it');

    const java = await execa('java', ['-version'], { reject: false });
    if (java.exitCode !== 0 || java.failed) {
      t.diagnostic('no Java: the Allure HTML report is not built');
      return;
    }
    const report = await sh('npm', ['run', 'chaos:report'], qa, 120_000); // ftchaos report
    assert.equal(report.exitCode, 0, report.all);
    assert.ok(existsSync(join(qa, 'reports/allure-report/index.html')));
  } finally {
    for (const pid of taggedProcesses(tag)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Sharded runs end to end (heavy: run under /tmp/ftchaos-heavy.lock). Two shards of the whole
 * suite in cucumber's dry-run mode show that every scenario lands in exactly one shard; two
 * shards of two real scenarios (one each, really run against a protected pair) are merged by
 * `ftchaos merge` into one JUnit file, one Allure results folder and one HTML report (with
 * Java), and leave no process behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { loadConfiguration, loadSources } from '@cucumber/cucumber/api';
import { taggedProcesses } from '../support/cucumber-run.ts';
import { readSuites } from '../../src/report/junit-merge.ts';
import { parseProperties } from '../../src/report/allure-environment.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const REAL = ['features/backup-crash.feature', 'features/primary-crash.feature:8'];

/** the test cases of a JUnit file, as "feature / scenario" */
function junitCases(xml: string): string[] {
  return readSuites(xml).flatMap((s) => [...s.body.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => `${m[1]} / ${m[2]}`));
}

test('shards split the suite without overlap and merge into one report', { timeout: 240_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-shard-'));
  const tag = randomUUID();
  const env: Record<string, string | undefined> = { ...process.env, FTCHAOS_TEST_TAG: tag };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  delete env.FTCHAOS_RUNS_DIR;
  const ftchaos = (args: string[], timeout = 120_000) =>
    execa(process.execPath, ['bin/ftchaos.mjs', ...args], { cwd: ROOT, env, extendEnv: false, reject: false, all: true, timeout, killSignal: 'SIGINT' });
  try {
    const bad = await ftchaos(['run', '--shard', '3/2', '--', '--dry-run']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /--shard "3\/2": INDEX must lie between 1 and 2/);

    // 1. dry run of the whole CI suite in two shards: each scenario of the plan exactly once
    const { runConfiguration } = await loadConfiguration({ profiles: ['ci'] }, { cwd: ROOT });
    const { plan } = await loadSources(runConfiguration.sources);
    const features = new Map<string, string>();
    const planned: string[] = [];
    for (const p of plan) {
      if (!features.has(p.uri)) features.set(p.uri, /^\s*Feature:\s*(.*)$/m.exec(readFileSync(join(ROOT, p.uri), 'utf8'))?.[1]?.trim() ?? p.uri);
      planned.push(`${features.get(p.uri)} / ${p.name}`);
    }
    assert.ok(planned.length >= 4, `the CI suite has scenarios to split (${planned.length})`);
    const dry: string[][] = [];
    for (const i of [1, 2]) {
      const out = join(dir, 'dry', String(i));
      const r = await ftchaos(['run', '--shard', `${i}/2`, '--out', out, '--', '--profile', 'ci', '--dry-run']);
      assert.equal(r.exitCode, 0, r.all);
      dry.push(junitCases(readFileSync(join(out, 'junit.xml'), 'utf8')));
    }
    assert.deepEqual([...dry[0]!, ...dry[1]!].sort(), [...planned].sort(), 'every planned scenario in exactly one shard');
    assert.ok(Math.abs(dry[0]!.length - dry[1]!.length) <= 1, `an even split: ${dry[0]!.length} + ${dry[1]!.length}`);

    // 2. two real shards, one scenario each
    const shards: string[] = [];
    for (const i of [1, 2]) {
      const out = join(dir, 'real', String(i));
      const r = await ftchaos(['run', '--shard', `${i}/2`, '--out', out, '--', '--profile', 'ci', ...REAL]);
      t.diagnostic(`shard ${i}/2: exit ${r.exitCode}`);
      assert.ok(r.exitCode === 0 || r.exitCode === 1, `shard ${i} ran (exit ${r.exitCode}):\n${r.all}`);
      assert.deepEqual(taggedProcesses(tag), [], `shard ${i} left no process behind`);
      const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
      assert.equal(junitCases(xml).length, 1, `shard ${i} ran one scenario`);
      assert.doesNotMatch(xml, /<skipped\/>/, `shard ${i}'s scenario really ran`);
      // its own evidence folder, its own seed
      const runs = readdirSync(join(out, 'runs'));
      assert.equal(runs.length, 1);
      assert.match(readdirSync(join(out, 'runs', runs[0]!)).join(), /^001-/);
      assert.match(parseProperties(readFileSync(join(out, 'allure-results', 'environment.properties'), 'utf8')).seed ?? '', /^\d+$/);
      shards.push(out);
    }

    // 3. one merge
    const java = await execa('java', ['-version'], { reject: false });
    const html = java.exitCode === 0 && !java.failed;
    if (!html) t.diagnostic('no Java here: the merged results are checked, the HTML report is not built');
    const into = join(dir, 'merged');
    const merged = await ftchaos(['merge', '--into', into, ...(html ? [] : ['--no-html']), ...shards]);
    assert.equal(merged.exitCode, 0, merged.all);
    const xml = readFileSync(join(into, 'junit.xml'), 'utf8');
    const cases = junitCases(xml);
    const expected = [...junitCases(readFileSync(join(shards[0]!, 'junit.xml'), 'utf8')), ...junitCases(readFileSync(join(shards[1]!, 'junit.xml'), 'utf8'))];
    assert.deepEqual(cases, expected);
    assert.equal(new Set(cases).size, 2, 'two different scenarios');
    assert.match(xml, /<testsuites name="ftchaos" tests="2" /);
    const results = readdirSync(join(into, 'allure-results')).filter((f) => f.endsWith('-result.json'));
    assert.deepEqual(results.map((f) => JSON.parse(readFileSync(join(into, 'allure-results', f), 'utf8')).name).sort(), expected.map((c) => c.split(' / ')[1]).sort());
    const envMerged = parseProperties(readFileSync(join(into, 'allure-results', 'environment.properties'), 'utf8'));
    assert.equal(envMerged.shards, 'shard 1/2, shard 2/2');
    assert.match(envMerged.seed ?? '', /^\d+( \(shard 1\/2\); \d+ \(shard 2\/2\))?$/);
    assert.match(readFileSync(join(into, 'verdicts.txt'), 'utf8'), /=== shard 1\/2[^]*\[seed \d+\][^]*=== shard 2\/2[^]*\[seed \d+\]/);
    if (html) {
      const summary = JSON.parse(readFileSync(join(into, 'allure-report', 'widgets', 'summary.json'), 'utf8'));
      assert.equal(summary.statistic.total, 2, 'one report of both shards');
      assert.ok(existsSync(join(into, 'allure-report', 'index.html')));
    }
    assert.deepEqual(taggedProcesses(tag), [], 'no process left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

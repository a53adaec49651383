/**
 * The pure parts of sharded and parallel runs (no cucumber, no VMs): the shard spec, the
 * results-folder rewrite, port slices per worker/shard, the Allure environment of several
 * parts, the JUnit merge, and the completeness check of a merge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShard } from '../../src/cli/shard-spec.ts';
import { parseRunArgs } from '../../src/cli/run.ts';
import { parseMergeArgs } from '../../src/cli/merge.ts';
import { moveUnder } from '../../src/cli/run-config.ts';
import { portRange } from '../../src/platform/ports.ts';
import { combineEnvironments, loadEnvironmentParts, parseProperties, saveEnvironmentPart } from '../../src/report/allure-environment.ts';
import { countTestcases, mergeJunit, readSuites } from '../../src/report/junit-merge.ts';
import { checkComplete, mergeShards, MergeError } from '../../src/report/merge-shards.ts';
import { runFolderName } from '../../src/harness/run-context.ts';
import { writeAllureRunFiles } from '../../src/harness/allure-files.ts';
import { UsageError } from '../../src/cli/usage.ts';

test('a shard is INDEX/TOTAL with 1 <= INDEX <= TOTAL; anything else names the value and what is allowed', () => {
  assert.deepEqual(parseShard('1/2'), { index: 1, total: 2 });
  assert.deepEqual(parseShard('3/3'), { index: 3, total: 3 });
  for (const bad of ['3/2', '0/2', 'x', '1/0', '1', '-1/2', '1/2/3', '']) {
    assert.throws(() => parseShard(bad), (e: Error) => e.message.includes(`"${bad}"`) && /1 <= INDEX <= TOTAL/.test(e.message), bad);
  }
  assert.throws(() => parseRunArgs(['--shard', '3/2']), UsageError);
  assert.throws(() => parseRunArgs(['--', '--shard', '1/2']), /give the shard to ftchaos run/);
  assert.throws(() => parseRunArgs(['--bogus']), /allowed: --shard I\/N, --out DIR/);
  const run = parseRunArgs(['--shard', '2/3', '--', '--profile', 'ci', 'features/a.feature']);
  assert.equal(run.out, join('reports', 'shards', '2'));
  assert.deepEqual(run.cucumberArgs, ['--profile', 'ci', 'features/a.feature']);
  assert.equal(parseRunArgs([]).out, 'reports');
  assert.throws(() => parseMergeArgs(['reports/shards/1']), /--into DIR is required/);
  assert.throws(() => parseMergeArgs(['--into', 'reports']), /give the shard folders/);
  assert.deepEqual(parseMergeArgs(['--into', 'r', '--previous', 'old', 'a', 'b']).shards, ['a', 'b']);
});

test('every output file of the usual layout moves under the run folder', () => {
  assert.equal(moveUnder('reports/shards/1', 'reports/junit.xml', '/repo'), 'reports/shards/1/junit.xml');
  assert.equal(moveUnder('reports/shards/1', '/repo/reports/allure-results/.formatter.log', '/repo'), 'reports/shards/1/allure-results/.formatter.log');
  assert.equal(moveUnder('out', 'results/x.json', '/repo'), 'out/results/x.json');
  assert.equal(moveUnder('out', '/elsewhere/x.json', '/repo'), 'out/x.json');
});

test('workers and shards draw ports from disjoint slices below the ephemeral range', () => {
  const whole = portRange({}, 10_000, 32_768);
  assert.deepEqual(whole, { lo: 10_000, hi: 32_768 });
  const ranges = [];
  for (const slice of ['1/2', '2/2']) {
    for (const w of ['0', '1', '2']) ranges.push(portRange({ FTCHAOS_PORT_SLICE: slice, CUCUMBER_WORKER_ID: w, CUCUMBER_TOTAL_WORKERS: '3' }, 10_000, 32_768));
  }
  ranges.sort((a, b) => a.lo - b.lo);
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    assert.ok(r.lo >= 10_000 && r.hi <= 32_768 && r.hi - r.lo > 3000, JSON.stringify(r));
    if (i > 0) assert.ok(ranges[i - 1]!.hi <= r.lo, `slices overlap: ${JSON.stringify(ranges)}`);
  }
  assert.throws(() => portRange({ FTCHAOS_PORT_SLICE: '3/2' }), /FTCHAOS_PORT_SLICE="3\/2" is not a slice/);
  assert.throws(() => portRange({ FTCHAOS_PORT_SLICE: '1/1000' }, 10_000, 32_768), /too small/);
  assert.equal(runFolderName(new Date('2026-01-02T03:04:05.678Z'), { CUCUMBER_WORKER_ID: '1' }), '2026-01-02T03-04-05-678Z-w1');
  assert.equal(runFolderName(new Date('2026-01-02T03:04:05.678Z'), {}), '2026-01-02T03-04-05-678Z');
});

test('the environment of several workers shows what they share once and what differs per worker', () => {
  const env = combineEnvironments([
    { label: 'worker 0', env: { platform: 'builtin', seed: '11', evidence: 'runs/a-w0' } },
    { label: 'worker 1', env: { platform: 'builtin', seed: '22', evidence: 'runs/a-w1', 'fault schedule seeds': '7' } },
  ]);
  assert.deepEqual(env, {
    platform: 'builtin',
    seed: '11 (worker 0); 22 (worker 1)',
    evidence: 'runs/a-w0 (worker 0); runs/a-w1 (worker 1)',
    'fault schedule seeds': '7 (worker 1)',
  });
  // what writeAllureRunFiles writes, parseProperties reads back
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-env-'));
  try {
    const original = { 'fault schedule seeds': '1, 2', toxiproxy: 'embedded http://127.0.0.1:8474', 'a=b': 'x:y\nz', seed: '5' };
    writeAllureRunFiles(dir, original);
    assert.deepEqual(parseProperties(readFileSync(join(dir, 'environment.properties'), 'utf8')), original);
    // parts of one run (by the coordinator's pid) only, in worker order
    saveEnvironmentPart(dir, { label: 'worker 1', env: { seed: '2' } }, 100);
    saveEnvironmentPart(dir, { label: 'worker 0', env: { seed: '1' } }, 100);
    saveEnvironmentPart(dir, { label: 'run', env: { seed: '9' } }, 99);
    assert.deepEqual(loadEnvironmentParts(dir, 100).map((p) => p.label), ['worker 0', 'worker 1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const SUITE = (n: number, extra = '') =>
  `<?xml version="1.0"?>\n<testsuite name="Cucumber" time="1.5" tests="${n}" skipped="0" failures="1" errors="0">\n` +
  Array.from({ length: n }, (_, i) => `  <testcase classname="F" name="s${i} &amp; &quot;q&quot;" time="0.5">\n    <failure message="m"/><system-out><![CDATA[</testsuite> <testcase name="fake"> ${extra}]]></system-out>\n  </testcase>`).join('\n') +
  '\n</testsuite>\n';

test('JUnit files merge into one <testsuites> with every test case and summed counts', () => {
  const merged = mergeJunit([
    { label: 'shard 1/2', xml: SUITE(2) },
    { label: 'shard 2/2', xml: SUITE(3, '<!-- not a comment -->') },
  ]);
  assert.deepEqual(merged.totals, { tests: 5, failures: 2, errors: 0, skipped: 0, time: 3, suites: 2 });
  const suites = readSuites(merged.xml);
  assert.equal(suites.length, 2);
  assert.equal(suites[0]!.attrs.name, 'Cucumber (shard 1/2)');
  assert.equal(suites.reduce((n, s) => n + countTestcases(s.body), 0), 5, 'a CDATA "<testcase" is no test case');
  assert.match(merged.xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ftchaos" tests="5" failures="2" errors="0" skipped="0" time="3">/);
  assert.ok(merged.xml.includes('name="s0 &amp; &quot;q&quot;"'), 'escaped attributes stay escaped once');
  // a <testsuites> input gives its suites; broken input names the input
  assert.equal(mergeJunit([{ label: 'x', xml: merged.xml }]).totals.tests, 5);
  assert.throws(() => mergeJunit([{ label: 'shard 9', xml: '<testsuite name="a"><testcase' }]), /shard 9: unterminated tag/);
  assert.throws(() => mergeJunit([{ label: 'shard 9', xml: '<html></html>' }]), /shard 9: the root element is <html>/);
});

test('a merge refuses a missing or doubled shard and a uuid collision, and merges the rest', () => {
  const root = mkdtempSync(join(tmpdir(), 'ftchaos-merge-'));
  try {
    const shard = (i: number, spec: string, files: Record<string, string>) => {
      const dir = join(root, String(i));
      mkdirSync(join(dir, 'allure-results'), { recursive: true });
      writeFileSync(join(dir, 'shard.json'), JSON.stringify({ shard: spec }));
      for (const [n, body] of Object.entries(files)) writeFileSync(join(dir, n), body);
      return dir;
    };
    const a = shard(1, '1/2', { 'junit.xml': SUITE(1), 'verdicts.txt': 'table A\n', 'allure-results/u1-result.json': '{}', 'allure-results/environment.properties': 'seed=1\nplatform=builtin\n' });
    const b = shard(2, '2/2', { 'junit.xml': SUITE(2), 'verdicts.txt': 'table B\n', 'allure-results/u2-result.json': '{}', 'allure-results/environment.properties': 'seed=2\nplatform=builtin\n' });
    const c = shard(3, '2/2', { 'allure-results/u1-result.json': '{"other":1}' });
    assert.equal(checkComplete([a, b].map((d) => ({ dir: d, label: d, shard: parseShard(JSON.parse(readFileSync(join(d, 'shard.json'), 'utf8')).shard) }))), null);
    assert.throws(() => mergeShards([a], join(root, 'm')), (e: Error) => e instanceof MergeError && /shard 2\/2 missing/.test(e.message));
    assert.throws(() => mergeShards([a, b, c], join(root, 'm')), /shard 2\/2 is given twice/);
    assert.throws(() => mergeShards([a, join(root, 'nope')], join(root, 'm')), /nope is not a folder/);
    const r = mergeShards([a, b], join(root, 'm'));
    assert.equal(r.allureResults, 2);
    assert.equal(r.junit?.tests, 3);
    const env = parseProperties(readFileSync(join(root, 'm', 'allure-results', 'environment.properties'), 'utf8'));
    assert.equal(env.seed, '1 (shard 1/2); 2 (shard 2/2)');
    assert.equal(env.platform, 'builtin');
    assert.equal(env.shards, 'shard 1/2, shard 2/2');
    assert.match(readFileSync(join(root, 'm', 'verdicts.txt'), 'utf8'), /=== shard 1\/2 .*\n\ntable A\n\n=== shard 2\/2 .*\n\ntable B\n$/);
    const partial = mergeShards([a], join(root, 'p'), { allowPartial: true });
    assert.deepEqual(partial.notes, ['partial merge: shard 2/2 missing']);
    writeFileSync(join(c, 'shard.json'), JSON.stringify({ shard: '1/1' }));
    assert.throws(() => mergeShards([c, a], join(root, 'x'), { allowPartial: true }), /a different u1-result.json/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

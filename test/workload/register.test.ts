/**
 * The register workload end to end: the step starts register clients against a real
 * protected pair, the primary crashes, and the history holds reg ops of all three kinds
 * served by both hosts, swaps that succeeded and swaps that found another value, each invoke
 * with exactly one completion; the warm-up ran before them. Bad counts fail the step with a clear message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCucumber } from '../support/cucumber-run.ts';
import { checkHistory, pairOps, type Op } from '../../src/check/index.ts';
import { isWarmUp } from '../../src/check/ops.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';

/** the history.ndjson of the run's only scenario that has one with ops */
function crashHistory(runsDir: string): HistoryEvent[] {
  for (const run of readdirSync(runsDir)) {
    for (const scenario of readdirSync(join(runsDir, run))) {
      if (!scenario.includes('primary-crash')) continue;
      const text = readFileSync(join(runsDir, run, scenario, 'history.ndjson'), 'utf8');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as HistoryEvent);
    }
  }
  throw new Error(`no scenario folder for the crash scenario under ${runsDir}`);
}

test('register clients on a protected pair through a primary crash; bad counts refused', { timeout: 300_000 }, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'ftchaos-register-'));
  const saved = process.env.FTCHAOS_RUNS_DIR;
  process.env.FTCHAOS_RUNS_DIR = runsDir; // inherited by the cucumber child
  try {
    const run = await runCucumber(['--config', 'test/fixtures/register/cucumber.json', '--world-parameters', '{"seed":11}']);
    const get = (name: string) => {
      const s = run.scenarios.get(name);
      assert.ok(s, `scenario "${name}" did not run:\n${run.output.slice(-2000)}`);
      return s;
    };
    const crash = get('register clients across a primary crash');
    assert.equal(crash.status, 'PASSED', crash.messages.join('\n'));

    const bad: Record<string, [string, RegExp]> = {
      'no register clients': ['0 clients read, write and compare-and-set 2 shared keys of "kv"', /register client count 0 is out of range; allowed: a whole number from 1 to 64/],
      'no shared keys': ['1 client reads, writes and compare-and-sets 0 shared keys of "kv"', /shared key count 0 is out of range; allowed: a whole number from 1 to 64/],
      'too many shared keys': ['2 clients read, write and compare-and-set 65 shared keys of "kv"', /shared key count 65 is out of range; allowed: a whole number from 1 to 64/],
    };
    for (const [name, [step, message]] of Object.entries(bad)) {
      const s = get(name);
      assert.equal(s.status, 'FAILED', name);
      assert.deepEqual(s.failedSteps, [step], name);
      assert.match(s.messages.join('\n'), message, name);
    }
    assert.deepEqual(run.survivors, [], 'no process of the run survives it');

    const history = crashHistory(runsDir);
    // every invoke has exactly one completion, and no process had two ops in flight
    const hv = checkHistory(history);
    assert.equal(hv.ok, true, hv.summary);
    const reg = pairOps(history).ops.filter((o) => o.f.startsWith('reg-'));
    assert.equal(reg.filter((o) => o.type === 'open').length, 0, 'every register op completed before the workload stopped');
    assert.deepEqual([...new Set(reg.map((o) => o.process))].sort(), ['r0', 'r1', 'r2', 'r3']);
    assert.ok(reg.every((o) => o.key === 'reg-0' || o.key === 'reg-1'), 'only the 2 shared keys');

    // the new pair was warmed up first: 200 recorded ops of warmup<i> clients, all of them
    // finished before the warm-up mark, and the scenario's clients only started after it
    const warm = history.find((e) => e.kind === 'mark' && e.label === 'warm-up');
    assert.ok(warm && warm.kind === 'mark', 'the warm-up is in the history');
    assert.equal(warm.detail?.complete, true, `warm-up incomplete: ${JSON.stringify(warm.detail)}`);
    const warmOps = pairOps(history).ops.filter((o) => isWarmUp(o.process));
    assert.ok(warmOps.filter((o) => o.type === 'ok').length >= 200, 'at least 200 warm-up ops answered');
    assert.ok(warmOps.every((o) => o.completeTime !== null && o.completeTime <= warm.time), 'a warm-up op outlived the warm-up');
    assert.ok(reg.every((o) => o.invokeTime >= warm.time), 'a register op started during the warm-up');

    // the crash moved the clients: ok ops of all three kinds on both hosts
    const crashed = history.find((e) => e.kind === 'fault' && e.fault === 'crash');
    assert.ok(crashed && crashed.kind === 'fault', 'the crash is in the history');
    const oks = (f: Op['f'], host: string) => reg.filter((o) => o.f === f && o.type === 'ok' && o.host === host).length;
    const first = crashed.target;
    const other = first === 'a' ? 'b' : 'a';
    const counts: Record<string, number> = {};
    for (const f of ['reg-read', 'reg-write', 'reg-cas'] as const) {
      for (const h of [first, other]) {
        counts[`${f} ok on ${h}`] = oks(f, h);
        assert.ok(oks(f, h) > 0, `no ${f} ok on ${h === first ? 'the crashed primary' : 'the new primary'} ${h}`);
      }
    }
    // swaps that worked and swaps that found another value (NOMATCH: fail, nothing changed)
    const cas = reg.filter((o) => o.f === 'reg-cas');
    const nomatch = cas.filter((o) => o.type === 'fail' && o.error === 'NOMATCH');
    assert.ok(nomatch.length > 0, 'no CAS answered NOMATCH');
    // written values are unique per key, and a CAS carries what it expected
    const written = reg.filter((o) => o.f !== 'reg-read').map((o) => `${o.key}=${o.value}`);
    assert.equal(new Set(written).size, written.length, 'a value was written twice');
    const events = history.filter((e) => e.kind === 'op' && e.f === 'reg-cas');
    assert.ok(events.every((e) => e.kind === 'op' && typeof e.expect === 'number'), 'every reg-cas event carries its expected value');
    // reads are ok with a number or NIL; read values were all written by someone
    const writtenValues = new Set(reg.filter((o) => o.f !== 'reg-read').map((o) => o.value));
    for (const r of reg.filter((o) => o.f === 'reg-read' && o.type === 'ok')) {
      assert.ok(r.value === null || writtenValues.has(r.value), `${r.process} read ${r.key}=${r.value}, which no one wrote`);
    }
    // trouble is recorded as fail / info, never as ok
    const byType = (t: string) => reg.filter((o) => o.type === t).length;
    console.log(`register history: ${reg.length} ops (ok ${byType('ok')}, fail ${byType('fail')} of which NOMATCH ${nomatch.length}, info ${byType('info')}); ${JSON.stringify(counts)}; cas ok ${cas.filter((o) => o.type === 'ok').length}`);
  } finally {
    if (saved === undefined) delete process.env.FTCHAOS_RUNS_DIR;
    else process.env.FTCHAOS_RUNS_DIR = saved;
    rmSync(runsDir, { recursive: true, force: true });
  }
});

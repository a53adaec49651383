/**
 * End to end (boots a pair: run under the heavy lock): each new fault step opens and closes
 * its window in the history, with the phase it struck at, and the report shades it with that
 * label; an unknown fault kind fails its step naming the allowed ones. Nothing survives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCucumber } from '../support/cucumber-run.ts';
import type { FaultEvent, HistoryEvent } from '../../src/workload/history.ts';

test('new faults produce their history windows and shaded, phase-labelled bands', { timeout: 300_000 }, async () => {
  const runs = mkdtempSync(join(tmpdir(), 'ftchaos-faults-'));
  const before = process.env.FTCHAOS_RUNS_DIR;
  process.env.FTCHAOS_RUNS_DIR = runs;
  try {
    const run = await runCucumber(['--config', 'test/fixtures/faults/cucumber.json', '--world-parameters', '{"seed":7}']);
    const ok = run.scenarios.get('new faults leave their windows');
    assert.ok(ok, `scenario did not run:\n${run.output.slice(-3000)}`);
    assert.equal(ok.status, 'PASSED', `${ok.failedSteps.join('; ')}\n${ok.messages.join('\n').slice(0, 3000)}`);

    const bad = run.scenarios.get('unknown fault kind');
    assert.equal(bad?.status, 'FAILED');
    assert.deepEqual(bad?.failedSteps, ['random faults (crash, meteor) hit "kv" every 1 second for 2 seconds with seed 1']);
    assert.match(bad!.messages.join('\n'), /unknown fault kind "meteor"; allowed: crash, hang, partition, latency, backup-hang, witness-crash/);

    const [stamp] = readdirSync(runs);
    const dir = join(runs, stamp!, readdirSync(join(runs, stamp!)).find((d) => d.startsWith('001-'))!);
    const history = readFileSync(join(dir, 'history.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryEvent);
    const faults = history.filter((e): e is FaultEvent => e.kind === 'fault');
    const windows = faults.filter((f) => f.phase === 'start').map((s) => ({ s, end: faults.find((f) => f.phase === 'end' && f.id === s.id) }));
    const find = (what: string, pred: (f: FaultEvent) => boolean) => {
      const w = windows.find((x) => pred(x.s));
      assert.ok(w, `a ${what} window in ${JSON.stringify(windows.map((x) => x.s))}`);
      assert.ok(w.end && w.end.time >= w.s.time, `the ${what} window is closed`);
      const { phaseMs, epochMs } = w.s.detail as { phaseMs: number; epochMs: number };
      assert.equal(epochMs, 25, `${what}: epoch`);
      assert.ok(phaseMs >= 0 && phaseMs < 25, `${what}: phase ${phaseMs} in [0, 25)`);
      return w.s;
    };
    const hang = find('backup hang', (f) => f.fault === 'hang' && f.detail?.role === 'backup');
    const witness = find('witness partition', (f) => f.fault === 'partition' && f.target === 'witness-backup');
    const reset = find('replication reset', (f) => f.fault === 'reset_peer' && f.target === 'replication');
    const oneWay = find('backup -> primary cut', (f) => f.fault === 'partition' && f.detail?.direction === 'backup->primary');
    assert.deepEqual(witness.detail?.links, ['kv.witness.b/upstream', 'kv.witness.b/downstream'], 'the backup is b: its witness proxy is cut');
    const phases = [hang, witness, reset, oneWay].map((f) => (f.detail as { phaseMs: number }).phaseMs);
    assert.ok(new Set(phases).size > 1, `phases differ from fault to fault: ${phases}`);

    // the timeline shades each window with its label, phase included
    const svg = readFileSync(join(dir, 'timeline.svg'), 'utf8');
    for (const f of [hang, witness, reset, oneWay]) {
      const label = `${f.fault} ${f.target} #${f.id} @${(f.detail as { phaseMs: number }).phaseMs}/25`;
      assert.ok(svg.includes(`>${label}</text>`), `label "${label}" in the timeline`);
      assert.ok(new RegExp(`aria-label="t0: [\\d.]+; t1: [\\d.]+; what: ${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^"]*"[^>]*fill="#7f7f7f"`).test(svg), `band of "${label}" shaded`);
    }
    assert.deepEqual(run.survivors, [], 'no process of the run survives it');
  } finally {
    if (before === undefined) delete process.env.FTCHAOS_RUNS_DIR;
    else process.env.FTCHAOS_RUNS_DIR = before;
    rmSync(runs, { recursive: true, force: true });
  }
});

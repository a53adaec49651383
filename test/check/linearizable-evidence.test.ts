import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkLinearizable } from '../../src/check/index.ts';
import { collectEvidence } from '../../src/harness/evidence.ts';
import type { ScenarioRuntime } from '../../src/harness/scenario.ts';
import { reg } from './register-history.ts';

describe('evidence: the linearizability counter-example', () => {
  it('attaches the window plot of a failed linearizability verdict, and none when it held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftchaos-evidence-'));
    try {
      const bad = reg().w('r0', 'x', 3, 0, 10).w('r0', 'x', 4, 20, 30).r('r1', 'x', 3, 40, 50).build();
      const good = reg().w('r0', 'x', 3, 0, 10).r('r1', 'x', 3, 40, 50).build();
      // the runtime's data only: history, verdicts, evidence folder (no pair, no platform)
      const rt = (events: typeof bad, pair: string) =>
        ({
          recorder: { events, path: undefined },
          config: { dir, seed: 1 },
          pairs: new Map(),
          verdicts: [{ pair, step: 'linearizable', verdict: checkLinearizable(events) }],
        }) as unknown as ScenarioRuntime;
      const failed = await collectEvidence(rt(bad, 'pair 1'), 's', { failed: true });
      const plot = failed.find((a) => a.fileName === 'pair_1-not-linearizable.svg');
      assert.ok(plot, failed.map((a) => a.fileName).join(', '));
      assert.equal(plot.mediaType, 'image/svg+xml');
      assert.match(plot.body, /r 3/);
      assert.match(plot.body, /w 4/);
      const held = await collectEvidence(rt(good, 'p'), 's', { failed: false });
      assert.ok(!held.some((a) => a.fileName.includes('linearizable')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

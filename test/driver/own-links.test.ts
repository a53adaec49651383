/**
 * Links a driver faults itself: examples/drivers/builtin.py --own replication,witness runs
 * those links through its own forwarders and cuts them on `cut` / `heal`; the harness proxies
 * only the client links. Partitions and isolation work through the driver (and the checkers
 * judge them as always); latency on an owned link is refused with "platform X cannot …".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCucumber } from '../support/cucumber-run.ts';

test('partitions of links the driver owns go through the driver; latency on them is refused', { timeout: 300_000 }, async () => {
  const platform = 'command:./examples/drivers/builtin.py --own replication,witness';
  const run = await runCucumber(['--config', 'test/fixtures/driver/cucumber.json', '--tags', '@own-links', '--world-parameters', JSON.stringify({ platform })]);

  for (const name of ['A replication partition the driver makes itself never yields two primaries', 'A primary isolated partly by the driver, partly by the proxies, is fenced and replaced']) {
    const s = run.scenarios.get(name);
    assert.ok(s, `scenario missing; got ${[...run.scenarios.keys()].join(', ')}\n${run.output.slice(-3000)}`);
    assert.equal(s.status, 'PASSED', `${name}: ${s.messages.join('\n')}`);
  }
  const lat = run.scenarios.get('Latency on a link the driver owns is refused, not faked');
  assert.ok(lat);
  assert.equal(lat.status, 'FAILED');
  assert.match(lat.messages.join('\n'), /PlatformCannotError: platform command:\.\/examples\/drivers\/builtin\.py --own replication,witness cannot add latency to its own replication link/);
  assert.deepEqual(run.survivors, [], 'no process of the run survives it');
});

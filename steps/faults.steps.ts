/** Process faults: real SIGKILL (crash), SIGSTOP/SIGCONT (hang), restart; and waiting. */
import { setTimeout as delay } from 'node:timers/promises';
import { When } from '@cucumber/cucumber';
import { StepInputError } from '../src/harness/params.ts';
import type { FtWorld } from './support/world.ts';

const MAX_WAIT_MS = 10 * 60_000;

function checkWait(ms: number): number {
  if (ms > MAX_WAIT_MS) throw new StepInputError(`${ms} ms is too long to wait in one step; allowed: at most 10 minutes`);
  return ms;
}

/** SIGKILLs the process of the host that is primary now */
When('the primary host of {string} crashes', async function (this: FtWorld, name: string) {
  await this.pair(name).crash('primary');
});

/** SIGKILLs the process of the host that is backup now */
When('the backup host of {string} crashes', async function (this: FtWorld, name: string) {
  await this.pair(name).crash('backup');
});

/** SIGKILLs the primary, then the backup */
When('both hosts of {string} crash', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  const s = pair.status();
  const first = s.primary ?? 'a';
  await pair.crashHost(first);
  await pair.crashHost(first === 'a' ? 'b' : 'a');
});

/** SIGSTOPs the primary host process, and SIGCONTs it after that long */
When('the primary host of {string} hangs for {duration}', { timeout: MAX_WAIT_MS + 60_000 }, async function (this: FtWorld, name: string, ms: number) {
  checkWait(ms);
  await this.pair(name).hang('primary', ms, (t) => delay(t));
});

/** starts a fresh process for the host that crashed last; it rejoins as backup */
When('the crashed host of {string} restarts', async function (this: FtWorld, name: string) {
  await this.pair(name).restartCrashed();
});

/** lets the scenario run on for that long (workload and probes keep going) */
When('{duration} pass(es)', { timeout: MAX_WAIT_MS + 60_000 }, async function (this: FtWorld, ms: number) {
  await delay(checkWait(ms));
});

/**
 * Process faults: real SIGKILL (crash), SIGSTOP/SIGCONT (hang), restart; and waiting. Each
 * fault strikes at a seeded random phase of the checkpoint interval (PairUnderTest.strike).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { When } from '@cucumber/cucumber';
import { StepInputError } from '../src/harness/params.ts';
import type { FtWorld } from './support/world.ts';

const MAX_WAIT_MS = 10 * 60_000;
/** how long a crash "during the full state transfer" waits for one to start */
const TRANSFER_WAIT_MS = 30_000;

function checkWait(ms: number): number {
  if (ms > MAX_WAIT_MS) throw new StepInputError(`${ms} ms is too long to wait in one step; allowed: at most 10 minutes`);
  return ms;
}

/** SIGKILLs the process of the host that is primary now */
When('the primary host of {string} crashes', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.crash('primary'));
});

/** SIGKILLs the process of the host that is backup now */
When('the backup host of {string} crashes', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.crash('backup'));
});

/** SIGKILLs the primary, then the backup */
When('both hosts of {string} crash', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(async () => {
    const first = pair.status().primary ?? 'a';
    await pair.crashHost(first);
    await pair.crashHost(first === 'a' ? 'b' : 'a');
  });
});

/** SIGSTOPs the primary host process, and SIGCONTs it after that long */
When('the primary host of {string} hangs for {duration}', { timeout: MAX_WAIT_MS + 60_000 }, async function (this: FtWorld, name: string, ms: number) {
  checkWait(ms);
  const pair = this.pair(name);
  await pair.strike(() => pair.hang('primary', ms, (t) => delay(t)));
});

/** SIGSTOPs the backup host process, and SIGCONTs it after that long */
When('the backup host of {string} hangs for {duration}', { timeout: MAX_WAIT_MS + 60_000 }, async function (this: FtWorld, name: string, ms: number) {
  checkWait(ms);
  const pair = this.pair(name);
  await pair.strike(() => pair.hang('backup', ms, (t) => delay(t)));
});

/** waits for the full state transfer of a re-protection (the one in flight, else the next within 30 s), then SIGKILLs the primary */
When('the primary host of {string} crashes during the full state transfer', { timeout: TRANSFER_WAIT_MS + 30_000 }, async function (this: FtWorld, name: string) {
  await this.pair(name).crashDuringTransfer('primary', TRANSFER_WAIT_MS);
});

/** waits for the full state transfer of a re-protection (the one in flight, else the next within 30 s), then SIGKILLs the backup receiving it */
When('the backup host of {string} crashes during the full state transfer', { timeout: TRANSFER_WAIT_MS + 30_000 }, async function (this: FtWorld, name: string) {
  await this.pair(name).crashDuringTransfer('backup', TRANSFER_WAIT_MS);
});

/** SIGKILLs the witness process: both hosts' witness connections close */
When('the witness of {string} crashes', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.crashWitness());
});

/** starts a fresh witness process (empty lease table) on the same address; resolves once it listens */
When('the witness of {string} restarts', { timeout: 90_000 }, async function (this: FtWorld, name: string) {
  await this.pair(name).restartWitness();
});

/** starts a fresh process for the host that crashed last; it rejoins as backup */
When('the crashed host of {string} restarts', async function (this: FtWorld, name: string) {
  await this.pair(name).restartCrashed();
});

/** lets the scenario run on for that long (workload and probes keep going) */
When('{duration} pass(es)', { timeout: MAX_WAIT_MS + 60_000 }, async function (this: FtWorld, ms: number) {
  await delay(checkWait(ms));
});

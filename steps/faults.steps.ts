/** Process faults: real SIGKILL (crash), SIGSTOP/SIGCONT (hang), restart; and waiting. */
import { setTimeout as delay } from 'node:timers/promises';
import { StepInputError } from '../src/harness/params.ts';
import { step, type StepDef } from './support/define.ts';

const MAX_WAIT_MS = 10 * 60_000;

function checkWait(ms: number): number {
  if (ms > MAX_WAIT_MS) throw new StepInputError(`${ms} ms is too long to wait in one step; allowed: at most 10 minutes`);
  return ms;
}

export default [
  step('When', 'the primary host of {string} crashes', 'SIGKILLs the process of the host that is primary now',
    async function (name: string) {
      await this.pair(name).crash('primary');
    }),

  step('When', 'the backup host of {string} crashes', 'SIGKILLs the process of the host that is backup now',
    async function (name: string) {
      await this.pair(name).crash('backup');
    }),

  step('When', 'both hosts of {string} crash', 'SIGKILLs the primary, then the backup',
    async function (name: string) {
      const pair = this.pair(name);
      const s = pair.status();
      const first = s.primary ?? 'a';
      await pair.crashHost(first);
      await pair.crashHost(first === 'a' ? 'b' : 'a');
    }),

  step('When', 'the primary host of {string} hangs for {duration}', 'SIGSTOPs the primary host process, and SIGCONTs it after that long',
    async function (name: string, ms: number) {
      checkWait(ms);
      await this.pair(name).hang('primary', ms, (t) => delay(t));
    }, MAX_WAIT_MS + 60_000),

  step('When', 'the crashed host of {string} restarts', 'starts a fresh process for the host that crashed last; it rejoins as backup',
    async function (name: string) {
      await this.pair(name).restartCrashed();
    }),

  step('When', '{duration} pass(es)', 'lets the scenario run on for that long (workload and probes keep going)',
    async function (ms: number) {
      await delay(checkWait(ms));
    }, MAX_WAIT_MS + 60_000),
] satisfies StepDef[];

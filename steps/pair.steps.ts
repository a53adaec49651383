/** Steps that set a protected pair up, and the workload and probes that run against it. */
import { Given, type DataTable } from '@cucumber/cucumber';
import { checkCount, parsePairOptions, StepInputError } from '../src/harness/params.ts';
import type { FtWorld } from './support/world.ts';

const START_TIMEOUT = 60_000;

/** boots a primary/backup pair with the default options and waits until it is protected */
Given('a protected pair {string}', { timeout: START_TIMEOUT }, async function (this: FtWorld, name: string) {
  await this.rt.startPair(name, {});
});

/** boots a pair whose primary checkpoints to the backup at that interval */
Given('a protected pair {string} with checkpoints every {duration}', { timeout: START_TIMEOUT }, async function (this: FtWorld, name: string, ms: number) {
  if (ms <= 0) throw new StepInputError(`checkpoint interval ${ms} ms must be greater than 0 ms`);
  await this.rt.startPair(name, { checkpointIntervalMs: ms });
});

/** boots a pair with options from a table: checkpoint interval, output commit, fencing, mode, failover timeout, heartbeat interval, memory */
Given('a protected pair {string} with:', { timeout: START_TIMEOUT }, async function (this: FtWorld, name: string, table: DataTable) {
  await this.rt.startPair(name, parsePairOptions(table.raw()));
});

/** starts clients that each write fresh keys (and read back, and ping) through the client links, moving to the other host on trouble */
Given('{int} client(s) write(s) to {string} continuously', async function (this: FtWorld, count: number, name: string) {
  checkCount(count, 'client count', 1, 64);
  this.pair(name).startClients(count);
});

/** the same clients, each waiting that long for a reply before it counts the op indeterminate and moves on (default 1 second) */
Given('{int} client(s) write(s) to {string} continuously, waiting up to {duration} for each reply', async function (this: FtWorld, count: number, name: string, ms: number) {
  checkCount(count, 'client count', 1, 64);
  if (ms < 100 || ms > 60_000) throw new StepInputError(`reply wait ${ms} ms is out of range; allowed: 100 ms to 60 seconds`);
  this.pair(name).startClients(count, { timeoutMs: ms });
});

/** pings every host of the pair directly at that interval: the evidence for outage, availability and split brain */
Given('availability of {string} is probed every {duration}', async function (this: FtWorld, name: string, ms: number) {
  if (ms <= 0 || ms > 10_000) throw new StepInputError(`probe interval ${ms} ms is out of range; allowed: more than 0 ms, at most 10 seconds`);
  this.pair(name).startProbes(ms);
});

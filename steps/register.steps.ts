/** Steps of the register workload: clients sharing a few keys, checked for linearizability. */
import { Given } from '@cucumber/cucumber';
import { checkCount } from '../src/harness/params.ts';
import type { FtWorld } from './support/world.ts';

/** starts clients that read, write and compare-and-set a few shared keys (a register workload, checked for linearizability), moving to the other host on trouble */
Given('{int} client(s) read(s), write(s) and compare-and-set(s) {int} shared key(s) of {string}', async function (this: FtWorld, count: number, keys: number, name: string) {
  checkCount(count, 'register client count', 1, 64);
  checkCount(keys, 'shared key count', 1, 64);
  this.pair(name).startRegisterClients(count, keys, this.rt.config.seed);
});

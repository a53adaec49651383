/**
 * Several pairs in one scenario (a fleet): a group of pairs booted at once, the workload and
 * probes of every pair of a group, a shared replication network, and group checks that judge
 * each pair on its own history. Steps that name one pair ("r1-kv-3") work on a fleet's pairs too.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Given, Then, When } from '@cucumber/cucumber';
import { CAPACITY_END, CAPACITY_STEP, capacitySweep, capacityVerdict } from '../src/check/capacity.ts';
import { capacitySpec } from '../src/report/capacity-plot.ts';
import { renderSvg } from '../src/report/render.ts';
import { judge } from '../src/harness/verdicts.ts';
import { checkCommitLatency, checkKeepsServing, checkLostWrites, checkOutage, checkSplitBrain } from '../src/check/index.ts';
import { checkStaysProtected } from '../src/check/protection.ts';
import { fleet, healFleetNetworks, judgeFleet, limitFleetNetwork, MAX_FLEET, startFleet, sweepRates } from '../src/harness/fleet.ts';
import { checkCount, StepInputError } from '../src/harness/params.ts';
import type { Verdict } from '../src/check/types.ts';
import type { PairUnderTest } from '../src/harness/pair.ts';
import type { FtWorld } from './support/world.ts';

/** booting one pair takes seconds; a fleet boots two at a time */
const bootTimeout = 60_000 + MAX_FLEET * 20_000;
const SETTLE_TIMEOUT = 120_000;

async function eachSettled(world: FtWorld, pairs: PairUnderTest[], check: (p: PairUnderTest) => Verdict): Promise<[string, Verdict][]> {
  await Promise.all(pairs.map((p) => world.rt.settle(p.name)));
  return pairs.map((p) => [p.name, check(p)]);
}

/** boots that many pairs "<group>-1" … "<group>-N" (two at a time) with that checkpoint interval and waits until each is protected */
Given('{int} protected pairs {string} with checkpoints every {duration}', { timeout: bootTimeout }, async function (this: FtWorld, count: number, group: string, ms: number) {
  const step = `${count} protected pairs "${group}"`;
  if (ms <= 0) throw new StepInputError(`${step}: checkpoint interval ${ms} ms must be greater than 0 ms`);
  await startFleet(this.rt, group, count, { checkpointIntervalMs: ms }, step);
});

/** starts that many writing clients on every pair of the group (see "{int} client(s) write(s) to {string} continuously") */
Given('{int} client(s) write(s) to every pair of {string} continuously', async function (this: FtWorld, count: number, group: string) {
  checkCount(count, 'client count', 1, 64);
  for (const p of fleet(this.rt, group, `clients of every pair of "${group}"`)) p.startClients(count);
});

/** probes every host of every pair of the group at that interval */
Given('availability of every pair of {string} is probed every {duration}', async function (this: FtWorld, group: string, ms: number) {
  if (ms <= 0 || ms > 10_000) throw new StepInputError(`probes of every pair of "${group}": interval ${ms} ms is out of range; allowed: more than 0 ms, at most 10 seconds`);
  for (const p of fleet(this.rt, group, `probes of every pair of "${group}"`)) p.startProbes(ms);
});

/** puts the replication links of every pair of the group through ONE budget of that rate (embedded Toxiproxy only); again: a new rate */
When('the replication network of {string} is limited to {rate}', async function (this: FtWorld, group: string, kbps: number) {
  const step = `the replication network of "${group}" is limited to ${kbps} KB/s`;
  if (!(kbps >= 1)) throw new StepInputError(`${step}: rate ${kbps} KB/s is not allowed; allowed: at least 1 KB/s`);
  await limitFleetNetwork(this.rt, group, kbps, step);
});

/** after healing and final reads: every pair of the group keeps every acknowledged write (each pair on its own history) */
Then('every pair of {string} loses no acknowledged write', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, group: string) {
  const pairs = fleet(this.rt, group, `every pair of "${group}" loses no acknowledged write`);
  judgeFleet(this.rt, 'no acknowledged write lost', await eachSettled(this, pairs, (p) => checkLostWrites(this.rt.eventsOf(p.name))));
});

/** no pair of the group is ever served by two primaries at once */
Then('no pair of {string} is served by two primaries at once', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, group: string) {
  const pairs = fleet(this.rt, group, `no pair of "${group}" is served by two primaries at once`);
  judgeFleet(this.rt, 'no split brain', await eachSettled(this, pairs, (p) => checkSplitBrain(this.rt.eventsOf(p.name))));
});

/** no gap between successful probes of any pair of the group is longer than that */
Then('the outage of every pair of {string} lasts at most {duration}', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, group: string, limitMs: number) {
  const pairs = fleet(this.rt, group, `the outage of every pair of "${group}"`);
  judgeFleet(this.rt, 'outage', await eachSettled(this, pairs, (p) => checkOutage(this.rt.eventsOf(p.name), { maxOutageMs: limitMs, thresholdMs: p.outageThresholdMs() })));
});

/** the p99 of acknowledged write latency of every pair of the group is below that */
Then('the commit latency of every pair of {string} stays below {duration} at the 99th percentile', async function (this: FtWorld, group: string, limitMs: number) {
  const pairs = fleet(this.rt, group, `the commit latency of every pair of "${group}"`);
  judgeFleet(this.rt, 'commit latency', pairs.map((p) => [p.name, checkCommitLatency(this.rt.eventsOf(p.name), { limitMs, percentile: 0.99 })]));
});

/** every pair of the group was protected from its boot to now (the platform never reported it without a backup) */
Then('every pair of {string} stays protected', async function (this: FtWorld, group: string) {
  const pairs = fleet(this.rt, group, `every pair of "${group}" stays protected`);
  judgeFleet(this.rt, 'stays protected', pairs.map((p) => [p.name, checkStaysProtected(this.rt.eventsOf(p.name))]));
});

/** every pair of the group that no host fault hit kept its primary (no failover) and its protection throughout */
Then('every other pair of {string} keeps serving and stays protected', async function (this: FtWorld, group: string) {
  const step = `every other pair of "${group}" keeps serving and stays protected`;
  const others = fleet(this.rt, group, step).filter((p) => p.processFaults.length === 0);
  if (others.length === 0) throw new StepInputError(`${step}: every pair of "${group}" had a host fault, so there is no other pair to judge`);
  const verdicts: [string, Verdict][] = [];
  for (const p of others) {
    const events = this.rt.eventsOf(p.name);
    verdicts.push([p.name, checkKeepsServing(events, p.servingSubject())], [p.name, checkStaysProtected(events)]);
  }
  judgeFleet(this.rt, 'other pairs keep serving and stay protected', verdicts);
});

/** steps the shared replication network of the group down from the first rate to the second in that many geometric steps, each held that long, then heals it ("capacity step" marks) */
When('the replication network of {string} is swept from {rate} down to {rate} in {int} steps of {duration}', { timeout: 60 * 60_000 }, async function (this: FtWorld, group: string, fromKBps: number, toKBps: number, count: number, each: number) {
  const step = `the replication network of "${group}" is swept from ${fromKBps} KB/s down to ${toKBps} KB/s`;
  if (!(toKBps >= 1) || !(fromKBps > toKBps)) throw new StepInputError(`${step}: rates ${fromKBps} → ${toKBps} KB/s are not allowed; allowed: a first rate above the last, the last at least 1 KB/s`);
  checkCount(count, 'sweep steps', 2, 50);
  if (each <= 0 || each * count > 30 * 60_000) throw new StepInputError(`${step}: ${count} steps of ${each} ms are not allowed; allowed: steps longer than 0 ms, at most 30 minutes in all`);
  fleet(this.rt, group, step);
  for (const rate of sweepRates(fromKBps, toKBps, count)) {
    await limitFleetNetwork(this.rt, group, rate, step);
    this.rt.recorder.mark(CAPACITY_STEP, { group, rateKBps: rate });
    await delay(each);
  }
  this.rt.recorder.mark(CAPACITY_END, { group });
  await healFleetNetworks(this.rt);
});

/** from the sweep: per rate, each pair's commit p99 and protection; the capacity is the lowest rate at which every pair kept p99 under the bound and its protection (plotted in capacity.svg) */
Then('the capacity of {string} is reported for a commit latency p99 bound of {duration}', async function (this: FtWorld, group: string, boundMs: number) {
  if (boundMs <= 0) throw new StepInputError(`the capacity of "${group}": bound ${boundMs} ms must be greater than 0 ms`);
  const pairs = fleet(this.rt, group, `the capacity of "${group}"`).map((p) => p.name);
  const result = capacitySweep(this.rt.recorder.events, group, pairs, { boundMs, end: this.rt.recorder.now() });
  try {
    const svg = await renderSvg(capacitySpec(result));
    writeFileSync(join(this.rt.config.dir, `capacity-${group}.svg`.replace(/[^\w.-]+/g, '_')), svg);
    this.attach(svg, { mediaType: 'image/svg+xml', fileName: `capacity-${group}.svg` });
  } catch (err) {
    this.attach(`capacity plot failed: ${(err as Error).stack ?? err}`, { mediaType: 'text/plain', fileName: 'capacity.error.txt' });
  }
  judge(this.rt, group, 'capacity', capacityVerdict(result));
});

/**
 * Network chaos on the links of a pair (through Toxiproxy), named by the roles the hosts have
 * when the step runs: "the replication link" is the checkpoint stream and heartbeats between
 * the hosts, "the client link to the primary" the proxy clients use to reach today's primary.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Then, When } from '@cucumber/cucumber';
import { checkCommitGrowth, checkCommitLatency, replicationBandwidth } from '../src/check/index.ts';
import { faultSchedule, parseFaultKinds } from '../src/faults/schedule.ts';
import { checkCount, StepInputError } from '../src/harness/params.ts';
import { RESET_MARGIN_MS, runFaultSchedule } from '../src/harness/random-faults.ts';
import { judge } from '../src/harness/verdicts.ts';
import { healFleetNetworks } from '../src/harness/fleet.ts';
import type { FtWorld } from './support/world.ts';

const LONG = 10 * 60_000;

function positive(ms: number, what: string): number {
  if (ms <= 0) throw new StepInputError(`${what} ${ms} ms must be greater than 0 ms`);
  if (ms > LONG) throw new StepInputError(`${what} ${ms} ms is too long; allowed: at most 10 minutes`);
  return ms;
}

async function randomFaults(world: FtWorld, kinds: string, name: string, every: number, total: number, seed: number): Promise<void> {
  positive(every, 'fault interval');
  positive(total, 'fault period');
  let parsed;
  try {
    parsed = parseFaultKinds(kinds);
  } catch (err) {
    throw new StepInputError((err as Error).message);
  }
  const pair = world.pair(name);
  const schedule = faultSchedule(seed, parsed, every, total, pair.epochMs);
  world.rt.noteSeed(seed);
  await runFaultSchedule(pair, schedule);
}

/** drops all bytes both ways between the hosts (silence, no reset) until the network heals */
When('the replication link of {string} is partitioned', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.partitionReplication());
});

/** partitions the replication link, waits that long, then heals only that partition */
When('the replication link of {string} is partitioned for {duration}', { timeout: LONG + 60_000 }, async function (this: FtWorld, name: string, ms: number) {
  positive(ms, 'partition length');
  const pair = this.pair(name);
  await pair.strike(async () => {
    const g = await pair.linkFaults.partitionReplication();
    await delay(ms);
    await pair.linkFaults.end(g);
  });
});

/** stops only the bytes the current primary sends to the backup (checkpoints, heartbeats); acks still flow back */
When('the replication link of {string} is partitioned from primary to backup', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.partitionReplicationOneWay());
});

/** stops only the bytes the current backup sends to the primary (acks, its heartbeats); checkpoints still flow */
When('the replication link of {string} is partitioned from backup to primary', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.partitionReplicationBackupToPrimary());
});

/** cuts the witness from the current primary (its witness proxy, both ways) until the network heals */
When('the witness of {string} is partitioned from the primary', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.partitionWitness('primary'));
});

/** cuts the witness from the current backup (its witness proxy, both ways) until the network heals */
When('the witness of {string} is partitioned from the backup', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.partitionWitness('backup'));
});

/** cuts the witness from both hosts until the network heals */
When('the witness of {string} is partitioned from both hosts', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.partitionWitness('both'));
});

/** cuts the bytes the primary sends to the backup into slices of about that many bytes (± a quarter) until the network heals */
When('the replication stream of {string} is sliced into pieces of about {int} bytes', async function (this: FtWorld, name: string, bytes: number) {
  checkCount(bytes, 'slice size in bytes', 1, 1_000_000);
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.sliceReplication(bytes));
});

/** drops the bytes the primary sends to the backup, and that long later resets the replication connection (TCP RST to both hosts); the reconnection is not reset */
When('the replication connection of {string} is reset after {duration}', { timeout: LONG + 60_000 }, async function (this: FtWorld, name: string, ms: number) {
  if (ms < 0 || ms > 60_000) throw new StepInputError(`reset delay ${ms} ms is out of range; allowed: 0 ms to 60 seconds`);
  const pair = this.pair(name);
  await pair.strike(async () => {
    const g = await pair.linkFaults.resetReplication(ms);
    await delay(ms + RESET_MARGIN_MS);
    await pair.linkFaults.end(g);
  });
});

/** every replication connection closes once that many KB went from the primary to the backup, until the network heals */
When('the replication link of {string} closes after {int} KB', async function (this: FtWorld, name: string, kb: number) {
  checkCount(kb, 'KB before the link closes', 1, 1_000_000);
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.limitReplication(kb * 1000));
});

/** cuts the current primary from the backup, the witness and the clients */
When('the primary of {string} is isolated', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.isolatePrimary());
});

/** cuts the clients from the current primary only; replication and witness links stay up */
When('the client link to the primary of {string} is partitioned', async function (this: FtWorld, name: string) {
  const pair = this.pair(name);
  await pair.strike(() => pair.partitionClientLinkOfPrimary());
});

/** delays the bytes the primary sends to the backup by latency ± jitter (acks return undelayed: the commit round trip grows by the latency) */
When('{duration} of latency with {duration} jitter is/are added to the replication link of {string}', async function (this: FtWorld, latency: number, jitter: number, name: string) {
  if (jitter > latency) throw new StepInputError(`jitter ${jitter} ms is larger than the latency ${latency} ms; allowed: at most the latency`);
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.latencyOnReplication(latency, jitter));
});

/** limits the bytes the primary sends to the backup (the checkpoint stream) to that bandwidth */
When('the replication link of {string} is limited to {rate}', async function (this: FtWorld, name: string, rateKBps: number) {
  const pair = this.pair(name);
  await pair.strike(() => pair.linkFaults.bandwidthOnReplication(rateKBps));
});

/** partitions and heals the replication link in turn, each state lasting the given period, for that long */
When('the replication link of {string} flaps every {duration} for {duration}', { timeout: LONG + 60_000 }, async function (this: FtWorld, name: string, every: number, total: number) {
  positive(every, 'flap period');
  positive(total, 'flapping time');
  const pair = this.pair(name);
  const lf = pair.linkFaults;
  await pair.strike(async () => {
    const end = performance.now() + total;
    while (performance.now() < end) {
      const g = await lf.partitionReplication();
      await delay(Math.min(every, Math.max(0, end - performance.now())));
      await lf.end(g);
      if (performance.now() >= end) break;
      await delay(Math.min(every, Math.max(0, end - performance.now())));
    }
  });
});

/** removes every toxic of every pair of the scenario (and every shared network limit) and re-enables their proxies */
When('the network heals', async function (this: FtWorld) {
  for (const p of this.rt.pairs.values()) await p.linkFaults.healAll();
  await healFleetNetworks(this.rt);
  this.rt.recorder.mark('network healed');
});

/** plays a seeded schedule of those fault kinds (see {faultKinds}), one per interval, each healed in time; same seed, same schedule */
When('random faults {faultKinds} hit {string} every {duration} for {duration} with seed {int}', { timeout: LONG + 120_000 }, async function (this: FtWorld, kinds: string, name: string, every: number, total: number, seed: number) {
  await randomFaults(this, kinds, name, every, total, seed);
});

/** the same with the run's seed (world parameter "seed", else drawn at random and shown in the report): replay with --world-parameters '{"seed":N}' */
When('random faults {faultKinds} hit {string} every {duration} for {duration}', { timeout: LONG + 120_000 }, async function (this: FtWorld, kinds: string, name: string, every: number, total: number) {
  await randomFaults(this, kinds, name, every, total, this.rt.config.seed);
});

/** the p99 of acknowledged write latency (invoke to ok) is below that */
Then('the commit latency of {string} stays below {duration} at the 99th percentile', async function (this: FtWorld, name: string, limitMs: number) {
  this.pair(name);
  judge(this.rt, name, 'commit latency', checkCommitLatency(this.rt.eventsOf(name), { limitMs, percentile: 0.99 }));
});

/** median write latency during latency faults minus without faults is that much, ± half of it (or ± two epochs, whichever is more) */
Then('the commit latency of {string} grows by about {duration} while the latency lasts', { timeout: 60_000 }, async function (this: FtWorld, name: string, expectedMs: number) {
  const epoch = this.pair(name).options.checkpointIntervalMs ?? 25;
  await this.rt.settle(name);
  judge(this.rt, name, 'commit latency growth', checkCommitGrowth(this.rt.eventsOf(name), { fault: 'latency', expectedMs, toleranceMs: Math.max(expectedMs / 2, 2 * epoch) }));
});

/** median write latency during bandwidth limits is higher than without faults (checkpoints back up) */
Then('the commit latency of {string} grows while the bandwidth is limited', { timeout: 60_000 }, async function (this: FtWorld, name: string) {
  this.pair(name);
  await this.rt.settle(name);
  judge(this.rt, name, 'commit latency growth', checkCommitGrowth(this.rt.eventsOf(name), { fault: 'bandwidth' }));
});

/** the replication throughput over time (from the platform's figures, plotted in network.svg): mean and peak KB/s; fails when no checkpoint bytes flowed */
Then('the replication bandwidth of {string} is reported', async function (this: FtWorld, name: string) {
  this.pair(name);
  const [bw] = replicationBandwidth(this.rt.eventsOf(name), { pair: name });
  const ok = !!bw && bw.bytes > 0 && bw.meanKBps !== null;
  judge(this.rt, name, 'replication bandwidth', {
    checker: 'replication-bandwidth', ok, ...(ok ? {} : { category: 'Harness error' as const }),
    summary: ok
      ? `replication ${bw!.meanKBps!.toFixed(0)} KB/s mean, ${(bw!.peakKBps ?? 0).toFixed(0)} KB/s peak, ${(bw!.bytes / 1000).toFixed(0)} KB over ${(bw!.measuredMs / 1000).toFixed(1)} s`
      : 'the platform reported no replicated bytes',
    figures: { meanKBps: bw?.meanKBps ?? null, peakKBps: bw?.peakKBps ?? null, bytes: bw?.bytes ?? 0, counterResets: bw?.resets ?? 0 },
  });
});

/**
 * Network chaos on the links of a pair (through Toxiproxy), named by the roles the hosts have
 * when the step runs: "the replication link" is the checkpoint stream and heartbeats between
 * the hosts, "the client link to the primary" the proxy clients use to reach today's primary.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { checkCommitLatency } from '../src/check/index.ts';
import { faultSchedule, parseFaultKinds } from '../src/faults/schedule.ts';
import { StepInputError } from '../src/harness/params.ts';
import { runFaultSchedule } from '../src/harness/random-faults.ts';
import { judge } from '../src/harness/verdicts.ts';
import { step, type StepDef } from './support/define.ts';

const LONG = 10 * 60_000;

function positive(ms: number, what: string): number {
  if (ms <= 0) throw new StepInputError(`${what} ${ms} ms must be greater than 0 ms`);
  if (ms > LONG) throw new StepInputError(`${what} ${ms} ms is too long; allowed: at most 10 minutes`);
  return ms;
}

export default [
  step('When', 'the replication link of {string} is partitioned', 'drops all bytes both ways between the hosts (silence, no reset) until the network heals',
    async function (name: string) {
      await this.pair(name).linkFaults.partitionReplication();
    }),

  step('When', 'the replication link of {string} is partitioned for {duration}', 'partitions the replication link, waits that long, then heals only that partition',
    async function (name: string, ms: number) {
      const lf = this.pair(name).linkFaults;
      const g = await lf.partitionReplication();
      await delay(positive(ms, 'partition length'));
      await lf.end(g);
    }, LONG + 60_000),

  step('When', 'the replication link of {string} is partitioned from primary to backup', 'stops only the bytes the current primary sends to the backup (checkpoints, heartbeats); acks still flow back',
    async function (name: string) {
      await this.pair(name).linkFaults.partitionReplicationOneWay();
    }),

  step('When', 'the primary of {string} is isolated', 'cuts the current primary from the backup, the witness and the clients',
    async function (name: string) {
      await this.pair(name).isolatePrimary();
    }),

  step('When', 'the client link to the primary of {string} is partitioned', 'cuts the clients from the current primary only; replication and witness links stay up',
    async function (name: string) {
      await this.pair(name).partitionClientLinkOfPrimary();
    }),

  step('When', '{duration} of latency with {duration} jitter is/are added to the replication link of {string}', 'delays every chunk on the replication link, both ways, by latency ± jitter',
    async function (latency: number, jitter: number, name: string) {
      if (jitter > latency) throw new StepInputError(`jitter ${jitter} ms is larger than the latency ${latency} ms; allowed: at most the latency`);
      await this.pair(name).linkFaults.latencyOnReplication(latency, jitter);
    }),

  step('When', 'the replication link of {string} is limited to {rate}', 'limits the replication link to that bandwidth each way',
    async function (name: string, rateKBps: number) {
      await this.pair(name).linkFaults.bandwidthOnReplication(rateKBps);
    }),

  step('When', 'the replication link of {string} flaps every {duration} for {duration}', 'partitions and heals the replication link in turn, each state lasting the given period, for that long',
    async function (name: string, every: number, total: number) {
      positive(every, 'flap period');
      positive(total, 'flapping time');
      const lf = this.pair(name).linkFaults;
      const end = performance.now() + total;
      while (performance.now() < end) {
        const g = await lf.partitionReplication();
        await delay(Math.min(every, Math.max(0, end - performance.now())));
        await lf.end(g);
        if (performance.now() >= end) break;
        await delay(Math.min(every, Math.max(0, end - performance.now())));
      }
    }, LONG + 60_000),

  step('When', 'the network heals', 'removes every toxic of every pair of the scenario and re-enables their proxies',
    async function () {
      for (const p of this.rt.pairs.values()) await p.linkFaults.healAll();
      this.rt.recorder.mark('network healed');
    }),

  step('When', 'random faults \\({faultKinds}\\) hit {string} every {duration} for {duration} with seed {int}', 'plays a seeded schedule of those fault kinds (crash, hang, partition, latency), one per interval, each healed in time; same seed, same schedule',
    async function (kinds: string, name: string, every: number, total: number, seed: number) {
      positive(every, 'fault interval');
      positive(total, 'fault period');
      let parsed;
      try {
        parsed = parseFaultKinds(kinds);
      } catch (err) {
        throw new StepInputError((err as Error).message);
      }
      const pair = this.pair(name);
      const schedule = faultSchedule(seed, parsed, every, total);
      this.rt.noteSeed(seed);
      await runFaultSchedule(pair, schedule);
    }, LONG + 120_000),

  step('Then', 'the commit latency of {string} stays below {duration} at the 99th percentile', 'the p99 of acknowledged write latency (invoke to ok) is below that',
    async function (name: string, limitMs: number) {
      this.pair(name);
      judge(this.rt, name, 'commit latency', checkCommitLatency(this.rt.recorder.events, { limitMs, percentile: 0.99 }));
    }),

  step('Then', 'the replication bandwidth of {string} is reported', 'attaches the replication throughput (bytes/s over time, from the platform) to the report and checks that checkpoints flowed',
    async function (name: string) {
      const pair = this.pair(name);
      const s = pair.status();
      const ok = s.bytesReplicated > 0;
      judge(this.rt, name, 'replication bandwidth', {
        checker: 'replication-bandwidth', ok, ...(ok ? {} : { category: 'Harness error' as const }),
        summary: ok ? `${(s.bytesReplicated / 1024).toFixed(0)} KiB replicated, ${s.checkpointsPerSecond.toFixed(0)} checkpoints/s now` : 'the platform reported no replicated bytes',
        figures: { bytesReplicated: s.bytesReplicated, checkpointsPerSecond: s.checkpointsPerSecond, lagMs: s.lagMs },
      });
    }),
] satisfies StepDef[];

/**
 * Then-steps: each runs one checker over the history (src/check) and fails with
 * "[Category] evidence" when the platform did not keep its promise.
 */
import { Then } from '@cucumber/cucumber';
import {
  checkAvailability, checkKeepsServing, checkLinearizable, checkLostWrites, checkOutage, checkPromotion, checkRollback, checkSplitBrain, checkStaysFenced, concerns,
} from '../src/check/index.ts';
import { checkCount } from '../src/harness/params.ts';
import { expectFailing, judge } from '../src/harness/verdicts.ts';
import { reportedUnprotected, reprotection } from '../src/harness/status-verdicts.ts';
import type { FtWorld } from './support/world.ts';

const SETTLE_TIMEOUT = 60_000;

async function settled(world: FtWorld, name: string) {
  await world.rt.settle(name);
  return world.rt.eventsOf(name);
}

/** the host that was backup at the last crash/hang serves (its first successful op after the fault) within that time of the fault */
Then('the backup of {string} becomes primary within {duration}', { timeout: 60_000 }, async function (this: FtWorld, name: string, limitMs: number) {
  const pair = this.pair(name);
  const fault = pair.lastProcessFault();
  // wait for the evidence (generously: the verdict, not this wait, judges the time)
  await this.rt.recorder.waitForEvent(
    (e) => e.kind === 'op' && e.type === 'ok' && e.host === fault.other && e.time > fault.time && concerns(e, name),
    Math.max(10_000, limitMs * 5),
  );
  judge(this.rt, name, 'promotion', checkPromotion(this.rt.eventsOf(name), { host: fault.other, since: fault.time, limitMs }));
});

/** a backup holds a current checkpoint again within that time of this step */
Then('the pair {string} is protected again within {duration}', { timeout: 10 * 60_000 }, async function (this: FtWorld, name: string, limitMs: number) {
  judge(this.rt, name, 'protected again', await reprotection(this.pair(name), limitMs));
});

/** the platform reports a serving primary without a backup within that time */
Then('the pair {string} is reported unprotected within {duration}', { timeout: 10 * 60_000 }, async function (this: FtWorld, name: string, limitMs: number) {
  judge(this.rt, name, 'reported unprotected', await reportedUnprotected(this.pair(name), limitMs));
});

/** no failover after the last host fault (with none: ever): no other host became primary and the host is primary at the end (brief self-fences are reported) */
Then('the primary of {string} keeps serving', async function (this: FtWorld, name: string) {
  const { host, since } = this.pair(name).servingSubject();
  judge(this.rt, name, 'keeps serving', checkKeepsServing(this.rt.eventsOf(name), { host, since }));
});

/** after healing and final reads: every key whose write was acknowledged holds that value (Jepsen set checker) */
Then('no acknowledged write to {string} is lost', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string) {
  judge(this.rt, name, 'no acknowledged write lost', checkLostWrites(await settled(this, name)));
});

/** the lost-writes verdict does not hold (used where the final reads cannot be made, e.g. both hosts down) */
Then('zero state loss of {string} is not claimed', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string) {
  expectFailing(this.rt, name, 'zero loss not claimed', checkLostWrites(await settled(this, name)));
});

/** no read returns a value older than one the same client saw, and ticks never go backwards for a client */
Then('no client of {string} sees state roll back', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string) {
  judge(this.rt, name, 'no rollback', checkRollback(await settled(this, name)));
});

/** every shared key's reads, writes and compare-and-sets can be ordered as one copy would have done them (Wing–Gong search; the smallest counter-example is plotted) */
Then('the history of {string} is linearizable', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string) {
  judge(this.rt, name, 'linearizable', checkLinearizable(await settled(this, name)));
});

/** the serving periods of the two hosts (probes and client ops) never overlap */
Then('{string} is never served by two primaries at once', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string) {
  judge(this.rt, name, 'no split brain', checkSplitBrain(await settled(this, name)));
});

/** after a hang, the host that was primary never answers as primary again (it is fenced) */
Then('the old primary of {string} does not serve', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string) {
  const fault = this.pair(name).lastProcessFault();
  judge(this.rt, name, 'old primary fenced', checkStaysFenced(await settled(this, name), { host: fault.host, since: fault.time }));
});

/** no gap between successful probes (any host) is longer than that (gaps under 3 probe intervals or 3 epochs are the normal rhythm) */
Then('the outage of {string} lasts at most {duration}', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string, limitMs: number) {
  const thresholdMs = this.pair(name).outageThresholdMs();
  judge(this.rt, name, 'outage', checkOutage(await settled(this, name), { maxOutageMs: limitMs, thresholdMs }));
});

/** projects the worst outage per incident to a year at that failure rate and compares it with the level (99.999% = 315.36 s a year) */
Then('the availability of {string} is at least {percent} assuming {int} host failures per year', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string, target: number, failuresPerYear: number) {
  checkCount(failuresPerYear, 'host failures per year', 0, 1_000_000);
  const thresholdMs = this.pair(name).outageThresholdMs();
  judge(this.rt, name, 'availability', checkAvailability(await settled(this, name), { target, failuresPerYear, thresholdMs }));
});

/** the availability verdict must fail: used to prove that an outage is reported honestly */
Then('the availability of {string} is below {percent} assuming {int} host failures per year', { timeout: SETTLE_TIMEOUT }, async function (this: FtWorld, name: string, target: number, failuresPerYear: number) {
  checkCount(failuresPerYear, 'host failures per year', 0, 1_000_000);
  const thresholdMs = this.pair(name).outageThresholdMs();
  expectFailing(this.rt, name, 'availability below', checkAvailability(await settled(this, name), { target, failuresPerYear, thresholdMs }));
});

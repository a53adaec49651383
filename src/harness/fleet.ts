/**
 * Several pairs in one scenario (issue 12): named groups of pairs booted together ("8
 * protected pairs "r1-kv"" are r1-kv-1 … r1-kv-8), a shared replication network for a group
 * (one token bucket across the replication proxies of all its pairs), and group verdicts:
 * one checker per pair on that pair's own history, every verdict recorded, the step failing
 * with the pairs that failed.
 */
import type { PlatformOptions } from '../platform/types.ts';
import type { Verdict } from '../check/types.ts';
import { limitSharedNetwork, type SharedNetworkLimit } from '../faults/shared-network.ts';
import type { ScenarioRuntime } from './scenario.ts';
import type { PairUnderTest } from './pair.ts';
import { StepInputError } from './params.ts';
import { VerdictFailure } from './verdicts.ts';

export const MAX_FLEET = 16;
/** pairs booted at once: the platform keeps one warm agent, the rest start cold and share 2 cores */
const BOOT_CONCURRENCY = 2;

/** the groups of each scenario runtime */
const groupsOf = new WeakMap<ScenarioRuntime, Map<string, string[]>>();
const limitsOf = new WeakMap<ScenarioRuntime, Map<string, { limit: SharedNetworkLimit; faultIds: [PairUnderTest, number][] }>>();

function groups(rt: ScenarioRuntime): Map<string, string[]> {
  let g = groupsOf.get(rt);
  if (!g) groupsOf.set(rt, (g = new Map()));
  return g;
}

/** the names of the pairs a group of `count` gets: "<group>-1" … "<group>-<count>" */
export function fleetNames(group: string, count: number, step: string): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_FLEET) {
    throw new StepInputError(`${step}: ${count} pairs is not allowed; allowed: 1 to ${MAX_FLEET} pairs`);
  }
  if (!/^[A-Za-z0-9][\w.-]*$/.test(group)) {
    throw new StepInputError(`${step}: group name "${group}" is not allowed; allowed: letters, digits, ".", "_", "-" (starting with a letter or digit)`);
  }
  return Array.from({ length: count }, (_, i) => `${group}-${i + 1}`);
}

/** boot `count` pairs of `group`, BOOT_CONCURRENCY at a time, each waiting until protected */
export async function startFleet(rt: ScenarioRuntime, group: string, count: number, options: Partial<PlatformOptions>, step: string): Promise<PairUnderTest[]> {
  const names = fleetNames(group, count, step);
  if (groups(rt).has(group)) throw new StepInputError(`${step}: group "${group}" already exists in this scenario`);
  groups(rt).set(group, names);
  rt.recorder.mark('fleet', { group, pairs: names });
  const queue = [...names];
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) await rt.startPair(n, options);
  };
  await Promise.all(Array.from({ length: Math.min(BOOT_CONCURRENCY, names.length) }, worker));
  return names.map((n) => rt.pair(n));
}

/** the pairs of a group (or the one pair of that name), for the "every pair of …" steps */
export function fleet(rt: ScenarioRuntime, group: string, step: string): PairUnderTest[] {
  const names = groups(rt).get(group);
  if (names) return names.map((n) => rt.pair(n));
  if (rt.pairs.has(group)) return [rt.pair(group)];
  const known = [...groups(rt).keys()].map((k) => `"${k}"`).join(', ') || 'none';
  throw new StepInputError(`${step}: no group or pair "${group}"; groups of this scenario: ${known}`);
}

/** the groups of a scenario, for the evidence */
export function fleetGroups(rt: ScenarioRuntime): ReadonlyMap<string, readonly string[]> {
  return groups(rt);
}

/**
 * Put the replication links of every pair of `group` through one budget of `rateKBps`; a
 * second call changes the budget's rate. Each pair's history gets a bandwidth fault window
 * (detail: the group, its rate), closed when the network heals.
 */
export async function limitFleetNetwork(rt: ScenarioRuntime, group: string, rateKBps: number, step: string): Promise<void> {
  const pairs = fleet(rt, group, step);
  let limits = limitsOf.get(rt);
  if (!limits) {
    limitsOf.set(rt, (limits = new Map()));
    rt.beforeTeardown(() => healFleetNetworks(rt));
  }
  const open = limits.get(group);
  if (open) {
    await open.limit.setRate(rateKBps);
    rt.recorder.mark('shared network rate', { group, rateKBps });
    return;
  }
  const proxies = pairs.flatMap((p) => p.links.proxies.filter((x) => x.kind === 'replication').map((x) => x.name));
  let limit: SharedNetworkLimit;
  try {
    limit = await limitSharedNetwork(rt.config.toxiproxy, `fleet-${group}`, proxies, rateKBps);
  } catch (err) {
    throw new Error(`${step}: ${(err as Error).message}`);
  }
  const faultIds = pairs.map((p): [PairUnderTest, number] => [p, p.recorder.faultStart('bandwidth', 'replication', { pair: p.name, shared: group, rateKBps, pairs: pairs.length })]);
  limits.set(group, { limit, faultIds });
  rt.recorder.mark('shared network rate', { group, rateKBps });
}

/** `count` rates from `from` down to `to`, evenly spaced on a log scale, whole KB/s */
export function sweepRates(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(from * (to / from) ** (i / (count - 1))));
}

/** remove every shared limit of the scenario and close its fault windows */
export async function healFleetNetworks(rt: ScenarioRuntime): Promise<void> {
  const limits = limitsOf.get(rt);
  if (!limits) return;
  for (const [group, { limit, faultIds }] of [...limits]) {
    limits.delete(group);
    await limit.heal().catch(() => {});
    for (const [p, id] of faultIds) p.recorder.faultEnd(id, 'bandwidth', 'replication');
  }
}

/**
 * Record one verdict per pair (made on that pair's history) and fail the step when any did
 * not hold, naming every pair that failed and the first one's evidence.
 */
export function judgeFleet(rt: ScenarioRuntime, step: string, verdicts: [string, Verdict][]): void {
  for (const [pair, verdict] of verdicts) rt.addVerdict({ pair, step, verdict });
  const failed = verdicts.filter(([, v]) => !v.ok);
  if (failed.length === 0) return;
  const [pair, first] = failed[0]!;
  const names = failed.map(([p]) => `"${p}"`).join(', ');
  throw new VerdictFailure({ ...first, summary: `${failed.length} of ${verdicts.length} pairs failed (${names}); pair "${pair}": ${first.summary}` });
}

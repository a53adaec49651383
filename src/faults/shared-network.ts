/**
 * A network shared by several links, limited as one: e.g. issue 12's "the replication network
 * of rack r1 is limited to 2 MB/s" puts the replication proxies of many pairs through ONE
 * budget, so a busy pair slows the others. Built on the embedded Toxiproxy's shared_bandwidth
 * extension (one toxic per proxy and stream, all in one group); a server without it (the
 * real Toxiproxy) is refused before anything is added, with an error saying why.
 *
 * Targets are proxy names (both streams) or `{ proxy, stream }`; every one draws on the same
 * budget, whatever its direction. heal() removes every toxic added (the group goes with its
 * last one); setRate() changes the budget's rate for all of them at once.
 */
import type { LinkTarget } from '../harness/links.ts';
import {
  addSharedBandwidth,
  removeToxicIfPresent,
  requireSharedBandwidth,
  serverUrl,
  setSharedBandwidthRate,
  type Stream,
  type ToxiproxyLike,
} from '../toxiproxy/extensions.ts';

/** A proxy name (both its streams) or one stream of a proxy. */
export type SharedTarget = string | LinkTarget;

export interface SharedNetworkLimit {
  readonly group: string;
  readonly rateKBps: number;
  /** The toxics in effect (empty once healed). */
  readonly toxics: readonly { proxy: string; stream: Stream; toxic: string }[];
  /** One new rate for the whole budget (KB/s). */
  setRate(rateKBps: number): Promise<void>;
  /** Remove every toxic this added (idempotent); the budget goes with the last. */
  heal(): Promise<void>;
}

const STREAMS: readonly Stream[] = ['upstream', 'downstream'];

function checkRate(rateKBps: number): number {
  if (typeof rateKBps !== 'number' || !Number.isFinite(rateKBps) || rateKBps < 1) {
    throw new Error(`limitSharedNetwork: rate ${String(rateKBps)} KB/s is not allowed: give a number of KB/s of at least 1 (e.g. 2000 for 2 MB/s)`);
  }
  return Math.round(rateKBps);
}

/** Each (proxy, stream) once, in the order given. */
function expand(group: string, targets: readonly SharedTarget[]): { proxy: string; stream: Stream }[] {
  const out: { proxy: string; stream: Stream }[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const pairs = typeof t === 'string' ? STREAMS.map((stream) => ({ proxy: t, stream })) : [{ proxy: t.proxy, stream: t.stream }];
    for (const p of pairs) {
      if (!p.proxy || !STREAMS.includes(p.stream)) {
        throw new Error(`limitSharedNetwork("${group}"): target ${JSON.stringify(t)} is not allowed: give a proxy name or { proxy, stream: "upstream" | "downstream" }`);
      }
      const key = `${p.proxy}\u0000${p.stream}`;
      if (!seen.has(key)) out.push(p);
      seen.add(key);
    }
  }
  return out;
}

/**
 * Put every target through one budget of `rateKBps` KB/s named `group`. All toxics are added
 * at once; if one cannot be, those added are taken away again and the error names the proxy.
 */
export async function limitSharedNetwork(
  toxiproxy: ToxiproxyLike,
  group: string,
  targets: readonly SharedTarget[],
  rateKBps: number,
): Promise<SharedNetworkLimit> {
  if (typeof group !== 'string' || group.trim() === '') {
    throw new Error(`limitSharedNetwork: group ${JSON.stringify(group)} is not allowed: give the budget a name (e.g. "rack-r1")`);
  }
  let rate = checkRate(rateKBps);
  const wanted = expand(group, targets);
  if (wanted.length === 0) throw new Error(`limitSharedNetwork("${group}"): no targets: give at least one proxy`);
  const url = serverUrl(toxiproxy);
  await requireSharedBandwidth(url);

  const toxics: { proxy: string; stream: Stream; toxic: string }[] = [];
  const results = await Promise.allSettled(
    wanted.map(async ({ proxy, stream }) => {
      const toxic = `ftchaos-shared-${group}-${stream}`;
      await addSharedBandwidth(url, proxy, { name: toxic, stream, group, rate });
      toxics.push({ proxy, stream, toxic });
    }),
  );
  const removeAll = async () => {
    const taking = toxics.splice(0);
    // all at once: the budget ends in one moment, not link by link
    const done = await Promise.allSettled(taking.map((t) => removeToxicIfPresent(url, t.proxy, t.toxic)));
    const failed = done.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    done.forEach((r, i) => r.status === 'rejected' && toxics.push(taking[i])); // still in effect: a later heal retries
    if (failed.length > 0) {
      throw new Error(`limitSharedNetwork("${group}"): healing failed: ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
    }
  };
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    await removeAll().catch(() => {});
    throw new Error(`limitSharedNetwork("${group}"): ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
  }
  return {
    group,
    get rateKBps() {
      return rate;
    },
    toxics,
    async setRate(next: number) {
      const r = checkRate(next);
      const first = toxics[0];
      if (!first) throw new Error(`limitSharedNetwork("${group}"): setRate after heal: the budget is gone`);
      await setSharedBandwidthRate(url, first.proxy, first.toxic, r);
      rate = r;
    },
    heal: removeAll,
  };
}

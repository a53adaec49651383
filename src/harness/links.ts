/**
 * Every link of a protected pair through its own Toxiproxy proxy, named after the pair and
 * the link, so a toxic on one link never touches another.
 *
 *   <pair>.client.a / .client.b          client -> host a / b (clients and nothing else)
 *   <pair>.repl.to-a / .repl.to-b        a host dialling its peer's replication listener
 *   <pair>.witness.a / .witness.b        host a / b -> witness
 *
 * Role-following names (what a scenario means by them, resolved at the moment of the fault):
 *   "the replication link"              both proxies between the hosts: the checkpoint
 *                                       stream and heartbeats, whichever host dialled
 *   "from primary to backup"            the direction of the bytes the current primary sends
 *   "from backup to primary"            the other direction: acks and the backup's heartbeats
 *   "the client link to the primary"    <pair>.client.<current primary>
 *   "primary -> witness"                <pair>.witness.<current primary>
 *   "the witness … from the backup"     <pair>.witness.<the other host> (both: both proxies)
 *
 * Probes dial each host's client listener directly (not through a proxy): they ask whether a
 * host *serves*, which the split-brain checker needs even when clients cannot reach it.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Endpoint, HostName, PairLayout } from '../platform/types.ts';
import { freePorts } from '../platform/ports.ts';

export type Stream = 'upstream' | 'downstream';

export interface ProxyInfo {
  name: string;
  /** the host that dials through this proxy (null for client links) */
  from: HostName | 'client';
  /** what it reaches */
  to: HostName | 'witness';
  kind: 'client' | 'replication' | 'witness';
  listen: Endpoint;
  upstream: Endpoint;
}

export interface PairLinks {
  layout: PairLayout;
  /** where each host's client listener really is (for probes) */
  direct: Record<HostName, Endpoint>;
  /** where clients connect (the client-link proxies) */
  clientEndpoints: Record<HostName, Endpoint>;
  proxies: ProxyInfo[];
}

const LOOPBACK = '127.0.0.1';
const ep = (port: number): Endpoint => ({ host: LOOPBACK, port });
const addr = (e: Endpoint) => `${e.host}:${e.port}`;

/** Allocate ports, create the six proxies, and return the layout the platform must use. */
export async function createPairLinks(toxiproxy: Toxiproxy, pair: string): Promise<PairLinks> {
  const [ac, ar, bc, br, w] = (await freePorts(5)).map(ep);
  const hostPorts = {
    a: { client: ac!, replication: ar! },
    b: { client: bc!, replication: br! },
  };
  const witness = w!;
  const proxies: ProxyInfo[] = [];
  const add = async (p: Omit<ProxyInfo, 'listen'>): Promise<Endpoint> => {
    const created = await toxiproxy.createProxy({ name: p.name, listen: `${LOOPBACK}:0`, upstream: addr(p.upstream) });
    const port = Number(created.listen.split(':').pop());
    const info = { ...p, listen: ep(port) };
    proxies.push(info);
    return info.listen;
  };
  const clientA = await add({ name: `${pair}.client.a`, from: 'client', to: 'a', kind: 'client', upstream: hostPorts.a.client });
  const clientB = await add({ name: `${pair}.client.b`, from: 'client', to: 'b', kind: 'client', upstream: hostPorts.b.client });
  const replToB = await add({ name: `${pair}.repl.to-b`, from: 'a', to: 'b', kind: 'replication', upstream: hostPorts.b.replication });
  const replToA = await add({ name: `${pair}.repl.to-a`, from: 'b', to: 'a', kind: 'replication', upstream: hostPorts.a.replication });
  const witA = await add({ name: `${pair}.witness.a`, from: 'a', to: 'witness', kind: 'witness', upstream: witness });
  const witB = await add({ name: `${pair}.witness.b`, from: 'b', to: 'witness', kind: 'witness', upstream: witness });
  return {
    layout: {
      witness,
      hosts: {
        a: { client: hostPorts.a.client, replication: hostPorts.a.replication, dialPeer: replToB, dialWitness: witA },
        b: { client: hostPorts.b.client, replication: hostPorts.b.replication, dialPeer: replToA, dialWitness: witB },
      },
    },
    direct: { a: hostPorts.a.client, b: hostPorts.b.client },
    clientEndpoints: { a: clientA, b: clientB },
    proxies,
  };
}

/** A toxic addressed to one direction of one proxy. */
export interface LinkTarget {
  proxy: string;
  stream: Stream;
}

/**
 * The proxies and directions that carry bytes *from* host `src` *to* host `dst` on the
 * replication link: on the proxy src dials, that is upstream; on the one dst dials, downstream.
 */
export function replicationDirection(links: PairLinks, src: HostName, dst: HostName): LinkTarget[] {
  return links.proxies
    .filter((p) => p.kind === 'replication')
    .map((p) => ({ proxy: p.name, stream: (p.from === src && p.to === dst ? 'upstream' : 'downstream') as Stream }));
}

/** every direction of every replication proxy */
export function replicationBoth(links: PairLinks): LinkTarget[] {
  return both(links.proxies.filter((p) => p.kind === 'replication'));
}

export function clientLinkOf(links: PairLinks, host: HostName): LinkTarget[] {
  return both(links.proxies.filter((p) => p.kind === 'client' && p.to === host));
}

export function witnessLinkOf(links: PairLinks, host: HostName): LinkTarget[] {
  return both(links.proxies.filter((p) => p.kind === 'witness' && p.from === host));
}

/** everything that touches `host`: its client link, both replication proxies, its witness link */
export function isolationOf(links: PairLinks, host: HostName): LinkTarget[] {
  return [...clientLinkOf(links, host), ...replicationBoth(links), ...witnessLinkOf(links, host)];
}

function both(ps: ProxyInfo[]): LinkTarget[] {
  return ps.flatMap((p) => [
    { proxy: p.name, stream: 'upstream' as Stream },
    { proxy: p.name, stream: 'downstream' as Stream },
  ]);
}

/**
 * Links a platform faults itself (a driver's `own` links, docs/driver.md): the harness's
 * proxy targets on those links, translated into the platform's cuts. A cut names the link by
 * the host at its end (client: clients -> host; replication and witness: the host that dials)
 * and the direction of the bytes as seen from that host.
 */
import type { LinkCut, LinkKind } from '../platform/types.ts';
import type { LinkTarget, PairLinks } from './links.ts';

/** what LinkFaults needs of a platform that owns links */
export interface LinkOwner {
  name: string;
  ownLinks(): readonly LinkKind[];
  cutLink(cut: LinkCut): Promise<void>;
  healLink(cut: LinkCut): Promise<void>;
}

export function splitOwned(links: PairLinks, targets: readonly LinkTarget[], owned: readonly LinkKind[]): { proxied: LinkTarget[]; cuts: LinkCut[] } {
  const proxied: LinkTarget[] = [];
  const cuts = new Map<string, LinkCut>();
  for (const t of targets) {
    const p = links.proxies.find((x) => x.name === t.proxy);
    if (!p || !owned.includes(p.kind)) {
      proxied.push(t);
      continue;
    }
    const host = (p.kind === 'client' ? p.to : p.from) as LinkCut['host'];
    // upstream carries what the dialling side sends: for a client link that is *to* the host
    const direction: LinkCut['direction'] = (t.stream === 'upstream') === (p.kind === 'client') ? 'to-host' : 'from-host';
    const key = `${p.kind}/${host}`;
    const had = cuts.get(key);
    cuts.set(key, { link: p.kind, host, direction: had && had.direction !== direction ? 'both' : direction });
  }
  return { proxied, cuts: [...cuts.values()] };
}

export function describeCut(c: LinkCut): string {
  return `${c.link}:${c.host}/${c.direction}`;
}

/** The direct (proxy-free) pair layout used by tests and the bench, on free loopback ports. */
import { freePorts } from '../ports.ts';
import type { Endpoint, PairLayout } from '../types.ts';

export { freePort, freePorts } from '../ports.ts';

/**
 * A pair layout on free loopback ports with no proxies: each host dials its peer's own
 * replication listener and the witness's own listener.
 */
export async function directLayout(host = '127.0.0.1'): Promise<PairLayout> {
  const [w, ac, ar, bc, br] = await freePorts(5, host);
  const ep = (port: number): Endpoint => ({ host, port });
  return {
    witness: ep(w),
    hosts: {
      a: { client: ep(ac), replication: ep(ar), dialPeer: ep(br), dialWitness: ep(w) },
      b: { client: ep(bc), replication: ep(br), dialPeer: ep(ar), dialWitness: ep(w) },
    },
  };
}

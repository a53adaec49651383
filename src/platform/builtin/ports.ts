/** Free loopback ports and the direct (proxy-free) pair layout used by tests and the bench. */
import net from 'node:net';
import type { Endpoint, PairLayout } from '../types.ts';

/** Ask the kernel for a free TCP port on `host` (bind to port 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/** `n` distinct free ports (held open together so they differ). */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ host, port: 0, exclusive: true }, () => resolve());
      });
      const addr = srv.address();
      if (!addr || typeof addr !== 'object') throw new Error('could not get a free port');
      ports.push(addr.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

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

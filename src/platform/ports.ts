/**
 * Free loopback ports for listeners that start later (hosts, witness). Asking the kernel
 * for port 0 and releasing it races with every outgoing connection on the machine, since
 * those take their local ports from the same ephemeral range; so ports are drawn *below*
 * the ephemeral range (where no outgoing connection ever lands), checked by binding them,
 * and never handed out twice by one process.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

const LOWEST = 10_000;
const handedOut = new Set<number>();

function ephemeralStart(): number {
  try {
    const [lo] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && lo > LOWEST + 1000) return lo;
  } catch {
    /* not Linux: fall back to the IANA dynamic range */
  }
  return 49_152;
}

function tryListen(host: string, port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen({ host, port, exclusive: true }, () => resolve(srv));
  });
}

/** `n` distinct free ports on `host`, outside the ephemeral range. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const top = ephemeralStart();
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < n; tries++) {
      if (tries > 2000) throw new Error(`no free port found between ${LOWEST} and ${top} on ${host}`);
      const port = LOWEST + Math.floor(Math.random() * (top - LOWEST));
      if (handedOut.has(port)) continue;
      const srv = await tryListen(host, port);
      if (!srv) continue;
      held.push(srv); // hold it until all are found, so they differ
      ports.push(port);
    }
    for (const p of ports) handedOut.add(p);
    return ports;
  } finally {
    await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [p] = await freePorts(1, host);
  return p!;
}

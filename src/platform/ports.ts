/**
 * Free loopback ports for listeners that start later (hosts, witness). Asking the kernel
 * for port 0 and releasing it races with every outgoing connection on the machine, since
 * those take their local ports from the same ephemeral range; so ports are drawn *below*
 * the ephemeral range (where no outgoing connection ever lands), checked by binding them,
 * and never handed out twice by one process.
 *
 * Processes that run side by side on one machine (cucumber --parallel workers, shards on
 * one runner) each draw from their own slice of that range, so that two of them can never
 * hand out the same port (the bind check alone cannot tell: a port is free until its
 * listener starts). The slice comes from CUCUMBER_WORKER_ID / CUCUMBER_TOTAL_WORKERS
 * (set by cucumber for its workers), split again by FTCHAOS_PORT_SLICE "i/n" (set by
 * `ftchaos run --shard i/n`).
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

/** "i/n" with 1 <= i <= n, as [i - 1, n]; anything else is an error naming the variable */
function sliceOf(name: string, raw: string | undefined, zeroBased: boolean): [number, number] | null {
  if (raw === undefined || raw === '') return null;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const i = m ? Number(m[1]) - (zeroBased ? 0 : 1) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!(n >= 1 && i >= 0 && i < n)) throw new Error(`${name}="${raw}" is not a slice: give "i/n" with ${zeroBased ? '0 <= i < n' : '1 <= i <= n'}`);
  return [i, n];
}

/**
 * The part of [lowest, top) this process draws ports from: the shard's slice (FTCHAOS_PORT_SLICE),
 * cut again into one slice per cucumber worker.
 */
export function portRange(env: NodeJS.ProcessEnv = process.env, lowest = LOWEST, top = ephemeralStart()): { lo: number; hi: number } {
  let lo = lowest;
  let hi = top;
  const cut = (s: [number, number] | null) => {
    if (!s) return;
    const size = Math.floor((hi - lo) / s[1]);
    lo += s[0] * size;
    hi = lo + size;
  };
  cut(sliceOf('FTCHAOS_PORT_SLICE', env.FTCHAOS_PORT_SLICE, false));
  const worker = env.CUCUMBER_WORKER_ID;
  if (worker !== undefined && worker !== '') cut(sliceOf('CUCUMBER_WORKER_ID/CUCUMBER_TOTAL_WORKERS', `${worker}/${env.CUCUMBER_TOTAL_WORKERS ?? ''}`, true));
  if (hi - lo < 100) throw new Error(`the port slice ${lo}-${hi} is too small (FTCHAOS_PORT_SLICE / cucumber workers cut ${lowest}-${top} too finely)`);
  return { lo, hi };
}

/** `n` distinct free ports on `host`, outside the ephemeral range, in this process's slice. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const { lo, hi } = portRange();
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < n; tries++) {
      if (tries > 2000) throw new Error(`no free port found between ${lo} and ${hi} on ${host}`);
      const port = lo + Math.floor(Math.random() * (hi - lo));
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

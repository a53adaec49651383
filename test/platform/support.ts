/**
 * Test and bench support for the builtin platform: a failover-aware KV client over the
 * guest protocol, a writer workload that checks "no acknowledged write lost" and "no
 * rollback", and the no-survivor check.
 */
import net from 'node:net';
import type { Endpoint, HostName } from '../../src/platform/types.ts';
import { monoMs } from '../../src/platform/types.ts';
import { isPidAlive } from '../../src/platform/builtin/children.ts';

export type Outcome =
  | { ok: true; host: HostName; reply: string; latencyMs: number }
  | { ok: false; host: HostName; definite: boolean; error: string };

/** one TCP connection to a host's client port, with pipelined requests */
export class KvConn {
  private sock: net.Socket;
  private buf = '';
  private pending = new Map<string, { resolve: (r: string | null) => void; timer: NodeJS.Timeout }>();
  private next = 0;
  closed = false;
  readonly ready: Promise<boolean>;

  constructor(
    readonly host: HostName,
    ep: Endpoint,
    private readonly tag: string,
  ) {
    this.sock = net.connect({ host: ep.host, port: ep.port });
    this.sock.setNoDelay(true);
    this.ready = new Promise((resolve) => {
      this.sock.once('connect', () => resolve(true));
      this.sock.once('error', () => resolve(false));
      this.sock.once('close', () => resolve(false));
    });
    this.sock.on('data', (c: Buffer) => {
      this.buf += c.toString('latin1');
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const sp = line.indexOf(' ');
        const id = sp < 0 ? line : line.slice(0, sp);
        const p = this.pending.get(id);
        if (p) {
          this.pending.delete(id);
          clearTimeout(p.timer);
          p.resolve(sp < 0 ? '' : line.slice(sp + 1));
        }
      }
    });
    this.sock.on('error', () => {});
    this.sock.on('close', () => {
      this.closed = true;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve(null);
      }
      this.pending.clear();
    });
  }

  /** the reply without the id, or null (connection lost / timeout: indeterminate) */
  request(cmd: string, timeoutMs: number): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    const id = `${this.tag}${this.next++}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(null);
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.sock.write(`${id} ${cmd}\n`);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

/** a client that talks to whichever host serves, moving on NOT_PRIMARY / errors */
export class PairClient {
  private conns: Partial<Record<HostName, KvConn>> = {};
  current: HostName = 'a';

  constructor(
    private readonly endpoints: Record<HostName, Endpoint>,
    private readonly tag: string,
    private readonly timeoutMs = 1000,
  ) {}

  private conn(h: HostName): KvConn {
    let c = this.conns[h];
    if (!c || c.closed) {
      c = new KvConn(h, this.endpoints[h], `${this.tag}${h}`);
      this.conns[h] = c;
    }
    return c;
  }

  async op(cmd: string, host: HostName = this.current): Promise<Outcome> {
    const c = this.conn(host);
    const t0 = monoMs();
    if (!(await c.ready)) {
      this.current = host === 'a' ? 'b' : 'a';
      return { ok: false, host, definite: true, error: 'connect failed' };
    }
    const r = await c.request(cmd, this.timeoutMs);
    if (r === null) {
      this.current = host === 'a' ? 'b' : 'a';
      c.close();
      return { ok: false, host, definite: false, error: 'no reply' };
    }
    if (r === 'ERR NOT_PRIMARY') {
      this.current = host === 'a' ? 'b' : 'a';
      return { ok: false, host, definite: true, error: r };
    }
    return { ok: true, host, reply: r, latencyMs: monoMs() - t0 };
  }

  close(): void {
    for (const c of Object.values(this.conns)) c?.close();
  }
}

export interface WriterReport {
  acked: Map<string, number>;
  /** highest value each key was seen to have (acks and reads) */
  seen: Map<string, number>;
  oks: number;
  infos: number;
  fails: number;
  reads: number;
  violations: string[];
  /** ok writes per host */
  perHost: Record<HostName, number>;
}

/**
 * `n` clients, each writing its own keys (`c<i>k<j>`) with increasing values and reading
 * them back now and then; every read must be >= what that client already saw.
 */
export function startWriters(endpoints: Record<HostName, Endpoint>, n = 8, keysPerClient = 16, minIntervalMs = 2) {
  let running = true;
  const report: WriterReport = { acked: new Map(), seen: new Map(), oks: 0, infos: 0, fails: 0, reads: 0, violations: [], perHost: { a: 0, b: 0 } };
  const okListeners = new Set<() => void>();
  const loops: Promise<void>[] = [];
  const clients: PairClient[] = [];
  for (let i = 0; i < n; i++) {
    const client = new PairClient(endpoints, `w${i}`);
    clients.push(client);
    loops.push(
      (async () => {
        let seq = 0;
        let last = 0;
        while (running) {
          // pace each client (at most one op per minIntervalMs) so the machine is not saturated
          const wait = last + minIntervalMs - monoMs();
          if (wait > 0) await sleep(wait);
          last = monoMs();
          const key = `c${i}k${seq % keysPerClient}`;
          if (seq % 5 === 4) {
            const r = await client.op(`GET ${key}`);
            if (r.ok) {
              report.reads++;
              const v = r.reply === 'NIL' ? 0 : Number(r.reply.replace(/^VAL /, ''));
              const saw = report.seen.get(key) ?? 0;
              if (v < saw) report.violations.push(`rollback: ${key} read ${v} after ${saw} was seen (host ${r.host})`);
              if (v > saw) report.seen.set(key, v);
            } else if (!r.definite) report.infos++;
            else {
              report.fails++;
              await sleep(2);
            }
            seq++;
            continue;
          }
          const value = ++seq;
          const r = await client.op(`SET ${key} ${value}`);
          if (r.ok) {
            if (r.reply !== 'OK') report.violations.push(`SET ${key} answered ${r.reply}`);
            report.oks++;
            report.perHost[r.host]++;
            report.acked.set(key, value);
            if ((report.seen.get(key) ?? 0) < value) report.seen.set(key, value);
            for (const l of okListeners) l();
          } else if (!r.definite) report.infos++;
          else {
            report.fails++;
            await sleep(2);
          }
        }
      })(),
    );
  }
  return {
    report,
    /** resolves once `count` more writes were acknowledged */
    awaitOks(count: number, timeoutMs = 30_000): Promise<void> {
      const target = report.oks + count;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          okListeners.delete(l);
          reject(new Error(`only ${report.oks} of ${target} acknowledged writes within ${timeoutMs} ms`));
        }, timeoutMs);
        const l = (): void => {
          if (report.oks >= target) {
            clearTimeout(t);
            okListeners.delete(l);
            resolve();
          }
        };
        okListeners.add(l);
        l();
      });
    },
    stop(): Promise<WriterReport> {
      running = false;
      for (const c of clients) c.close();
      return Promise.all(loops).then(() => report);
    },
  };
}

/**
 * Read every acknowledged key from `host` and return the problems: a key whose value is older
 * than its last acknowledged write (lost), or older than what a client saw (rollback).
 */
export async function checkNoLoss(endpoint: Endpoint, host: HostName, r: WriterReport): Promise<string[]> {
  const c = new KvConn(host, endpoint, 'final');
  const problems: string[] = [];
  try {
    if (!(await c.ready)) return [`cannot connect to ${host} for the final reads`];
    const keys = [...new Set([...r.acked.keys(), ...r.seen.keys()])];
    const replies = await Promise.all(keys.map((k) => c.request(`GET ${k}`, 5000)));
    keys.forEach((k, i) => {
      const rep = replies[i];
      if (rep === null || !(rep === 'NIL' || rep.startsWith('VAL '))) {
        problems.push(`final GET ${k} on ${host}: ${rep}`);
        return;
      }
      const v = rep === 'NIL' ? 0 : Number(rep.slice(4));
      const acked = r.acked.get(k) ?? 0;
      const seen = r.seen.get(k) ?? 0;
      if (v < acked) problems.push(`lost write: ${k} = ${v}, but ${acked} was acknowledged`);
      else if (v < seen) problems.push(`rollback: ${k} = ${v}, but ${seen} was seen`);
    });
  } finally {
    c.close();
  }
  return problems;
}

export function survivors(pids: number[]): number[] {
  return pids.filter((p) => isPidAlive(p));
}

/** wait until none of `pids` runs any more (they were SIGKILLed: this is bounded) */
export async function awaitGone(pids: number[], timeoutMs = 5000): Promise<number[]> {
  const until = monoMs() + timeoutMs;
  for (;;) {
    const left = survivors(pids);
    if (left.length === 0 || monoMs() > until) return left;
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

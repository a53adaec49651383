/** Test helpers: peers to proxy to, clients, raw API calls and the leak check. */
import { afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startToxiproxyServer, type ToxiproxyServer, type ToxiproxyServerOptions } from '../../src/toxiproxy/server.ts';

export interface Peer {
  port: number;
  address: string;
  sockets: Set<Socket>;
  /** resolves with each accepted socket, in order */
  accepted: Socket[];
  nextAccept(): Promise<Socket>;
  close(): Promise<void>;
}

/** A TCP server on a free loopback port; `onSocket` decides what it does with each client. */
export async function peer(onSocket: (s: Socket) => void = () => {}): Promise<Peer> {
  const sockets = new Set<Socket>();
  const accepted: Socket[] = [];
  const waiters: Array<(s: Socket) => void> = [];
  const server: Server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.setNoDelay(true);
    accepted.push(s);
    onSocket(s);
    const w = waiters.shift();
    if (w) w(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  let seen = 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    sockets,
    accepted,
    nextAccept() {
      if (accepted.length > seen) return Promise.resolve(accepted[seen++]);
      return new Promise((resolve) => waiters.push((s) => { seen++; resolve(s); }));
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** Echo server: writes back what it reads, and ends when its client ends. */
export function echoPeer(): Promise<Peer> {
  return peer((s) => {
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
  });
}

export async function client(port: number): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  s.setNoDelay(true);
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}

/** Read from `s` until `n` bytes have arrived (resolves with exactly what came). */
export function readBytes(s: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const onData = (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= n) {
        cleanup();
        resolve(Buffer.concat(parts));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`stream ended after ${got} of ${n} bytes`));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
    };
    s.on('data', onData);
    s.once('end', onEnd);
    s.once('error', onError);
  });
}

export interface Ending {
  data: Buffer;
  /** 'end' (FIN), 'error:<code>' or 'close' */
  how: string;
  /** performance.now() of the end */
  at: number;
  /** performance.now() of each data event, with its size */
  reads: Array<{ at: number; size: number }>;
}

/** Collect everything until the stream ends, errors or closes. */
export function readToEnd(s: Socket): Promise<Ending> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const reads: Ending['reads'] = [];
    let done = false;
    const finish = (how: string) => {
      if (done) return;
      done = true;
      resolve({ data: Buffer.concat(parts), how, at: performance.now(), reads });
    };
    s.on('data', (d: Buffer) => {
      parts.push(d);
      reads.push({ at: performance.now(), size: d.length });
    });
    s.once('end', () => finish('end'));
    s.once('error', (e: NodeJS.ErrnoException) => finish(`error:${e.code}`));
    s.once('close', () => finish('close'));
  });
}

export function closeSocket(s: Socket): Promise<void> {
  if (s.closed) return Promise.resolve();
  const p = once(s, 'close').then(() => undefined);
  s.destroy();
  return p;
}

export async function api(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'User-Agent': 'ftchaos-test', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function withServer(opts: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  return startToxiproxyServer({ host: '127.0.0.1', port: 0, ...opts });
}

/** Create a proxy to `upstream` on a free port; returns its port. */
export async function addProxy(server: { url: string }, name: string, upstream: string): Promise<number> {
  const r = await api(server, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream });
  assert.equal(r.status, 201, r.text);
  return Number(r.json.listen.split(':').pop());
}

export async function addToxic(server: { url: string }, proxy: string, toxic: Record<string, unknown>): Promise<any> {
  const r = await api(server, 'POST', `/proxies/${proxy}/toxics`, toxic);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

export async function removeToxic(server: { url: string }, proxy: string, name: string): Promise<void> {
  const r = await api(server, 'DELETE', `/proxies/${proxy}/toxics/${name}`);
  assert.equal(r.status, 204, r.text);
}

const NET_RESOURCES = new Set(['TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP', 'TCPSERVERWRAP']);

/**
 * No TCP socket or listener may remain. Client-side sockets (fetch's pool) learn of the
 * server's close asynchronously, so this waits (bounded) for them to go.
 */
export async function assertNoOpenSockets(deadlineMs = 3000): Promise<void> {
  const until = performance.now() + deadlineMs;
  let left: string[] = [];
  for (;;) {
    left = process.getActiveResourcesInfo().filter((r) => NET_RESOURCES.has(r));
    if (left.length === 0) return;
    if (performance.now() > until) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`sockets or listeners still open: ${left.join(', ')}`);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Things a test opened, closed in reverse order by closeAll() (call it in afterEach). */
export class Resources {
  private readonly closers: Array<() => Promise<void> | void> = [];

  add<T>(thing: T, close: (t: T) => Promise<void> | void): T {
    this.closers.push(() => close(thing));
    return thing;
  }

  async server(opts: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    return this.add(await withServer(opts), (s) => s.close());
  }

  async peer(onSocket?: (s: Socket) => void): Promise<Peer> {
    return this.add(await peer(onSocket), (p) => p.close());
  }

  async echo(): Promise<Peer> {
    return this.add(await echoPeer(), (p) => p.close());
  }

  async client(port: number): Promise<Socket> {
    return this.add(await client(port), closeSocket);
  }

  async closeAll(): Promise<void> {
    while (this.closers.length > 0) await this.closers.pop()!();
  }
}

/** Send `msg` and time until `msg.length` bytes come back (ms). */
export async function roundTrip(s: Socket, msg: Buffer | string = 'ping'): Promise<number> {
  const buf = typeof msg === 'string' ? Buffer.from(msg) : msg;
  const t0 = performance.now();
  const reply = readBytes(s, buf.length);
  s.write(buf);
  const got = await reply;
  const ms = performance.now() - t0;
  assert.ok(got.equals(buf), 'echo must return the same bytes');
  return ms;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/**
 * A fresh embedded server (and resource tracker) for every test of the calling file, closed
 * after it with a check that no socket was left open. `use` receives them for the file's
 * own variables.
 */
export function perTestServer(use: (res: Resources, server: ToxiproxyServer) => void): void {
  let res: Resources;
  beforeEach(async () => {
    res = new Resources();
    use(res, await res.server());
  });
  afterEach(async () => {
    await res.closeAll();
    await assertNoOpenSockets();
  });
}

export interface RawResponse {
  /** 0 when nothing came back */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** how the connection ended: 'end' (FIN), 'error:<code>' (e.g. ECONNRESET) */
  how: string;
  /** ms from the first byte sent to the end of the connection */
  ms: number;
}

/**
 * Send `request` (bytes as given, nothing added) on a fresh connection to the API and
 * collect everything until the server ends the connection. `more` is called once the
 * request is written, for requests sent in parts.
 */
export async function rawHttp(
  server: { port: number },
  request: string | Buffer,
  more?: (s: Socket) => void | Promise<void>,
): Promise<RawResponse> {
  const s = connect({ host: '127.0.0.1', port: server.port });
  await once(s, 'connect');
  const t0 = performance.now();
  const ending = readToEnd(s);
  s.on('error', () => {});
  s.write(request);
  if (more) await more(s);
  const end = await ending;
  s.destroy();
  const text = end.data.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const lines = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  // the head is latin1 (one character per byte, so `split` is also a byte offset); the body is
  // UTF-8 JSON or text (a proxy named "é" must read back as "é")
  return { status: m ? Number(m[1]) : 0, headers, body: split < 0 ? '' : end.data.subarray(split + 4).toString('utf8'), how: end.how, ms: end.at - t0 };
}

/**
 * GET /version probes on one kept-alive connection: each resolves with its duration in ms.
 * One connection, so what is timed is the server's answer, not TCP connection set-up (which,
 * with thousands of short connections in TIME_WAIT on a busy machine, can cost a 1 s SYN
 * retransmission that says nothing about the server). close() when done.
 */
export async function versionProber(server: { port: number }): Promise<{ probe(): Promise<number>; close(): Promise<void> }> {
  const s = await client(server.port);
  let buffered = Buffer.alloc(0);
  let waiter: (() => void) | null = null;
  s.on('data', (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    waiter?.();
  });
  s.on('close', () => waiter?.());
  const response = async (): Promise<string> => {
    for (;;) {
      const text = buffered.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text);
      if (split >= 0 && length && buffered.length >= split + 4 + Number(length[1])) {
        buffered = buffered.subarray(split + 4 + Number(length[1]));
        return text.slice(0, split + 4 + Number(length[1]));
      }
      if (s.destroyed || s.readableEnded) throw new Error(`GET /version: connection ended (${JSON.stringify(text)})`);
      await new Promise<void>((resolve) => (waiter = resolve));
      waiter = null;
    }
  };
  return {
    async probe() {
      const t0 = performance.now();
      s.write('GET /version HTTP/1.1\r\nHost: x\r\n\r\n');
      const text = await response();
      const ms = performance.now() - t0;
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"version": "2\.12\.0"\}\n$/);
      return ms;
    },
    close: () => closeSocket(s),
  };
}

/** Seeded PRNG (mulberry32, the fault schedule's): the same seed gives the same sequence. */
export { prng } from '../../src/faults/schedule.ts';

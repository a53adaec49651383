/**
 * Issue 14: a seeded, time-bounded fuzz of the HTTP API while traffic flows. Random bodies
 * (junk, deep nesting, extreme numbers, odd names), random attributes, and method/path
 * mixes (including methods Node's parser refuses, bad %-escapes, bodies over the cap,
 * requests cut short) hit the API from several workers at once; some of the proxies they
 * make carry traffic too. Two proxies the fuzz never touches carry echo traffic throughout.
 *
 * Asserted: no crash, no unhandled rejection or uncaught exception, no timer overflow
 * warning; every complete request gets a reply, never a 5xx other than a listen failure;
 * /version answers within 50 ms (on at least 95 % of probes, and every probe within 1 s: the
 * machine is shared); bytes through the untouched proxies arrive intact; and once every
 * proxy is deleted, no socket, timer or immediate is left but the two listeners.
 *
 * FUZZ_SEED=<n> replays a run (the seed is printed); FUZZ_MS=<ms> runs longer.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, test } from 'node:test';
import {
  assertNoOpenSockets,
  client,
  closeSocket,
  percentile,
  prng,
  rawHttp,
  readBytes,
  Resources,
  versionProber,
  type RawResponse,
} from './helpers.ts';
import type { ToxiproxyServer } from '../../src/toxiproxy/server.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 14_014);
const DURATION_MS = Number(process.env.FUZZ_MS ?? 8000);
const WORKERS = 3;

let res: Resources;
afterEach(async () => {
  await res.closeAll();
  await assertNoOpenSockets();
});

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const chance = (rand: Rand, p: number): boolean => rand() < p;

const NUMBERS = ['0', '1', '-1', '5', '20', '1e3', '1.0', '0.5', '-0', '3e9', '2147483648', '9223372036854775807',
  '9223372036854775808', '9007199254740993', '1e308', '-1e308', '123456789012345678901234567890'];
const TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'noop', 'bogus', '', '__proto__'];
const ATTRS = ['latency', 'jitter', 'rate', 'delay', 'timeout', 'average_size', 'size_variation', 'bytes', '__proto__', 'LATENCY'];
const LISTENS = ['127.0.0.1:0', 'localhost:0', '127.0.0.1:99999', '127.0.0.1:-1', 'nonsense', '', '127.0.0.1:abc', '[::1'];
const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO', 'get', 'CONNECT'];

function randomName(rand: Rand): string {
  const fixed = ['f1', 'f2', 'f3', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'é', 'a/b', '%', '..',
    ' ', '10', '9', '"', '\\', '\u2028', 'x'.repeat(1025), 'y'.repeat(1024), ''];
  if (chance(rand, 0.7)) return pick(rand, fixed);
  const alphabet = 'abcXYZ09_-.~ /%?#&é漢\u0000\u001f"\\\ud83d\ude00';
  let s = '';
  const n = 1 + Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) s += pick(rand, [...alphabet]);
  return s.startsWith('keep-') ? `_${s}` : s;
}

function jsonValue(rand: Rand, depth = 0): string {
  const r = rand();
  if (depth > 3 || r < 0.3) return pick(rand, NUMBERS);
  if (r < 0.45) return JSON.stringify(randomName(rand));
  if (r < 0.55) return pick(rand, ['true', 'false', 'null']);
  if (r < 0.75) return `[${Array.from({ length: Math.floor(rand() * 3) }, () => jsonValue(rand, depth + 1)).join(',')}]`;
  const keys = [...ATTRS, 'name', 'type', 'stream', 'toxicity', 'attributes', 'listen', 'upstream', 'enabled'];
  return `{${Array.from({ length: Math.floor(rand() * 4) }, () => `${JSON.stringify(pick(rand, keys))}:${jsonValue(rand, depth + 1)}`).join(',')}}`;
}

function proxyBody(rand: Rand, upstream: string): string {
  const fields = [
    `"name":${JSON.stringify(randomName(rand))}`,
    `"listen":${JSON.stringify(pick(rand, LISTENS))}`,
    `"upstream":${JSON.stringify(pick(rand, [upstream, upstream, '127.0.0.1:1', 'bad', '']))}`,
  ];
  if (chance(rand, 0.3)) fields.push(`"enabled":${pick(rand, ['true', 'false', '1', '"yes"', 'null'])}`);
  if (chance(rand, 0.2)) fields.push(`${JSON.stringify(pick(rand, ATTRS))}:${jsonValue(rand)}`);
  return `{${fields.filter(() => chance(rand, 0.9)).join(',')}}`;
}

function toxicBody(rand: Rand): string {
  const attrs = Array.from({ length: Math.floor(rand() * 4) }, () => {
    const value = chance(rand, 0.7) ? String(Math.floor(rand() * 40)) : pick(rand, NUMBERS);
    return `${JSON.stringify(pick(rand, ATTRS))}:${value}`;
  });
  const fields = [
    `"type":${JSON.stringify(pick(rand, TYPES))}`,
    `"stream":${pick(rand, ['"upstream"', '"downstream"', '"UPSTREAM"', '"sideways"', '5', 'null'])}`,
    `"toxicity":${pick(rand, ['1', '0', '0.5', '1e308', '"x"', '-3'])}`,
    `"attributes":${chance(rand, 0.9) ? `{${attrs.join(',')}}` : jsonValue(rand)}`,
  ];
  if (chance(rand, 0.5)) fields.push(`"name":${JSON.stringify(randomName(rand))}`);
  return `{${fields.filter(() => chance(rand, 0.9)).join(',')}}`;
}

function randomBody(rand: Rand, upstream: string): string {
  const r = rand();
  if (r < 0.35) return proxyBody(rand, upstream);
  if (r < 0.65) return toxicBody(rand);
  if (r < 0.75) return `[${Array.from({ length: Math.floor(rand() * 3) }, () => proxyBody(rand, upstream)).join(',')}]`;
  if (r < 0.85) return jsonValue(rand);
  if (r < 0.88) return pick(rand, ['[', '{"a":'])!.repeat(10_000 + Math.floor(rand() * 15_000));
  if (r < 0.95) return pick(rand, ['', '{', '}', 'nul', '"\\uZZZZ"', '{"name":"x",}', '\u0000', '[1 2]', '{"a" 1}']);
  return Array.from({ length: Math.floor(rand() * 64) }, () => String.fromCharCode(Math.floor(rand() * 256))).join('');
}

function randomPath(rand: Rand, names: string[]): string {
  const name = () => {
    const n = names.length > 0 && chance(rand, 0.7) ? pick(rand, names) : randomName(rand);
    return chance(rand, 0.9) ? encodeURIComponent(n) : n.replace(/[^\x21-\x7e]/g, '_');
  };
  const toxic = () => encodeURIComponent(chance(rand, 0.5) ? `${pick(rand, TYPES)}_${pick(rand, ['upstream', 'downstream'])}` : randomName(rand));
  return pick(rand, [
    () => '/proxies', () => `/proxies/${name()}`, () => `/proxies/${name()}/toxics`, () => `/proxies/${name()}/toxics`,
    () => `/proxies/${name()}/toxics/${toxic()}`, () => '/populate', () => '/reset', () => '/version', () => '/metrics',
    () => '/nowhere', () => '/proxies/%ZZ', () => '/proxies/%FF', () => '//proxies', () => '/proxies/',
    () => `/proxies/${name()}?x=%ZZ`, () => '*', () => 'example.com:443',
  ])();
}

type Request = [method: string, path: string, body: string];

/** Anything: a random method on a random path with a random body. */
function wild(rand: Rand, names: string[], upstream: string): Request {
  return [pick(rand, METHODS), randomPath(rand, names), chance(rand, 0.8) ? randomBody(rand, upstream) : ''];
}

/** A meaningful operation (create, change, delete a proxy or toxic) with random, often bad, content. */
function operation(rand: Rand, names: string[], upstream: string): Request {
  const proxy = encodeURIComponent(names.length > 0 && chance(rand, 0.9) ? pick(rand, names) : randomName(rand));
  const toxic = encodeURIComponent(`${pick(rand, TYPES)}_${pick(rand, ['upstream', 'downstream'])}`);
  return pick(rand, [
    (): Request => ['POST', '/proxies', proxyBody(rand, upstream)],
    (): Request => ['POST', '/proxies', proxyBody(rand, upstream)],
    (): Request => ['POST', '/populate', `[${Array.from({ length: Math.floor(rand() * 3) }, () => proxyBody(rand, upstream)).join(',')}]`],
    (): Request => ['POST', `/proxies/${proxy}/toxics`, toxicBody(rand)],
    (): Request => ['POST', `/proxies/${proxy}/toxics`, toxicBody(rand)],
    (): Request => ['POST', `/proxies/${proxy}/toxics`, toxicBody(rand)],
    (): Request => ['PATCH', `/proxies/${proxy}/toxics/${toxic}`, toxicBody(rand)],
    (): Request => ['DELETE', `/proxies/${proxy}/toxics/${toxic}`, ''],
    (): Request => ['PATCH', `/proxies/${proxy}`, proxyBody(rand, upstream)],
    (): Request => ['POST', `/proxies/${proxy}`, `{"enabled":${pick(rand, ['true', 'false'])}}`],
    (): Request => ['DELETE', `/proxies/${proxy}`, ''],
    (): Request => ['GET', pick(rand, ['/proxies', `/proxies/${proxy}`, `/proxies/${proxy}/toxics`, '/metrics']), ''],
    (): Request => ['POST', '/reset', ''],
  ])();
}

interface Sent {
  request: string;
  response: RawResponse | null;
}

/** One request on its own connection; `cut` sends only part of it and hangs up. */
async function send(port: number, text: Buffer, cut: boolean): Promise<RawResponse | null> {
  if (!cut) return rawHttp({ port }, text);
  const s: Socket = connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'connect');
  s.write(text.subarray(0, Math.max(1, text.length >> 1)));
  await new Promise((r) => setImmediate(r));
  s.destroy();
  return null;
}

/** Echo traffic on a proxy nobody touches: every byte must come back as sent. */
async function steadyTraffic(port: number, rand: Rand, running: () => boolean): Promise<number> {
  const s = await client(port);
  let verified = 0;
  try {
    while (running()) {
    const chunk = Buffer.alloc(1 + Math.floor(rand() * 65_536));
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + verified) & 0xff;
    const back = readBytes(s, chunk.length);
    s.write(chunk);
    const got = await back;
    assert.ok(got.equals(chunk), `untouched proxy: ${chunk.length} bytes came back altered`);
    verified += chunk.length;
    }
  } finally {
    await closeSocket(s);
  }
  return verified;
}

/** Short-lived connections through whatever proxies the fuzz made, with whatever toxics they have. */
async function chaosTraffic(server: ToxiproxyServer, rand: Rand, running: () => boolean): Promise<void> {
  while (running()) {
    const ports = server.proxies.list().filter((p) => p.enabled && !p.name.startsWith('keep-')).map((p) => Number(p.listen.split(':').pop()));
    if (ports.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    const s = connect({ host: '127.0.0.1', port: pick(rand, ports) });
    s.on('error', () => {});
    s.on('data', () => {});
    s.write(Buffer.alloc(Math.floor(rand() * 200_000), 7));
    await new Promise((r) => setTimeout(r, Math.floor(rand() * 60)));
    if (chance(rand, 0.5)) s.end();
    s.destroy();
  }
}

test(`fuzz: the API under random hostile requests while traffic flows (seed ${SEED}, ${DURATION_MS} ms)`, { timeout: 180_000 }, async () => {
  console.log(`# fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED})`);
  res = new Resources();
  const problems: string[] = [];
  const onUnhandled = (err: unknown) => problems.push(`unhandled: ${(err as Error)?.stack ?? String(err)}`);
  const onWarning = (w: Error) => {
    if (w.name === 'TimeoutOverflowWarning') problems.push(`warning: ${w.message}`);
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  process.on('warning', onWarning);
  try {
    const echo = await res.echo();
    const server = await res.server({ proxyMetrics: true });
    const counts = () => {
      const all = process.getActiveResourcesInfo();
      const n = (kind: string) => all.filter((r) => r === kind).length;
      return { timers: n('Timeout'), immediates: n('Immediate'), sockets: n('TCPSocketWrap'), listeners: n('TCPServerWrap') };
    };
    const baseline = counts();

    const call = async (method: string, path: string, body = ''): Promise<RawResponse> =>
      rawHttp(server, `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const keepPorts: number[] = [];
    for (const name of ['keep-a', 'keep-b']) {
      const r = await call('POST', '/proxies', JSON.stringify({ name, listen: '127.0.0.1:0', upstream: echo.address }));
      assert.equal(r.status, 201, r.body);
      keepPorts.push(Number(JSON.parse(r.body).listen.split(':').pop()));
    }

    const rand = prng(SEED);
    const deadline = performance.now() + DURATION_MS;
    const running = () => performance.now() < deadline;
    const sent: Sent[] = [];
    const statuses = new Map<number, number>();

    const worker = async (wrand: Rand): Promise<void> => {
      while (running()) {
        const names = server.proxies.list().map((p) => p.name).filter((n) => !n.startsWith('keep-'));
        let [method, path, body] = chance(wrand, 0.5) ? operation(wrand, names, echo.address) : wild(wrand, names, echo.address);
        if (path.includes('keep-')) path = '/version';
        if (/keep-/.test(body)) body = '{}';
        if (chance(wrand, 0.01)) body = 'x'.repeat((4 << 20) + 1); // over the cap
        const head = [`${method} ${path} HTTP/1.1`, 'Host: x', 'Connection: close'];
        if (chance(wrand, 0.1)) head.push(`User-Agent: ${pick(wrand, ['Mozilla/5.0', 'curl/8', ''])}`);
        head.push(`Content-Length: ${Buffer.byteLength(body)}`);
        const text = Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
        const cut = chance(wrand, 0.03);
        const response = await send(server.port, text, cut);
        if (response) {
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          sent.push({ request: `${method} ${path} ${body.slice(0, 200)}`, response });
        }
      }
    };

    const probes: number[] = [];
    const versions = await versionProber(server);
    const prober = async (): Promise<void> => {
      while (running()) {
        probes.push(await versions.probe());
        await new Promise((r) => setTimeout(r, 25));
      }
      await versions.close();
    };

    const results = await Promise.all([
      ...Array.from({ length: WORKERS }, (_, i) => worker(prng(SEED + i + 1))),
      prober(),
      chaosTraffic(server, prng(SEED + 100), running),
      ...keepPorts.map((port, i) => steadyTraffic(port, prng(SEED + 200 + i), running)),
    ]);
    const verified = results.slice(-2) as number[];

    // Every complete request got an answer; no 5xx but a listen failure.
    for (const { request, response } of sent) {
      assert.notEqual(response!.status, 0, `no reply (${response!.how}) to ${request}`);
      if (response!.status >= 500) assert.match(response!.body, /listen tcp/, `${response!.status} for ${request}: ${response!.body}`);
      assert.notEqual(response!.status, 408, `timed out: ${request}`);
    }
    const summary = `${sent.length} requests (${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}); ` +
      `${probes.length} /version probes: median ${percentile(probes, 50).toFixed(1)} ms, p95 ${percentile(probes, 95).toFixed(1)}, ` +
      `max ${Math.max(...probes).toFixed(1)}; untouched proxies verified ${verified.join(' + ')} bytes`;
    console.log(`# fuzz: ${summary}`);
    assert.ok(sent.length > 100, `the fuzz ran: ${summary}`);
    assert.ok(percentile(probes, 95) < 50, `/version within 50 ms: ${summary}`);
    assert.ok(Math.max(...probes) < 1000, `/version within 1 s on every probe: ${summary}`);
    assert.ok(verified.every((n) => n > 0), `traffic flowed through the untouched proxies: ${summary}`);

    // The listing still holds every proxy, whatever they were named.
    const listing = await call('GET', '/proxies');
    assert.equal(listing.status, 200);
    const listed = Object.keys(JSON.parse(listing.body)).sort();
    assert.deepEqual(listed, server.proxies.list().map((p) => p.name).sort(), 'GET /proxies lists every proxy');

    // Delete every proxy through the API: nothing may be left but the two listeners.
    for (const p of server.proxies.list()) {
      const r = await call('DELETE', `/proxies/${encodeURIComponent(p.name)}`);
      assert.equal(r.status, 204, `DELETE ${p.name}: ${r.status} ${r.body}`);
    }
    assert.deepEqual(server.proxies.list(), []);
    const until = performance.now() + 5000;
    let now = counts();
    while ((now.sockets > 0 || now.timers > baseline.timers || now.immediates > 0) && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
      now = counts();
    }
    if (now.sockets > 0 && process.env.FUZZ_DEBUG) {
      const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
      for (const h of handles) {
        const sock = h as Socket & { server?: unknown; _httpMessage?: unknown };
        if (sock instanceof Socket) console.log('# left:', sock.localPort, '->', sock.remotePort, 'server?', !!sock.server, 'paused', sock.isPaused(), 'pending', sock.pending, 'readyState', sock.readyState);
      }
    }
    assert.deepEqual(now, { ...baseline, sockets: 0, immediates: 0 }, 'left behind after every proxy was deleted');
    assert.deepEqual(problems, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    process.off('warning', onWarning);
  }
});

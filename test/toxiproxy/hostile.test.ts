/**
 * Issue 14: hostile input over real sockets, each case answered as the real server
 * (Toxiproxy 2.12) answers it, or in a documented, safer way (src/toxiproxy/README.md).
 * Timing is asserted only where the issue demands it (/version within 50 ms under a 1-byte
 * slicer) and then on most probes, with a generous bound on every one: the machine is
 * shared and loaded.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import type { Socket } from 'node:net';
import type { ToxiproxyServer } from '../../src/toxiproxy/server.ts';
import {
  addProxy,
  addToxic,
  api,
  percentile,
  rawHttp,
  readBytes,
  readToEnd,
  removeToxic,
  roundTrip,
  versionProber,
  type Peer,
  type Resources,
  perTestServer,
} from './helpers.ts';

/** Per suite: no test may hang. */
const LIMIT = { timeout: 60_000 };

let res: Resources;
let server: ToxiproxyServer;
perTestServer((r, s) => {
  res = r;
  server = s;
});

/** Nothing may happen on `s` for `ms`: resolves with what did happen, if anything. */
function quietFor(s: Socket, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const onData = (d: Buffer) => finish(`data ${JSON.stringify(d.toString())}`);
    const onEnd = () => finish('end');
    const onClose = () => finish('close');
    const onError = (e: NodeJS.ErrnoException) => finish(`error ${e.code}`);
    const timer = setTimeout(() => finish(null), ms);
    function finish(what: string | null) {
      clearTimeout(timer);
      s.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError);
      resolve(what);
    }
    s.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError);
  });
}

/** TimeoutOverflowWarnings emitted while `fn` runs (they come a tick late, so one tick is awaited). */
async function overflowWarnings(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'TimeoutOverflowWarning') seen.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('1. a proxy named __proto__', LIMIT, () => {
  test('is listed with the others, in Go’s key order, and works like any proxy', async () => {
    const echo = await res.echo();
    for (const name of ['__proto__', 'other', '9', '10', 'constructor']) await addProxy(server, name, echo.address);
    const r = await api(server, 'GET', '/proxies');
    assert.equal(r.status, 200);
    // Go sorts map keys bytewise: "10" < "9" < "__proto__" < "constructor" < "other".
    const keys = [...r.text.matchAll(/"([^"]+)":\{"name"/g)].map((m) => m[1]);
    assert.deepEqual(keys, ['10', '9', '__proto__', 'constructor', 'other']);
    assert.equal(Object.keys(r.json).length, 5, r.text);
    assert.equal(Object.getOwnPropertyDescriptor(r.json, '__proto__')?.value.name, '__proto__');
    const one = await api(server, 'GET', '/proxies/__proto__');
    assert.equal(one.status, 200);
    const c = await res.client(Number(one.json.listen.split(':')[1]));
    await roundTrip(c, 'through __proto__');
    assert.equal((await api(server, 'DELETE', '/proxies/__proto__')).status, 204);
    assert.deepEqual(Object.keys((await api(server, 'GET', '/proxies')).json), ['9', '10', 'constructor', 'other']);
  });

  test('populate and a toxic named __proto__ are ordinary too', async () => {
    const echo = await res.echo();
    const r = await api(server, 'POST', '/populate', `[{"name":"__proto__","listen":"127.0.0.1:0","upstream":"${echo.address}"}]`);
    assert.equal(r.status, 201, r.text);
    const t = await api(server, 'POST', '/proxies/__proto__/toxics', { name: '__proto__', type: 'latency', attributes: { latency: 1 } });
    assert.equal(t.status, 200, t.text);
    assert.equal((await api(server, 'GET', '/proxies/__proto__/toxics/__proto__')).json.attributes.latency, 1);
    assert.equal((await api(server, 'DELETE', '/proxies/__proto__/toxics/__proto__')).status, 204);
  });
});

describe('2. times of 2^31 ms and more hold, as on the real server (no 1 ms spin, no warnings)', LIMIT, () => {
  const HUGE = 3e9; // ms, > 2^31 - 1

  async function proxied(): Promise<{ c: Socket; echo: Peer }> {
    const echo = await res.echo();
    const port = await addProxy(server, 'p', echo.address);
    return { c: await res.client(port), echo };
  }

  test('latency / jitter: data is held until the toxic goes, then arrives', async () => {
    const { c } = await proxied();
    const warnings = await overflowWarnings(async () => {
      await addToxic(server, 'p', { name: 'slow', type: 'latency', attributes: { latency: HUGE, jitter: 1e9 } });
      c.write('held');
      assert.equal(await quietFor(c, 400), null, 'a 3e9 ms latency must hold the data');
      const got = readBytes(c, 4);
      await removeToxic(server, 'p', 'slow');
      assert.equal((await got).toString(), 'held');
    });
    assert.deepEqual(warnings, []);
  });

  test('slicer delay: the next slice waits, then comes when the toxic goes', async () => {
    const { c } = await proxied();
    const warnings = await overflowWarnings(async () => {
      await addToxic(server, 'p', { name: 's', type: 'slicer', attributes: { average_size: 1, size_variation: 0, delay: HUGE * 1000 } });
      const first = readBytes(c, 1);
      c.write('AB');
      assert.equal((await first).toString(), 'A');
      assert.equal(await quietFor(c, 400), null, 'the second slice must wait 3e9 ms');
      const rest = readBytes(c, 1);
      await removeToxic(server, 'p', 's');
      assert.equal((await rest).toString(), 'B');
    });
    assert.deepEqual(warnings, []);
  });

  test('reset_peer and timeout: the connection stays open', async () => {
    const { c } = await proxied();
    const warnings = await overflowWarnings(async () => {
      await addToxic(server, 'p', { type: 'reset_peer', stream: 'upstream', attributes: { timeout: HUGE } });
      await addToxic(server, 'p', { type: 'timeout', attributes: { timeout: HUGE } });
      c.write('x');
      assert.equal(await quietFor(c, 400), null, 'neither toxic may fire early');
    });
    assert.deepEqual(warnings, []);
  });

  test('slow_close: the close is held', async () => {
    const { c } = await proxied();
    const warnings = await overflowWarnings(async () => {
      await addToxic(server, 'p', { name: 'sc', type: 'slow_close', attributes: { delay: HUGE } });
      c.end(); // the echo ends too; its FIN is what slow_close holds
      assert.equal(await quietFor(c, 400), null, 'the close must wait 3e9 ms');
      const ended = readToEnd(c);
      await removeToxic(server, 'p', 'sc');
      assert.equal((await ended).how, 'end');
    });
    assert.deepEqual(warnings, []);
  });
});

describe('3. numbers the real server refuses are refused', LIMIT, () => {
  test('non-integers, exponents and int64 overflow: 400 with Go’s message; nothing is created', async () => {
    const echo = await res.echo();
    await addProxy(server, 'n', echo.address);
    const go = (literal: string, field: string, type: string) =>
      `bad request body: json: cannot unmarshal number ${literal} into Go struct field ${field} of type ${type}`;
    const cases: Array<[string, string]> = [
      ['{"type":"latency","attributes":{"latency":1e308}}', go('1e308', 'LatencyToxic.latency', 'int64')],
      ['{"type":"latency","attributes":{"latency":1e3}}', go('1e3', 'LatencyToxic.latency', 'int64')],
      ['{"type":"latency","attributes":{"latency":1.0}}', go('1.0', 'LatencyToxic.latency', 'int64')],
      ['{"type":"latency","attributes":{"jitter":9223372036854775808}}', go('9223372036854775808', 'LatencyToxic.jitter', 'int64')],
      ['{"type":"limit_data","attributes":{"bytes":-9223372036854775809}}', go('-9223372036854775809', 'LimitDataToxic.bytes', 'int64')],
      ['{"type":"slicer","attributes":{"average_size":2E1}}', go('2E1', 'SlicerToxic.average_size', 'int')],
      ['{"type":"latency","toxicity":1e308}', go('1e308', 'ToxicWrapper.toxicity', 'float32')],
      ['{"type":"latency","attributes":{"latency":9007199254740993}}',
        'bad request body: number 9007199254740993 for LatencyToxic.latency is beyond ±9007199254740991, the largest integer this server keeps exactly'],
    ];
    for (const [body, message] of cases) {
      const r = await api(server, 'POST', '/proxies/n/toxics', body);
      assert.equal(r.status, 400, `${body}: ${r.text}`);
      assert.equal(r.json.error, message, body);
    }
    assert.deepEqual((await api(server, 'GET', '/proxies/n/toxics')).json, [], 'a refused toxic is not created');
    // An update is checked the same way and changes nothing when refused.
    await addToxic(server, 'n', { name: 'ok', type: 'latency', attributes: { latency: 5 } });
    const u = await api(server, 'PATCH', '/proxies/n/toxics/ok', '{"attributes":{"latency":5e0}}');
    assert.equal(u.status, 400);
    assert.equal(u.json.error, go('5e0', 'LatencyToxic.latency', 'int64'));
    assert.equal((await api(server, 'GET', '/proxies/n/toxics/ok')).json.attributes.latency, 5);
  });

  test('the largest exact integers and ordinary floats are kept exactly', async () => {
    const echo = await res.echo();
    await addProxy(server, 'n', echo.address);
    const r = await api(server, 'POST', '/proxies/n/toxics', '{"type":"latency","toxicity":0.25,"attributes":{"latency":9007199254740991,"jitter":-9007199254740991}}');
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /"latency":9007199254740991,"jitter":-9007199254740991/);
    assert.equal(r.json.toxicity, 0.25);
  });
});

describe('4. a failed listen update changes nothing', LIMIT, () => {
  test('an invalid or taken address: 500, the proxy keeps its address and its live connections', async () => {
    const echo = await res.echo();
    const port = await addProxy(server, 'u1', echo.address);
    const before = (await api(server, 'GET', '/proxies/u1')).json;
    const live = await res.client(port);
    await roundTrip(live, 'before');
    const taken = await res.peer();
    for (const listen of ['127.0.0.1:99999', 'nonsense', `127.0.0.1:${taken.port}`]) {
      const r = await api(server, 'PATCH', '/proxies/u1', { listen });
      assert.equal(r.status, 500, `${listen}: ${r.text}`);
      assert.match(r.json.error, /^listen tcp/);
      assert.deepEqual((await api(server, 'GET', '/proxies/u1')).json, before, `after ${listen}`);
      await roundTrip(live, `still alive after ${listen}`);
      const fresh = await res.client(port);
      await roundTrip(fresh, 'new connections too');
    }
    // A good address still moves it.
    const moved = await api(server, 'PATCH', '/proxies/u1', { listen: '127.0.0.1:0' });
    assert.equal(moved.status, 200);
    assert.notEqual(moved.json.listen, before.listen);
    await roundTrip(await res.client(Number(moved.json.listen.split(':')[1])), 'at the new address');
  });
});

describe('5. a reset_peer taken out while counting down resets the connection', LIMIT, () => {
  /** Wait until the proxy has read `n` client bytes (from /metrics: no event tells it). */
  async function received(own: ToxiproxyServer, n: number): Promise<void> {
    for (;;) {
      const m = await api(own, 'GET', '/metrics');
      const line = m.text.split('\n').find((l) => l.startsWith('toxiproxy_proxy_received_bytes_total{direction="upstream"'));
      if (line && Number(line.split(' ').pop()) >= n) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  for (const how of ['deleted', 're-rolled away (toxicity 0)'] as const) {
    test(`${how}: the client gets a reset, the server never gets a stream with a hole in it`, async () => {
      const own = await res.server({ proxyMetrics: true });
      const upstream = await res.peer();
      const port = await addProxy(own, 'r', upstream.address);
      await addToxic(own, 'r', { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 2000 } });
      const c = await res.client(port);
      const far = await upstream.nextAccept();
      const farEnd = readToEnd(far);
      const clientEnd = readToEnd(c);
      c.write('AAAA');
      await received(own, 4);
      if (how === 'deleted') await removeToxic(own, 'r', 'reset_peer_upstream');
      else assert.equal((await api(own, 'PATCH', '/proxies/r/toxics/reset_peer_upstream', { toxicity: 0 })).status, 200);
      c.write('BBBB');
      const [ce, fe] = await Promise.all([clientEnd, farEnd]);
      assert.equal(ce.how, 'error:ECONNRESET');
      assert.equal(fe.data.toString(), '', 'BBBB without AAAA must never arrive');
      assert.equal(fe.how, 'error:ECONNRESET');
    });
  }
});

describe('6. a 1-byte slicer on busy traffic does not hold up the server', { timeout: 180_000 }, () => {
  test('512 KB through it: /version and another proxy stay responsive; the data arrives intact', async () => {
    const echo = await res.echo();
    const port = await addProxy(server, 'sliced', echo.address);
    const otherPort = await addProxy(server, 'other', echo.address);
    await addToxic(server, 'sliced', { type: 'slicer', attributes: { average_size: 1, size_variation: 0, delay: 0 } });
    const c = await res.client(port);
    const other = await res.client(otherPort);
    // half a million one-byte slices: seconds of slicing, eight whole 64 KB reads
    const data = randomBytes(512 << 10);
    let done = false;
    const got = readBytes(c, data.length).finally(() => (done = true));
    c.write(data);
    const version: number[] = [];
    const rtt: number[] = [];
    const prober = res.add(await versionProber(server), (p) => p.close());
    while (!done) {
      version.push(await prober.probe());
      rtt.push(await roundTrip(other));
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok((await got).equals(data), 'every byte, in order');
    const summary = `${version.length} probes; /version median ${percentile(version, 50).toFixed(1)} ms, p90 ${percentile(version, 90).toFixed(1)}, max ${Math.max(...version).toFixed(1)}; other proxy median ${percentile(rtt, 50).toFixed(1)}, max ${Math.max(...rtt).toFixed(1)}`;
    console.log(`# slicer load: ${summary}`);
    // Before the fix one turn of the loop sliced a whole 64 KB read: /version took 0.25-4 s.
    assert.ok(version.length >= 5, summary);
    assert.ok(percentile(version, 90) < 50, `most /version probes within 50 ms: ${summary}`);
    assert.ok(Math.max(...version) < 1000, `every /version probe within 1 s: ${summary}`);
    assert.ok(percentile(rtt, 90) < 50, `the other proxy keeps moving: ${summary}`);
  });
});

describe('7. names', LIMIT, () => {
  test('a name too long to address is refused at creation with a clear 400', async () => {
    const echo = await res.echo();
    const long = 'n'.repeat(16_385);
    const r = await api(server, 'POST', '/proxies', { name: long, listen: '127.0.0.1:0', upstream: echo.address });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'proxy name too long: 16385 bytes, at most 1024');
    const p = await api(server, 'POST', '/populate', [{ name: long, listen: '127.0.0.1:0', upstream: echo.address }]);
    assert.equal(p.status, 400);
    assert.deepEqual((await api(server, 'GET', '/proxies')).json, {});
    await addProxy(server, 'short', echo.address);
    const t = await api(server, 'POST', '/proxies/short/toxics', { name: 'é'.repeat(513), type: 'noop' });
    assert.equal(t.status, 400);
    assert.equal(t.json.error, 'toxic name too long: 1026 bytes, at most 1024');
  });

  test('the longest names allowed can be read and deleted, percent-encoded at worst', async () => {
    const echo = await res.echo();
    const name = 'é'.repeat(512); // 1024 bytes, 3072 characters percent-encoded
    const toxic = `${'ü'.repeat(511)}xy`;
    assert.equal((await api(server, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: echo.address })).status, 201);
    const path = `/proxies/${encodeURIComponent(name)}`;
    assert.equal((await api(server, 'POST', `${path}/toxics`, { name: toxic, type: 'noop' })).status, 200);
    assert.equal((await api(server, 'GET', `${path}/toxics/${encodeURIComponent(toxic)}`)).json.name, toxic);
    assert.equal((await api(server, 'DELETE', `${path}/toxics/${encodeURIComponent(toxic)}`)).status, 204);
    assert.equal((await api(server, 'GET', path)).json.name, name);
    assert.equal((await api(server, 'DELETE', path)).status, 204);
  });
});

describe('8. error codes', { timeout: 150_000 }, () => {
  test('20,000-deep JSON is a 400, as Go’s decoder refuses past 10,000', async () => {
    for (const body of ['['.repeat(20_000), '{"a":'.repeat(20_000)]) {
      const r = await api(server, 'POST', '/proxies', body);
      assert.equal(r.status, 400);
      assert.equal(r.json.error, `bad request body: invalid character '${body[0]}' exceeded max depth`);
    }
    assert.equal((await api(server, 'GET', '/version')).status, 200);
  });

  test('a bad %-escape in the path is a 400; an escape that is not UTF-8 just names nothing', async () => {
    for (const method of ['GET', 'DELETE', 'POST']) {
      const r = await rawHttp(server, `${method} /proxies/%ZZ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
      assert.equal(r.status, 400, `${method}: ${r.body}`);
      assert.equal(r.body, '400 Bad Request');
      assert.equal(r.how, 'end', 'closed after the reply, as Go does');
    }
    assert.equal((await rawHttp(server, 'GET /nowhere/%4 HTTP/1.1\r\nHost: x\r\n\r\n')).status, 400);
    const r = await api(server, 'GET', '/proxies/%FF');
    assert.equal(r.status, 404);
    assert.equal(r.json.error, 'proxy not found');
  });

  test('a body over the 4 MB cap gets its 413 (the connection is not reset)', async () => {
    const big = Buffer.alloc((4 << 20) + 1, 'a');
    const head = (extra: string) => `POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}\r\n`;
    const plain = await rawHttp(server, Buffer.concat([Buffer.from(head(`Content-Length: ${big.length}\r\n`)), big]));
    assert.equal(plain.status, 413, `${plain.how} ${plain.body}`);
    assert.equal(plain.how, 'end');
    assert.match(plain.body, /request body too large/);
    // Chunked, so the size is known only once the cap is passed.
    const chunked = await rawHttp(server, head('Transfer-Encoding: chunked\r\n'), async (s) => {
      for (let i = 0; i < 5; i++) s.write(`100000\r\n${'b'.repeat(0x100000)}\r\n`);
      s.write('0\r\n\r\n');
    });
    assert.equal(chunked.status, 413, `${chunked.how} ${chunked.body}`);
    assert.equal(chunked.how, 'end');
    // Expect: 100-continue with a declared size over the cap: refused before the body is sent.
    const expect = await rawHttp(server, head(`Content-Length: ${big.length}\r\nExpect: 100-continue\r\n`));
    assert.equal(expect.status, 413);
    assert.doesNotMatch(expect.body, /100 Continue/);
    assert.equal((await api(server, 'GET', '/proxies')).status, 200);
  });

  test('methods Node’s parser does not know, lower-case ones and CONNECT: 405 like the real server (404 off-route, 403 for a browser)', async () => {
    const cases: Array<[string, number]> = [
      ['FOO /proxies', 405],
      ['get /proxies', 405],
      ['FOO /nowhere', 404],
      ['CONNECT /proxies', 405],
      ['CONNECT example.com:443', 404],
      ['PUT /version', 405],
    ];
    for (const [line, status] of cases) {
      const r = await rawHttp(server, `${line} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, status, `${line}: ${r.status} ${r.body}`);
      assert.match(r.headers['x-toxiproxy-request-id'] ?? '', /^[0-9a-v]{20}$/, line);
    }
    const browser = await rawHttp(server, 'FOO /proxies HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0\r\n\r\n');
    assert.equal(browser.status, 403);
    assert.equal(browser.body, 'User agent not allowed\n');
    // Pipelined behind a good request: answered after it, in order.
    const piped = await rawHttp(server, 'GET /version HTTP/1.1\r\nHost: x\r\n\r\nFOO /proxies HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(piped.status, 200);
    assert.match(piped.body, /^\{"version": "2\.12\.0"\}\nHTTP\/1\.1 405 Method Not Allowed\r\n/);
    const garbage = await rawHttp(server, '\x01\x02 nonsense\r\n\r\n');
    assert.equal(garbage.status, 400);
    assert.equal((await api(server, 'GET', '/version')).status, 200, 'the server is fine after all that');
  });

  test('a request whose client hangs up mid-body gets a 400 and the connection is released at once', async () => {
    const r = await rawHttp(server, 'POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na', (s) => {
      s.end();
    });
    assert.equal(r.status, 400, `${r.how} ${r.body}`);
    assert.equal(r.how, 'end');
  });

  test('an incomplete request is dropped after 15 s, as by the real server (not 60-130 s)', { timeout: 90_000 }, async () => {
    const t0 = performance.now();
    const slowHeaders = rawHttp(server, 'GET /version HTTP/1.1\r\nHost: x\r\n'); // never finished
    const slowBody = rawHttp(server, 'POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na');
    const ended = await Promise.all([slowHeaders, slowBody]);
    for (const r of ended) {
      const at = (performance.now() - t0) / 1000;
      assert.ok(r.ms >= 14_000, `closed after ${r.ms} ms: too early`);
      assert.ok(at < 40, `closed after ${at} s`);
      assert.ok(r.status === 408 || r.status === 0, `status ${r.status}`);
    }
    // Meanwhile the server answered others as usual (checked once more after).
    assert.equal((await api(server, 'GET', '/version')).status, 200);
  });
});

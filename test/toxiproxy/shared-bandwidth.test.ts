/**
 * shared_bandwidth (extension): toxics with one `group` on several proxies draw on one
 * budget. Real sockets: fair shares between streams, the sum within ±10 % of the rate, one
 * stream alone gets it all; add/remove/move mid-stream loses and reorders nothing; the
 * group lives exactly as long as its toxics; bad attributes are a 400 naming what is wrong.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { Toxiproxy } from 'toxiproxy-node-client';
import { addSharedBandwidth, serverExtensions } from '../../src/toxiproxy/extensions.ts';
import type { ToxiproxyServer } from '../../src/toxiproxy/server.ts';
import { addProxy, addToxic, api, perTestServer, prng, readBytes, removeToxic, type Peer, type Resources } from './helpers.ts';

/** No test may hang: a lost byte would otherwise stall a transfer forever. */
const LIMIT = { timeout: 30_000 };

let res: Resources;
let server: ToxiproxyServer;
perTestServer((r, s) => {
  res = r;
  server = s;
});

/** Bytes a peer received on each accepted connection, with the time of each read. */
interface Counted {
  peer: Peer;
  reads: Array<Array<{ at: number; size: number }>>;
}

async function countingPeer(): Promise<Counted> {
  const reads: Counted['reads'] = [];
  const peer = await res.peer((s) => {
    const mine: Array<{ at: number; size: number }> = [];
    reads.push(mine);
    s.on('data', (d: Buffer) => mine.push({ at: performance.now(), size: d.length }));
  });
  return { peer, reads };
}

/** Keep `s` busy: write 64 KB chunks whenever it takes them, until stop() is called. */
function flood(s: Socket): { stop(): void } {
  const chunk = Buffer.alloc(64 << 10, 0x61);
  let stopped = false;
  const pump = () => {
    while (!stopped && s.write(chunk));
  };
  s.on('drain', pump);
  pump();
  return {
    stop() {
      stopped = true;
      s.off('drain', pump);
    },
  };
}

/** Bytes read within [from, to). */
function bytesIn(reads: Array<{ at: number; size: number }>, from: number, to: number): number {
  let n = 0;
  for (const r of reads) if (r.at >= from && r.at < to) n += r.size;
  return n;
}

async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const until = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A proxy per stream to one counting peer, each with a shared_bandwidth toxic (upstream) of `group`. */
async function sharedProxies(n: number, group: string, rate: number): Promise<{ ports: number[]; sink: Counted }> {
  const sink = await countingPeer();
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    ports.push(await addProxy(server, `p${i}`, sink.peer.address));
    await addToxic(server, `p${i}`, { name: 'net', type: 'shared_bandwidth', stream: 'upstream', attributes: { group, rate } });
  }
  return { ports, sink };
}

/** Flood through each port for warm-up + window ms; bytes each stream got in the window. */
async function measure(ports: number[], sink: Counted, warmupMs: number, windowMs: number): Promise<number[]> {
  const clients = await Promise.all(ports.map((p) => res.client(p)));
  const floods = clients.map(flood);
  await waitFor('every stream to arrive', () => sink.reads.length === ports.length && sink.reads.every((r) => r.length > 0));
  const from = performance.now() + warmupMs;
  await sleep(warmupMs + windowMs);
  const to = from + windowMs;
  for (const f of floods) f.stop();
  return sink.reads.map((r) => bytesIn(r, from, to));
}

describe('shared budget over real sockets', LIMIT, () => {
  test('two streams through one 1000 KB/s group: about half each, the sum within ±10 % of the rate', async (t) => {
    const { ports, sink } = await sharedProxies(2, 'rack-r1', 1000);
    const windowMs = 3000;
    const got = await measure(ports, sink, 500, windowMs);
    const total = got[0] + got[1];
    const expected = 1000 * windowMs; // bytes: 1000 KB/s = 1000 bytes/ms
    t.diagnostic(`in ${windowMs} ms: ${got.join(' + ')} = ${total} B (expected ${expected})`);
    assert.ok(Math.abs(total - expected) <= expected * 0.1, `sum ${total} B in ${windowMs} ms, expected ${expected} ±10 %`);
    for (const g of got) assert.ok(g >= total * 0.4 && g <= total * 0.6, `shares ${got.join(' / ')}: each should be about half`);
  });

  test('one stream alone gets the whole rate', async (t) => {
    const { ports, sink } = await sharedProxies(2, 'rack-r1', 1000);
    const windowMs = 2000;
    const [alone] = await measure(ports.slice(0, 1), sink, 300, windowMs);
    const expected = 1000 * windowMs;
    t.diagnostic(`alone: ${alone} B in ${windowMs} ms (expected ${expected})`);
    assert.ok(Math.abs(alone - expected) <= expected * 0.1, `${alone} B in ${windowMs} ms, expected ${expected} ±10 %`);
  });

  test('another group is a budget of its own', async (t) => {
    const sink = await countingPeer();
    const a = await addProxy(server, 'a', sink.peer.address);
    const b = await addProxy(server, 'b', sink.peer.address);
    await addToxic(server, 'a', { type: 'shared_bandwidth', stream: 'upstream', attributes: { group: 'r1', rate: 500 } });
    await addToxic(server, 'b', { type: 'shared_bandwidth', stream: 'upstream', attributes: { group: 'r2', rate: 500 } });
    const windowMs = 2000;
    const got = await measure([a, b], sink, 300, windowMs);
    t.diagnostic(`r1 / r2: ${got.join(' / ')} B in ${windowMs} ms (expected ${500 * windowMs} each)`);
    for (const g of got) assert.ok(Math.abs(g - 500 * windowMs) <= 500 * windowMs * 0.1, `each ~500 KB/s alone: ${got.join(' / ')}`);
  });
});

describe('back-pressure', LIMIT, () => {
  test('a stream whose receiver stops reading does not hold the group up; its bytes all arrive once it reads again', async (t) => {
    const rate = 20_000; // KB/s: fast enough to fill the stalled path's socket buffers within a second
    const stalled: Socket[] = [];
    let stalledBytes = 0;
    const slow = await res.peer((s) => {
      stalled.push(s);
      s.pause();
      s.on('data', (d: Buffer) => (stalledBytes += d.length));
    });
    const fast = await countingPeer();
    const a = await addProxy(server, 'a', slow.address);
    const b = await addProxy(server, 'b', fast.peer.address);
    for (const p of ['a', 'b']) {
      await addToxic(server, p, { name: 'net', type: 'shared_bandwidth', stream: 'upstream', attributes: { group: 'g', rate } });
    }
    const ca = await res.client(a);
    const cb = await res.client(b);
    const total = 4 << 20;
    ca.end(Buffer.alloc(total, 0x41)); // written whole; the proxy and the kernel hold what the receiver does not take
    const stopB = flood(cb);
    await waitFor('b to flow', () => fast.reads.length === 1 && fast.reads[0].length > 0);
    await sleep(1500); // a's path congests: the budget skips it
    const from = performance.now();
    await sleep(1000);
    const got = bytesIn(fast.reads[0], from, from + 1000);
    stopB.stop();
    t.diagnostic(`b alone while a is stalled: ${(got / 1000).toFixed(0)} KB/s of ${rate}`);
    // were the stalled stream still given its turns, b would get about half; 70 % leaves room for a loaded machine
    assert.ok(got >= rate * 1000 * 0.7, `b got ${got} B in 1 s, expected most of ${rate * 1000}, not half`);
    stalled[0].resume();
    await waitFor('a\'s bytes', () => stalledBytes === total, 10_000);
  });
});

describe('lifecycle mid-stream', LIMIT, () => {
  test('add, re-rate, move to another group and remove while data flows: every byte arrives, in order', async () => {
    const echo = await res.echo();
    const port = await addProxy(server, 'p', echo.address);
    await addProxy(server, 'other', echo.address); // a second member, so the group outlives moves
    await addToxic(server, 'other', { name: 'net', type: 'shared_bandwidth', attributes: { group: 'g1', rate: 2000 } });
    const c = await res.client(port);
    const data = Buffer.alloc(3 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
    const back = readBytes(c, data.length);
    let sent = 0;
    const writeSome = (n: number) => {
      c.write(data.subarray(sent, Math.min(data.length, sent + n)));
      sent = Math.min(data.length, sent + n);
    };
    writeSome(256 << 10);
    await addToxic(server, 'p', { name: 'net', type: 'shared_bandwidth', stream: 'downstream', attributes: { group: 'g1', rate: 2000 } });
    writeSome(512 << 10);
    await sleep(100);
    const re = await api(server, 'PATCH', '/proxies/p/toxics/net', { attributes: { rate: 4000 } });
    assert.equal(re.status, 200, re.text);
    writeSome(512 << 10);
    await sleep(100);
    const moved = await api(server, 'PATCH', '/proxies/p/toxics/net', { attributes: { group: 'g2' } });
    assert.equal(moved.status, 200, moved.text);
    writeSome(512 << 10);
    await sleep(100);
    await removeToxic(server, 'p', 'net');
    writeSome(data.length);
    const got = await back;
    assert.equal(got.length, data.length);
    assert.ok(got.equals(data), 'the bytes came back whole and in order');
  });

  test('a connection that ends while its data waits gets every byte, then the end', async () => {
    const sink = await countingPeer();
    const port = await addProxy(server, 'p', sink.peer.address);
    await addToxic(server, 'p', { type: 'shared_bandwidth', stream: 'upstream', attributes: { group: 'g', rate: 100 } });
    const c = await res.client(port);
    const ended = sink.peer.nextAccept().then((s) => once(s, 'end'));
    c.end(Buffer.alloc(50_000, 1)); // ~0.5 s at 100 KB/s
    await ended;
    assert.equal(sink.reads[0].reduce((n, r) => n + r.size, 0), 50_000);
  });
});

describe('churn', LIMIT, () => {
  test('random adds, removes, re-rates, moves and re-rolls across proxies while 4 echo streams flow: every byte back in order, no group left', async (t) => {
    const seed = Number(process.env.SHARED_SEED ?? 1212);
    t.diagnostic(`seed ${seed} (replay: SHARED_SEED=${seed})`);
    const rand = prng(seed);
    const echo = await res.echo();
    const proxies = ['c0', 'c1', 'c2', 'c3'];
    const ports: number[] = [];
    for (const p of proxies) ports.push(await addProxy(server, p, echo.address));
    const rates: Record<string, number> = { g1: 3000, g2: 5000 };
    const present = new Map<string, { proxy: string; name: string; group: string }>();
    const size = 1 << 20;
    const transfers = await Promise.all(
      ports.map(async (port, k) => {
        const c = await res.client(port);
        const data = Buffer.alloc(size);
        for (let i = 0; i < size; i++) data[i] = (i * 31 + k * 7 + (i >> 9)) & 0xff;
        const back = readBytes(c, size);
        return { c, data, back, sent: 0 };
      }),
    );
    for (let step = 0; step < 60; step++) {
      for (const tr of transfers) {
        const n = Math.min(size - tr.sent, 16 << 10);
        tr.c.write(tr.data.subarray(tr.sent, tr.sent + n));
        tr.sent += n;
      }
      const proxy = proxies[Math.floor(rand() * proxies.length)];
      const stream = rand() < 0.5 ? 'upstream' : 'downstream';
      const name = `s-${stream}`;
      const key = `${proxy}/${name}`;
      const have = present.get(key);
      const group = rand() < 0.5 ? 'g1' : 'g2';
      const r = rand();
      if (!have) {
        const toxicity = rand() < 0.2 ? 0.5 : 1;
        await addToxic(server, proxy, { name, type: 'shared_bandwidth', stream, toxicity, attributes: { group, rate: rates[group] } });
        present.set(key, { proxy, name, group });
      } else if (r < 0.35) {
        await removeToxic(server, proxy, name);
        present.delete(key);
      } else if (r < 0.6) {
        rates[have.group] = 1000 + Math.floor(rand() * 8) * 1000;
        const u = await api(server, 'PATCH', `/proxies/${proxy}/toxics/${name}`, { attributes: { rate: rates[have.group] } });
        assert.equal(u.status, 200, u.text);
      } else if (r < 0.85) {
        const u = await api(server, 'PATCH', `/proxies/${proxy}/toxics/${name}`, { attributes: { group, rate: rates[group] } });
        assert.equal(u.status, 200, u.text);
        have.group = group;
      } else {
        const u = await api(server, 'PATCH', `/proxies/${proxy}/toxics/${name}`, { toxicity: rand() < 0.5 ? 0.5 : 1 });
        assert.equal(u.status, 200, u.text);
      }
      // a group's rate is forgotten with its last toxic
      for (const g of Object.keys(rates)) if (![...present.values()].some((x) => x.group === g)) rates[g] = g === 'g1' ? 3000 : 5000;
      await sleep(10);
    }
    for (const tr of transfers) {
      tr.c.write(tr.data.subarray(tr.sent));
      tr.sent = size;
    }
    const got = await Promise.all(transfers.map((tr) => tr.back));
    got.forEach((g, k) => assert.ok(g.equals(transfers[k].data), `stream ${k}: every byte back, in order`));
    for (const x of present.values()) await removeToxic(server, x.proxy, x.name);
    assert.deepEqual(server.groups.names(), []);
  });

  test('group names that are JavaScript object keys are ordinary names', async () => {
    const echo = await res.echo();
    const port = await addProxy(server, 'p', echo.address);
    for (const group of ['__proto__', 'constructor', 'toString', 'é 漢 /%']) {
      await addToxic(server, 'p', { name: group, type: 'shared_bandwidth', attributes: { group, rate: 50_000 } });
    }
    assert.deepEqual(server.groups.names(), ['__proto__', 'constructor', 'toString', 'é 漢 /%']);
    const c = await res.client(port);
    const msg = Buffer.alloc(100_000, 7);
    const back = readBytes(c, msg.length);
    c.write(msg);
    assert.ok((await back).equals(msg));
    await api(server, 'POST', '/reset');
    assert.deepEqual(server.groups.names(), []);
  });
});

describe('the group lives as long as its toxics', LIMIT, () => {
  test('removing the last toxic drops the group; deleting a proxy or reset drops its toxics\' membership', async () => {
    const echo = await res.echo();
    await addProxy(server, 'a', echo.address);
    await addProxy(server, 'b', echo.address);
    const attrs = { group: 'rack-r1', rate: 2000 };
    await addToxic(server, 'a', { name: 'x', type: 'shared_bandwidth', attributes: attrs });
    await addToxic(server, 'b', { name: 'y', type: 'shared_bandwidth', stream: 'upstream', attributes: attrs });
    assert.deepEqual(server.groups.names(), ['rack-r1']);
    await removeToxic(server, 'a', 'x');
    assert.deepEqual(server.groups.names(), ['rack-r1'], 'y still uses it');
    await removeToxic(server, 'b', 'y');
    assert.deepEqual(server.groups.names(), []);

    await addToxic(server, 'a', { name: 'x', type: 'shared_bandwidth', attributes: attrs });
    assert.equal((await api(server, 'DELETE', '/proxies/a')).status, 204);
    assert.deepEqual(server.groups.names(), [], 'deleting the proxy dropped it');

    await addToxic(server, 'b', { name: 'y', type: 'shared_bandwidth', attributes: attrs });
    assert.equal((await api(server, 'POST', '/reset')).status, 204);
    assert.deepEqual(server.groups.names(), [], 'reset dropped it');

    await addToxic(server, 'b', { name: 'y', type: 'shared_bandwidth', attributes: attrs });
    const replaced = await api(server, 'POST', '/populate', [{ name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }]);
    assert.equal(replaced.status, 201, replaced.text);
    assert.deepEqual(server.groups.names(), [], 'populate replacing the proxy dropped it');
  });

  test('moving the only member to another group drops the old one', async () => {
    const echo = await res.echo();
    await addProxy(server, 'a', echo.address);
    await addToxic(server, 'a', { name: 'x', type: 'shared_bandwidth', attributes: { group: 'old', rate: 10 } });
    const r = await api(server, 'PATCH', '/proxies/a/toxics/x', { attributes: { group: 'new' } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(server.groups.names(), ['new']);
  });
});

describe('API', LIMIT, () => {
  test('JSON shape; a member\'s rate update re-rates the group (every member shows it)', async () => {
    const echo = await res.echo();
    await addProxy(server, 'a', echo.address);
    await addProxy(server, 'b', echo.address);
    const x = await addToxic(server, 'a', { name: 'x', type: 'shared_bandwidth', attributes: { group: 'rack-r1', rate: 2000 } });
    assert.deepEqual(x, { attributes: { group: 'rack-r1', rate: 2000 }, name: 'x', type: 'shared_bandwidth', stream: 'downstream', toxicity: 1 });
    await addToxic(server, 'b', { name: 'y', type: 'shared_bandwidth', attributes: { group: 'rack-r1', rate: 2000 } });
    const up = await api(server, 'PATCH', '/proxies/b/toxics/y', { attributes: { rate: 500 } });
    assert.equal(up.status, 200, up.text);
    assert.deepEqual(up.json.attributes, { group: 'rack-r1', rate: 500 });
    assert.deepEqual((await api(server, 'GET', '/proxies/a/toxics/x')).json.attributes, { group: 'rack-r1', rate: 500 });
    assert.equal(server.groups.bucket('rack-r1').rateKBps, 500);
  });

  test('bad attributes: 400 naming what is wrong, and nothing changes', async () => {
    const echo = await res.echo();
    await addProxy(server, 'a', echo.address);
    await addProxy(server, 'b', echo.address);
    const post = (proxy: string, attributes: unknown, name = 'n') =>
      api(server, 'POST', `/proxies/${proxy}/toxics`, { name, type: 'shared_bandwidth', attributes });
    const refused = async (r: Awaited<ReturnType<typeof post>>, pattern: RegExp) => {
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error, pattern);
    };
    await refused(await post('a', { rate: 100 }), /^shared_bandwidth needs attributes\.group: the name of the budget/);
    await refused(await post('a', null), /needs attributes\.group/);
    await refused(await post('a', { group: 'g' }), /^shared_bandwidth group "g" needs attributes\.rate > 0 \(KB\/s\), got 0$/);
    await refused(await post('a', { group: 'g', rate: -5 }), /got -5$/);
    await refused(
      await post('a', { group: 7, rate: 1 }),
      /^bad request body: json: cannot unmarshal number into Go struct field SharedBandwidthToxic\.group of type string$/,
    );
    await refused(await post('a', { group: 'x'.repeat(1025), rate: 1 }), /group name too long: 1025 bytes, at most 1024/);
    assert.deepEqual((await api(server, 'GET', '/proxies/a/toxics')).json, []);
    assert.deepEqual(server.groups.names(), []);

    await addToxic(server, 'a', { name: 'x', type: 'shared_bandwidth', attributes: { group: 'g', rate: 100 } });
    await refused(
      await post('b', { group: 'g', rate: 200 }),
      /^shared_bandwidth group "g" is limited to 100 KB\/s \(toxic "x" on proxy "a"\); a toxic joining it must give that rate, not 200/,
    );
    assert.deepEqual((await api(server, 'GET', '/proxies/b/toxics')).json, []);
    await refused(await api(server, 'PATCH', '/proxies/a/toxics/x', { attributes: { rate: 0 } }), /needs attributes\.rate > 0/);
    await refused(await api(server, 'PATCH', '/proxies/a/toxics/x', { attributes: { group: '' } }), /needs attributes\.group/);
    assert.deepEqual((await api(server, 'GET', '/proxies/a/toxics/x')).json.attributes, { group: 'g', rate: 100 }, 'unchanged');

    // moving into a group of another rate is refused too
    await addToxic(server, 'b', { name: 'y', type: 'shared_bandwidth', attributes: { group: 'h', rate: 300 } });
    await refused(await api(server, 'PATCH', '/proxies/b/toxics/y', { attributes: { group: 'g' } }), /limited to 100 KB\/s/);
    assert.deepEqual(server.groups.names(), ['g', 'h']);
  });

  test('toxiproxy-node-client posts the type as given, but drops the server\'s reason for a refusal (why extensions.ts exists)', async () => {
    const echo = await res.echo();
    await addProxy(server, 'a', echo.address);
    const proxy = await new Toxiproxy(server.url).get('a');
    const body = (rate: number) => ({ name: `n${rate}`, type: 'shared_bandwidth' as never, stream: 'downstream' as const, toxicity: 1, attributes: { group: 'g', rate } as never });
    const toxic = await proxy.addToxic(body(100));
    assert.deepEqual(toxic.attributes, { group: 'g', rate: 100 });
    await assert.rejects(proxy.addToxic(body(200)), { message: 'Request failed with status code 400' });
    await assert.rejects(addSharedBandwidth(server.url, 'a', { name: 'x', stream: 'upstream', group: 'g', rate: 200 }), {
      message: 'adding shared_bandwidth "x" to proxy "a": shared_bandwidth group "g" is limited to 100 KB/s (toxic "n100" on proxy "a"); ' +
        'a toxic joining it must give that rate, not 200 (to change the group\'s rate, update one of its toxics) (HTTP 400)',
    });
    assert.deepEqual([...(await serverExtensions(server.url))], ['shared_bandwidth']);
  });

  test('GET /version carries the extensions marker (the body is the real server\'s)', async () => {
    const r = await api(server, 'GET', '/version');
    assert.equal(r.text, '{"version": "2.12.0"}\n');
    assert.equal(r.headers.get('x-ftchaos-extensions'), 'shared_bandwidth');
  });
});

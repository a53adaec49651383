/**
 * Data integrity: a large random transfer through latency + slicer arrives byte-exact, and
 * toxics added, updated and removed while data flows lose nothing and never hang the API.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import type { ToxiproxyServer } from '../../src/toxiproxy/server.ts';
import { addProxy, addToxic, api, perTestServer, readToEnd, type Resources } from './helpers.ts';

/** No test may hang: a lost byte would otherwise stall a transfer forever. */
const LIMIT = { timeout: 60_000 };

let res: Resources;
let server: ToxiproxyServer;
perTestServer((r, s) => {
  res = r;
  server = s;
});

/** Write `data` in 64 KB pieces, honouring backpressure, then half-close. */
async function writeAll(s: Socket, data: Buffer): Promise<void> {
  for (let off = 0; off < data.length; off += 65536) {
    if (!s.write(data.subarray(off, off + 65536))) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => { s.off('error', onError); resolve(); };
        const onError = (e: Error) => { s.off('drain', onDrain); reject(e); };
        s.once('drain', onDrain);
        s.once('error', onError);
      });
    }
  }
  s.end();
}

/** Hash and count what arrives until the peer ends. */
function digestUntilEnd(s: Socket): Promise<{ bytes: number; sha: string }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let bytes = 0;
    s.on('data', (d: Buffer) => {
      h.update(d);
      bytes += d.length;
    });
    s.once('end', () => resolve({ bytes, sha: h.digest('hex') }));
    s.once('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('8 MB of random bytes through latency + slicer, both directions: byte-exact', LIMIT, async () => {
  const echo = await res.echo();
  const port = await addProxy(server, 'p', echo.address);
  await addToxic(server, 'p', { type: 'latency', stream: 'upstream', attributes: { latency: 5, jitter: 2 } });
  await addToxic(server, 'p', { type: 'slicer', stream: 'upstream', attributes: { average_size: 1500, size_variation: 700, delay: 0 } });
  await addToxic(server, 'p', { type: 'slicer', stream: 'downstream', attributes: { average_size: 900, size_variation: 400, delay: 10 } });
  await addToxic(server, 'p', { type: 'latency', stream: 'downstream', attributes: { latency: 3, jitter: 3 } });
  const data = randomBytes(8 << 20);
  const c = await res.client(port);
  const got = digestUntilEnd(c);
  await writeAll(c, data);
  const r = await got;
  assert.equal(r.bytes, data.length);
  assert.equal(r.sha, sha(data));
});

test('adding, updating and removing toxics mid-stream loses no byte and never hangs the API', LIMIT, async () => {
  const echo = await res.echo();
  const port = await addProxy(server, 'p', echo.address);
  // A steady limit upstream keeps the transfer going for a while (~1 s) so that many
  // changes land while bytes are inside the chain.
  await addToxic(server, 'p', { name: 'bw_base', type: 'bandwidth', stream: 'upstream', attributes: { rate: 24000 } });
  const data = randomBytes(24 << 20);
  const c = await res.client(port);
  const got = digestUntilEnd(c);
  let finished = false;
  const transfer = (async () => {
    await writeAll(c, data);
    return got;
  })().finally(() => (finished = true));

  const ops: Array<[string, string, unknown?]> = [
    ['POST', '/proxies/p/toxics', { name: 'lat_down', type: 'latency', attributes: { latency: 20, jitter: 5 } }],
    ['POST', '/proxies/p/toxics', { name: 'slice_up', type: 'slicer', stream: 'upstream', attributes: { average_size: 700, size_variation: 300, delay: 50 } }],
    ['POST', '/proxies/p/toxics', { name: 'bw_down', type: 'bandwidth', attributes: { rate: 40000 } }],
    ['POST', '/proxies/p/toxics', { name: 'noop_up', type: 'noop', stream: 'upstream' }],
    ['PATCH', '/proxies/p/toxics/lat_down', { attributes: { latency: 2 } }],
    ['POST', '/proxies/p/toxics', { name: 'lat_up', type: 'latency', stream: 'upstream', toxicity: 0.5, attributes: { latency: 30 } }],
    ['DELETE', '/proxies/p/toxics/slice_up'],
    ['POST', '/proxies/p/toxics', { name: 'slow_down', type: 'slow_close', attributes: { delay: 10 } }],
    ['DELETE', '/proxies/p/toxics/lat_down'],
    ['PATCH', '/proxies/p/toxics/bw_down', { attributes: { rate: 200000 } }],
    ['DELETE', '/proxies/p/toxics/noop_up'],
    ['POST', '/proxies/p/toxics', { name: 'slice_down', type: 'slicer', attributes: { average_size: 4000, size_variation: 1000, delay: 0 } }],
    ['DELETE', '/proxies/p/toxics/bw_down'],
    ['DELETE', '/proxies/p/toxics/lat_up'],
    ['DELETE', '/proxies/p/toxics/slow_down'],
    ['DELETE', '/proxies/p/toxics/slice_down'],
  ];
  let callsDuringTransfer = 0;
  let slowest = 0;
  // Keep changing the chain for as long as the transfer runs (at least one full round).
  for (let round = 0; round < 50 && (round === 0 || !finished); round++) {
    for (const [method, path, body] of ops) {
      const t0 = performance.now();
      const r = await api(server, method, path, body);
      slowest = Math.max(slowest, performance.now() - t0);
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
      if (!finished) callsDuringTransfer++;
    }
  }
  const r = await transfer;
  assert.equal(r.bytes, data.length, 'every byte came back');
  assert.equal(r.sha, sha(data), 'in order and unchanged');
  assert.ok(slowest < 2000, `an API call took ${slowest.toFixed(0)} ms while data flowed`);
  assert.ok(callsDuringTransfer >= 2 * ops.length, `only ${callsDuringTransfer} changes landed during the transfer`);
});

test('a half-close passes through: the server still answers after the client has finished sending', LIMIT, async () => {
  const peer = await res.peer((s) => {
    const parts: Buffer[] = [];
    s.on('data', (d) => parts.push(d));
    s.on('end', () => s.end(`got ${Buffer.concat(parts).length} bytes`));
  });
  const port = await addProxy(server, 'p', peer.address);
  await addToxic(server, 'p', { type: 'latency', stream: 'upstream', attributes: { latency: 20 } });
  const c = await res.client(port);
  const reply = new Promise<string>((resolve) => {
    const parts: Buffer[] = [];
    c.on('data', (d) => parts.push(d));
    c.once('end', () => resolve(Buffer.concat(parts).toString()));
  });
  c.end(Buffer.alloc(12345));
  assert.equal(await reply, 'got 12345 bytes');
});

test('an unreachable upstream closes the client', LIMIT, async () => {
  const dead = await res.peer();
  const upstream = dead.address;
  await dead.close();
  const port = await addProxy(server, 'p', upstream);
  const c = await res.client(port);
  const got = await readToEnd(c);
  assert.ok(['end', 'close', 'error:ECONNRESET'].includes(got.how), got.how);
  assert.equal(got.data.length, 0);
});

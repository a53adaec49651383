/**
 * limitSharedNetwork over real sockets with the embedded server: the links of two "pairs"
 * through one budget (sum within ±10 % of the rate), setRate and heal for the whole group,
 * bad input refused naming the value, a failed add undone, and a server without the
 * extension (answering GET /version as the real Toxiproxy does) refused before anything is added.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Toxiproxy } from 'toxiproxy-node-client';
import { limitSharedNetwork } from '../../src/faults/shared-network.ts';
import { connectToxiproxy } from '../../src/toxiproxy/connect.ts';
import type { ToxiproxyServer } from '../../src/toxiproxy/server.ts';
import { addProxy, api, assertNoOpenSockets, Resources } from '../toxiproxy/helpers.ts';
import { flood } from '../support/flood.ts';

const LIMIT = { timeout: 30_000 };

let res: Resources;
let server: ToxiproxyServer;
let client: Toxiproxy;
beforeEach(async () => {
  res = new Resources();
  server = await res.server();
  client = new Toxiproxy(server.url);
});
afterEach(async () => {
  await res.closeAll();
  await assertNoOpenSockets();
});

const toxicsOf = async (proxy: string) => (await api(server, 'GET', `/proxies/${proxy}/toxics`)).json as any[];

describe('limitSharedNetwork', LIMIT, () => {
  test('the replication proxies of two pairs share one budget; setRate re-rates all; heal removes every toxic', async (t) => {
    let received = 0;
    let first = 0;
    const sink = await res.peer((s) =>
      s.on('data', (d: Buffer) => {
        first ||= performance.now();
        received += d.length;
      }),
    );
    const names = ['p1.repl.to-a', 'p1.repl.to-b', 'p2.repl.to-a', 'p2.repl.to-b'];
    const ports: number[] = [];
    for (const n of names) ports.push(await addProxy(server, n, sink.address));

    const limit = await limitSharedNetwork(client, 'rack-r1', names, 1000);
    assert.equal(limit.toxics.length, 8, 'both streams of the four proxies');
    assert.deepEqual(server.groups.names(), ['rack-r1']);
    for (const n of names) {
      const toxics = await toxicsOf(n);
      assert.deepEqual(toxics.map((x) => [x.type, x.stream, x.attributes]).sort(), [
        ['shared_bandwidth', 'downstream', { group: 'rack-r1', rate: 1000 }],
        ['shared_bandwidth', 'upstream', { group: 'rack-r1', rate: 1000 }],
      ]);
    }

    // two pairs' checkpoint streams at once: together no more than the rack's rate
    const clients = [await res.client(ports[1]), await res.client(ports[3])];
    const stops = clients.map((c) => flood(c));
    while (first === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 300));
    const from = { at: performance.now(), bytes: received };
    await new Promise((r) => setTimeout(r, 2000));
    const kbps = (received - from.bytes) / (performance.now() - from.at);
    stops.forEach((stop) => stop());
    t.diagnostic(`two streams through rack-r1 (1000 KB/s): ${kbps.toFixed(0)} KB/s together`);
    assert.ok(kbps > 900 && kbps < 1100, `together ${kbps.toFixed(0)} KB/s, expected 1000 ±10 %`);

    await limit.setRate(2000);
    assert.equal(limit.rateKBps, 2000);
    for (const n of names) for (const x of await toxicsOf(n)) assert.equal(x.attributes.rate, 2000, `${n} ${x.name}`);

    await limit.heal();
    assert.deepEqual(limit.toxics, []);
    for (const n of names) assert.deepEqual(await toxicsOf(n), [], n);
    assert.deepEqual(server.groups.names(), [], 'the group went with its last toxic');
    await limit.heal(); // idempotent
    await assert.rejects(limit.setRate(10), /setRate after heal/);
  });

  test('one stream of a proxy as a target; through the harness connection (embedded thread)', async () => {
    const tp = await connectToxiproxy({ url: '' });
    try {
      const p = await tp.client.createProxy({ name: 'only', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      const limit = await limitSharedNetwork(tp, 'g', [{ proxy: p.name, stream: 'upstream' }], 300);
      const toxics = (await (await fetch(`${tp.url}/proxies/only/toxics`)).json()) as any[];
      assert.deepEqual(toxics.map((x) => [x.name, x.stream, x.attributes]), [
        ['ftchaos-shared-g-upstream', 'upstream', { group: 'g', rate: 300 }],
      ]);
      await limit.heal();
    } finally {
      await tp.close();
    }
  });

  test('bad input is refused naming the value and what is allowed', async () => {
    await addProxy(server, 'a', '127.0.0.1:9');
    await assert.rejects(limitSharedNetwork(client, 'g', ['a'], 0), /rate 0 KB\/s is not allowed: give a number of KB\/s of at least 1/);
    await assert.rejects(limitSharedNetwork(client, 'g', ['a'], Number.NaN), /rate NaN KB\/s is not allowed/);
    await assert.rejects(limitSharedNetwork(client, ' ', ['a'], 10), /group " " is not allowed: give the budget a name/);
    await assert.rejects(limitSharedNetwork(client, 'g', [], 10), /limitSharedNetwork\("g"\): no targets/);
    await assert.rejects(
      limitSharedNetwork(client, 'g', [{ proxy: 'a', stream: 'sideways' as never }], 10),
      /target \{"proxy":"a","stream":"sideways"\} is not allowed: give a proxy name or \{ proxy, stream/,
    );
    assert.deepEqual(await toxicsOf('a'), []);
  });

  test('a target that cannot take the toxic: the error names it, and what was added is taken away', async () => {
    await addProxy(server, 'a', '127.0.0.1:9');
    await assert.rejects(
      limitSharedNetwork(client, 'g', ['a', 'missing'], 10),
      /limitSharedNetwork\("g"\): adding shared_bandwidth "ftchaos-shared-g-(up|down)stream" to proxy "missing": proxy not found \(HTTP 404\)/,
    );
    assert.deepEqual(await toxicsOf('a'), []);
    assert.deepEqual(server.groups.names(), []);

    // a group already running at another rate
    await limitSharedNetwork(client, 'rack', ['a'], 10);
    await addProxy(server, 'b', '127.0.0.1:9');
    await assert.rejects(limitSharedNetwork(client, 'rack', ['b'], 20), /is limited to 10 KB\/s .* not 20/);
    assert.deepEqual(await toxicsOf('b'), []);
  });

  test('a real Toxiproxy (no extension marker on GET /version) is refused before anything is added', async () => {
    const seen: string[] = [];
    const real = createServer((req, reply) => {
      seen.push(`${req.method} ${req.url}`);
      // the real v2.12 server's answer: no X-Ftchaos-Extensions header
      if (req.url === '/version') {
        reply.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
        reply.end('{"version": "2.12.0"}\n');
      } else {
        reply.writeHead(404);
        reply.end();
      }
    });
    real.listen(0, '127.0.0.1');
    await once(real, 'listening');
    res.add(real, (s) => new Promise<void>((done) => {
      s.closeAllConnections();
      s.close(() => done());
    }));
    const url = `http://127.0.0.1:${(real.address() as { port: number }).port}`;
    await assert.rejects(
      limitSharedNetwork(new Toxiproxy(url), 'rack-r1', ['p1.repl.to-a'], 2000),
      (err: Error) => {
        assert.equal(
          err.message,
          `a shared bandwidth budget across proxies is an extension of ftchaos's embedded Toxiproxy; the real Toxiproxy at ${url} ` +
            'cannot do it (it limits each proxy on its own). Unset TOXIPROXY_URL to use the embedded server, or point it at `ftchaos toxiproxy`.',
        );
        return true;
      },
    );
    assert.deepEqual(seen, ['GET /version'], 'nothing was posted');
  });
});

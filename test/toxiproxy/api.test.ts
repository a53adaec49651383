/**
 * Conformance of the HTTP API with the real Toxiproxy server (v2.12): driven through
 * toxiproxy-node-client (every method it has) and raw HTTP for the rest.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Toxiproxy, ToxiproxyError, Proxy, Toxic } from 'toxiproxy-node-client';
import type { ToxiproxyServer } from '../../src/toxiproxy/server.ts';
import { addProxy, api, assertNoOpenSockets, client, closeSocket, echoPeer, readBytes, withServer, type Peer } from './helpers.ts';

/** No test may hang: a lost byte would otherwise stall a transfer forever. */
const LIMIT = { timeout: 30_000 };

const XID = /^[0-9a-v]{20}$/;

let server: ToxiproxyServer;
let echo: Peer;
let tp: Toxiproxy;

beforeEach(async () => {
  echo = await echoPeer();
  server = await withServer({ proxyMetrics: true });
  tp = new Toxiproxy(server.url);
});
afterEach(async () => {
  await server.close();
  await echo.close();
  await assertNoOpenSockets();
});

async function rejectsWithStatus(p: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err instanceof ToxiproxyError, `expected ToxiproxyError, got ${err}`);
    assert.equal(err.message, `Request failed with status code ${status}`);
    return true;
  });
}

describe('through toxiproxy-node-client', LIMIT, () => {
  test('getVersion returns the version document', async () => {
    const text = await tp.getVersion();
    assert.deepEqual(JSON.parse(text), { version: '2.12.0' });
  });

  test('createProxy resolves port 0, and the proxy carries traffic', async () => {
    const proxy = await tp.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: echo.address });
    assert.ok(proxy instanceof Proxy);
    assert.equal(proxy.name, 'redis');
    assert.match(proxy.listen, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(proxy.listen, '127.0.0.1:0');
    assert.equal(proxy.upstream, echo.address);
    assert.equal(proxy.enabled, true);
    assert.deepEqual(proxy.toJson(), { enabled: true, listen: proxy.listen, name: 'redis', upstream: echo.address });
    assert.equal(proxy.getHost(), server.url);
    assert.equal(proxy.getToxiproxy(), tp);
    assert.equal(tp.getApi(), proxy.api);
    assert.equal(proxy.getPath(), `${server.url}/proxies/redis`);
    const c = await client(Number(proxy.listen.split(':')[1]));
    c.write('ping');
    assert.equal((await readBytes(c, 4)).toString(), 'ping');
    await closeSocket(c);
  });

  test('createProxy with "localhost:0" listens on 127.0.0.1', async () => {
    const proxy = await tp.createProxy({ name: 'lh', listen: 'localhost:0', upstream: echo.address });
    assert.match(proxy.listen, /^127\.0\.0\.1:\d+$/);
  });

  test('createProxy of an existing name is a 409', async () => {
    await tp.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: echo.address });
    await rejectsWithStatus(tp.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: echo.address }), 409);
  });

  test('get, getAll', async () => {
    await tp.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: echo.address });
    await tp.createProxy({ name: 'b', listen: '127.0.0.1:0', upstream: echo.address, enabled: false });
    const a = await tp.get('a');
    assert.equal(a.name, 'a');
    assert.equal(a.enabled, true);
    const all = await tp.getAll();
    assert.deepEqual(Object.keys(all).sort(), ['a', 'b']);
    assert.ok(all.b instanceof Proxy);
    assert.equal(all.b.enabled, false);
    assert.equal(all.b.listen, '127.0.0.1:0', 'a disabled proxy never listened: its listen stays as given');
    await rejectsWithStatus(tp.get('missing'), 404);
  });

  test('populate creates, is idempotent, and replaces a changed proxy', async () => {
    const body = [
      { name: 'p1', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'p2', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ];
    const first = await tp.populate(body);
    assert.deepEqual(Object.keys(first).sort(), ['p1', 'p2']);
    assert.equal(first.p1.enabled, true);
    assert.equal(first.p2.enabled, false);
    const p1 = await tp.get('p1');
    await p1.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } });

    const again = await tp.populate(body);
    assert.equal(again.p1.listen, first.p1.listen, 'same config: the proxy is kept (same port)');
    const raw = await api(server, 'GET', '/proxies/p1');
    assert.equal(raw.json.toxics.length, 1, 'kept with its toxics');

    const changed = await tp.populate([{ name: 'p1', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }]);
    assert.equal(changed.p1.upstream, '127.0.0.1:1');
    assert.deepEqual((await api(server, 'GET', '/proxies/p1')).json.toxics, [], 'replaced: a new proxy');
  });

  test('proxy.update disables, re-enables on the same port, changes upstream', async () => {
    const proxy = await tp.createProxy({ name: 'u', listen: '127.0.0.1:0', upstream: echo.address });
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(disabled.enabled, false);
    assert.equal(disabled.listen, proxy.listen);
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(enabled.enabled, true);
    assert.equal(enabled.listen, proxy.listen, 're-listens on the same port');
    const moved = await enabled.update({ enabled: true, listen: '127.0.0.1:0', upstream: '127.0.0.1:2' });
    assert.equal(moved.upstream, '127.0.0.1:2');
    assert.equal(moved.enabled, true);
  });

  test('proxy.remove deletes; a second remove is a 404', async () => {
    const proxy = await tp.createProxy({ name: 'r', listen: '127.0.0.1:0', upstream: echo.address });
    await proxy.remove();
    await rejectsWithStatus(tp.get('r'), 404);
    await rejectsWithStatus(proxy.remove(), 404);
  });

  test('addToxic, getToxic, toxic.update (merge), toxic.remove', async () => {
    const proxy = await tp.createProxy({ name: 't', listen: '127.0.0.1:0', upstream: echo.address });
    const toxic = await proxy.addToxic({
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 0.5,
      attributes: { latency: 100, jitter: 10 },
    });
    assert.ok(toxic instanceof Toxic);
    assert.deepEqual(toxic.toJson(), {
      attributes: { latency: 100, jitter: 10 },
      name: 'slow',
      stream: 'upstream',
      toxicity: 0.5,
      type: 'latency',
    });
    assert.equal(toxic.getPath(), `${server.url}/proxies/t/toxics/slow`);
    const got = await proxy.getToxic<{ latency: number; jitter: number }>('slow');
    assert.deepEqual(got.toJson(), toxic.toJson());
    const updated = await got.update({
      name: 'slow',
      type: 'latency',
      stream: 'upstream',
      toxicity: 1,
      attributes: { latency: 200 } as never,
    });
    assert.deepEqual(updated.attributes, { latency: 200, jitter: 10 }, 'attributes merged');
    assert.equal(updated.toxicity, 1);
    await updated.remove();
    await rejectsWithStatus(proxy.getToxic('slow'), 404);
    await rejectsWithStatus(updated.remove(), 404);
  });

  test('addToxic defaults: stream downstream, toxicity 1, name <type>_<stream>, zero attributes', async () => {
    const proxy = await tp.createProxy({ name: 'd', listen: '127.0.0.1:0', upstream: echo.address });
    const t = await proxy.addToxic({ type: 'slicer' } as never);
    assert.deepEqual(t.toJson(), {
      attributes: { average_size: 0, size_variation: 0, delay: 0 },
      name: 'slicer_downstream',
      stream: 'downstream',
      toxicity: 1,
      type: 'slicer',
    });
    await rejectsWithStatus(proxy.addToxic({ type: 'slicer' } as never), 409);
    await rejectsWithStatus(proxy.addToxic({ type: 'nope' } as never), 400);
  });

  test('reset enables every proxy and removes every toxic', async () => {
    const proxy = await tp.createProxy({ name: 'x', listen: '127.0.0.1:0', upstream: echo.address });
    await proxy.addToxic({ type: 'latency', attributes: { latency: 1 } } as never);
    await proxy.addToxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } } as never);
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await tp.reset();
    const after = (await api(server, 'GET', '/proxies/x')).json;
    assert.equal(after.enabled, true);
    assert.equal(after.listen, proxy.listen);
    assert.deepEqual(after.toxics, []);
  });
});

describe('through raw HTTP', LIMIT, () => {
  test('every response carries an X-Toxiproxy-Request-Id (xid), unique per request', async () => {
    const ids = new Set<string>();
    for (const [method, path] of [
      ['GET', '/version'],
      ['GET', '/proxies'],
      ['GET', '/nope'],
      ['DELETE', '/version'],
      ['GET', '/proxies/missing'],
      ['POST', '/reset'],
      ['GET', '/metrics'],
    ]) {
      const r = await api(server, method, path);
      const id = r.headers.get('x-toxiproxy-request-id');
      assert.match(id ?? '', XID, `${method} ${path}`);
      ids.add(id!);
    }
    const r = await api(server, 'GET', '/version', undefined, { 'User-Agent': 'Mozilla/5.0 (X11)' });
    assert.match(r.headers.get('x-toxiproxy-request-id') ?? '', XID);
    ids.add(r.headers.get('x-toxiproxy-request-id')!);
    assert.equal(ids.size, 8);
  });

  test('a browser (User-Agent Mozilla/...) is refused with 403', async () => {
    const r = await api(server, 'POST', '/proxies', { name: 'evil', upstream: echo.address }, { 'User-Agent': 'Mozilla/5.0' });
    assert.equal(r.status, 403);
    assert.equal(r.text, 'User agent not allowed\n');
    assert.equal((await api(server, 'GET', '/proxies')).text, '{}');
  });

  test('GET /version', async () => {
    const r = await api(server, 'GET', '/version');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json;charset=utf-8');
    assert.equal(r.text, '{"version": "2.12.0"}\n');
  });

  test('proxy JSON shape and field order; GET /proxies keyed by name', async () => {
    const c = await api(server, 'POST', '/proxies', { name: 'shape', listen: '127.0.0.1:0', upstream: echo.address });
    assert.equal(c.status, 201);
    assert.equal(c.headers.get('content-type'), 'application/json');
    assert.deepEqual(Object.keys(c.json), ['name', 'listen', 'upstream', 'enabled', 'toxics']);
    const all = await api(server, 'GET', '/proxies');
    assert.deepEqual(all.json, { shape: c.json });
  });

  test('PATCH /proxies/{p} is a partial update', async () => {
    const c = await api(server, 'POST', '/proxies', { name: 'pp', listen: '127.0.0.1:0', upstream: echo.address });
    const off = await api(server, 'PATCH', '/proxies/pp', { enabled: false });
    assert.equal(off.status, 200);
    assert.deepEqual(off.json, { ...c.json, enabled: false });
    const on = await api(server, 'PATCH', '/proxies/pp', { enabled: true });
    assert.deepEqual(on.json, c.json);
    const up = await api(server, 'PATCH', '/proxies/pp', { upstream: '127.0.0.1:9' });
    assert.equal(up.json.upstream, '127.0.0.1:9');
    assert.equal(up.json.enabled, true);
    assert.equal((await api(server, 'PATCH', '/proxies/none', { enabled: true })).status, 404);
  });

  test('a listen address in use is a 500 with the Go-style message', async () => {
    const a = await api(server, 'POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream: echo.address });
    const b = await api(server, 'POST', '/proxies', { name: 'b', listen: a.json.listen, upstream: echo.address });
    assert.equal(b.status, 500);
    assert.deepEqual(b.json, { error: `listen tcp ${a.json.listen}: bind: address already in use`, status: 500 });
    assert.equal((await api(server, 'GET', '/proxies/b')).status, 404, 'not added');
  });

  test('toxics: list (upstream first), create 200, PATCH merges, DELETE 204', async () => {
    await api(server, 'POST', '/proxies', { name: 'tx', listen: '127.0.0.1:0', upstream: echo.address });
    const down = await api(server, 'POST', '/proxies/tx/toxics', { type: 'bandwidth', attributes: { rate: 100 } });
    assert.equal(down.status, 200);
    assert.deepEqual(Object.keys(down.json), ['attributes', 'name', 'type', 'stream', 'toxicity']);
    const up = await api(server, 'POST', '/proxies/tx/toxics', {
      name: 'cut',
      type: 'limit_data',
      stream: 'upstream',
      toxicity: 0.25,
      attributes: { bytes: 10 },
    });
    const list = await api(server, 'GET', '/proxies/tx/toxics');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, [up.json, down.json]);
    const patched = await api(server, 'PATCH', '/proxies/tx/toxics/cut', { attributes: {} });
    assert.deepEqual(patched.json, up.json, 'an empty patch changes nothing');
    const p2 = await api(server, 'PATCH', '/proxies/tx/toxics/bandwidth_downstream', { toxicity: 0.5 });
    assert.deepEqual(p2.json, { ...down.json, toxicity: 0.5 });
    const shown = await api(server, 'GET', '/proxies/tx');
    assert.deepEqual(shown.json.toxics, [up.json, p2.json]);
    assert.equal((await api(server, 'DELETE', '/proxies/tx/toxics/cut')).status, 204);
    assert.deepEqual((await api(server, 'GET', '/proxies/tx/toxics')).json, [p2.json]);
  });

  test('every toxic type with its attributes', async () => {
    await api(server, 'POST', '/proxies', { name: 'all', listen: '127.0.0.1:0', upstream: echo.address });
    const expected: Record<string, Record<string, number>> = {
      latency: { latency: 0, jitter: 0 },
      bandwidth: { rate: 0 },
      slow_close: { delay: 0 },
      timeout: { timeout: 0 },
      reset_peer: { timeout: 0 },
      slicer: { average_size: 0, size_variation: 0, delay: 0 },
      limit_data: { bytes: 0 },
      noop: {},
    };
    for (const [type, attributes] of Object.entries(expected)) {
      const r = await api(server, 'POST', '/proxies/all/toxics', { type, stream: 'upstream', toxicity: 0 });
      assert.equal(r.status, 200, type);
      assert.deepEqual(r.json, { attributes, name: `${type}_upstream`, type, stream: 'upstream', toxicity: 0 });
    }
  });

  test('error bodies and codes', async () => {
    await api(server, 'POST', '/proxies', { name: 'e', listen: '127.0.0.1:0', upstream: echo.address });
    await api(server, 'POST', '/proxies/e/toxics', { type: 'noop' });
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/proxies', '', 400, 'bad request body: EOF'],
      ['POST', '/proxies', 'garbage', 400, "bad request body: invalid character 'g' looking for beginning of value"],
      ['POST', '/proxies', { upstream: echo.address }, 400, 'missing required field: name'],
      ['POST', '/proxies', { name: 'x' }, 400, 'missing required field: upstream'],
      ['POST', '/proxies', { name: 5, upstream: 'a:1' }, 400,
        'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string'],
      ['POST', '/proxies', { name: 'e', listen: '127.0.0.1:0', upstream: echo.address }, 409, 'proxy already exists'],
      ['GET', '/proxies/zz', undefined, 404, 'proxy not found'],
      ['DELETE', '/proxies/zz', undefined, 404, 'proxy not found'],
      ['GET', '/proxies/zz/toxics', undefined, 404, 'proxy not found'],
      ['POST', '/proxies/zz/toxics', { type: 'noop' }, 404, 'proxy not found'],
      ['POST', '/proxies/e/toxics', { type: 'bogus' }, 400, 'invalid toxic type'],
      ['POST', '/proxies/e/toxics', { type: 'noop', stream: 'sideways' }, 400,
        'stream was invalid, can be either upstream or downstream'],
      ['POST', '/proxies/e/toxics', { type: 'noop' }, 409, 'toxic already exists'],
      ['POST', '/proxies/e/toxics', { type: 'latency', attributes: { latency: 1.5 } }, 400,
        'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.latency of type int64'],
      ['GET', '/proxies/e/toxics/zz', undefined, 404, 'toxic not found'],
      ['PATCH', '/proxies/e/toxics/zz', { toxicity: 1 }, 404, 'toxic not found'],
      ['DELETE', '/proxies/e/toxics/zz', undefined, 404, 'toxic not found'],
      ['PATCH', '/proxies/e', '{', 400, 'bad request body: unexpected EOF'],
      ['POST', '/populate', [{ upstream: 'a:1' }], 400, 'missing required field: name at proxy 1'],
      ['POST', '/populate', [{ name: 'q', upstream: 'a:1' }, { name: 'r' }], 400, 'missing required field: upstream at proxy 2'],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await api(server, method, path, body);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.json.error, message, `${method} ${path}`);
      assert.equal(r.json.status, status);
      if (!path.startsWith('/populate')) {
        assert.equal(r.text, `${JSON.stringify({ error: message, status })}\n`);
        assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
      } else {
        assert.deepEqual(r.json.proxies, []);
      }
    }
    assert.equal((await api(server, 'GET', '/proxies/q')).status, 404, 'a failed populate creates nothing');
  });

  test('unknown path 404, wrong method 405', async () => {
    const r = await api(server, 'GET', '/nowhere');
    assert.equal(r.status, 404);
    assert.equal(r.text, '404 page not found\n');
    assert.equal((await api(server, 'PUT', '/proxies')).status, 405);
    assert.equal((await api(server, 'DELETE', '/version')).status, 405);
  });

  test('POST /populate answers 201 {"proxies":[...]}', async () => {
    const r = await api(server, 'POST', '/populate', [{ name: 'pop', listen: '127.0.0.1:0', upstream: echo.address }]);
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.json), ['proxies']);
    assert.equal(r.json.proxies[0].name, 'pop');
    assert.match(r.json.proxies[0].listen, /^127\.0\.0\.1:[1-9]\d*$/);
  });

  test('DELETE /proxies/{p} closes its listener', async () => {
    const port = await addProxy(server, 'gone', echo.address);
    assert.equal((await api(server, 'DELETE', '/proxies/gone')).status, 204);
    await assert.rejects(client(port), /ECONNREFUSED/);
  });
});

describe('/metrics', LIMIT, () => {
  test('Prometheus text with received/sent bytes per proxy and direction', async () => {
    const port = await addProxy(server, 'm', echo.address);
    await api(server, 'POST', '/proxies/m/toxics', { type: 'limit_data', stream: 'downstream', attributes: { bytes: 3 } });
    const c = await client(port);
    c.write('hello');
    const got = await readBytes(c, 3);
    assert.equal(got.toString(), 'hel');
    await closeSocket(c);
    const r = await api(server, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const labels = (dir: string) => `direction="${dir}",listener="127.0.0.1:${port}",proxy="m",upstream="${echo.address}"`;
    assert.match(r.text, /# TYPE toxiproxy_proxy_received_bytes_total counter/);
    assert.match(r.text, /# TYPE toxiproxy_proxy_sent_bytes_total counter/);
    assert.ok(r.text.includes(`toxiproxy_proxy_received_bytes_total{${labels('upstream')}} 5\n`), r.text);
    assert.ok(r.text.includes(`toxiproxy_proxy_sent_bytes_total{${labels('upstream')}} 5\n`), r.text);
    assert.ok(r.text.includes(`toxiproxy_proxy_sent_bytes_total{${labels('downstream')}} 3\n`), r.text);
    const received = Number(/toxiproxy_proxy_received_bytes_total\{direction="downstream"[^}]*\} (\d+)/.exec(r.text)?.[1]);
    assert.ok(received >= 3 && received <= 5, `downstream received ${received}`);
  });

  test('404 unless enabled', async () => {
    const plain = await withServer();
    try {
      const r = await api(plain, 'GET', '/metrics');
      assert.equal(r.status, 404);
      assert.equal(r.text, '404 page not found\n');
    } finally {
      await plain.close();
    }
  });
});

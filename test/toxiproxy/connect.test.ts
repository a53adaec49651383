/** The harness side: connectToxiproxy() picks the external server or starts the embedded one, and cleans up. */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Toxiproxy } from 'toxiproxy-node-client';
import { connectToxiproxy } from '../../src/toxiproxy/connect.ts';
import { api, assertNoOpenSockets, peer, withServer } from './helpers.ts';

/** No test may hang: a lost byte would otherwise stall a transfer forever. */
const LIMIT = { timeout: 30_000 };

const saved = process.env.TOXIPROXY_URL;
afterEach(async () => {
  if (saved === undefined) delete process.env.TOXIPROXY_URL;
  else process.env.TOXIPROXY_URL = saved;
  await assertNoOpenSockets();
});

test('without TOXIPROXY_URL: the embedded server on a free loopback port, stopped by close()', LIMIT, async () => {
  delete process.env.TOXIPROXY_URL;
  const tp = await connectToxiproxy();
  assert.equal(tp.embedded, true);
  assert.equal(tp.external, false);
  assert.match(tp.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(tp.client instanceof Toxiproxy);
  assert.deepEqual(JSON.parse(await tp.client.getVersion()), { version: '2.12.0' });
  const p = await tp.client.createProxy({ name: 'mine', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
  assert.deepEqual([...tp.created], ['mine']);
  await tp.cleanup();
  assert.deepEqual(Object.keys(await tp.client.getAll()), [], 'cleanup deleted it');
  await p.toxiproxy.populate([{ name: 'pop', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }]);
  await tp.close();
  await assert.rejects(fetch(`${tp.url}/version`), 'the embedded server is gone');
});

test('with TOXIPROXY_URL: that server; cleanup deletes only what was made through the client, per scope', LIMIT, async () => {
  const external = await withServer();
  try {
    await api(external, 'POST', '/proxies', { name: 'someone-else', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    process.env.TOXIPROXY_URL = `${external.url}/`;
    const tp = await connectToxiproxy();
    assert.equal(tp.embedded, false);
    assert.equal(tp.external, true);
    assert.equal(tp.url, external.url);
    const scenario = tp.scope();
    await scenario.client.createProxy({ name: 'scenario-1', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    await tp.client.createProxy({ name: 'run-wide', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    await scenario.cleanup();
    const names = async () => Object.keys((await api(external, 'GET', '/proxies')).json).sort();
    assert.deepEqual(await names(), ['run-wide', 'someone-else']);
    await tp.close();
    assert.deepEqual(await names(), ['someone-else'], 'close() cleans up, and leaves the external server running');
  } finally {
    await external.close();
  }
});

test('a proxy already deleted by the scenario is fine for cleanup', LIMIT, async () => {
  delete process.env.TOXIPROXY_URL;
  const tp = await connectToxiproxy();
  const p = await tp.client.createProxy({ name: 'gone', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
  await p.remove();
  await tp.cleanup();
  assert.equal(tp.created.size, 0);
  await tp.close();
});

test('an unreachable TOXIPROXY_URL is a clear error naming it', LIMIT, async () => {
  const dead = await peer();
  const url = `http://127.0.0.1:${dead.port}`;
  await dead.close();
  process.env.TOXIPROXY_URL = url;
  await assert.rejects(connectToxiproxy({ timeoutMs: 2000 }), (err: Error) => {
    assert.ok(err.message.includes(url), err.message);
    assert.match(err.message, /TOXIPROXY_URL/);
    assert.match(err.message, /unreachable/);
    return true;
  });
});

test('a TOXIPROXY_URL that is not Toxiproxy is a clear error', LIMIT, async () => {
  const notTp = await peer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello'));
  try {
    process.env.TOXIPROXY_URL = `127.0.0.1:${notTp.port}`;
    await assert.rejects(connectToxiproxy({ timeoutMs: 2000 }), /does not answer like a Toxiproxy server/);
  } finally {
    await notTp.close();
  }
});

/**
 * Proxy and server lifecycle: disabling closes the listener and live connections, enabling
 * re-listens on the same port, deleting closes everything, server.close() releases every
 * socket, listener and timer, config loading.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ToxiproxyServer } from '../../src/toxiproxy/server.ts';
import { startToxiproxyServer } from '../../src/toxiproxy/server.ts';
import {
  addProxy,
  addToxic,
  api,
  assertNoOpenSockets,
  client,
  readBytes,
  readToEnd,
  type Resources,
  roundTrip,
  perTestServer,
} from './helpers.ts';

/** No test may hang: a lost byte would otherwise stall a transfer forever. */
const LIMIT = { timeout: 30_000 };

let res: Resources;
let server: ToxiproxyServer;
perTestServer((r, s) => {
  res = r;
  server = s;
});

test('disabling closes the listener and live connections; enabling re-listens on the same port', LIMIT, async () => {
  const echo = await res.echo();
  const port = await addProxy(server, 'p', echo.address);
  const c = await res.client(port);
  await roundTrip(c);
  const ending = readToEnd(c);
  const off = await api(server, 'PATCH', '/proxies/p', { enabled: false });
  assert.equal(off.json.enabled, false);
  const got = await ending;
  assert.ok(['end', 'close', 'error:ECONNRESET'].includes(got.how), got.how);
  await assert.rejects(client(port), /ECONNREFUSED/);
  assert.equal(echo.sockets.size, 0, 'the upstream side was closed too');

  const on = await api(server, 'PATCH', '/proxies/p', { enabled: true });
  assert.equal(on.json.listen, `127.0.0.1:${port}`);
  const c2 = await res.client(port);
  await roundTrip(c2);
});

test('deleting a proxy closes its live connections', LIMIT, async () => {
  const echo = await res.echo();
  const port = await addProxy(server, 'p', echo.address);
  await addToxic(server, 'p', { type: 'latency', attributes: { latency: 10_000 } });
  const c = await res.client(port);
  const ending = readToEnd(c);
  c.write('held by the latency toxic');
  await echo.nextAccept();
  assert.equal((await api(server, 'DELETE', '/proxies/p')).status, 204);
  await ending;
  await assert.rejects(client(port), /ECONNREFUSED/);
});

test('changing listen moves the proxy to the new port', LIMIT, async () => {
  const echo = await res.echo();
  const port = await addProxy(server, 'p', echo.address);
  const moved = await api(server, 'PATCH', '/proxies/p', { listen: '127.0.0.1:0' });
  const newPort = Number(moved.json.listen.split(':')[1]);
  assert.notEqual(newPort, port);
  await assert.rejects(client(port), /ECONNREFUSED/);
  await roundTrip(await res.client(newPort));
});

test('server.close() releases every listener, socket and timer, even mid-transfer', LIMIT, async () => {
  const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const echo = await res.echo();
  const own = await startToxiproxyServer({ port: 0 });
  const a = await addProxy(own, 'a', echo.address);
  const b = await addProxy(own, 'b', echo.address);
  await addToxic(own, 'a', { type: 'latency', attributes: { latency: 5000 } });
  await addToxic(own, 'b', { type: 'timeout', attributes: { timeout: 60_000 } });
  await addToxic(own, 'b', { type: 'bandwidth', stream: 'upstream', attributes: { rate: 1 } });
  await api(own, 'PATCH', '/proxies/a', { enabled: true }); // keep-alive API socket open too
  const ca = await client(a);
  const cb = await client(b);
  ca.write('waiting in a latency queue');
  cb.write(Buffer.alloc(10_000)); // waiting in a bandwidth queue
  const endA = readToEnd(ca);
  const endB = readToEnd(cb);
  await echo.nextAccept();
  await echo.nextAccept();
  await own.close();
  await endA;
  await endB;
  ca.destroy();
  cb.destroy();
  await res.closeAll(); // the echo peer and this file's other server
  await assertNoOpenSockets();
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  assert.ok(timers <= before, `timers left behind: ${timers} (before: ${before})`);
  await own.close(); // twice is fine
});

test('config: a file in populate format creates the proxies at start', LIMIT, async () => {
  const echo = await res.echo();
  const dir = await mkdtemp(join(tmpdir(), 'ftchaos-tp-'));
  try {
    const file = join(dir, 'proxies.json');
    await writeFile(
      file,
      JSON.stringify([
        { name: 'one', listen: '127.0.0.1:0', upstream: echo.address },
        { name: 'two', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
      ]),
    );
    const s = await res.add(await startToxiproxyServer({ port: 0, config: file }), (x) => x.close());
    const all = (await api(s, 'GET', '/proxies')).json;
    assert.deepEqual(Object.keys(all).sort(), ['one', 'two']);
    assert.equal(all.one.enabled, true);
    assert.equal(all.two.enabled, false);
    const c = await res.client(Number(all.one.listen.split(':')[1]));
    await roundTrip(c);

    await writeFile(file, '{"not": "an array"}');
    await assert.rejects(startToxiproxyServer({ port: 0, config: file }), /must be a JSON array/);
    await assert.rejects(startToxiproxyServer({ port: 0, config: join(dir, 'missing.json') }), /cannot read config file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('config: an inline array works too', LIMIT, async () => {
  const echo = await res.echo();
  const s = await res.add(
    await startToxiproxyServer({ port: 0, config: [{ name: 'inline', listen: '127.0.0.1:0', upstream: echo.address }] }),
    (x) => x.close(),
  );
  const p = (await api(s, 'GET', '/proxies/inline')).json;
  const c = await res.client(Number(p.listen.split(':')[1]));
  c.write('x');
  assert.equal((await readBytes(c, 1)).toString(), 'x');
});

test('the API port in use is a clear error', LIMIT, async () => {
  const port = Number(new URL(server.url).port);
  await assert.rejects(startToxiproxyServer({ port }), new RegExp(`listen tcp 127\\.0\\.0\\.1:${port}: bind: address already in use`));
});

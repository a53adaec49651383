/**
 * The probe against a real TCP server speaking the guest's line protocol (`<id> PING` →
 * `<id> PONG <ticks>`): stopOnSuccess ends the probe's history on a success (no ping after
 * it, every invoke completed), and gives up after its wait when the host only refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Recorder } from '../../src/workload/recorder.ts';
import { Probe } from '../../src/workload/probe.ts';
import type { OpEvent } from '../../src/workload/history.ts';

/** a server answering each PING with `reply(n)` (n counts pings from 1) after delayMs; null: no answer */
async function server(reply: (n: number) => string | null, delayMs = 0): Promise<{ port: number; close: () => Promise<void> }> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const [id] = buf.slice(0, i).split(' ');
        buf = buf.slice(i + 1);
        const r = reply(++n);
        if (r !== null) setTimeout(() => s.write(`${id} ${r}\n`), delayMs);
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

function pings(rec: Recorder): OpEvent[] {
  return rec.events.filter((e): e is OpEvent => e.kind === 'op' && e.f === 'ping');
}

/** a started probe (every 5 ms) of a server answering `reply`; both closed after `body` */
async function probing(reply: (n: number) => string | null, opts: { delayMs?: number; timeoutMs: number }, body: (probe: Probe, rec: Recorder) => Promise<void>): Promise<void> {
  const srv = await server(reply, opts.delayMs);
  const rec = new Recorder(null);
  const probe = new Probe({ host: 'a', endpoint: { host: '127.0.0.1', port: srv.port }, recorder: rec, intervalMs: 5, timeoutMs: opts.timeoutMs });
  try {
    probe.start();
    await body(probe, rec);
  } finally {
    await probe.stop();
    await srv.close();
  }
}

const completed = (ops: OpEvent[]) => ops.filter((o) => o.type === 'invoke').length === ops.filter((o) => o.type !== 'invoke').length;

test('stopOnSuccess: the probe stops right after a successful ping', async () => {
  // refuses twice, serves once, then answers nothing: the probe must not stop on a refusal,
  // and a ping sent after the success would end its history in a timeout; each answer takes
  // longer than the interval, so the loop would send the next ping at once
  const reply = (n: number) => (n <= 2 ? 'ERR NOT_PRIMARY' : n === 3 ? `PONG ${n}` : null);
  await probing(reply, { delayMs: 20, timeoutMs: 100 }, async (probe, rec) => {
    assert.equal(await probe.stopOnSuccess(5000), true);
    const ops = pings(rec);
    assert.equal(ops.at(-1)!.type, 'ok', JSON.stringify(ops));
    assert.ok(completed(ops), 'every ping completed');
    assert.ok(ops.some((o) => o.type === 'fail'), 'the refusals are in the history');
  });
});

test('stopOnSuccess: a host that never serves ends the wait with false, every ping completed', async () => {
  await probing((n) => (n % 2 ? 'ERR NOT_PRIMARY' : null), { timeoutMs: 50 }, async (probe, rec) => {
    assert.equal(await probe.stopOnSuccess(300), false);
    const ops = pings(rec);
    assert.ok(ops.length > 0);
    assert.ok(!ops.some((o) => o.type === 'ok'));
    assert.ok(completed(ops), 'every ping completed');
    const n = ops.length;
    await new Promise((r) => setTimeout(r, 50)); // a window in which a running probe would ping ~10 times
    assert.equal(pings(rec).length, n, 'nothing recorded after the stop');
  });
});

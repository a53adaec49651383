/**
 * Backup crash, primary hang, and the unsafe fencing knob under a replication-only partition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostName, PairLayout } from '../../src/platform/types.ts';
import { directLayout } from '../../src/platform/builtin/index.ts';
import { startPair } from './pair.ts';
import { startWriters, checkNoLoss, KvConn, PairClient, sleep } from './support.ts';
import { monoMs } from '../../src/platform/types.ts';
import { withTimeout } from '../support/with-timeout.ts';
import { Forwarder } from './forwarder.ts';

test('backup crash: the primary keeps serving, unprotected, nothing lost', async (t) => {
  const p = await startPair(t);
  const w = startWriters(p.clientEndpoints(), 8);
  t.after(() => w.stop());
  await w.awaitOks(300);
  const s0 = await p.waitFor((x) => x.protected, 15_000, 'protected right before the crash');
  const prim = s0.primary!;
  const back = s0.backup!;
  const okBefore = w.report.perHost[back];
  await p.crash(back);
  const s = await p.waitFor((x) => x.hosts[back].role === 'down', 5000, `${back} down`);
  assert.equal(s.primary, prim);
  assert.equal(s.protected, false);
  await w.awaitOks(300);
  const r = await w.stop();
  assert.deepEqual(r.violations, []);
  assert.equal(r.perHost[back], okBefore, 'nothing was served by the crashed backup');
  assert.equal(p.status().primary, prim);
  assert.deepEqual(await checkNoLoss(p.clientEndpoints()[prim], prim, r), []);
});

test('primary hang longer than the failover timeout: failover; the resumed old primary never serves', async (t) => {
  const p = await startPair(t);
  const w = startWriters(p.clientEndpoints(), 8);
  t.after(() => w.stop());
  await w.awaitOks(300);

  const s0 = await p.waitFor((s) => s.protected, 15_000, 'protected right before the hang');
  const old = s0.primary!;
  const next = s0.backup!;
  // a connection to the primary opened before the hang: requests queued while it is stopped
  // must never be answered OK by it
  const stale = new KvConn(old, p.clientEndpoints()[old], 'stale');
  assert.ok(await stale.ready);
  await p.hang(old);
  const staleReplies = Array.from({ length: 20 }, (_, i) => stale.request(`SET stale${i} 1`, 10_000));
  await p.waitFor((s) => s.primary === next && !s.hosts[next].hung, 10_000, `${next} to become primary`);
  await w.awaitOks(300);

  await p.resume(old);
  for (const r of await Promise.all(staleReplies)) {
    assert.ok(r === null || r === 'ERR NOT_PRIMARY', `the resumed old primary answered ${r}`);
  }
  // the old primary rejoins as backup by itself (the witness tells it another host holds the lease)
  await p.waitFor((s) => s.protected && s.primary === next && s.backup === old, 30_000, `${old} to rejoin as backup`);
  const probe = new PairClient(p.clientEndpoints(), 'probe');
  const onOld = await probe.op('PING', old);
  assert.ok(!onOld.ok && onOld.definite && onOld.error === 'ERR NOT_PRIMARY', JSON.stringify(onOld));
  probe.close();
  stale.close();
  await w.awaitOks(200);
  const r = await w.stop();
  assert.deepEqual(r.violations, []);
  const final = p.status().primary!;
  assert.deepEqual(await checkNoLoss(p.clientEndpoints()[final], final, r), []);
});

/** a layout whose replication links (both directions) run through forwarders the test can cut */
async function cuttableLayout(): Promise<{ layout: PairLayout; fwd: Forwarder[] }> {
  const base = await directLayout();
  const toB = new Forwarder(base.hosts.b.replication);
  const toA = new Forwarder(base.hosts.a.replication);
  const [eb, ea] = await Promise.all([toB.ready, toA.ready]);
  return {
    layout: { ...base, hosts: { a: { ...base.hosts.a, dialPeer: eb }, b: { ...base.hosts.b, dialPeer: ea } } },
    fwd: [toB, toA],
  };
}

async function serving(p: { clientEndpoints(): Record<HostName, { host: string; port: number }> }, h: HostName): Promise<boolean> {
  const c = new KvConn(h, p.clientEndpoints()[h], 'sb');
  try {
    if (!(await c.ready)) return false;
    const r = await c.request('PING', 2000);
    return r !== null && r.startsWith('PONG');
  } finally {
    c.close();
  }
}

test("fencing 'none' under a replication-only partition: both hosts serve (split brain, on purpose)", async (t) => {
  const { layout, fwd } = await cuttableLayout();
  t.after(() => Promise.all(fwd.map((f) => f.close())));
  const p = await startPair(t, { fencing: 'none' }, { layout });
  assert.equal(await serving(p, 'a'), true);
  assert.equal(await serving(p, 'b'), false);
  for (const f of fwd) f.cut();
  await p.waitFor((s) => s.hosts.a.role === 'primary' && s.hosts.b.role === 'primary', 10_000, 'both hosts primary');
  assert.equal(await serving(p, 'a'), true);
  assert.equal(await serving(p, 'b'), true);
});

test("fencing 'witness' under the same partition: only one host serves", async (t) => {
  const { layout, fwd } = await cuttableLayout();
  t.after(() => Promise.all(fwd.map((f) => f.close())));
  const p = await startPair(t, {}, { layout });
  const w = startWriters(p.clientEndpoints(), 4);
  t.after(() => w.stop());
  await w.awaitOks(100);
  const s0 = await p.waitFor((s) => s.protected, 15_000, 'protected right before the partition');
  const prim = s0.primary!;
  const back = s0.backup!;
  const okBefore = w.report.perHost[back];
  for (const f of fwd) f.cut();
  // the primary notices the backup is gone, clears the standby at the witness and goes on alone
  await p.waitFor((s) => s.primary === prim && !s.protected, 10_000, `${prim} primary, unprotected`);
  await w.awaitOks(200);
  assert.equal(await serving(p, prim), true);
  assert.equal(await serving(p, back), false);
  assert.notEqual(p.status().hosts[back].role, 'primary');
  // heal: the primary re-dials and the pair is protected again
  for (const f of fwd) f.heal();
  await p.waitFor((s) => s.protected && s.primary === prim, 30_000, 'protected again after the partition healed');
  const r = await w.stop();
  assert.deepEqual(r.violations, []);
  assert.equal(r.perHost[back], okBefore, 'nothing was served by the partitioned backup');
  assert.deepEqual(await checkNoLoss(p.clientEndpoints()[prim], prim, r), []);
});

test('primary cut off from the witness: the backup takes over, the old primary never serves, then rejoins', async (t) => {
  const base = await directLayout();
  const toWitness = { a: new Forwarder(base.witness), b: new Forwarder(base.witness) };
  const [ea, eb] = await Promise.all([toWitness.a.ready, toWitness.b.ready]);
  t.after(() => Promise.all([toWitness.a.close(), toWitness.b.close()]));
  const layout: PairLayout = { ...base, hosts: { a: { ...base.hosts.a, dialWitness: ea }, b: { ...base.hosts.b, dialWitness: eb } } };
  const p = await startPair(t, {}, { layout });
  const w = startWriters(p.clientEndpoints(), 4);
  t.after(() => w.stop());
  await w.awaitOks(100);
  const s0 = await p.waitFor((s) => s.protected, 15_000, 'protected right before the cut');
  const old = s0.primary!;
  const next = s0.backup!;
  toWitness[old].cut();
  // the primary cannot renew: it stops serving and says so in its heartbeats; the backup asks
  // the witness and goes live
  await p.waitFor((s) => s.primary === next && s.hosts[old].role !== 'primary', 10_000, `${next} primary, ${old} not serving`);
  await w.awaitOks(200);
  assert.equal(await serving(p, old), false);
  toWitness[old].heal();
  // the old primary learns from the witness that it lost the lease and rejoins as backup
  await p.waitFor((s) => s.protected && s.primary === next && s.backup === old, 30_000, `${old} to rejoin as backup`);
  const r = await w.stop();
  assert.deepEqual(r.violations, []);
  assert.deepEqual(await checkNoLoss(p.clientEndpoints()[next], next, r), []);
});

test('a resyncing backup: output held for it goes out only once it is the registered standby', async (t) => {
  // host a's witness link runs through a forwarder that can hold its bytes; a lease of 5 s
  // outlives the hold, so a keeps serving while its registration of b waits
  const base = await directLayout();
  const toWitness = new Forwarder(base.witness);
  const ea = await toWitness.ready;
  t.after(() => toWitness.close());
  const layout: PairLayout = { ...base, hosts: { ...base.hosts, a: { ...base.hosts.a, dialWitness: ea } } };
  // the moment host a says that the restarted backup holds the full state
  let onFullState: ((at: number) => void) | null = null;
  const p = await startPair(t, { leaseTtlMs: 5000 }, {
    layout,
    listen: (e) => {
      if (e.type === 'log' && e.host === 'a' && /the backup holds the full state/.test(e.line)) onFullState?.(monoMs());
    },
  });
  await p.crash('b');
  await p.waitFor((s) => s.hosts.b.role === 'down' && !s.protected, 5000, 'b down');
  const fullState = new Promise<number>((resolve) => (onFullState = resolve));
  toWitness.hold();
  await p.restart('b');

  // one client writes to a, one write after another, each with the time it was sent and answered
  const c = new PairClient(p.clientEndpoints(), 'w', 20_000);
  t.after(() => c.close());
  const writes: { sent: number; answered: number; ok: boolean }[] = [];
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const sent = monoMs();
      const o = await c.op(`SET k${i} ${i}`, 'a');
      writes.push({ sent, answered: monoMs(), ok: o.ok });
    }
  })();
  const fullStateHeld = await withTimeout(fullState, 30_000, 'host a to say that the backup holds the full state');
  // the registration waits in the forwarder for this long: writes sent meanwhile stay unanswered
  await sleep(700);
  const released = monoMs();
  toWitness.release();
  await p.waitFor((s) => s.protected && s.primary === 'a' && s.backup === 'b', 10_000, 'b registered as standby');
  writing = false;
  await writer;

  const sentWhileHeld = writes.filter((w) => w.sent > fullStateHeld);
  assert.ok(sentWhileHeld.length > 0, 'a write was sent after the backup held the full state');
  const early = sentWhileHeld.filter((w) => w.answered < released);
  assert.deepEqual(early, [], 'no write sent after the full state was acknowledged is answered before the standby is registered');
  assert.ok(sentWhileHeld.every((w) => w.ok), 'every one of them is answered OK once it is');
});

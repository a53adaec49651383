/**
 * Each planted bug does what the catalogue says, shown directly where a cheap check can:
 * the output gate releasing an epoch early, a page written between copy and clear never
 * sent, a fenced primary answering reads, a backup going live with the witness unreachable,
 * lease renewals that outlive a stopped host. (Boots VMs / pairs: run under the heavy lock.)
 */
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputGate } from '../../src/platform/builtin/output-gate.ts';
import { applyDelta, bootVm, dropPrewarmed, type V86Vm } from '../../src/vm/index.ts';
import { GuestClient } from '../vm/guest-client.ts';
import { startPair } from '../platform/pair.ts';
import { KvConn, sleep } from '../platform/support.ts';
import { withTimeout } from '../support/with-timeout.ts';
import type { BuiltinPlatform } from '../../src/platform/builtin/index.ts';

const T = { timeout: 90_000 };

test('early-release: the reply of epoch 5 goes out when epoch 4 is acknowledged (the correct gate waits for 5)', () => {
  for (const planted of [false, true]) {
    const out: string[] = [];
    const gate = new OutputGate(() => true, undefined, planted);
    gate.hold();
    gate.push(4, () => out.push('r4'), 0);
    gate.push(5, () => out.push('r5'), 0);
    gate.ack(4);
    assert.deepEqual(out, planted ? ['r4', 'r5'] : ['r4']);
    gate.ack(5);
    assert.deepEqual(out, ['r4', 'r5']);
  }
});

const vms: V86Vm[] = [];
afterEach(() => {
  for (const v of vms.splice(0)) v.destroy();
});
after(() => dropPrewarmed());

test('dirty-cleared-late: pages written between the copy and the late clear are missing from the checkpoint', T, async () => {
  for (const planted of [false, true]) {
    const vm = await bootVm();
    vms.push(vm);
    const g = new GuestClient(vm);
    let cp = vm.captureFull();
    cp = applyDelta(cp, vm.captureDelta({ clearDirtyLate: planted }));
    // written after the delta was copied, before its dirty bits are cleared
    assert.equal(await g.ask('1 SET between copy-and-clear'), '1 OK');
    if (planted) vm.clearDirtyLate();
    cp = applyDelta(cp, vm.captureDelta());
    // what the guest's RAM really is at that capture (nothing runs between the two calls)
    const truth = vm.captureFull();
    let missing = 0;
    for (let o = 0; o < truth.ram.length; o += 4096) {
      if (Buffer.compare(truth.ram.subarray(o, o + 4096), cp.ram.subarray(o, o + 4096)) !== 0) missing++;
    }
    if (planted) assert.ok(missing > 0, 'the planted bug loses the pages written between copy and clear');
    else assert.equal(missing, 0);
  }
});

/** the witness process of a started pair (driver.pids(): hosts first, the witness last) */
function witnessPid(p: BuiltinPlatform): number {
  const pids = p.pids();
  return pids[pids.length - 1]!;
}

/** signal a process that may be gone already (the pair's own clean-up may have run first) */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

async function ask(p: BuiltinPlatform, host: 'a' | 'b', cmd: string): Promise<string | null> {
  const c = new KvConn(host, p.clientEndpoints()[host], 't');
  try {
    await c.ready;
    return await c.request(cmd, 2000);
  } finally {
    c.close();
  }
}

test('fenced-reads: with the witness stopped the primary fences itself, yet answers GET (PING and SET refused)', T, async (t) => {
  const p = await startPair(t, { plantedBug: 'fenced-reads' } as never);
  assert.equal(await ask(p, 'a', 'SET k v1'), 'OK');
  const w = witnessPid(p);
  process.kill(w, 'SIGSTOP');
  t.after(() => signal(w, 'SIGCONT'));
  await p.waitFor((s) => s.hosts.a.role === 'fenced', 5000, 'host a fenced (no lease renewal)');
  assert.equal(await ask(p, 'a', 'PING'), 'ERR NOT_PRIMARY');
  assert.equal(await ask(p, 'a', 'SET k v2'), 'ERR NOT_PRIMARY');
  assert.equal(await ask(p, 'a', 'GET k'), 'VAL v1');
});

test('takeover-without-lease: with the witness stopped, the backup of a hung primary goes live anyway', T, async (t) => {
  const p = await startPair(t, { plantedBug: 'takeover-without-lease', failoverTimeoutMs: 150 } as never);
  const w = witnessPid(p);
  process.kill(w, 'SIGSTOP');
  t.after(() => signal(w, 'SIGCONT'));
  await p.hang('a');
  t.after(() => p.resume('a'));
  await p.waitFor((s) => s.hosts.b.role === 'primary', 5000, 'host b primary although nobody could grant it the lease');
  assert.match((await ask(p, 'b', 'PING')) ?? 'no answer', /^PONG /);
});

test('renewals-while-hung: a primary stopped for 2 s is not replaced (its sidecar keeps the lease)', T, async (t) => {
  let renewing = () => {};
  const sidecarRenews = new Promise<void>((resolve) => (renewing = resolve));
  const p = await startPair(t, { plantedBug: 'renewals-while-hung', failoverTimeoutMs: 150 } as never, {
    listen: (e) => {
      if (e.type === 'log' && e.host === 'a' && /lease sidecar is renewing/.test(e.line)) renewing();
    },
  });
  await withTimeout(sidecarRenews, 10_000, 'host a never said its lease sidecar renews (10 s)');
  const roles: string[] = [];
  p.on((e) => {
    if (e.type === 'role') roles.push(`${e.host}:${e.role}`);
  });
  await p.hang('a');
  await sleep(2000);
  const s = p.status();
  await p.resume('a');
  assert.equal(s.hosts.b.role, 'backup', `after 2 s of a hung primary: ${roles.join(' ')}`);
  assert.deepEqual(roles.filter((r) => r.startsWith('b:')), []);
});

/**
 * Options and layout validation, and the pure pieces of the platform (lease table, framing,
 * output gate). No processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuiltinPlatform, DEFAULT_OPTIONS, PlatformOptionsError, validateOptions, directLayout } from '../../src/platform/builtin/index.ts';
import { LeaseTable } from '../../src/platform/builtin/lease.ts';
import { FrameReader, FrameType } from '../../src/platform/builtin/wire.ts';
import { OutputGate } from '../../src/platform/builtin/output-gate.ts';
import { liveChildPids } from '../../src/platform/builtin/children.ts';

test('defaults are the documented ones', () => {
  assert.deepEqual(validateOptions({}), {
    checkpointIntervalMs: 25,
    mode: 'checkpoint',
    outputCommit: true,
    fencing: 'witness',
    heartbeatIntervalMs: 10,
    failoverTimeoutMs: 200,
    leaseTtlMs: 500,
    memoryMiB: 16,
  });
  assert.deepEqual(validateOptions(undefined), { ...DEFAULT_OPTIONS });
});

test('bad options are rejected naming the option, the value and what is allowed', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ checkpointIntervalMs: 0 }, /checkpointIntervalMs = 0 .*whole number of milliseconds from 1 to 10000/],
    [{ checkpointIntervalMs: -5 }, /checkpointIntervalMs = -5/],
    [{ checkpointIntervalMs: 2.5 }, /checkpointIntervalMs = 2.5/],
    [{ checkpointIntervalMs: '25' }, /checkpointIntervalMs = "25"/],
    [{ mode: 'lockstep' }, /mode = "lockstep" .*"checkpoint", "event"/],
    [{ outputCommit: 'off' }, /outputCommit = "off" .*true, false/],
    [{ fencing: 'disk' }, /fencing = "disk" .*"witness", "none"/],
    [{ heartbeatIntervalMs: 0 }, /heartbeatIntervalMs = 0/],
    [{ failoverTimeoutMs: 5 }, /failoverTimeoutMs = 5 .*from 10 to 600000/],
    [{ leaseTtlMs: 10 }, /leaseTtlMs = 10 .*from 20 to 600000/],
    [{ failoverTimeoutMs: 15, heartbeatIntervalMs: 10 }, /failoverTimeoutMs = 15 .*at least twice the heartbeat interval/],
    [{ memoryMiB: 3 }, /memoryMiB = 3 .*MiB from 8 to 1024/],
    [{ checkpointInterval: 25 }, /unknown option "checkpointInterval": known options are checkpointIntervalMs, mode/],
  ];
  for (const [opts, re] of cases) {
    assert.throws(() => validateOptions(opts as never), (err: Error) => err instanceof PlatformOptionsError && re.test(err.message), JSON.stringify(opts));
  }
  // several problems are all listed
  assert.throws(() => validateOptions({ mode: 'x', memoryMiB: 0 } as never), /mode = "x"[\s\S]*memoryMiB = 0/);
});

test('the driver rejects bad options and non-loopback layouts before starting anything', async () => {
  const layout = await directLayout();
  const before = liveChildPids().length;
  assert.throws(() => new BuiltinPlatform({ layout, logDir: '/tmp/x', options: { fencing: 'nope' } as never }), PlatformOptionsError);
  const far = { ...layout, witness: { host: '10.1.2.3', port: layout.witness.port } };
  assert.throws(() => new BuiltinPlatform({ layout: far, logDir: '/tmp/x' }), /layout witness.host = "10.1.2.3" is not a loopback address/);
  assert.doesNotThrow(() => new BuiltinPlatform({ layout: far, logDir: '/tmp/x', allowNonLoopback: true }));
  const dup = { ...layout, hosts: { ...layout.hosts, b: { ...layout.hosts.b, client: layout.hosts.a.client } } };
  assert.throws(() => new BuiltinPlatform({ layout: dup, logDir: '/tmp/x' }), /both listen on/);
  assert.equal(liveChildPids().length, before);
});

test('lease: only the standby takes over, and only after the lease expired', () => {
  const l = new LeaseTable();
  assert.equal(l.handle({ op: 'acquire', rid: 1, host: 'a', mode: 'cold', ttl: 100 }, 0).reply.ok, true);
  assert.equal(l.handle({ op: 'acquire', rid: 2, host: 'b', mode: 'takeover', ttl: 100 }, 10).reply.reason, 'not-standby');
  assert.equal(l.handle({ op: 'standby', rid: 3, host: 'a', term: 1, standby: 'b' }, 20).reply.ok, true);
  const held = l.handle({ op: 'acquire', rid: 4, host: 'b', mode: 'takeover', ttl: 100 }, 50).reply;
  assert.equal(held.reason, 'held');
  assert.equal(held.remainingMs, 50);
  assert.equal(l.handle({ op: 'renew', rid: 5, host: 'a', term: 1, ttl: 100 }, 60).reply.ok, true);
  assert.equal(l.handle({ op: 'acquire', rid: 6, host: 'b', mode: 'takeover', ttl: 100 }, 159).reply.ok, false);
  const granted = l.handle({ op: 'acquire', rid: 7, host: 'b', mode: 'takeover', ttl: 100 }, 160).reply;
  assert.equal(granted.ok, true);
  assert.equal(granted.term, 2);
  assert.equal(granted.standby, null);
  // the old holder can neither renew nor change the standby any more
  assert.equal(l.handle({ op: 'renew', rid: 8, host: 'a', term: 1, ttl: 100 }, 170).reply.reason, 'lost');
  assert.equal(l.handle({ op: 'standby', rid: 9, host: 'a', term: 1, standby: 'a' }, 170).reply.reason, 'lost');
  // a cleared standby cannot take over even after expiry
  assert.equal(l.handle({ op: 'standby', rid: 10, host: 'b', term: 2, standby: null }, 180).reply.ok, true);
  assert.equal(l.handle({ op: 'acquire', rid: 11, host: 'a', mode: 'takeover', ttl: 100 }, 1000).reply.reason, 'not-standby');
});

test('lease: the standby may take over at once when the holder\'s witness connection closed', () => {
  const l = new LeaseTable();
  assert.equal(l.handle({ op: 'acquire', rid: 1, host: 'a', mode: 'cold', ttl: 500 }, 0).reply.ok, true);
  assert.equal(l.handle({ op: 'standby', rid: 2, host: 'a', term: 1, standby: 'b' }, 10).reply.ok, true);
  assert.equal(l.disconnected('b'), false, 'only the holder\'s disconnection counts');
  assert.equal(l.handle({ op: 'acquire', rid: 3, host: 'b', mode: 'takeover', ttl: 500 }, 20).reply.reason, 'held');
  // the holder reconnected and renewed before anybody asked: nothing changes
  assert.equal(l.disconnected('a'), true);
  assert.equal(l.handle({ op: 'renew', rid: 4, host: 'a', term: 1, ttl: 500 }, 30).reply.ok, true);
  assert.equal(l.handle({ op: 'acquire', rid: 5, host: 'b', mode: 'takeover', ttl: 500 }, 40).reply.reason, 'held');
  // gone for good: the standby is granted long before the lease would have run out
  assert.equal(l.disconnected('a'), true);
  const held = l.handle({ op: 'status', rid: 6 }, 50).reply;
  assert.equal(held.remainingMs, 0);
  const granted = l.handle({ op: 'acquire', rid: 7, host: 'b', mode: 'takeover', ttl: 500 }, 60).reply;
  assert.equal(granted.ok, true);
  assert.equal(granted.term, 2);
  // a cold start still waits for the lease to run out
  const l2 = new LeaseTable();
  l2.handle({ op: 'acquire', rid: 1, host: 'a', mode: 'cold', ttl: 500 }, 0);
  l2.disconnected('a');
  assert.equal(l2.handle({ op: 'acquire', rid: 2, host: 'b', mode: 'cold', ttl: 500 }, 10).reply.reason, 'held');
});

test('frames are handed on only when complete', () => {
  const r = new FrameReader();
  const body = Buffer.from('hello world');
  const frame = Buffer.concat([Buffer.from([0, 0, 0, body.length + 1, FrameType.DELTA]), body]);
  const two = Buffer.concat([frame, frame]);
  const out = [];
  for (let i = 0; i < two.length; i += 3) out.push(...r.push(two.subarray(i, i + 3)));
  assert.equal(out.length, 2);
  assert.equal(out[0].type, FrameType.DELTA);
  assert.equal(out[1].payload.toString(), 'hello world');
  assert.equal(r.push(frame.subarray(0, 7)).length, 0); // a partial frame is never seen
  assert.throws(() => new FrameReader().push(Buffer.from([0, 0, 0, 0])), /bad frame length/);
});

test('output gate: held until acked, in order; held while the lease is invalid, dropped when deposed', () => {
  let may = true;
  const out: string[] = [];
  const g = new OutputGate(() => may);
  g.push(1, () => out.push('u1'), 0);
  assert.deepEqual(out, ['u1']);
  g.hold();
  g.push(2, () => out.push('x2'), 0);
  g.push(3, () => out.push('x3'), 0);
  g.ack(2);
  assert.deepEqual(out, ['u1', 'x2']);
  may = false; // lease expired: due output waits
  g.ack(3);
  assert.deepEqual(out, ['u1', 'x2']);
  may = true; // renewed in the same term
  g.retry();
  assert.deepEqual(out, ['u1', 'x2', 'x3']);
  g.push(4, () => out.push('x4'), 0);
  g.push(5, () => out.push('x5'), 0);
  g.dropAll(); // deposed: never goes out
  g.open();
  assert.deepEqual(out, ['u1', 'x2', 'x3']);
  assert.equal(g.dropped, 2);
  g.push(6, () => out.push('u6'), 0);
  assert.deepEqual(out, ['u1', 'x2', 'x3', 'u6']);
  // unprotected, lease briefly invalid: output waits, and goes out in order with the next line
  may = false;
  g.push(7, () => out.push('u7'), 0);
  may = true;
  g.push(8, () => out.push('u8'), 0);
  assert.deepEqual(out, ['u1', 'x2', 'x3', 'u6', 'u7', 'u8']);
});

/**
 * The guest contract is not v86-shaped: the same image (fixtures/guest/guest.elf, a multiboot
 * ELF) boots under QEMU with `-kernel`, and answers the KV protocol on its serial port exactly
 * as it does under v86. Skipped, saying so, when qemu-system-i386 is not installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bootVm, type V86Vm } from '../../src/vm/index.ts';
import { GuestClient } from './guest-client.ts';
import { QemuGuest, qemuMissing } from './qemu-guest.ts';

const IMAGE = 'fixtures/guest/guest.elf';
const missing = qemuMissing();

/** the exchange both emulators must answer the same way (ticks aside) */
const SCRIPT = [
  '1 PING', '2 SET k hello world', '3 GET k', '4 INCR n', '5 INCR n', '6 GET nothing', '7 STAT',
  '8 FROB x', '9 SET', '10 INCR k', '11 SET ключ значение✓', '12 GET ключ', '13 WORK on 4', '14 WORK off',
  '15 CAS n 2 7', '16 CAS n 2 8', '17 GET n', '18 CAS nothing 0 1', '19 CAS n 7',
];
const normalise = (reply: string): string => reply.replace(/PONG \d+/, 'PONG <ticks>').replace(/ticks=\d+/, 'ticks=<n>').replace(/work=\d+/, 'work=<n>');

describe('the guest under QEMU', { skip: missing ?? false, timeout: 120_000 }, () => {
  let q: QemuGuest;
  before(async () => {
    q = await QemuGuest.boot(IMAGE);
  });
  after(async () => {
    await q?.close();
  });

  test('boots from -kernel and says READY on COM1', () => {
    assert.equal(q.lines[0], '- READY');
  });

  test('answers the KV protocol', async () => {
    assert.match(await q.ask('a1 PING'), /^a1 PONG \d+$/);
    assert.equal(await q.ask('a2 SET key some value'), 'a2 OK');
    assert.equal(await q.ask('a3 GET key'), 'a3 VAL some value');
    assert.equal(await q.ask('a4 INCR ctr'), 'a4 INT 1');
    assert.equal(await q.ask('a5 GET missing'), 'a5 NIL');
    assert.match(await q.ask('a6 STAT'), /^a6 STAT ticks=\d+ keys=2 work=0$/);
    assert.equal(await q.ask('a7 NOPE'), 'a7 ERR UNKNOWN_COMMAND');
  });

  test('its timer runs: the tick counter advances', async () => {
    const t0 = Number((await q.ask('t1 PING')).split(' ')[2]);
    // ticks are the guest's PIT at 100 Hz: wait for them by asking, not by sleeping
    const deadline = performance.now() + 10_000;
    let t = t0;
    while (t <= t0 + 5 && performance.now() < deadline) t = Number((await q.ask(`t${Math.round(performance.now())} PING`)).split(' ')[2]);
    assert.ok(t > t0 + 5, `ticks went from ${t0} to ${t}`);
  });
});

describe('the same guest under QEMU and v86', { skip: missing ?? false, timeout: 120_000 }, () => {
  let q: QemuGuest;
  let vm: V86Vm;
  let g: GuestClient;
  before(async () => {
    [q, vm] = await Promise.all([QemuGuest.boot(IMAGE), bootVm({})]);
    g = new GuestClient(vm);
  });
  after(async () => {
    g?.close();
    vm?.destroy();
    await q?.close();
  });

  test('gives the same replies to the same requests', async () => {
    const onQemu: string[] = [];
    const onV86: string[] = [];
    for (const line of SCRIPT) {
      onQemu.push(normalise(await q.ask(line)));
      onV86.push(normalise(await g.ask(line)));
    }
    assert.deepEqual(onQemu, onV86);
    assert.deepEqual(onQemu.slice(0, 7), ['1 PONG <ticks>', '2 OK', '3 VAL hello world', '4 INT 1', '5 INT 2', '6 NIL', '7 STAT ticks=<n> keys=2 work=<n>']);
  });
});

/**
 * The guest program (fixtures/guest/) through the VM layer: boot, every protocol command (CAS too),
 * errors, limits, a full store, ticks and WORK.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bootVm, type V86Vm } from '../../src/vm/index.ts';
import { GuestClient } from './guest-client.ts';

const T = { timeout: 60_000 };

describe('guest protocol', T, () => {
  let vm: V86Vm;
  let g: GuestClient;
  const consoleLines: string[] = [];

  before(async () => {
    vm = await bootVm({ console: (l) => consoleLines.push(l) });
    g = new GuestClient(vm);
  });
  after(() => {
    g?.close();
    vm?.destroy();
  });

  test('boots and says READY on the console', async () => {
    // bootVm resolved, so the guest printed its ready line; the console saw it
    await g.ask('c1 PING'); // the console is fed with the same lines, in order
    assert.equal(consoleLines[0], '- READY');
    assert.match(consoleLines[1], /^c1 PONG \d+$/);
  });

  test('PING answers PONG with the tick count, echoing the request id', async () => {
    assert.match(await g.ask('1 PING'), /^1 PONG \d+$/);
    assert.match(await g.ask('req-42:x PING'), /^req-42:x PONG \d+$/);
  });

  test('SET / GET / NIL', async () => {
    assert.equal(await g.ask('a1 SET alpha one'), 'a1 OK');
    assert.equal(await g.ask('a2 GET alpha'), 'a2 VAL one');
    assert.equal(await g.ask('a3 SET alpha two'), 'a3 OK');
    assert.equal(await g.ask('a4 GET alpha'), 'a4 VAL two');
    assert.equal(await g.ask('a5 GET nothing-here'), 'a5 NIL');
    // the value is the rest of the line, spaces included
    assert.equal(await g.ask('a6 SET sp hello  big world '), 'a6 OK');
    assert.equal(await g.ask('a7 GET sp'), 'a7 VAL hello  big world ');
    // bytes are bytes: UTF-8 goes through unchanged
    assert.equal(await g.ask('a8 SET ключ значение✓'), 'a8 OK');
    assert.equal(await g.ask('a9 GET ключ'), 'a9 VAL значение✓');
    // keys are case sensitive, separators may repeat, a trailing CR is dropped
    assert.equal(await g.ask('b1 GET ALPHA'), 'b1 NIL');
    assert.equal(await g.ask('b2   GET   alpha'), 'b2 VAL two');
    assert.equal(await g.ask('b3 GET alpha\r'), 'b3 VAL two');
  });

  test('INCR counts in signed 64 bits', async () => {
    assert.equal(await g.ask('i1 INCR ctr'), 'i1 INT 1');
    assert.equal(await g.ask('i2 INCR ctr'), 'i2 INT 2');
    assert.equal(await g.ask('i3 GET ctr'), 'i3 VAL 2');
    assert.equal(await g.ask('i4 SET neg -5'), 'i4 OK');
    assert.equal(await g.ask('i5 INCR neg'), 'i5 INT -4');
    assert.equal(await g.ask('i6 SET big 4294967295'), 'i6 OK');
    assert.equal(await g.ask('i7 INCR big'), 'i7 INT 4294967296');
    assert.equal(await g.ask('i8 SET max 9223372036854775806'), 'i8 OK');
    assert.equal(await g.ask('i9 INCR max'), 'i9 INT 9223372036854775807');
    assert.equal(await g.ask('j1 INCR max'), 'j1 ERR OVERFLOW');
    assert.equal(await g.ask('j2 GET max'), 'j2 VAL 9223372036854775807');
    assert.equal(await g.ask('j3 SET min -9223372036854775808'), 'j3 OK');
    assert.equal(await g.ask('j4 INCR min'), 'j4 INT -9223372036854775807');
    assert.equal(await g.ask('j5 SET word hello'), 'j5 OK');
    assert.equal(await g.ask('j6 INCR word'), 'j6 ERR NOT_INTEGER');
    assert.equal(await g.ask('j7 SET huge 9223372036854775808'), 'j7 OK');
    assert.equal(await g.ask('j8 INCR huge'), 'j8 ERR NOT_INTEGER');
    assert.equal(await g.ask('j9 GET word'), 'j9 VAL hello');
  });

  test('CAS swaps only when the key holds the expected value, byte for byte', async () => {
    assert.equal(await g.ask('x1 SET reg 10'), 'x1 OK');
    assert.equal(await g.ask('x2 CAS reg 10 11'), 'x2 OK');
    assert.equal(await g.ask('x3 GET reg'), 'x3 VAL 11');
    // another value: NOMATCH, nothing changes
    assert.equal(await g.ask('x4 CAS reg 10 12'), 'x4 NOMATCH');
    assert.equal(await g.ask('x5 GET reg'), 'x5 VAL 11');
    // compared as bytes, not as numbers: "011" is not "11"
    assert.equal(await g.ask('x6 CAS reg 011 12'), 'x6 NOMATCH');
    assert.equal(await g.ask('x7 CAS reg 1 12'), 'x7 NOMATCH', 'a prefix is not a match');
    assert.equal(await g.ask('x8 CAS reg 111 12'), 'x8 NOMATCH', 'a longer value is not a match');
    assert.equal(await g.ask('x9 GET reg'), 'x9 VAL 11');
    // a missing key never matches, and CAS does not create it
    const keys = (await g.stat()).keys;
    assert.equal(await g.ask('y1 CAS reg-missing 0 1'), 'y1 NOMATCH');
    assert.equal(await g.ask('y2 CAS reg-missing NIL 1'), 'y2 NOMATCH');
    assert.equal(await g.ask('y3 GET reg-missing'), 'y3 NIL');
    assert.equal((await g.stat()).keys, keys, 'a refused CAS adds no key');
    // values need not be numbers; a value stored by SET with spaces never matches one token
    assert.equal(await g.ask('y4 SET word hello world'), 'y4 OK');
    assert.equal(await g.ask('y5 CAS word hello x'), 'y5 NOMATCH');
    assert.equal(await g.ask('y6 SET word hello'), 'y6 OK');
    assert.equal(await g.ask('y7   CAS   word   hello   bye'), 'y7 OK');
    assert.equal(await g.ask('y8 GET word'), 'y8 VAL bye');
    // the same value again: a swap that changes nothing is still OK
    assert.equal(await g.ask('y9 CAS word bye bye'), 'y9 OK');
  });

  test('CAS refuses bad arguments and changes nothing', async () => {
    assert.equal(await g.ask('z0 SET cas-arg 5'), 'z0 OK');
    const k64 = 'k'.repeat(64);
    const cases: [string, string][] = [
      ['z1 CAS', 'z1 ERR ARGS'],
      ['z2 CAS cas-arg', 'z2 ERR ARGS'],
      ['z3 CAS cas-arg 5', 'z3 ERR ARGS'],
      ['z4 CAS cas-arg 5 6 7', 'z4 ERR ARGS'],
      [`z5 CAS ${k64}k 5 6`, 'z5 ERR KEY_TOO_LONG'],
      [`z6 CAS cas-arg ${'v'.repeat(257)} 6`, 'z6 ERR VALUE_TOO_LONG'],
      [`z7 CAS cas-arg 5 ${'v'.repeat(257)}`, 'z7 ERR VALUE_TOO_LONG'],
      ['z8 CAS cas-arg 5 a\u0001b', 'z8 ERR BAD_VALUE'],
      ['z9 cas cas-arg 5 6', 'z9 ERR UNKNOWN_COMMAND'],
    ];
    for (const [line, want] of cases) assert.equal(await g.ask(line), want, `reply to ${JSON.stringify(line)}`);
    assert.equal(await g.ask('za GET cas-arg'), 'za VAL 5', 'no refused CAS changed the value');
    // 256-byte values are fine on both sides
    const v256 = 'v'.repeat(256);
    assert.equal(await g.ask(`zb CAS cas-arg 5 ${v256}`), 'zb OK');
    assert.equal(await g.ask(`zc CAS cas-arg ${v256} 5`), 'zc OK');
    assert.equal(await g.ask('zd GET cas-arg'), 'zd VAL 5');
  });

  test('STAT reports ticks, keys and work', async () => {
    const r = await g.ask('s1 STAT');
    assert.match(r, /^s1 STAT ticks=\d+ keys=\d+ work=\d+$/);
    const before = await g.stat();
    assert.equal(await g.ask('s2 SET stat-new-key v'), 's2 OK');
    const afterSet = await g.stat();
    assert.equal(afterSet.keys, before.keys + 1);
    assert.equal(await g.ask('s3 SET stat-new-key w'), 's3 OK');
    assert.equal((await g.stat()).keys, afterSet.keys, 'overwriting does not add a key');
  });

  test('malformed lines get ERR and the guest keeps serving', async () => {
    const cases: [string, string][] = [
      ['e1 FOO', 'e1 ERR UNKNOWN_COMMAND'],
      ['e2 ping', 'e2 ERR UNKNOWN_COMMAND'],
      ['e3', 'e3 ERR NO_COMMAND'],
      ['e4 PING extra', 'e4 ERR ARGS'],
      ['e5 GET', 'e5 ERR ARGS'],
      ['e6 GET a b', 'e6 ERR ARGS'],
      ['e7 SET onlykey', 'e7 ERR ARGS'],
      ['e8 SET', 'e8 ERR ARGS'],
      ['e9 INCR', 'e9 ERR ARGS'],
      ['f1 STAT now', 'f1 ERR ARGS'],
      ['f2 WORK', 'f2 ERR ARGS'],
      ['f3 WORK maybe', 'f3 ERR ARGS'],
      ['f4 WORK on 9999', 'f4 ERR ARGS'],
      ['f5 SET k a\u0001b', 'f5 ERR BAD_VALUE'],
      ['', '- ERR EMPTY'],
      [' PING', '- ERR NO_ID'],
      ['- PING', '- ERR BAD_ID'],
      [`${'x'.repeat(33)} PING`, '- ERR BAD_ID'],
      ['id\u0001 PING', '- ERR BAD_ID'],
    ];
    for (const [line, want] of cases) assert.equal(await g.ask(line), want, `reply to ${JSON.stringify(line)}`);
    assert.match(await g.ask(`${'y'.repeat(32)} PING`), /^y{32} PONG \d+$/, 'a 32-byte id is fine');
    assert.match(await g.ask('ok PING'), /^ok PONG \d+$/);
  });

  test('key and value length limits', async () => {
    const k64 = 'k'.repeat(64);
    const v256 = 'v'.repeat(256);
    assert.equal(await g.ask(`l1 SET ${k64} ${v256}`), 'l1 OK');
    assert.equal(await g.ask(`l2 GET ${k64}`), `l2 VAL ${v256}`);
    assert.equal(await g.ask(`l3 SET ${k64}k x`), 'l3 ERR KEY_TOO_LONG');
    assert.equal(await g.ask(`l4 GET ${k64}k`), 'l4 ERR KEY_TOO_LONG');
    assert.equal(await g.ask(`l5 INCR ${k64}k`), 'l5 ERR KEY_TOO_LONG');
    assert.equal(await g.ask(`l6 SET short ${v256}v`), 'l6 ERR VALUE_TOO_LONG');
    assert.equal(await g.ask('l7 GET short'), 'l7 NIL', 'a refused SET stores nothing');
    assert.equal(await g.ask(`l8 SET short ${'v'.repeat(600)}`), 'l8 ERR VALUE_TOO_LONG');
    // limits are in bytes: 128 two-byte characters are 256 bytes, 129 are too many
    assert.equal(await g.ask(`l9 SET u ${'é'.repeat(128)}`), 'l9 OK');
    assert.equal(await g.ask(`m1 SET u ${'é'.repeat(129)}`), 'm1 ERR VALUE_TOO_LONG');
    // a line longer than the guest's line buffer is refused as a whole, and the next is fine
    assert.equal(await g.ask(`m2 SET long ${'z'.repeat(5000)}`), 'm2 ERR LINE_TOO_LONG');
    assert.equal(await g.ask('m3 GET long'), 'm3 NIL');
    assert.equal(await g.ask(`l2 GET ${k64}`), `l2 VAL ${v256}`);
  });

  test('pipelined requests are answered in order, ids carried back', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => (i % 2 ? `p${i} GET pipe${i - 1}` : `p${i} SET pipe${i} val${i}`));
    const replies = await g.askMany(lines);
    replies.forEach((r, i) => assert.equal(r, i % 2 ? `p${i} VAL val${i - 1}` : `p${i} OK`));
    assert.deepEqual(g.unsolicited, []);
  });

  test('ticks advance on their own at about 100 Hz', async () => {
    const t0 = await g.ticks();
    const w0 = performance.now();
    const t1 = await g.untilTicks(t0 + 20);
    const elapsed = performance.now() - w0;
    // 20 ticks of 10 ms cannot come sooner than ~200 ms (some slack for timer granularity)
    assert.ok(elapsed >= 150, `20 ticks in ${elapsed.toFixed(0)} ms: the timer runs too fast`);
    assert.ok(t1 - t0 >= 20);
  });

  test('WORK on makes progress while the guest keeps serving; WORK off stops it', async () => {
    const s0 = await g.stat();
    assert.equal(await g.ask('w1 WORK on'), 'w1 OK');
    // progress: poll until the counter has grown a lot
    let s = s0;
    const deadline = performance.now() + 10_000;
    while (s.work < s0.work + 2000) {
      assert.ok(performance.now() < deadline, `WORK made no progress (work=${s.work})`);
      assert.equal(await g.ask('w2 SET during-work yes'), 'w2 OK');
      s = await g.stat();
    }
    assert.equal(await g.ask('w3 GET during-work'), 'w3 VAL yes');
    assert.equal(await g.ask('w4 WORK off'), 'w4 OK');
    const stopped = await g.stat();
    await g.untilTicks(stopped.ticks + 3); // the guest ran for a while without working
    assert.equal((await g.stat()).work, stopped.work, 'work continued after WORK off');
    // WORK on <pages> also writes pages; it is accepted up to 256
    assert.equal(await g.ask('w5 WORK on 256'), 'w5 OK');
    assert.equal(await g.ask('w6 WORK off'), 'w6 OK');
  });
});

describe('guest store capacity', T, () => {
  let vm: V86Vm;
  let g: GuestClient;
  before(async () => {
    vm = await bootVm();
    g = new GuestClient(vm);
  });
  after(() => {
    g?.close();
    vm?.destroy();
  });

  test('holds at least 10,000 keys, then answers ERR FULL without corrupting', async () => {
    const key = (i: number) => `key:${i}`;
    const val = (i: number) => `value-${i}-${'x'.repeat(i % 200)}`;
    let stored = 0;
    let full = '';
    // fill in pipelined batches until the store says FULL (small batches: v86 keeps the
    // UART's receive queue in a JS array that gets slow when very long)
    while (!full && stored < 50_000) {
      const batch = Array.from({ length: 50 }, (_, j) => `f${stored + j} SET ${key(stored + j)} ${val(stored + j)}`);
      const replies = await g.askMany(batch);
      for (let j = 0; j < replies.length; j++) {
        if (replies[j] === `f${stored} OK`) {
          stored++;
        } else {
          full = replies[j];
          // every later SET of a new key in the batch is refused as well
          for (let k = j; k < replies.length; k++) assert.equal(replies[k], `f${stored + k - j} ERR FULL`);
          break;
        }
      }
    }
    assert.equal(full, `f${stored} ERR FULL`);
    assert.ok(stored >= 10_000, `store filled up after ${stored} keys`);
    assert.equal((await g.stat()).keys, stored);
    // refused keys are absent; INCR of a new key is refused too
    assert.equal(await g.ask(`n1 GET ${key(stored)}`), 'n1 NIL');
    assert.equal(await g.ask('n2 INCR brand-new'), 'n2 ERR FULL');
    assert.equal(await g.ask('n3 GET brand-new'), 'n3 NIL');
    // existing keys can still be overwritten and incremented
    assert.equal(await g.ask(`n4 SET ${key(7)} changed`), 'n4 OK');
    assert.equal(await g.ask(`n5 SET ${key(9)} 41`), 'n5 OK');
    assert.equal(await g.ask(`n6 INCR ${key(9)}`), 'n6 INT 42');
    assert.equal((await g.stat()).keys, stored);
    // every stored key still reads back its own value
    const all = Array.from({ length: stored }, (_, i) => i);
    for (let i = 0; i < all.length; i += 50) {
      const chunk = all.slice(i, i + 50);
      const replies = await g.askMany(chunk.map((k) => `g${k} GET ${key(k)}`));
      chunk.forEach((k, j) => {
        const want = k === 7 ? 'changed' : k === 9 ? '42' : val(k);
        assert.equal(replies[j], `g${k} VAL ${want}`);
      });
    }
  });
});

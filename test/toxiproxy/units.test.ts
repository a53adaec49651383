/** Pure pieces: slicing, addresses, request ids, JSON parsing, toxicity, metrics text, long timers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { joinHostPort, splitHostPort } from '../../src/toxiproxy/address.ts';
import { JsonNumber, MAX_DEPTH, parseFirstValue } from '../../src/toxiproxy/api/json-parse.ts';
import { rollToxicity } from '../../src/toxiproxy/link.ts';
import { ProxyMetrics } from '../../src/toxiproxy/metrics.ts';
import { newRequestId } from '../../src/toxiproxy/request-id.ts';
import { sliceSizes } from '../../src/toxiproxy/toxics/slicer.ts';
import { MAX_TIMER_MS, setLongTimeout } from '../../src/toxiproxy/toxics/long-timeout.ts';

test('sliceSizes: every slice at most average + variation, summing to the whole', () => {
  for (const [size, avg, v] of [
    [100_000, 100, 20],
    [65536, 1500, 700],
    [10, 100, 20],
    [1000, 10, 0],
    [5000, 7, 50],
  ]) {
    for (let k = 0; k < 20; k++) {
      const sizes = sliceSizes(size, avg, v);
      assert.equal(sizes.reduce((a, b) => a + b, 0), size);
      assert.ok(sizes.every((n) => n > 0 && n <= avg + v), `${size}/${avg}±${v}: ${Math.max(...sizes)}`);
    }
  }
  assert.deepEqual(sliceSizes(500, 0, 0), [500], 'average 0: no slicing');
  const sizes = sliceSizes(100_000, 100, 20);
  const mean = 100_000 / sizes.length;
  assert.ok(mean >= 60 && mean <= 120, `mean slice ${mean}`);
});

test('splitHostPort / joinHostPort follow Go', () => {
  assert.deepEqual(splitHostPort('127.0.0.1:80'), { host: '127.0.0.1', port: 80 });
  assert.deepEqual(splitHostPort('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(splitHostPort(':8080'), { host: '', port: 8080 });
  assert.deepEqual(splitHostPort('localhost:'), { host: 'localhost', port: 0 });
  assert.throws(() => splitHostPort('localhost'), /address localhost: missing port in address/);
  assert.throws(() => splitHostPort('::1:80'), /too many colons/);
  assert.throws(() => splitHostPort('h:99999'), /invalid port/);
  assert.equal(joinHostPort('::', 5), '[::]:5');
  assert.equal(joinHostPort('127.0.0.1', 5), '127.0.0.1:5');
});

test('request ids: 20 base32hex characters, unique, time-ordered prefix', () => {
  const ids = Array.from({ length: 1000 }, newRequestId);
  assert.ok(ids.every((id) => /^[0-9a-v]{20}$/.test(id)));
  assert.equal(new Set(ids).size, ids.length);
});

test('parseFirstValue reports what Go reports', () => {
  const err = (text: string) => {
    const r = parseFirstValue(text);
    return 'error' in r ? r.error : `parsed up to ${r.end}`;
  };
  assert.equal(err('  '), 'EOF');
  assert.equal(err('{"a":1} trailing'), 'parsed up to 7');
  assert.equal(err('{"a":'), 'unexpected EOF');
  assert.equal(err('x'), "invalid character 'x' looking for beginning of value");
  assert.equal(err('{"a" 1}'), "invalid character '1' after object key");
  assert.equal(err('{"a":1 "b"}'), `invalid character '"' after object key:value pair`);
  assert.equal(err('[1 2]'), "invalid character '2' after array element");
  assert.equal(err('nul'), 'unexpected EOF');
  assert.equal(err('nox'), "invalid character 'o' in literal null (expecting 'u')");
  assert.equal(err('"\\uZZ00"'), "invalid character 'Z' in \\u hexadecimal character escape");
  const all = '[{"k":"v\\n\\u00e9"},-1.5e3,0,true,false,null,{},[]]';
  const r = parseFirstValue(`${all}  `);
  assert.ok('value' in r);
  assert.equal(r.end, all.length);
  assert.equal(JSON.stringify(r.value), '[{"k":"v\\né"},-1500,0,true,false,null,{},[]]');
});

test('parseFirstValue keeps number literals, makes "__proto__" an ordinary key, and bounds nesting as Go does', () => {
  const r = parseFirstValue('{"__proto__":{"x":1},"n":[1e3,1.0,9223372036854775808]}');
  assert.ok('value' in r);
  const v = r.value as Record<string, any>;
  assert.deepEqual(Object.keys(v), ['__proto__', 'n']);
  assert.equal(Object.getPrototypeOf(v), null);
  assert.deepEqual(v.n.map((n: JsonNumber) => n.text), ['1e3', '1.0', '9223372036854775808']);
  // Go's limit is 10000 levels; 20000 is refused without recursion (no stack overflow).
  assert.ok('value' in parseFirstValue('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH)));
  assert.deepEqual(parseFirstValue('['.repeat(MAX_DEPTH + 1)), { error: "invalid character '[' exceeded max depth" });
  assert.deepEqual(parseFirstValue('{"a":'.repeat(20_000)), { error: "invalid character '{' exceeded max depth" });
});

test('parseFirstValue is linear: a 4 MB array of numbers parses in well under a second', () => {
  const text = `[${'1,'.repeat(2 << 20)}1]`;
  const t0 = performance.now();
  const r = parseFirstValue(text);
  assert.ok('value' in r);
  assert.equal((r.value as unknown[]).length, (2 << 20) + 1);
  assert.ok(performance.now() - t0 < 5000, 'quadratic scanning would take minutes');
});

test('toxicity: 0 never, 1 always', () => {
  for (let i = 0; i < 100_000; i++) {
    assert.equal(rollToxicity(0), false);
    assert.equal(rollToxicity(1), true);
  }
});

test('metrics text: labels sorted, series sorted, nothing before the first connection', () => {
  const m = new ProxyMetrics(true);
  assert.equal(m.render(), '');
  const up = m.counters('p', '127.0.0.1:1', '127.0.0.1:2', 'upstream');
  up.received.value += 7;
  up.sent.value += 5;
  assert.equal(
    m.render(),
    [
      '# HELP toxiproxy_proxy_received_bytes_total The number of bytes received from the source of a direction',
      '# TYPE toxiproxy_proxy_received_bytes_total counter',
      'toxiproxy_proxy_received_bytes_total{direction="upstream",listener="127.0.0.1:1",proxy="p",upstream="127.0.0.1:2"} 7',
      '# HELP toxiproxy_proxy_sent_bytes_total The number of bytes sent to the destination of a direction',
      '# TYPE toxiproxy_proxy_sent_bytes_total counter',
      'toxiproxy_proxy_sent_bytes_total{direction="upstream",listener="127.0.0.1:1",proxy="p",upstream="127.0.0.1:2"} 5',
      '',
    ].join('\n'),
  );
  const off = new ProxyMetrics(false);
  off.counters('p', 'a', 'b', 'upstream').sent.value++;
  assert.equal(off.render(), '');
});

test('setLongTimeout: past the largest Node timer it hops instead of overflowing; clear() and Infinity hold nothing', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    // Hops of 20 ms make a 100 ms wait: it fires once, not before it is due.
    const t0 = performance.now();
    let fired = 0;
    await new Promise<void>((resolve) => setLongTimeout(() => (fired++, resolve()), 100, 20));
    assert.ok(performance.now() - t0 >= 99, `fired after ${performance.now() - t0} ms`);
    assert.equal(fired, 1);
    // The real limit: one timer, no warning, cleared at once.
    const long = setLongTimeout(() => assert.fail('must not fire'), MAX_TIMER_MS + 1);
    assert.equal(timers(), before + 1);
    long.clear();
    const never = setLongTimeout(() => assert.fail('must not fire'), Infinity);
    assert.equal(timers(), before, 'Infinity holds no timer');
    never.clear();
    const cleared = setLongTimeout(() => assert.fail('cleared, must not fire'), 30, 10);
    cleared.clear();
    await new Promise((r) => setTimeout(r, 60));
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
  assert.equal(timers(), before);
});

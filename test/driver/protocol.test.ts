/** The driver protocol's vocabulary: what a driver may send, and what each mistake is called. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHello, parseLine, parseLogs, parseStatus } from '../../src/platform/command/protocol.ts';

test('hello: capabilities and links are checked, with what is allowed', () => {
  const h = parseHello({ name: 'x', protocol: 1, capabilities: ['crash'] });
  assert.deepEqual(h, { name: 'x', protocol: 1, capabilities: ['crash'], proxied: ['client', 'replication', 'witness'], own: [] });
  assert.throws(() => parseHello({ name: 'x', protocol: 2 }), /"protocol" must be 1 \(the version this harness speaks\), not 2/);
  assert.throws(() => parseHello({ name: 'x', protocol: 1, capabilities: ['teleport'] }), /unknown capabilities \["teleport"\]; allowed: crash, hang, resume, restart, logs, cut/);
  assert.throws(() => parseHello({ name: 'x', protocol: 1, capabilities: [], links: { proxied: ['client'], own: ['replication', 'witness'] } }), /so it must declare the "cut" capability/);
  assert.throws(() => parseHello({ name: 'x', protocol: 1, links: { proxied: ['client'], own: [] } }), /every link must be either proxied or own; replication, witness is neither/);
  assert.throws(() => parseHello('hi'), /hello must answer an object/);
});

test('lines: answers, events, and everything else named as a protocol error', () => {
  assert.deepEqual(parseLine('{"id":3,"result":{}}'), { kind: 'response', id: 3, result: {} });
  assert.deepEqual(parseLine('{"id":3,"error":{"message":"no"}}'), { kind: 'response', id: 3, error: 'no' });
  assert.deepEqual(parseLine('{"event":"role","host":"b","role":"primary","time":12.5,"epoch":4}'), { kind: 'event', event: { event: 'role', host: 'b', role: 'primary', epoch: 4, time: 12.5 } });
  assert.deepEqual(parseLine('{"event":"protected","protected":true}'), { kind: 'event', event: { event: 'protected', protected: true } });
  const bad = (l: string) => {
    const p = parseLine(l);
    assert.equal(p.kind, 'bad', l);
    return p.kind === 'bad' ? p.why : '';
  };
  assert.match(bad('hello'), /^not JSON: "hello"/);
  assert.match(bad('[1]'), /not a JSON object/);
  assert.match(bad('{"id":"1","result":{}}'), /"id" must be the integer/);
  assert.match(bad('{"id":1}'), /needs "result" or "error"/);
  assert.match(bad('{"event":"role","host":"c","role":"primary"}'), /"host" must be one of a, b/);
  assert.match(bad('{"event":"role","host":"a","role":"leader"}'), /"role" must be one of starting, primary, backup, fenced, down/);
  assert.match(bad('{"event":"weather"}'), /neither a response \(no "id"\) nor a known event \(role, protected, log, loop\)/);
});

test('status and logs answers', () => {
  assert.deepEqual(parseStatus({ hosts: { a: { role: 'primary', pid: 7 }, b: { role: 'backup' } }, protected: true, lagMs: 3 }), { hosts: { a: { role: 'primary', pid: 7 }, b: { role: 'backup', pid: null } }, protected: true, lagMs: 3 });
  assert.throws(() => parseStatus({ hosts: { a: { role: 'primary' } }, protected: true }), /hosts\.b\.role must be one of/);
  assert.throws(() => parseStatus({ hosts: { a: { role: 'primary' }, b: { role: 'backup' } } }), /"protected" must be true or false/);
  assert.deepEqual(parseLogs({ files: { 'a.log': '/x' } }), { 'a.log': '/x' });
  assert.throws(() => parseLogs({ files: ['/x'] }), /logs must answer \{"files"/);
});

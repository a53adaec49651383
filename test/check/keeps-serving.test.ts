import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKeepsServing } from '../../src/check/index.ts';
import { HistoryBuilder } from './history-builder.ts';

const base = () => new HistoryBuilder().role('a', 'primary', 100).role('b', 'backup', 120);

test('a primary that keeps its role passes, also when the backup goes down', () => {
  const v = checkKeepsServing(base().role('b', 'down', 2000).build(), { host: 'a', since: 1900 });
  assert.equal(v.ok, true, v.summary);
  assert.match(v.summary, /no role change/);
});

test('another host becoming primary after the fault is a failover: fails', () => {
  const v = checkKeepsServing(base().role('a', 'fenced', 2050).role('b', 'primary', 2100).build(), { host: 'a', since: 1900 });
  assert.equal(v.ok, false);
  assert.equal(v.category, 'Availability below target');
  assert.match(v.summary, /host b became primary at 2100 ms/);
});

test('a host that ends fenced did not keep serving', () => {
  const v = checkKeepsServing(base().role('a', 'fenced', 2100).build(), { host: 'a', since: 1900 });
  assert.equal(v.ok, false);
  assert.match(v.summary, /host a ended fenced/);
});

test('a brief self-fence regained without a takeover passes and is reported', () => {
  const v = checkKeepsServing(base().role('a', 'fenced', 2100).role('a', 'primary', 2130).build(), { host: 'a', since: 1900 });
  assert.equal(v.ok, true, v.summary);
  assert.equal(v.figures.selfFences, 1);
  assert.match(v.summary, /1 brief lapse of its own role/);
});

test('role changes before the fault do not count', () => {
  const v = checkKeepsServing(new HistoryBuilder().role('b', 'primary', 50).role('a', 'primary', 100).build(), { host: 'a', since: 1000 });
  assert.equal(v.ok, true);
});

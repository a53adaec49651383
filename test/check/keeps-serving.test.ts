import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKeepsServing } from '../../src/check/index.ts';
import { HistoryBuilder } from './history-builder.ts';

test('a primary that keeps its role passes; any role change after the fault fails', () => {
  const base = () => new HistoryBuilder().role('a', 'primary', 100).role('b', 'backup', 120);
  const ok = checkKeepsServing(base().role('b', 'down', 2000).build(), { host: 'a', since: 1900 });
  assert.equal(ok.ok, true, ok.summary);
  const lost = checkKeepsServing(base().role('a', 'fenced', 2100).build(), { host: 'a', since: 1900 });
  assert.equal(lost.ok, false);
  assert.equal(lost.category, 'Availability below target');
  assert.match(lost.summary, /host a became fenced at 2100 ms/);
  const other = checkKeepsServing(base().role('b', 'primary', 2100).build(), { host: 'a', since: 1900 });
  assert.equal(other.ok, false);
  assert.match(other.summary, /host b became primary/);
});

test('role changes before the fault do not count', () => {
  const v = checkKeepsServing(new HistoryBuilder().role('b', 'primary', 50).role('a', 'primary', 100).build(), { host: 'a', since: 1000 });
  assert.equal(v.ok, true);
});

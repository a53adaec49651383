/** splitOwned: the proxy targets on links a platform owns become that platform's cuts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitOwned } from '../../src/harness/own-links.ts';
import { clientLinkOf, isolationOf, replicationBoth, replicationDirection, type PairLinks, type ProxyInfo } from '../../src/harness/links.ts';

const ep = (port: number) => ({ host: '127.0.0.1', port });
const proxy = (name: string, from: ProxyInfo['from'], to: ProxyInfo['to'], kind: ProxyInfo['kind'], port: number): ProxyInfo => ({ name, from, to, kind, listen: ep(port), upstream: ep(port + 1000) });
const links: PairLinks = {
  layout: { witness: ep(1), hosts: { a: { client: ep(2), replication: ep(3), dialPeer: ep(4), dialWitness: ep(5) }, b: { client: ep(6), replication: ep(7), dialPeer: ep(8), dialWitness: ep(9) } } },
  direct: { a: ep(2), b: ep(6) },
  clientEndpoints: { a: ep(10), b: ep(11) },
  proxies: [
    proxy('kv.client.a', 'client', 'a', 'client', 10), proxy('kv.client.b', 'client', 'b', 'client', 11),
    proxy('kv.repl.to-b', 'a', 'b', 'replication', 12), proxy('kv.repl.to-a', 'b', 'a', 'replication', 13),
    proxy('kv.witness.a', 'a', 'witness', 'witness', 14), proxy('kv.witness.b', 'b', 'witness', 'witness', 15),
  ],
};

test('nothing owned: every target stays on its proxy', () => {
  const t = isolationOf(links, 'a');
  assert.deepEqual(splitOwned(links, t, []), { proxied: t, cuts: [] });
});

test('an owned replication link: both proxies become cuts of both directions, by the dialling host', () => {
  const r = splitOwned(links, replicationBoth(links), ['replication']);
  assert.deepEqual(r.proxied, []);
  assert.deepEqual(r.cuts, [{ link: 'replication', host: 'a', direction: 'both' }, { link: 'replication', host: 'b', direction: 'both' }]);
});

test('one way, primary a to backup b: a stops sending on its link, b stops receiving on its own', () => {
  const r = splitOwned(links, replicationDirection(links, 'a', 'b'), ['replication']);
  assert.deepEqual(r.cuts, [{ link: 'replication', host: 'a', direction: 'from-host' }, { link: 'replication', host: 'b', direction: 'to-host' }]);
});

test('client links: upstream is what clients send to the host', () => {
  const [up] = clientLinkOf(links, 'b');
  assert.deepEqual(splitOwned(links, [up!], ['client']).cuts, [{ link: 'client', host: 'b', direction: 'to-host' }]);
});

test('isolation with the witness link owned: the witness cut, the rest proxied', () => {
  const r = splitOwned(links, isolationOf(links, 'a'), ['witness']);
  assert.deepEqual(r.cuts, [{ link: 'witness', host: 'a', direction: 'both' }]);
  assert.deepEqual(r.proxied.map((t) => t.proxy), ['kv.client.a', 'kv.client.a', 'kv.repl.to-b', 'kv.repl.to-b', 'kv.repl.to-a', 'kv.repl.to-a']);
});

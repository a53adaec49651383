import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { freePorts } from '../../src/platform/ports.ts';

test('free ports are distinct, bindable, outside the ephemeral range and never handed out twice', async () => {
  const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const a = await freePorts(20);
  const b = await freePorts(20);
  const all = [...a, ...b];
  assert.equal(new Set(all).size, 40);
  for (const p of all) assert.ok(p >= 10_000 && p < lo, `port ${p} must lie below the ephemeral range (${lo})`);
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen({ host: '127.0.0.1', port: a[0]!, exclusive: true }, r));
  await new Promise<void>((r) => srv.close(() => r()));
});

/**
 * npm run bench:toxiproxy:shared — accuracy and fairness of the embedded Toxiproxy's shared
 * bandwidth budget (the shared_bandwidth extension), server in this process.
 *
 * Four streams, each through its own proxy, all in one group of RATE KB/s, kept busy for
 * WINDOW_MS after a warm-up: the sum (target within ±10 % of the rate) and each stream's
 * share (target within ±20 % of a quarter). Then one stream alone (target: the whole rate
 * ±10 %). Each figure is bytes read by the receivers in the window.
 */
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { startToxiproxyServer } from '../src/toxiproxy/server.ts';
import { flood } from '../test/support/flood.ts';

const RATE = 2000; // KB/s
const STREAMS = 4;
const WARMUP_MS = 500;
const WINDOW_MS = 4000;
const ALONE_MS = 2000;

const started = performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(url: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(url + path, { method: 'POST', body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function main(): Promise<void> {
  /** bytes per receiving socket of the current run (a run's late bytes do not count in the next) */
  let counts: number[] = [];
  const sink = createServer((s) => {
    const mine = counts;
    const i = mine.push(0) - 1;
    s.on('data', (d: Buffer) => (mine[i] += d.length));
    s.on('error', () => {});
  });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const sinkAddr = `127.0.0.1:${(sink.address() as { port: number }).port}`;
  const server = await startToxiproxyServer({ port: 0 });
  /** n proxies, each with a shared_bandwidth toxic of group "rack" */
  const proxies = async (prefix: string, n: number): Promise<number[]> => {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = await post(server.url, '/proxies', { name: `${prefix}${i}`, listen: '127.0.0.1:0', upstream: sinkAddr });
      await post(server.url, `/proxies/${prefix}${i}/toxics`, { type: 'shared_bandwidth', stream: 'upstream', attributes: { group: 'rack', rate: RATE } });
      ports.push(Number(p.listen.split(':').pop()));
    }
    return ports;
  };
  const dial = async (port: number) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    await once(s, 'connect');
    return s;
  };

  /** Bytes each receiver got in `ms` after a warm-up, with the given streams busy. */
  const run = async (ports: number[], ms: number): Promise<number[]> => {
    counts = [];
    const sockets = await Promise.all(ports.map(dial));
    const stops = sockets.map((s) => flood(s));
    await sleep(WARMUP_MS);
    const before = [...counts];
    await sleep(ms);
    const got = counts.map((c, i) => c - (before[i] ?? 0));
    stops.forEach((stop) => stop());
    sockets.forEach((s) => s.destroy());
    await sleep(100);
    return got;
  };

  const shares = await run(await proxies('s', STREAMS), WINDOW_MS);
  // what the stopped streams still hold would go on sharing the budget: their proxies go
  for (let i = 0; i < STREAMS; i++) await fetch(`${server.url}/proxies/s${i}`, { method: 'DELETE' });
  const alone = (await run(await proxies('alone', 1), ALONE_MS))[0];
  await server.close();
  sink.close();

  const kbps = (bytes: number, ms: number) => bytes / ms;
  const sum = kbps(shares.reduce((a, b) => a + b, 0), WINDOW_MS);
  const fair = RATE / STREAMS;
  const per = shares.map((b) => kbps(b, WINDOW_MS));
  const worst = Math.max(...per.map((p) => Math.abs(p - fair) / fair));
  const aloneKbps = kbps(alone, ALONE_MS);
  const pctOff = (v: number, of: number) => `${v >= of ? '+' : ''}${(((v - of) / of) * 100).toFixed(1)} %`;
  const f = (n: number) => n.toFixed(0).padStart(6);
  console.log(`ftchaos embedded Toxiproxy: shared_bandwidth budget (server in this process, node ${process.version})`);
  console.log('');
  console.log(`${STREAMS} streams, one group of ${RATE} KB/s, ${WINDOW_MS} ms window`);
  console.log(`  sum                  ${f(sum)} KB/s   ${pctOff(sum, RATE)} of the rate (target ±10 %)`);
  console.log(`  per stream           ${per.map(f).join(' ')} KB/s   worst ${pctOff(fair + worst * fair, fair).replace('+', '±')} of a fair ${fair} (target ±20 %)`);
  console.log(`one stream alone       ${f(aloneKbps)} KB/s   ${pctOff(aloneKbps, RATE)} of the rate (target ±10 %)`);
  console.log('');
  const ok = Math.abs(sum - RATE) <= RATE * 0.1 && worst <= 0.2 && Math.abs(aloneKbps - RATE) <= RATE * 0.1;
  console.log(`targets ${ok ? 'met' : 'NOT met'}; took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (!ok) process.exitCode = 1;
}

await main();

/**
 * npm run bench:toxiproxy — what the embedded Toxiproxy-compatible server costs.
 *
 * Prints, in one run (< 30 s):
 *   - throughput (MB/s) of a bulk transfer, direct loopback vs through a proxy (ratio);
 *   - round-trip time p50/p99 (µs) of 64-byte ping-pongs, direct vs through a proxy with no
 *     toxic (added latency) and with a 5 ms latency toxic (measured vs expected).
 *
 * The server runs as `ftchaos toxiproxy` in its own process (as the real Toxiproxy does);
 * `--in-process` runs it inside this process instead (as connectToxiproxy() embeds it).
 * Targets (issue 4): added p50 <= 200 µs with no toxic; throughput >= 50 % of direct.
 */
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { startToxiproxyServer } from '../src/toxiproxy/server.ts';

const BULK_BYTES = 256 << 20;
const BULK_ROUNDS = 3;
const PINGS = 4000;
const LATENCY_MS = 5;
const LATENCY_PINGS = 200;
const DEADLINE_MS = 28_000;

const inProcess = process.argv.includes('--in-process');
const started = performance.now();
const deadline = setTimeout(() => {
  console.error('bench: over the time budget, stopping');
  process.exit(1);
}, DEADLINE_MS);

function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => (server.address() as { port: number }).port);
}

async function dial(port: number): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port });
  s.setNoDelay(true);
  await once(s, 'connect');
  return s;
}

/** Bulk: write BULK_BYTES as fast as the path takes them; MB/s measured at the receiver. */
async function bulk(port: number, sinkDone: () => Promise<number>): Promise<number> {
  const s = await dial(port);
  const chunk = Buffer.alloc(64 << 10, 0x5a);
  const done = sinkDone();
  const t0 = performance.now();
  for (let sent = 0; sent < BULK_BYTES; sent += chunk.length) {
    if (!s.write(chunk)) await once(s, 'drain');
  }
  s.end();
  const bytes = await done;
  const ms = performance.now() - t0;
  s.destroy();
  return bytes / 1e6 / (ms / 1000);
}

async function rtts(port: number, n: number): Promise<number[]> {
  const s = await dial(port);
  const msg = Buffer.alloc(64, 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    let got = 0;
    s.write(msg);
    while (got < msg.length) {
      const [d] = (await once(s, 'data')) as [Buffer];
      got += d.length;
    }
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  s.destroy();
  return out;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  if (inProcess) return startToxiproxyServer({ port: 0 });
  const bin = fileURLToPath(new URL('../bin/ftchaos.mjs', import.meta.url));
  const child: ResultPromise = execa('node', [bin, 'toxiproxy', '--port', '0'], { reject: false });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+?)[\s,]/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`ftchaos toxiproxy exited (${code}): ${out}`)));
  });
  return {
    url,
    async close() {
      child.kill('SIGINT');
      await child;
    },
  };
}

async function apiPost(url: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(url + path, { method: 'POST', body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function main(): Promise<void> {
  // Peers: a sink that counts bytes, an echo for ping-pong.
  let expect: ((bytes: number) => void) | null = null;
  const sink = createServer((s) => {
    let bytes = 0;
    s.on('data', (d: Buffer) => (bytes += d.length));
    s.on('end', () => {
      s.end();
      expect?.(bytes);
    });
  });
  const echo = createServer((s) => {
    s.setNoDelay(true);
    s.on('data', (d) => s.write(d));
    s.on('error', () => {});
  });
  const sinkPort = await listen(sink);
  const echoPort = await listen(echo);
  const sinkDone = () => new Promise<number>((resolve) => (expect = resolve));

  const server = await startServer();
  const bulkProxy = await apiPost(server.url, '/proxies', { name: 'bulk', listen: '127.0.0.1:0', upstream: `127.0.0.1:${sinkPort}` });
  const pingProxy = await apiPost(server.url, '/proxies', { name: 'ping', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
  const port = (p: { listen: string }) => Number(p.listen.split(':').pop());

  // Warm up both paths (JIT, page cache of the sockets).
  await rtts(echoPort, 300);
  await rtts(port(pingProxy), 300);

  const direct: number[] = [];
  const proxied: number[] = [];
  for (let i = 0; i < BULK_ROUNDS; i++) {
    direct.push(await bulk(sinkPort, sinkDone));
    proxied.push(await bulk(port(bulkProxy), sinkDone));
  }
  const bestDirect = Math.max(...direct);
  const bestProxied = Math.max(...proxied);

  const rttDirect = await rtts(echoPort, PINGS);
  const rttProxy = await rtts(port(pingProxy), PINGS);
  await apiPost(server.url, '/proxies/ping/toxics', { type: 'latency', stream: 'downstream', attributes: { latency: LATENCY_MS } });
  const rttLatency = await rtts(port(pingProxy), LATENCY_PINGS);
  await server.close();
  sink.close();
  echo.close();

  const f = (n: number) => n.toFixed(0).padStart(7);
  const d50 = pct(rttDirect, 50);
  const d99 = pct(rttDirect, 99);
  const ratio = bestProxied / bestDirect;
  const added50 = pct(rttProxy, 50) - d50;
  console.log(`ftchaos embedded Toxiproxy benchmark (${inProcess ? 'server in this process' : 'server in its own process'}, node ${process.version})`);
  console.log('');
  console.log(`throughput (${BULK_BYTES >> 20} MiB, best of ${BULK_ROUNDS})`);
  console.log(`  direct loopback      ${f(bestDirect)} MB/s`);
  console.log(`  through proxy        ${f(bestProxied)} MB/s   ratio ${(ratio * 100).toFixed(0)} % of direct (target >= 50 %)`);
  console.log('');
  console.log(`round trip, 64-byte ping-pong          p50 µs   p99 µs   added p50   added p99`);
  console.log(`  direct loopback (${PINGS})           ${f(d50)}  ${f(d99)}`);
  console.log(`  proxy, no toxic (${PINGS})           ${f(pct(rttProxy, 50))}  ${f(pct(rttProxy, 99))}   ${f(added50)}     ${f(pct(rttProxy, 99) - d99)}   (target added p50 <= 200)`);
  const l50 = pct(rttLatency, 50) - d50;
  console.log(`  proxy, latency ${LATENCY_MS} ms (${LATENCY_PINGS})        ${f(pct(rttLatency, 50))}  ${f(pct(rttLatency, 99))}   ${f(l50)}     ${f(pct(rttLatency, 99) - d99)}   (expected added ${LATENCY_MS * 1000}; measured ${(l50 / 1000).toFixed(2)} ms)`);
  console.log('');
  const ok = added50 <= 200 && ratio >= 0.5;
  console.log(`targets ${ok ? 'met' : 'NOT met'}; took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  clearTimeout(deadline);
}

await main();

/**
 * Planted bug 'renewals-while-hung', the sidecar process: `node --import tsx
 * lease-sidecar-main.ts '{"endpoint":…,"host":"a","ttlMs":500,"renewEveryMs":50}'`. Reads
 * `{"term":N}` lines on stdin and renews the lease of term N at the witness on its own
 * connection every renewEveryMs, whatever the host process is doing. Exits with its parent.
 */
import net from 'node:net';
import { LineSplitter } from './lines.ts';
import { exitWithParent } from './parent-watch.ts';
import type { LeaseSidecarConfig } from './lease-sidecar.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as LeaseSidecarConfig;
let term = 0;
let rid = 0;
let sock: net.Socket | null = null;
let announced = false;

function connect(): void {
  const s = net.connect({ host: cfg.endpoint.host, port: cfg.endpoint.port });
  sock = s;
  const replies = new LineSplitter();
  s.on('data', (chunk: Buffer) => {
    if (announced) return;
    for (const line of replies.push(chunk)) {
      try {
        if ((JSON.parse(line) as { ok?: boolean }).ok === true) {
          // the first renewal the witness granted: tell the host (which logs it)
          announced = true;
          process.stdout.write(`renewing term ${term}\n`);
          return;
        }
      } catch {
        /* not a reply */
      }
    }
  });
  s.on('error', () => {});
  s.on('close', () => {
    if (sock === s) sock = null;
    setTimeout(connect, 20);
  });
}

exitWithParent();
const lines = new LineSplitter();
process.stdin.on('data', (chunk: Buffer) => {
  for (const line of lines.push(chunk)) {
    try {
      term = Number((JSON.parse(line) as { term: number }).term) || 0;
    } catch {
      /* not a command */
    }
  }
});
connect();
setInterval(() => {
  if (term > 0 && sock && !sock.connecting) sock.write(JSON.stringify({ op: 'renew', rid: ++rid, host: cfg.host, term, ttl: cfg.ttlMs }) + '\n');
}, cfg.renewEveryMs);

/**
 * The witness: a tiny lease / test-and-set service over TCP (one JSON request per line, one
 * JSON reply per line). It plays the role VMware FT gives to shared storage: of two hosts
 * that cannot see each other, only the one holding the lease may serve.
 */
import net from 'node:net';
import { LineSplitter } from './lines.ts';
import { LeaseTable, type LeaseReply, type LeaseRequest } from './lease.ts';
import type { Logger } from './logger.ts';
import { monoMs } from '../types.ts';

export interface WitnessServerOptions {
  host: string;
  port: number;
  log?: Logger;
  onChange?: (t: LeaseTable) => void;
}

export class WitnessServer {
  readonly table = new LeaseTable();
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  /** per host, the connection its last granted acquire/renew came in on */
  private conns = new Map<string, net.Socket>();

  constructor(private readonly opts: WitnessServerOptions) {}

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer((sock) => this.accept(sock));
      srv.once('error', reject);
      srv.listen({ host: this.opts.host, port: this.opts.port }, () => {
        srv.off('error', reject);
        srv.on('error', (err) => this.opts.log?.error('server error', { err: String(err) }));
        this.server = srv;
        resolve();
      });
    });
  }

  private accept(sock: net.Socket): void {
    sock.setNoDelay(true);
    this.sockets.add(sock);
    const peer = `${sock.remoteAddress}:${sock.remotePort}`;
    const lines = new LineSplitter();
    sock.on('data', (chunk) => {
      for (const line of lines.push(chunk)) {
        if (!line.trim()) continue;
        let req: LeaseRequest;
        try {
          req = JSON.parse(line) as LeaseRequest;
        } catch {
          sock.write(JSON.stringify({ rid: -1, ok: false, reason: 'bad-request' }) + '\n');
          continue;
        }
        const reply = this.handle(req, peer);
        if (reply.ok && (req.op === 'acquire' || req.op === 'renew') && typeof req.host === 'string') this.conns.set(req.host, sock);
        sock.write(JSON.stringify(reply) + '\n');
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      this.sockets.delete(sock);
      for (const [host, s] of this.conns) {
        if (s !== sock) continue;
        this.conns.delete(host);
        if (this.table.disconnected(host)) {
          this.opts.log?.info(`holder ${host} disconnected: its standby may take over now`, { peer, term: this.table.term });
          this.opts.onChange?.(this.table);
        }
      }
    });
  }

  handle(req: LeaseRequest, peer = 'local'): LeaseReply {
    const { reply, changed } = this.table.handle(req, monoMs());
    const log = this.opts.log;
    if (log && (changed || (!reply.ok && req.op === 'acquire'))) {
      log.info(`${req.op}${req.mode ? ' ' + req.mode : ''} by ${req.host}: ${reply.ok ? 'granted' : 'denied (' + reply.reason + ')'}`, {
        peer,
        holder: reply.holder,
        term: reply.term,
        standby: reply.standby,
        remainingMs: reply.remainingMs,
      });
    }
    if (changed) this.opts.onChange?.(this.table);
    return reply;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

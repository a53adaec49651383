/**
 * The client port of a host: TCP, guest protocol lines. Many clients share the guest's one
 * serial line, so the host rewrites every request id to an internal one that is unique for
 * this primary lineage (`<startEpoch><host><counter>`, at most 32 printable bytes as the guest
 * requires) and maps the guest's reply back to (connection, original id).
 *
 * A host that does not serve answers every request line `<id> ERR NOT_PRIMARY` itself.
 */
import net from 'node:net';
import type { Endpoint } from '../types.ts';
import { LineSplitter } from './lines.ts';
import type { Logger } from './logger.ts';

const MAX_LINE = 1024;

interface Route {
  conn: Conn;
  id: string;
  /** planted bug 'fenced-reads': answered past the output gate */
  direct?: boolean;
}

interface Conn {
  sock: net.Socket;
  alive: boolean;
}

export interface ClientServerOptions {
  endpoint: Endpoint;
  log: Logger;
  /** may this host take requests now (primary, VM running, lease valid) */
  serving: () => boolean;
  /** hand a rewritten request line to the guest */
  toGuest: (line: string) => void;
  /** planted bug 'fenced-reads': may a GET be answered although this host does not serve */
  staleReads?: () => boolean;
}

export class ClientServer {
  private server: net.Server | null = null;
  private conns = new Set<Conn>();
  private routes = new Map<string, Route>();
  private prefix = 'x';
  private counter = 0;
  requests = 0;
  refused = 0;

  constructor(private readonly o: ClientServerOptions) {}

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer((sock) => this.accept(sock));
      srv.once('error', reject);
      srv.listen({ host: this.o.endpoint.host, port: this.o.endpoint.port }, () => {
        srv.off('error', reject);
        srv.on('error', (err) => this.o.log.error('client server error', { err: String(err) }));
        this.server = srv;
        resolve();
      });
    });
  }

  /** a new primary lineage starts: internal ids must not collide with ids still pending in a restored guest */
  newLineage(startEpoch: number, host: string): void {
    this.prefix = `${startEpoch}${host}`;
    this.counter = 0;
    this.routes.clear();
  }

  /** forget every pending request (this host stopped serving; replies must not go out) */
  dropRoutes(): void {
    this.routes.clear();
  }

  get pending(): number {
    return this.routes.size;
  }

  private accept(sock: net.Socket): void {
    sock.setNoDelay(true);
    const conn: Conn = { sock, alive: true };
    this.conns.add(conn);
    const lines = new LineSplitter(MAX_LINE * 4);
    sock.on('data', (chunk) => {
      for (const line of lines.push(chunk)) this.onRequest(conn, line);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      conn.alive = false;
      this.conns.delete(conn);
    });
  }

  private onRequest(conn: Conn, line: string): void {
    if (line.length === 0) return this.reply(conn, '- ERR EMPTY');
    if (line[0] === ' ') return this.reply(conn, '- ERR NO_ID');
    const sp = line.indexOf(' ');
    const id = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp);
    let direct = false;
    if (!this.o.serving()) {
      direct = /^ GET /.test(rest) && !!this.o.staleReads?.();
      if (!direct) {
        this.refused++;
        return this.reply(conn, `${id} ERR NOT_PRIMARY`);
      }
    }
    if (line.length > MAX_LINE) return this.reply(conn, `${id} ERR LINE_TOO_LONG`);
    const internal = `${this.prefix}${this.counter++}`;
    this.routes.set(internal, direct ? { conn, id, direct } : { conn, id });
    this.requests++;
    this.o.toGuest(internal + rest);
  }

  private reply(conn: Conn, line: string): void {
    if (conn.alive) conn.sock.write(line + '\n', 'latin1');
  }

  /**
   * A line the guest wrote: if it answers a client request, return the function that delivers
   * it (with the client's id) — the caller decides when (output commit). null otherwise.
   */
  route(line: string): (() => void) | null {
    return this.routeReply(line)?.release ?? null;
  }

  /** route() plus whether the reply skips the output gate (only under the planted bug 'fenced-reads') */
  routeReply(line: string): { release: () => void; direct: boolean } | null {
    const sp = line.indexOf(' ');
    const internal = sp < 0 ? line : line.slice(0, sp);
    const r = this.routes.get(internal);
    if (!r) return null;
    this.routes.delete(internal);
    const out = r.id + (sp < 0 ? '' : line.slice(sp)) + '\n';
    const conn = r.conn;
    const release = (): void => {
      if (conn.alive) conn.sock.write(out, 'latin1');
    };
    return { release, direct: r.direct === true };
  }

  /** close every client connection (e.g. when this host is deposed, so clients move on) */
  disconnectAll(): void {
    for (const c of this.conns) c.sock.destroy();
  }

  close(): Promise<void> {
    this.disconnectAll();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

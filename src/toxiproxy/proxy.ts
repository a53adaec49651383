/**
 * One proxy: its settings, its toxics, its listener and its live connections.
 * Enabling listens (port 0 resolved to the real port, kept for later re-enables);
 * disabling closes the listener and every live connection. An update that fails (bad
 * address, port taken) leaves the proxy as it was, still serving.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { joinHostPort, listenError, resolveListenHost, splitHostPort } from './address.ts';
import { Connection, type ConnectionHost } from './connection.ts';
import type { LinkCounters, ProxyMetrics } from './metrics.ts';
import type { SharedGroups } from './shared-groups.ts';
import { ToxicSet, toxicJson, type Direction, type ToxicDef, type ToxicJson, type ToxicObserver } from './toxic-set.ts';

export interface ProxySettings {
  name: string;
  listen: string;
  upstream: string;
}

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

export class Proxy implements ToxicObserver {
  readonly name: string;
  /** As shown by the API: the address really bound once started. */
  listen: string;
  /** What the user asked for (e.g. "localhost:0"), to recognise the same proxy in populate. */
  requestedListen: string;
  upstream: string;
  enabled = false;
  readonly toxics: ToxicSet;
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private host: ConnectionHost | null = null;

  constructor(
    settings: ProxySettings,
    private readonly metrics: ProxyMetrics,
    private readonly groups: SharedGroups,
  ) {
    this.name = settings.name;
    this.listen = settings.listen;
    this.requestedListen = settings.listen;
    this.upstream = settings.upstream;
    this.toxics = new ToxicSet(this, groups, this.name);
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  /** Listen. Errors carry Go's wording (the API answers them with a 500). */
  async start(): Promise<void> {
    if (this.enabled) return;
    const { host, port } = parseListen(this.listen);
    this.install(await bind(await resolveListenHost(host), port));
  }

  /** Close the listener and every live connection; resolves once all are released. */
  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server!;
    this.server = null;
    server.off('connection', this.onConnection);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const conns = [...this.connections];
    for (const c of conns) c.destroy();
    await Promise.all([closed, ...conns.map((c) => c.closed)]);
  }

  /**
   * POST/PATCH /proxies/{p}: a new listen or upstream restarts it; enabled starts/stops it.
   * The new address is checked first, and the new listener bound before the old one is let
   * go, so a failure (invalid or taken address) changes nothing: the real server also
   * leaves a proxy alone when the address does not parse, but stops it when the bind fails.
   */
  async update(input: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    const { host, port } = parseListen(input.listen);
    const bindHost = await resolveListenHost(host);
    const differs = joinHostPort(bindHost, port) !== this.listen || input.upstream !== this.upstream;
    if (!differs) {
      if (input.enabled && !this.enabled) await this.start();
      else if (!input.enabled && this.enabled) await this.stop();
      return;
    }
    const settle = (): void => {
      if (input.listen !== this.listen) this.requestedListen = input.listen;
      this.listen = input.listen;
      this.upstream = input.upstream;
    };
    if (!input.enabled) {
      await this.stop();
      settle();
      return;
    }
    const sameAddress = this.enabled && joinHostPort(bindHost, port) === this.listen;
    let server: Bound | null = null;
    if (!sameAddress) {
      try {
        server = await bind(bindHost, port);
      } catch (err) {
        // Taken perhaps by this very proxy (e.g. 0.0.0.0:P while on 127.0.0.1:P): only then try the slow way.
        if (!this.enabled || port !== portOf(this.listen)) throw err;
      }
    }
    const previous = { listen: this.listen, requested: this.requestedListen, upstream: this.upstream };
    await this.stop();
    settle();
    if (server) {
      this.install(server);
      return;
    }
    try {
      await this.start();
    } catch (err) {
      // Back to where it was: same address and upstream, listening again.
      this.listen = previous.listen;
      this.requestedListen = previous.requested;
      this.upstream = previous.upstream;
      await this.start().catch(() => {});
      throw err;
    }
  }

  toxicAdded(def: ToxicDef): void {
    for (const c of this.connections) c.toxicAdded(def);
  }

  toxicUpdated(def: ToxicDef): void {
    for (const c of this.connections) c.toxicUpdated(def);
  }

  toxicRemoved(def: ToxicDef): void {
    for (const c of [...this.connections]) c.toxicRemoved(def);
  }

  private install({ server, early, hold }: Bound): void {
    const addr = server.address();
    if (addr && typeof addr === 'object') this.listen = joinHostPort(addr.address, addr.port);
    this.server = server;
    this.host = this.connectionHost();
    server.off('connection', hold);
    server.on('connection', this.onConnection);
    this.enabled = true;
    // Clients that came between the bind and now (an update closing the old listener) are served too.
    for (const client of early) {
      if (client.destroyed) continue;
      this.onConnection(client);
    }
  }

  /** What connections accepted from now on share; null when the upstream address is unusable. */
  private connectionHost(): ConnectionHost | null {
    let upstream: { host: string; port: number };
    try {
      upstream = splitHostPort(this.upstream);
    } catch {
      return null; // the real server fails the dial, and closes each client at once
    }
    const counters: Record<Direction, LinkCounters> = {
      upstream: this.metrics.counters(this.name, this.listen, this.upstream, 'upstream'),
      downstream: this.metrics.counters(this.name, this.listen, this.upstream, 'downstream'),
    };
    return {
      upstream,
      toxics: (direction) => this.toxics.chain(direction),
      counters: (direction) => counters[direction],
      sharedBucket: (group) => this.groups.bucket(group),
      connectionClosed: (conn) => this.connections.delete(conn),
    };
  }

  private readonly onConnection = (client: Socket): void => {
    if (!this.enabled || !this.host) {
      client.destroy();
      return;
    }
    const conn = new Connection(this.host, client);
    this.connections.add(conn);
    conn.start();
  };
}

/** A listener bound but not yet serving: clients accepted meanwhile wait (paused) in `early`. */
interface Bound {
  server: Server;
  early: Socket[];
  hold: (client: Socket) => void;
}

async function bind(bindHost: string, port: number): Promise<Bound> {
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
  const early: Socket[] = [];
  const hold = (client: Socket): void => {
    client.on('error', () => {});
    early.push(client);
  };
  server.on('connection', hold);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, bindHost, port)));
    server.listen({ host: bindHost || undefined, port }, () => resolve());
  });
  server.on('error', () => {}); // after listening, errors only concern single accepts
  return { server, early, hold };
}

function portOf(listen: string): number {
  try {
    return splitHostPort(listen).port;
  } catch {
    return -1;
  }
}

function parseListen(listen: string): { host: string; port: number } {
  try {
    return splitHostPort(listen);
  } catch (err) {
    throw new Error(`listen tcp: ${(err as Error).message}`);
  }
}

/**
 * One accepted client and its upstream socket, joined by two links (upstream:
 * client -> server, downstream: server -> client).
 *
 * Ends: a source's EOF half-closes the other side once it has passed the toxics; when both
 * directions have ended, both sockets are released. A toxic that closes the connection
 * (limit_data, timeout) ends both sockets after what was already written; reset_peer
 * resets both (RST); a socket error, a disabled or deleted proxy destroys both.
 */
import { connect, type Socket } from 'node:net';
import { Link, type LinkOwner } from './link.ts';
import type { LinkCounters } from './metrics.ts';
import type { Direction, ToxicDef } from './toxic-set.ts';
import type { SharedBucket } from './toxics/shared-bucket.ts';
import type { EndKind } from './toxics/types.ts';

/** A socket closed gracefully whose peer does not take the last bytes is destroyed after this. */
const CLOSE_GRACE_MS = 2000;

export interface ConnectionHost {
  upstream: { host: string; port: number };
  toxics(direction: Direction): readonly ToxicDef[];
  counters(direction: Direction): LinkCounters;
  /** the server's shared budget of a group (shared_bandwidth) */
  sharedBucket(group: string): SharedBucket;
  connectionClosed(conn: Connection): void;
}

type State = 'connecting' | 'open' | 'closing' | 'gone';

function reset(socket: Socket): void {
  if (socket.destroyed) return;
  const s = socket as Socket & { resetAndDestroy?: () => Socket };
  if (typeof s.resetAndDestroy === 'function') {
    try {
      s.resetAndDestroy();
      return;
    } catch {
      // not a TCP handle (cannot happen for accepted/dialled sockets): plain destroy below
    }
  }
  socket.destroy();
}

export class Connection implements LinkOwner {
  private state: State = 'connecting';
  private upstream: Socket | null = null;
  private links: Record<Direction, Link> | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private open = 1;
  private resolveClosed!: () => void;
  readonly closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(private readonly host: ConnectionHost, private readonly client: Socket) {
    client.setNoDelay(true);
    client.on('error', this.onError);
    client.once('close', this.onSocketClose);
  }

  /** Dial the upstream; the client is read only once it is connected. */
  start(): void {
    const { host, port } = this.host.upstream;
    const upstream = connect({ host: host || 'localhost', port, allowHalfOpen: true });
    this.upstream = upstream;
    this.open++;
    upstream.setNoDelay(true);
    upstream.on('error', this.onError);
    upstream.once('close', this.onSocketClose);
    upstream.once('connect', () => {
      if (this.state !== 'connecting') return;
      this.state = 'open';
      const up = new Link('upstream', this.client, upstream, this, this.host.counters('upstream'));
      const down = new Link('downstream', upstream, this.client, this, this.host.counters('downstream'));
      this.links = { upstream: up, downstream: down };
      up.start(this.host.toxics('upstream'));
      down.start(this.host.toxics('downstream'));
      this.client.resume();
    });
  }

  toxicAdded(def: ToxicDef): void {
    if (this.state === 'open') this.links?.[def.direction].addToxic(def);
  }

  toxicUpdated(def: ToxicDef): void {
    if (this.state === 'open') this.links?.[def.direction].updateToxic(def);
  }

  toxicRemoved(def: ToxicDef): void {
    if (this.state === 'open') this.links?.[def.direction].removeToxic(def);
  }

  sharedBucket(group: string): SharedBucket {
    return this.host.sharedBucket(group);
  }

  linkEnded(link: Link, kind: EndKind): void {
    if (this.state !== 'open' || !this.links) return;
    if (kind === 'close') {
      this.close();
      return;
    }
    const dst = link.direction === 'upstream' ? this.upstream! : this.client;
    dst.end();
    if (this.links.upstream.isEnded && this.links.downstream.isEnded) {
      // Both directions done: release the sockets once their last bytes are handed over.
      this.stopLinks();
      for (const s of this.sockets()) {
        if (s.writableFinished) s.destroy();
        else s.once('finish', () => s.destroy());
      }
    }
  }

  /** Graceful close of both sockets (FIN after what was already written). */
  close(): void {
    if (this.state === 'closing' || this.state === 'gone') return;
    this.state = 'closing';
    this.stopLinks();
    for (const s of this.sockets()) {
      s.pause();
      if (s.writableFinished) s.destroy();
      else {
        s.once('finish', () => s.destroy());
        s.end();
      }
    }
    this.graceTimer = setTimeout(() => this.destroy(), CLOSE_GRACE_MS);
  }

  /** TCP RST to both peers. */
  reset(): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.stopLinks();
    for (const s of this.sockets()) reset(s);
  }

  destroy(): void {
    if (this.state === 'gone' && this.open === 0) return;
    this.state = 'gone';
    this.stopLinks();
    for (const s of this.sockets()) s.destroy();
  }

  private sockets(): Socket[] {
    return this.upstream ? [this.client, this.upstream] : [this.client];
  }

  private stopLinks(): void {
    if (!this.links) return;
    this.links.upstream.stop();
    this.links.downstream.stop();
  }

  private readonly onError = (): void => {
    this.destroy();
  };

  private readonly onSocketClose = (): void => {
    if (this.state === 'connecting') {
      // The upstream could not be reached, or the client left first: drop the other side too.
      this.state = 'gone';
      for (const s of this.sockets()) s.destroy();
    }
    if (--this.open > 0) return;
    this.state = 'gone';
    this.stopLinks();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    this.host.connectionClosed(this);
    this.resolveClosed();
  };
}

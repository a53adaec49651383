/**
 * A host's client of the witness: keeps one TCP connection (reconnecting), acquires the
 * lease, renews it while holding it and knows, synchronously, whether it is still valid.
 *
 * Validity is computed conservatively from the time the request was *sent*: the witness
 * starts the lease's ttl when it receives the request, which is later, so the holder's view
 * expires no later than the witness's. A host therefore never serves while another host
 * could hold the lease.
 */
import net from 'node:net';
import type { Endpoint } from '../types.ts';
import { monoMs } from '../types.ts';
import { LineSplitter } from './lines.ts';
import type { LeaseReply, LeaseRequest } from './lease.ts';
import type { Logger } from './logger.ts';

export interface LeaseClientOptions {
  endpoint: Endpoint;
  host: string;
  ttlMs: number;
  renewEveryMs: number;
  log: Logger;
  /** the witness says another host holds the lease now (definitive) */
  onLost: (reply: LeaseReply) => void;
  /** the local validity lapsed (no renewal in time); may be regained by a later renewal */
  onExpired: () => void;
  /** a renewal succeeded after an expiry */
  onRegained: () => void;
  /** the lease was extended (output held back while it was invalid may go now) */
  onExtended?: () => void;
}

interface Pending {
  resolve: (r: LeaseReply | null) => void;
  sentAt: number;
  timer: NodeJS.Timeout | null;
}

export class LeaseClient {
  private sock: net.Socket | null = null;
  private connected = false;
  private stopped = false;
  private rid = 0;
  private pending = new Map<number, Pending>();
  private lines = new LineSplitter();
  private renewTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private connectWaiters: (() => void)[] = [];
  private everConnected = false;
  private downLogged = false;
  private expired = false;
  /** term of the lease we hold (0 = none) */
  term = 0;
  /** monoMs() until which our lease is certainly valid */
  validUntil = 0;

  constructor(private readonly o: LeaseClientOptions) {
    this.connect();
  }

  /** true while we hold a lease that is certainly still valid (synchronous: call at every release) */
  valid(): boolean {
    return this.term > 0 && monoMs() < this.validUntil;
  }

  private connect(): void {
    if (this.stopped) return;
    const sock = net.connect({ host: this.o.endpoint.host, port: this.o.endpoint.port });
    this.sock = sock;
    sock.setNoDelay(true);
    sock.on('connect', () => {
      this.connected = true;
      if (!this.everConnected) this.o.log.info('witness connected', { endpoint: this.o.endpoint });
      this.everConnected = true;
      const w = this.connectWaiters;
      this.connectWaiters = [];
      for (const f of w) f();
    });
    sock.on('data', (chunk) => {
      for (const line of this.lines.push(chunk)) this.onLine(line);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      if (this.sock !== sock) return;
      if (this.connected && !this.downLogged) {
        this.downLogged = true;
        this.o.log.warn('witness connection lost (reconnecting)');
      }
      this.connected = false;
      this.sock = null;
      this.lines = new LineSplitter();
      // the witness lets the standby take over as soon as it sees this connection close:
      // stop serving now, not when the lease would have run out
      if (this.term !== 0 && monoMs() < this.validUntil) {
        this.validUntil = monoMs();
        this.declareExpiry();
      }
      for (const [, p] of this.pending) {
        if (p.timer) clearTimeout(p.timer);
        p.resolve(null);
      }
      this.pending.clear();
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connect(), 20);
    });
  }

  private onLine(line: string): void {
    let r: LeaseReply;
    try {
      r = JSON.parse(line) as LeaseReply;
    } catch {
      return;
    }
    if (this.downLogged) {
      this.downLogged = false;
      this.o.log.info('witness reachable again');
    }
    const p = this.pending.get(r.rid);
    if (!p) return;
    this.pending.delete(r.rid);
    if (p.timer) clearTimeout(p.timer);
    p.resolve(r);
  }

  /** wait until connected (or timeout); true when connected */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.connectWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  private request(req: Omit<LeaseRequest, 'rid'>, timeoutMs: number): Promise<{ reply: LeaseReply | null; sentAt: number }> {
    const sentAt = monoMs();
    if (!this.connected || !this.sock) return Promise.resolve({ reply: null, sentAt });
    const rid = ++this.rid;
    return new Promise((resolve) => {
      const p: Pending = {
        sentAt,
        timer: null,
        resolve: (r) => resolve({ reply: r, sentAt }),
      };
      p.timer = setTimeout(() => {
        this.pending.delete(rid);
        resolve({ reply: null, sentAt });
      }, timeoutMs);
      this.pending.set(rid, p);
      this.sock!.write(JSON.stringify({ ...req, rid }) + '\n');
    });
  }

  /** ask for the lease; on success we hold it (and renew it) */
  async acquire(mode: 'cold' | 'takeover'): Promise<LeaseReply | null> {
    const { reply, sentAt } = await this.request({ op: 'acquire', host: this.o.host, mode, ttl: this.o.ttlMs }, Math.max(50, this.o.ttlMs));
    if (reply?.ok) {
      this.term = reply.term;
      this.extend(sentAt);
      this.startRenewing();
      this.o.log.info('lease acquired', { mode, term: reply.term, replyMs: Math.round(monoMs() - sentAt) });
      // a slow reply leaves little of the lease: renew at once rather than at the next tick
      if (this.validUntil - monoMs() < this.o.ttlMs / 2) this.renewNow();
    }
    return reply;
  }

  /** register (or clear, with null) the host allowed to take over; true once the witness confirmed */
  async setStandby(standby: string | null): Promise<boolean> {
    if (this.term === 0) return false;
    const { reply } = await this.request({ op: 'standby', host: this.o.host, term: this.term, standby }, Math.max(50, this.o.ttlMs));
    if (reply && !reply.ok && reply.reason === 'lost') this.lose(reply);
    return !!reply?.ok;
  }

  private extend(sentAt: number): void {
    const until = sentAt + this.o.ttlMs;
    const wasValid = monoMs() < this.validUntil;
    if (until > this.validUntil) this.validUntil = until;
    if (!wasValid && !this.expired) this.o.onExtended?.();
    if (this.expired && monoMs() < this.validUntil) {
      this.expired = false;
      this.o.log.info('lease regained', { term: this.term });
      this.o.onRegained();
    }
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => this.checkExpiry(), Math.max(0, this.validUntil - monoMs()) + 0.5);
  }

  /** send a renewal now (e.g. right before a long synchronous operation) */
  renewNow(): void {
    void this.renew();
  }

  private checkExpiry(): void {
    this.expiryTimer = null;
    if (this.term === 0 || this.expired) return;
    if (monoMs() >= this.validUntil) {
      // after a stall timers run before pending replies are read: let a renewal in first.
      // (valid() is checked synchronously at every release, so this only delays the report)
      setImmediate(() => this.declareExpiry());
    } else {
      this.expiryTimer = setTimeout(() => this.checkExpiry(), this.validUntil - monoMs() + 0.5);
    }
  }

  private declareExpiry(): void {
    if (this.term === 0 || this.expired) return;
    const now = monoMs();
    if (now >= this.validUntil) {
      this.expired = true;
      this.o.log.warn('lease expired (no renewal in time)', { term: this.term, lateMs: Math.round(now - this.validUntil) });
      this.o.onExpired();
    } else if (!this.expiryTimer) {
      this.expiryTimer = setTimeout(() => this.checkExpiry(), this.validUntil - now + 0.5);
    }
  }

  private startRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renew(), this.o.renewEveryMs);
  }

  private async renew(): Promise<void> {
    if (this.term === 0) return;
    const term = this.term;
    const { reply, sentAt } = await this.request({ op: 'renew', host: this.o.host, term, ttl: this.o.ttlMs }, this.o.ttlMs);
    if (this.term !== term) return;
    if (reply?.ok) this.extend(sentAt);
    else if (reply && reply.reason === 'lost') this.lose(reply);
    // also notice an expiry promptly even when timers ran late (SIGSTOP, long GC)
    this.checkExpiryNow();
  }

  private checkExpiryNow(): void {
    if (this.term !== 0 && !this.expired && monoMs() >= this.validUntil) this.declareExpiry();
  }

  private lose(reply: LeaseReply): void {
    if (this.term === 0) return;
    this.o.log.warn('lease lost: another host holds it', { term: this.term, holder: reply.holder, newTerm: reply.term });
    this.dropLease();
    this.o.onLost(reply);
  }

  /** forget our lease (no longer primary) */
  dropLease(): void {
    this.term = 0;
    this.validUntil = 0;
    this.expired = false;
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  stop(): void {
    this.stopped = true;
    this.dropLease();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.sock?.destroy();
  }
}

/**
 * The lease state machine of the witness (pure: time is passed in). One lease per pair.
 *
 *  - acquire 'cold'     granted when nobody holds an unexpired lease (first start, or a cold
 *                       restart after both hosts died); clears the standby.
 *  - acquire 'takeover' granted only to the registered standby, and only once the holder's
 *                       lease expired or the holder's connection to the witness closed (a
 *                       crashed process's sockets close at once; see disconnected()): the
 *                       backup going live after the primary died or fell silent.
 *  - renew              the holder of the current term extends its lease (even after expiry,
 *                       as long as nobody else took it: then nobody else served either).
 *  - standby            the holder registers (or clears) the host allowed to take over: a
 *                       primary registers its backup once that holds a complete checkpoint and
 *                       clears it before releasing output the backup has not acknowledged.
 */

export interface LeaseRequest {
  op: 'acquire' | 'renew' | 'standby' | 'release' | 'status';
  rid: number;
  host?: string;
  mode?: 'cold' | 'takeover';
  term?: number;
  ttl?: number;
  standby?: string | null;
}

export interface LeaseReply {
  rid: number;
  ok: boolean;
  term: number;
  holder: string | null;
  standby: string | null;
  /** ms until the current lease expires (0 when expired / free) */
  remainingMs: number;
  reason?: 'held' | 'not-standby' | 'lost' | 'bad-request';
}

export class LeaseTable {
  holder: string | null = null;
  term = 0;
  expiresAt = 0;
  standby: string | null = null;
  /** the holder's connection to the witness closed after its last acquire/renew */
  holderGone = false;

  /**
   * The connection on which `host` last acquired or renewed closed. If it holds the lease, a
   * takeover by the standby need not wait for the lease to run out: a dead process's sockets
   * close at once. (A live holder whose connection was cut off also fences itself the moment
   * it sees the close, and cannot release output the standby has not acknowledged anyway.)
   */
  disconnected(host: string): boolean {
    if (this.holder !== host || this.holderGone) return false;
    this.holderGone = true;
    return true;
  }

  handle(req: LeaseRequest, now: number): { reply: LeaseReply; changed: boolean } {
    const before = `${this.holder}|${this.term}|${this.standby}`;
    const reply = this.decide(req, now);
    const changed = before !== `${this.holder}|${this.term}|${this.standby}`;
    return { reply, changed };
  }

  private decide(req: LeaseRequest, now: number): LeaseReply {
    const ttl = typeof req.ttl === 'number' && req.ttl > 0 ? req.ttl : 100;
    const host = typeof req.host === 'string' ? req.host : null;
    const expired = now >= this.expiresAt;
    const vacated = expired || this.holderGone;
    const mk = (ok: boolean, reason?: LeaseReply['reason']): LeaseReply => ({
      rid: req.rid,
      ok,
      term: this.term,
      holder: this.holder,
      standby: this.standby,
      remainingMs: this.holder !== null && !vacated ? Math.max(0, this.expiresAt - now) : 0,
      ...(reason ? { reason } : {}),
    });
    switch (req.op) {
      case 'status':
        return mk(true);
      case 'acquire': {
        if (!host) return mk(false, 'bad-request');
        if (this.holder === host && !expired) {
          this.expiresAt = now + ttl;
          this.holderGone = false;
          return mk(true);
        }
        if (req.mode === 'takeover') {
          if (this.standby !== host) return mk(false, 'not-standby');
          if (this.holder !== null && !vacated) return mk(false, 'held');
        } else if (this.holder !== null && !expired) {
          return mk(false, 'held');
        }
        this.holder = host;
        this.term += 1;
        this.expiresAt = now + ttl;
        this.standby = null;
        this.holderGone = false;
        return { ...mk(true), remainingMs: ttl };
      }
      case 'renew': {
        if (!host || this.holder !== host || this.term !== req.term) return mk(false, 'lost');
        this.expiresAt = now + ttl;
        this.holderGone = false;
        return { ...mk(true), remainingMs: ttl };
      }
      case 'standby': {
        if (!host || this.holder !== host || this.term !== req.term) return mk(false, 'lost');
        this.standby = typeof req.standby === 'string' ? req.standby : null;
        return mk(true);
      }
      case 'release': {
        if (!host || this.holder !== host || this.term !== req.term) return mk(false, 'lost');
        this.expiresAt = now;
        return mk(true);
      }
      default:
        return mk(false, 'bad-request');
    }
  }
}

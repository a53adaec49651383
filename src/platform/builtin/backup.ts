/**
 * The backup role of a host: accepts the primary's replication session, keeps the last
 * *complete* checkpoint (a full state transfer, then one delta per epoch applied in order),
 * acknowledges an epoch only once it is applied, and watches the primary: after silence longer
 * than the failover timeout (or at once when the connection drops, under witness fencing) it
 * asks the witness for the lease — or, under fencing 'none', simply goes live.
 */
import { monoMs } from '../types.ts';
import type { HostContext } from './host-context.ts';
import type { ReplLink } from './repl-link.ts';
import { planted } from './bugs.ts';
import { FrameType, HB_FENCED, epochHeader, hbFlags, hbPayload, jsonPayload, readEpochHeader, type Frame, type Hello, type Welcome } from './wire.ts';

/** what the backup hands over when it takes over: its emulator thread holds the checkpoint */
export interface TakeoverState {
  epoch: number;
  captureTime: number;
  /** planted bug 'takeover-without-lease': went live without the witness granting the lease */
  withoutLease?: boolean;
}

export class BackupRole {
  /** a complete checkpoint is stored (in the emulator thread) */
  hasCheckpoint = false;
  committedEpoch = 0;
  committedCaptureTime = 0;
  private link: ReplLink | null = null;
  private heardAt = monoMs();
  private timer: NodeJS.Timeout;
  private attempting = false;
  private nextAttemptAt = 0;
  private notStandby = false;
  private stopped = false;
  /** the emulator thread is ready for a checkpoint: sessions are accepted from now on */
  private prepared = false;
  private silentLogged = false;
  /** epoch of the last checkpoint/delta handed to the store (applied or still being applied) */
  private queuedEpoch = -1;
  /** settles when everything handed to the store so far was applied (or failed) */
  private storing: Promise<void> = Promise.resolve();
  /** the store holds a paused spare machine of this epoch (-1: none) */
  private spareEpoch = -1;
  /** since when the primary's heartbeats say it cannot renew its lease (0: they do not) */
  private primaryFencedSince = 0;

  private get primaryFenced(): boolean {
    return this.primaryFencedSince > 0 && monoMs() - this.primaryFencedSince >= this.ctx.opts.failoverTimeoutMs / 2;
  }
  fullsReceived = 0;
  /** planted bug 'ack-before-apply': the delta acknowledged but not applied yet */
  private unapplied: { epoch: number; time: number; rest: Buffer } | null = null;
  /** planted bug 'first-delta-dropped': no delta since the last full state yet */
  private afterFull = false;

  constructor(
    private readonly ctx: HostContext,
    private readonly onTakeover: (s: TakeoverState) => void,
    private readonly onFirstCheckpoint: () => void,
  ) {
    this.timer = setInterval(() => this.tick(), ctx.opts.heartbeatIntervalMs);
    // the emulator thread prepares a spare machine first (vm-worker.ts prewarm): a session
    // accepted meanwhile would have the primary capture its full state against that CPU load
    void ctx.vm.dropStore().then(() => {
      this.prepared = true;
    });
  }

  /** a primary opened a replication session (the first frame, HELLO, was read by the host) */
  accept(link: ReplLink, hello: Hello): void {
    if (this.stopped) {
      refuse(link, this.ctx.cfg.name, 'starting', 'not a backup any more');
      return;
    }
    if (!this.prepared) {
      refuse(link, this.ctx.cfg.name, 'starting', 'preparing its machine');
      return;
    }
    const old = this.link;
    this.link = link;
    this.primaryFencedSince = 0;
    if (old) old.close('replaced by a new session');
    this.heardAt = monoMs();
    this.silentLogged = false;
    link.onFrame = (f) => this.onFrame(link, f);
    link.onClose = (reason) => {
      if (this.link !== link) return;
      this.heardAt = link.lastHeard;
      this.link = null;
      this.ctx.log.warn('replication session closed', { reason, committedEpoch: this.committedEpoch });
      this.tick();
    };
    const w: Welcome = { ok: true, from: this.ctx.cfg.name, role: 'backup' };
    link.send(FrameType.WELCOME, jsonPayload(w));
    this.ctx.log.info('replication session from primary', { from: hello.from, incarnation: hello.incarnation, epoch: hello.epoch });
  }

  private onFrame(link: ReplLink, f: Frame): void {
    this.heardAt = monoMs();
    switch (f.type) {
      case FrameType.FULL: {
        const { epoch, time, rest } = readEpochHeader(f.payload);
        const t0 = monoMs();
        const size = rest.length;
        this.queuedEpoch = epoch;
        this.spareEpoch = -1;
        this.unapplied = null;
        this.afterFull = true;
        const stored = this.ctx.vm.storeFull(rest);
        this.storing = stored.then(
          () => {
            if (this.queuedEpoch < epoch) return;
            const first = !this.hasCheckpoint;
            this.hasCheckpoint = true;
            this.committedEpoch = epoch;
            this.committedCaptureTime = time;
            if (this.stopped) return;
            this.notStandby = false;
            this.fullsReceived++;
            link.send(FrameType.ACK, epochHeader(epoch, time));
            this.ctx.log.info('full checkpoint received', { epoch, bytes: size, storeMs: +(monoMs() - t0).toFixed(2) });
            if (first) this.onFirstCheckpoint();
            this.ctx.changed();
          },
          (err: unknown) => this.storeFailed(link, `bad full checkpoint: ${String(err)}`),
        );
        return;
      }
      case FrameType.DELTA: {
        const { epoch, time, rest } = readEpochHeader(f.payload);
        if (this.queuedEpoch < 0 || epoch !== this.queuedEpoch + 1) {
          link.close(`delta for epoch ${epoch} does not follow the checkpoint of epoch ${this.queuedEpoch}`);
          return;
        }
        this.queuedEpoch = epoch;
        this.spareEpoch = -1;
        const first = this.afterFull;
        this.afterFull = false;
        // planted bug 'first-delta-dropped': the first delta after a full state is applied without its RAM pages
        const dropPages = first && planted(this.ctx.opts, 'first-delta-dropped');
        if (planted(this.ctx.opts, 'ack-before-apply')) {
          // planted bug: apply the previous delta, acknowledge this one; a takeover drops it
          const prev = this.unapplied;
          this.unapplied = { epoch, time, rest };
          const applied = prev ? this.ctx.vm.storeDelta(prev.rest) : Promise.resolve();
          this.storing = Promise.all([this.storing, applied]).then(
            () => {
              if (!this.hasCheckpoint) return;
              if (prev) {
                this.committedEpoch = prev.epoch;
                this.committedCaptureTime = prev.time;
              }
              if (this.stopped) return;
              link.send(FrameType.ACK, epochHeader(epoch, time));
            },
            (err: unknown) => this.storeFailed(link, `cannot apply delta of epoch ${prev?.epoch}: ${String(err)}`),
          );
          return;
        }
        this.storing = this.ctx.vm.storeDelta(rest, dropPages).then(
          () => {
            if (!this.hasCheckpoint) return;
            this.committedEpoch = epoch;
            this.committedCaptureTime = time;
            if (this.stopped) return;
            link.send(FrameType.ACK, epochHeader(epoch, time));
          },
          (err: unknown) => this.storeFailed(link, `cannot apply delta of epoch ${epoch}: ${String(err)}`),
        );
        return;
      }
      case FrameType.HB: {
        // a primary that merely stalled renews within a few ms; one cut off from the witness
        // keeps saying so: after half the failover timeout, ask in its place
        const fenced = (hbFlags(f.payload) & HB_FENCED) !== 0;
        if (fenced && this.primaryFencedSince === 0) this.primaryFencedSince = monoMs();
        if (!fenced) this.primaryFencedSince = 0;
        return;
      }
      default:
        link.close(`unexpected frame type ${f.type}`);
    }
  }

  /** the store could not take a checkpoint or delta: it holds nothing trustworthy now */
  private storeFailed(link: ReplLink, why: string): void {
    this.hasCheckpoint = false;
    if (this.stopped) return;
    this.queuedEpoch = -1;
    this.ctx.log.error('checkpoint store failed: checkpoint discarded', { why });
    link.close(why);
    this.ctx.changed();
  }

  private tick(): void {
    if (this.stopped) return;
    const now = monoMs();
    const link = this.link;
    if (link) {
      link.send(FrameType.HB, hbPayload(now));
      this.heardAt = Math.max(this.heardAt, link.lastHeard);
    }
    if (!this.hasCheckpoint || this.attempting || now < this.nextAttemptAt) return;
    if (link && now - this.heardAt <= this.ctx.opts.failoverTimeoutMs && !this.primaryFenced) return;
    // after a stall of our own, timers run before pending input is read: decide only after it was
    setImmediate(() => this.suspect());
  }

  /** the connection is gone, or the primary has been silent for longer than the failover timeout */
  private suspect(): void {
    if (this.stopped || !this.hasCheckpoint || this.attempting) return;
    const link = this.link;
    const now = monoMs();
    if (link) this.heardAt = Math.max(this.heardAt, link.lastHeard);
    const silent = now - this.heardAt;
    const timeout = this.ctx.opts.failoverTimeoutMs;
    if (link && silent <= timeout && !(this.primaryFenced && this.ctx.lease)) return;
    if (this.ctx.lease && planted(this.ctx.opts, 'takeover-without-lease')) {
      // planted bug: trust the own failure detector, go live and ask for the lease afterwards
      this.ctx.log.warn('primary silent or gone: going live without the lease (planted bug takeover-without-lease)', { silentMs: Math.round(silent) });
      this.takeover(true);
      return;
    }
    if (this.ctx.lease) {
      // under witness fencing asking is always safe: go as soon as the primary looks gone
      if (this.notStandby) return;
      if (!this.silentLogged) {
        this.silentLogged = true;
        this.ctx.log.warn(!link ? 'primary connection lost: asking the witness' : this.primaryFenced ? 'primary fenced: asking the witness' : 'primary silent: asking the witness', {
          silentMs: Math.round(silent),
          committedEpoch: this.committedEpoch,
        });
      }
      void this.askWitness();
      // restore the checkpoint into a paused machine while waiting, so going live costs little
      this.prepareSpare();
    } else if (silent > timeout) {
      this.ctx.log.warn('primary silent: going live without asking (fencing none)', { silentMs: Math.round(silent) });
      this.takeover();
    }
  }

  private async askWitness(): Promise<void> {
    const lease = this.ctx.lease!;
    this.attempting = true;
    this.ctx.log.debug('asking the witness for the lease', { committedEpoch: this.committedEpoch });
    let reply;
    try {
      reply = await lease.acquire('takeover');
    } finally {
      this.attempting = false;
    }
    if (this.stopped) return;
    const now = monoMs();
    if (reply?.ok) {
      this.ctx.log.info('lease granted: taking over', { term: reply.term });
      this.takeover();
      return;
    }
    if (!reply) {
      this.nextAttemptAt = now + 10;
      return;
    }
    if (reply.reason === 'not-standby') {
      this.notStandby = true;
      this.ctx.log.warn('witness: not the registered standby (my checkpoint is stale); waiting for a new full state');
      return;
    }
    // held: the primary's lease runs for remainingMs more; ask again right after it expires —
    // or soon, when our connection to the primary closed: the witness may not have seen the
    // primary's own connection close yet (a crash closes both at once)
    const wait = Math.max(1, this.link ? reply.remainingMs + 1 : Math.min(reply.remainingMs + 1, 10));
    this.nextAttemptAt = now + wait;
    setTimeout(() => this.tick(), wait);
  }

  private takeover(withoutLease = false): void {
    if (this.stopped || !this.hasCheckpoint) return;
    this.stop();
    // whatever was handed to the store is applied first (the emulator thread keeps order):
    // go live from the newest complete checkpoint
    void this.storing.then(() => {
      this.onTakeover({ epoch: this.committedEpoch, captureTime: this.committedCaptureTime, ...(withoutLease ? { withoutLease } : {}) });
    });
  }

  /** restore the checkpoint into a paused machine while waiting for the witness */
  private prepareSpare(): void {
    if (!this.hasCheckpoint || this.spareEpoch === this.queuedEpoch) return;
    const epoch = this.queuedEpoch;
    this.spareEpoch = epoch;
    this.ctx.vm.prepareSpare().then(
      (r) => this.ctx.log.info('spare machine restored (paused)', { epoch, ms: +r.ms.toFixed(2) }),
      (err: unknown) => this.ctx.log.warn('spare restore failed', { epoch, err: String(err) }),
    );
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    const link = this.link;
    this.link = null;
    link?.close('backup role ended');
  }
}

export function refuse(link: ReplLink, from: string, role: string, reason: string): void {
  const w: Welcome = { ok: false, from, role, reason };
  link.send(FrameType.WELCOME, jsonPayload(w));
  link.sock.end();
  setTimeout(() => link.close('refused'), 200).unref();
}

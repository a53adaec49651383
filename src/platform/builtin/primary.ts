/**
 * The primary role of a host: runs the VM, serves clients through the output gate, keeps
 * (re)connecting to its peer's replication listener and, once a backup accepted, sends a full
 * checkpoint and then one delta per epoch (timer in 'checkpoint' mode; before each burst of
 * output in 'event' mode). Sending never blocks the event loop: frames go to the socket and
 * acknowledgements come back asynchronously (epochs are pipelined).
 *
 * Captures happen in the emulator thread: the epoch a guest line belongs to is the one open
 * when the line *arrives* here; a capture's reply closes the epoch (lines arrive before the
 * reply to any capture requested after they were written). One capture at a time.
 */
import net from 'node:net';
import type { VmThread } from './vm-thread.ts';
import { monoMs } from '../types.ts';
import type { HostContext } from './host-context.ts';
import { OutputGate } from './output-gate.ts';
import { backupTimeoutMs } from './options.ts';
import { ReplLink } from './repl-link.ts';
import { planted } from './bugs.ts';
import { FrameType, HB_FENCED, epochHeader, hbPayload, jsonPayload, parseJson, readEpochHeader, type Frame, type Hello, type Welcome } from './wire.ts';

/** stop capturing while this much is queued for the backup (bandwidth-limited link) */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;
const MAX_INFLIGHT_EPOCHS = 64;
const REDIAL_MS = 100;
const REDIAL_REFUSED_MS = 500;

type LinkState = 'connecting' | 'hello' | 'streaming';

export class PrimaryRole {
  /** the open epoch: output produced now belongs to it */
  epoch: number;
  readonly gate: OutputGate;
  private link: ReplLink | null = null;
  private linkState: LinkState = 'connecting';
  private linkGen = 0;
  private fullEpoch = -1;
  private fullAcked = false;
  private standbyRegistered = false;
  /** the first epoch whose output is held for the backup of this session */
  private holdFrom = -1;
  /** registerStandby() was started for this session */
  private registering = false;
  committedEpoch: number;
  committedCaptureTime = 0;
  private lastSentEpoch = -1;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];
  private dialTimer: NodeJS.Timeout | null = null;
  private epochTimer: NodeJS.Timeout | null = null;
  private captureQueued = false;
  /** a capture was requested and its reply has not come yet */
  private capturing = false;
  /** the full state for the current session is being captured: no delta before it */
  private fullPending = false;
  private unsubLine: () => void;
  private captureTimes: number[] = [];
  private dialFailures = 0;
  /** the peer refused the last session (it is primary itself): redial more slowly */
  private refused = false;
  checkpoints = 0;
  bytesReplicated = 0;
  lastDeltaBytes = 0;
  /** epochs not captured because the backup had too much outstanding (bandwidth-limited link) */
  skippedCaptures = 0;

  constructor(
    private readonly ctx: HostContext,
    readonly vm: VmThread,
    readonly startEpoch: number,
  ) {
    this.epoch = startEpoch;
    this.committedEpoch = startEpoch - 1;
    this.gate = new OutputGate(() => ctx.maySend(), undefined, planted(ctx.opts, 'early-release'));
    ctx.clients.newLineage(startEpoch, ctx.cfg.name);
    this.unsubLine = vm.onLine((line) => this.onGuestLine(line));
  }

  start(): void {
    const o = this.ctx.opts;
    this.timers.push(setInterval(() => this.heartbeatTick(), o.heartbeatIntervalMs));
    if (o.mode === 'checkpoint') this.scheduleEpochTimer(monoMs() + o.checkpointIntervalMs);
    if (!this.ctx.cfg.solo) this.dial();
  }

  /** a backup holds a complete checkpoint and may take over */
  get isProtected(): boolean {
    return this.linkState === 'streaming' && !this.fullPending && this.fullAcked && (this.ctx.lease === null || this.standbyRegistered);
  }

  get checkpointsPerSecond(): number {
    const now = monoMs();
    while (this.captureTimes.length > 0 && now - this.captureTimes[0] > 1000) this.captureTimes.shift();
    return this.captureTimes.length;
  }

  sendToGuest(line: string): void {
    this.ctx.console.line('>', line);
    this.vm.sendLine(line);
  }

  private onGuestLine(line: string): void {
    const r = this.ctx.clients.routeReply(line);
    if (!r) return;
    const release = r.release;
    // planted bug 'fenced-reads': a read answered while fenced goes out at once
    if (r.direct) return release();
    this.gate.push(this.epoch, release, monoMs());
    if (this.ctx.opts.mode === 'event' && this.gate.holding) this.queueCapture();
  }

  // ---------------------------------------------------------------- checkpoints

  private scheduleEpochTimer(at: number): void {
    if (this.stopped) return;
    this.epochTimer = setTimeout(() => {
      const iv = this.ctx.opts.checkpointIntervalMs;
      this.capture();
      let next = at + iv;
      const now = monoMs();
      if (next < now) next = now + iv - ((now - at) % iv); // fell behind: skip, do not burst
      this.scheduleEpochTimer(next);
    }, Math.max(0, at - monoMs()));
  }

  /** event mode: checkpoint right after the current emulator slice (never inside it) */
  private queueCapture(): void {
    if (this.captureQueued) return;
    this.captureQueued = true;
    setImmediate(() => {
      this.captureQueued = false;
      this.capture();
    });
  }

  private capture(): void {
    const link = this.link;
    if (this.stopped || !link || link.isClosed || this.linkState !== 'streaming' || this.fullPending) return;
    // under a witness no output waits for the deltas of a transfer in flight: the first delta
    // after the full state's acknowledgement carries every page written since (one delta, not
    // one per epoch queued behind the transfer on a slow link)
    if (this.ctx.lease && !this.fullAcked) return;
    if (this.capturing || link.backlog > MAX_BACKLOG_BYTES || this.lastSentEpoch - this.committedEpoch > MAX_INFLIGHT_EPOCHS) {
      this.skippedCaptures++;
      return;
    }
    this.capturing = true;
    const gen = this.linkGen;
    this.vm.captureDelta(planted(this.ctx.opts, 'dirty-cleared-late')).then(
      (c) => {
        this.capturing = false;
        if (this.stopped || this.link !== link || this.linkGen !== gen || link.isClosed) return;
        const ep = this.epoch++;
        const n = link.send(FrameType.DELTA, epochHeader(ep, c.time), c.bytes);
        this.lastSentEpoch = ep;
        this.noteCheckpoint(c.time, n);
        this.lastDeltaBytes = n;
      },
      (err: unknown) => {
        this.capturing = false;
        if (!this.stopped) this.ctx.fatal(`cannot capture a checkpoint: ${String(err)}`);
      },
    );
  }

  private noteCheckpoint(t: number, bytes: number): void {
    this.checkpoints++;
    this.bytesReplicated += bytes;
    this.captureTimes.push(t);
    if (this.captureTimes.length > 4096) this.captureTimes.splice(0, 2048);
  }

  // ---------------------------------------------------------------- replication link

  private dial(): void {
    if (this.stopped || this.link) return;
    const ep = this.ctx.cfg.links.dialPeer;
    const sock = net.connect({ host: ep.host, port: ep.port });
    const link = new ReplLink(sock);
    this.link = link;
    this.linkState = 'connecting';
    sock.once('connect', () => {
      if (this.link !== link) return;
      link.lastHeard = monoMs();
      this.linkState = 'hello';
      const hello: Hello = { from: this.ctx.cfg.name, incarnation: this.ctx.incarnation, epoch: this.epoch };
      link.send(FrameType.HELLO, jsonPayload(hello));
    });
    link.onFrame = (f) => this.onFrame(link, f);
    link.onClose = (reason) => this.onLinkClosed(link, reason);
  }

  private onFrame(link: ReplLink, f: Frame): void {
    if (this.link !== link) return;
    switch (f.type) {
      case FrameType.WELCOME: {
        const w = parseJson<Welcome>(f.payload);
        if (!w.ok) {
          this.ctx.log.warn('peer refused replication', { peerRole: w.role, reason: w.reason });
          this.refused = true;
          link.close(`peer refused: ${w.reason ?? w.role}`);
          return;
        }
        this.startStreaming(link);
        return;
      }
      case FrameType.ACK: {
        const { epoch, time } = readEpochHeader(f.payload);
        this.onAck(link, epoch, time);
        return;
      }
      case FrameType.HB:
        return;
      default:
        link.close(`unexpected frame type ${f.type}`);
    }
  }

  private startStreaming(link: ReplLink): void {
    this.linkGen++;
    const gen = this.linkGen;
    this.linkState = 'streaming';
    this.fullAcked = false;
    this.standbyRegistered = false;
    this.registering = false;
    this.dialFailures = 0;
    this.fullPending = true;
    const t = monoMs();
    // the emulator thread captures (it takes a while for many MiB); this loop goes on with
    // heartbeats and lease renewals meanwhile
    this.vm.captureFull().then(
      (c) => {
        if (this.stopped || this.link !== link || this.linkGen !== gen || link.isClosed) return;
        this.fullPending = false;
        // planted bug 'epoch-reset': every session numbers its epochs from 0 again (the gate keeps its acks)
        if (planted(this.ctx.opts, 'epoch-reset')) this.epoch = 0;
        const ep = this.epoch++;
        this.fullEpoch = ep;
        // Under witness fencing output keeps going out unheld while the backup receives and
        // stores the full state (a transfer can take seconds on a busy or slow link): the
        // backup is no standby yet, so it cannot take over from a checkpoint that misses it.
        // Holding starts once the full state is acknowledged (onAck). Without a witness the
        // backup goes live on its own as soon as it holds a checkpoint: hold from here on.
        if (this.ctx.opts.outputCommit && !this.ctx.lease) this.gate.hold();
        const n = link.send(FrameType.FULL, epochHeader(ep, c.time), c.bytes);
        this.lastSentEpoch = ep;
        this.noteCheckpoint(c.time, n);
        this.ctx.log.info('backup joined: full state transfer sent', { epoch: ep, bytes: n, captureMs: +c.ms.toFixed(2), waitMs: +(monoMs() - t).toFixed(2) });
        this.ctx.note(`full state transfer to the backup (epoch ${ep}, ${n} bytes)`);
        this.ctx.transferSent(ep, n);
      },
      (err: unknown) => {
        if (!this.stopped) this.ctx.fatal(`cannot capture the full state: ${String(err)}`);
      },
    );
  }

  private onAck(link: ReplLink, epoch: number, captureTime: number): void {
    if (epoch > this.committedEpoch) {
      this.committedEpoch = epoch;
      this.committedCaptureTime = captureTime;
    }
    // Under a witness, held output goes out only once the backup that holds it is the
    // registered standby: released before that, it would die with this host if it crashed in
    // between, since the witness lets no unregistered host take over (registerStandby
    // releases what was acknowledged meanwhile).
    if (!this.ctx.lease || this.standbyRegistered) this.gate.ack(epoch);
    if (!this.fullAcked && epoch >= this.fullEpoch) {
      this.fullAcked = true;
      this.ctx.log.info('backup holds a complete checkpoint', { epoch });
      this.ctx.note(`the backup holds the full state (epoch ${epoch})`);
      if (this.ctx.lease) {
        // output went out unheld until now: it is in the checkpoint of the open epoch at the
        // latest. Hold from here on; the backup becomes standby once it holds that epoch.
        this.holdFrom = this.epoch;
        if (this.ctx.opts.outputCommit) this.gate.hold();
        // close that epoch now (event mode would capture only on output; a timer epoch may
        // have been skipped while the transfer was in flight)
        this.queueCapture();
      } else {
        this.holdFrom = this.fullEpoch;
      }
    }
    if (this.fullAcked && !this.registering && epoch >= this.holdFrom) {
      this.registering = true;
      void this.registerStandby(link);
      this.ctx.changed();
    }
  }

  private async registerStandby(link: ReplLink): Promise<void> {
    const lease = this.ctx.lease;
    if (!lease) {
      this.ctx.changed();
      return;
    }
    const gen = this.linkGen;
    while (!this.stopped && this.link === link && this.linkGen === gen) {
      if (await lease.setStandby(this.ctx.cfg.peer)) {
        if (this.link === link && this.linkGen === gen) {
          this.standbyRegistered = true;
          this.gate.ack(this.committedEpoch);
          this.ctx.log.info('standby registered at the witness: protected', { standby: this.ctx.cfg.peer });
          this.ctx.note(`protected: ${this.ctx.cfg.peer} registered as standby`);
          this.ctx.changed();
        }
        return;
      }
      if (lease.term === 0) return; // lost the lease: being deposed
      await sleep(20);
    }
  }

  private onLinkClosed(link: ReplLink, reason: string): void {
    if (this.link !== link) return;
    const wasStreaming = this.linkState === 'streaming';
    const wasProtected = this.isProtected;
    this.link = null;
    this.linkState = 'connecting';
    this.fullAcked = false;
    this.fullPending = false;
    this.standbyRegistered = false;
    this.registering = false;
    if (wasStreaming) {
      this.ctx.log.warn('backup lost', { reason, committedEpoch: this.committedEpoch, held: this.gate.size });
      this.ctx.note(`backup lost (${reason}); running unprotected`);
      void this.unprotect();
      if (wasProtected) this.ctx.changed();
    } else if (this.dialFailures++ === 0) {
      this.ctx.log.info('cannot reach the peer for replication (will keep trying)', { reason });
    }
    if (!this.stopped) {
      const delay = this.refused ? REDIAL_REFUSED_MS : REDIAL_MS;
      this.refused = false;
      this.dialTimer = setTimeout(() => this.dial(), delay);
    }
  }

  /**
   * The backup is gone: clear the standby at the witness (so a stale backup can never take
   * over), then release the held output. Under fencing 'none' release at once.
   */
  private async unprotect(): Promise<void> {
    const gen = this.linkGen;
    const lease = this.ctx.lease;
    // planted bug 'stale-standby': the backup stays registered while output goes out unprotected
    if (lease && !planted(this.ctx.opts, 'stale-standby')) {
      while (!this.stopped && this.linkGen === gen) {
        if (await lease.setStandby(null)) break;
        if (lease.term === 0) return;
        await sleep(20);
      }
    }
    if (!this.stopped && this.linkGen === gen) {
      this.gate.open();
      this.ctx.log.info('standby cleared; output released unprotected');
    }
  }

  private heartbeatTick(): void {
    const link = this.link;
    if (!link || link.isClosed) return;
    const silent = monoMs() - link.lastHeard;
    if (this.linkState === 'connecting') {
      if (silent > Math.max(1000, this.ctx.opts.failoverTimeoutMs)) link.close('connect timed out');
      return;
    }
    // a primary that cannot renew its lease (witness unreachable) tells the backup to ask for it
    const lease = this.ctx.lease;
    link.send(FrameType.HB, hbPayload(monoMs(), lease && !lease.valid() ? HB_FENCED : 0));
    const limit = backupTimeoutMs(this.ctx.opts);
    if (silent > limit) {
      // after a stall of our own, timers run before pending input is read: decide only after it was
      setImmediate(() => {
        const still = monoMs() - link.lastHeard;
        if (this.link === link && still > limit) link.close(`no heartbeat from the backup for ${Math.round(still)} ms`);
      });
    }
  }

  /** stop serving and replicating; the VM is destroyed; held output is dropped */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.epochTimer) clearTimeout(this.epochTimer);
    if (this.dialTimer) clearTimeout(this.dialTimer);
    this.unsubLine();
    this.gate.dropAll();
    const link = this.link;
    this.link = null;
    link?.close('primary stopped');
    void this.vm.stopVm();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

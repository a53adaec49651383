/**
 * The host agent: one per host process. Owns the client port, the replication listener, the
 * lease client and the current role object, and moves between roles:
 *
 *   starting --(first full checkpoint)--> backup --(lease granted / silence)--> primary
 *   primary --(lease expired)--> fenced --(renewed in time)--> primary
 *   primary/fenced --(another host holds the lease)--> fenced --> starting (rejoins as backup)
 *
 * It reports role changes and status to the driver on stdout (events.ts).
 */
import net from 'node:net';
import crypto from 'node:crypto';
import type { Role } from '../types.ts';
import { monoMs } from '../types.ts';
import type { HostConfig } from './host-config.ts';
import type { HostContext } from './host-context.ts';
import { ConsoleLog, Logger } from './logger.ts';
import { emitHost } from './events.ts';
import { VmThread, vmThreadData } from './vm-thread.ts';
import { LoopMonitor } from '../loop-monitor.ts';
import { LeaseClient } from './lease-client.ts';
import { ClientServer } from './client-server.ts';
import { leaseTiming, type BuiltinOptions } from './options.ts';
import { ReplLink } from './repl-link.ts';
import { FrameType, parseJson, type Hello } from './wire.ts';
import { PrimaryRole } from './primary.ts';
import { BackupRole, refuse, type TakeoverState } from './backup.ts';
import { planted } from './bugs.ts';
import { LeaseSidecar } from './lease-sidecar.ts';

const STATUS_EVERY_MS = 100;

export class Host implements HostContext {
  readonly opts: BuiltinOptions;
  readonly log: Logger;
  readonly console: ConsoleLog;
  readonly incarnation = crypto.randomBytes(3).toString('hex');
  readonly clients: ClientServer;
  lease: LeaseClient | null = null;
  /** the emulator, in its own thread */
  readonly vm: VmThread;
  private role: Role = 'starting';
  private promoting = false;
  private primary: PrimaryRole | null = null;
  private backup: BackupRole | null = null;
  private replServer: net.Server | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private statusQueued = false;
  /** planted bug 'takeover-without-lease': serving as primary although the witness never granted the lease */
  private leaseless = false;
  /** planted bug 'renewals-while-hung': the process that renews our lease beside us */
  private sidecar: LeaseSidecar | null = null;

  constructor(readonly cfg: HostConfig, vm?: VmThread) {
    this.opts = cfg.options;
    this.log = new Logger(cfg.logFile, `host-${cfg.name}`);
    this.console = new ConsoleLog(cfg.consoleFile);
    const data = vmThreadData(cfg);
    this.vm = vm && vm.fits(data) ? vm : new VmThread(data);
    if (vm && vm !== this.vm) void vm.close();
    this.vm.onFatal = (err) => this.fatal(err.message);
    this.vm.onLoop = (s) => emitHost({ t: 'loop', thread: 'emulator', ...s });
    this.warm = this.vm.isWarm;
    this.vm.onLine((line) => this.console.line('<', line));
    this.clients = new ClientServer({
      endpoint: cfg.links.client,
      log: this.log,
      serving: () => this.serving(),
      toGuest: (line) => this.primary?.sendToGuest(line),
      staleReads: () => planted(this.opts, 'fenced-reads') && this.role === 'fenced' && this.primary !== null,
    });
  }

  // ---------------------------------------------------------------- HostContext

  maySend(): boolean {
    if (this.role !== 'primary' || !this.primary) return false;
    if (this.leaseless && this.lease?.term === 0) return true; // planted bug 'takeover-without-lease'
    return this.lease === null || this.lease.valid();
  }

  serving(): boolean {
    return this.maySend();
  }

  changed(): void {
    if (this.statusQueued) return;
    this.statusQueued = true;
    setImmediate(() => {
      this.statusQueued = false;
      this.reportStatus();
    });
  }

  note(msg: string): void {
    emitHost({ t: 'log', msg });
  }

  transferSent(epoch: number, bytes: number): void {
    emitHost({ t: 'transfer', epoch, bytes });
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    const c = this.cfg;
    this.log.info('host starting', { pid: process.pid, incarnation: this.incarnation, initialRole: c.initialRole, options: c.options, links: c.links });
    emitHost({ t: 'hello', pid: process.pid, incarnation: this.incarnation });
    await this.vm.whenReady();
    // a backup warms its emulator before it accepts a primary: warming blocks the event loop
    // for a while, which must not happen while heartbeats are expected
    if (c.initialRole === 'backup') await this.warmUp();
    await this.clients.listen();
    if (!c.solo) await this.listenReplication();
    if (!c.solo && c.options.fencing === 'witness') {
      const { ttlMs, renewEveryMs } = leaseTiming(c.options);
      this.lease = new LeaseClient({
        endpoint: c.links.dialWitness,
        host: c.name,
        ttlMs,
        renewEveryMs,
        log: this.log,
        onLost: () => this.deposed('another host holds the lease'),
        onExpired: () => {
          if (this.role === 'primary') this.setRole('fenced', 'lease expired');
        },
        onExtended: () => this.primary?.gate.retry(),
        onRegained: () => {
          if (this.role === 'fenced' && this.primary) {
            this.setRole('primary', 'lease renewed');
            this.primary.gate.retry();
          }
        },
      });
      if (planted(this.opts, 'renewals-while-hung')) {
        this.sidecar = new LeaseSidecar({ endpoint: c.links.dialWitness, host: c.name, ttlMs, renewEveryMs }, this.log, (line) => this.note(line));
      }
    }
    emitHost({ t: 'listening' });
    this.watchStalls();
    this.statusTimer = setInterval(() => this.reportStatus(), STATUS_EVERY_MS);
    if (c.initialRole === 'primary') await this.coldStart();
    else this.becomeBackup();
  }

  private listenReplication(): Promise<void> {
    const ep = this.cfg.links.replication;
    return new Promise((resolve, reject) => {
      const srv = net.createServer((sock) => this.acceptReplication(sock));
      srv.once('error', reject);
      srv.listen({ host: ep.host, port: ep.port }, () => {
        srv.off('error', reject);
        srv.on('error', (err) => this.log.error('replication listener error', { err: String(err) }));
        this.replServer = srv;
        resolve();
      });
    });
  }

  private acceptReplication(sock: net.Socket): void {
    const link = new ReplLink(sock);
    const t = setTimeout(() => link.close('no HELLO'), 5000);
    link.onClose = () => clearTimeout(t);
    link.onFrame = (f) => {
      clearTimeout(t);
      if (f.type !== FrameType.HELLO) {
        link.close(`expected HELLO, got frame type ${f.type}`);
        return;
      }
      const hello = parseJson<Hello>(f.payload);
      if (this.backup) {
        this.backup.accept(link, hello);
      } else {
        this.log.info('refused a replication session', { from: hello.from, myRole: this.role });
        refuse(link, this.cfg.name, this.role, this.promoting ? 'taking over' : `I am ${this.role}`);
      }
    };
  }

  private async coldStart(): Promise<void> {
    const t0 = monoMs();
    await this.vm.boot();
    this.log.info('guest booted', { ms: Math.round(monoMs() - t0) });
    if (this.lease) {
      for (let i = 0; ; i++) {
        await this.lease.waitConnected(1000);
        const r = await this.lease.acquire('cold');
        if (r?.ok) break;
        if (i > 200) {
          this.fatal(`cannot acquire the lease for a cold start: ${r ? `${r.reason}, held by ${r.holder}` : 'witness unreachable'}`);
        }
        await new Promise((res) => setTimeout(res, r?.remainingMs ? r.remainingMs + 1 : 50));
      }
    }
    this.becomePrimary(1, 'cold start');
  }

  private becomePrimary(startEpoch: number, why: string): void {
    this.promoting = false;
    this.warmedUp = true;
    this.warm = true;
    this.primary = new PrimaryRole(this, this.vm, startEpoch);
    this.primary.start();
    this.setRole('primary', why);
  }

  private warmedUp = false;
  private warm = false;

  /** report the event loop's health every second; log each stall that matters for failure detection */
  private watchStalls(): void {
    const limit = Math.max(30, Math.min(this.opts.failoverTimeoutMs, this.opts.leaseTtlMs) / 5);
    this.loop = new LoopMonitor({
      stallMs: limit,
      onReport: (s) => emitHost({ t: 'loop', ...s }),
      onStall: (ms) => this.log.warn('event loop stalled', { ms: Math.round(ms), role: this.role }),
    });
  }

  private loop: LoopMonitor | null = null;

  /**
   * Once per process: boot, capture and restore a throwaway machine (in the emulator thread),
   * so that the first failover does not pay for compiling v86's wasm and JIT-warming the
   * restore path.
   */
  private async warmUp(): Promise<void> {
    if (this.warmedUp) return;
    this.warmedUp = true;
    try {
      const r = await this.vm.warmUp();
      this.log.info('emulator warmed up', { ms: Math.round(r.ms) });
      this.warm = true;
      this.changed();
    } catch (err) {
      this.log.warn('warm-up failed (failover will be slower)', { err: String(err) });
    }
  }

  private becomeBackup(): void {
    this.backup = new BackupRole(
      this,
      (s) => void this.takeover(s),
      () => this.setRole('backup', 'complete checkpoint received'),
    );
    this.setRole('starting', 'waiting for the primary\'s state');
  }

  private async takeover(s: TakeoverState): Promise<void> {
    this.backup = null;
    this.promoting = true;
    const t0 = monoMs();
    this.note(`failover: restoring checkpoint of epoch ${s.epoch}`);
    this.log.info('failover: restoring the last committed checkpoint', { epoch: s.epoch, ageMs: Math.round(t0 - s.captureTime) });
    let spareUsed = false;
    try {
      spareUsed = (await this.vm.goLive()).spareUsed;
    } catch (err) {
      this.fatal(`failover: cannot restore the checkpoint: ${String(err)}`);
    }
    this.log.info('failover: guest restored and running', { ms: +(monoMs() - t0).toFixed(2), spareUsed });
    if (s.withoutLease) this.leaseless = true;
    this.becomePrimary(s.epoch + 1, `failover from epoch ${s.epoch}`);
    if (s.withoutLease) void this.acquireAfterTheFact();
  }

  /** planted bug 'takeover-without-lease': serve first, get the lease when the witness lets us */
  private async acquireAfterTheFact(): Promise<void> {
    const lease = this.lease;
    while (lease && this.primary && lease.term === 0) {
      const r = await lease.acquire('takeover');
      if (r?.ok) return;
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  /** another host holds the lease: stop serving for good, then rejoin as backup */
  private deposed(why: string): void {
    if (!this.primary) return;
    // planted bug 'flush-on-deposed': "answer the waiting clients before letting go"
    if (planted(this.opts, 'flush-on-deposed')) this.primary.gate.releaseAllUnchecked();
    this.primary.stop();
    this.primary = null;
    this.clients.dropRoutes();
    this.clients.disconnectAll();
    this.setRole('fenced', why);
    this.becomeBackup();
  }

  private setRole(role: Role, why: string): void {
    if (role === this.role) return;
    const epoch = this.primary ? this.primary.committedEpoch : this.backup ? this.backup.committedEpoch : 0;
    this.log.info(`role ${this.role} -> ${role}`, { why, epoch, term: this.lease?.term });
    this.role = role;
    emitHost({ t: 'role', role, epoch, ...(this.lease?.term ? { term: this.lease.term } : {}) });
    this.reportStatus();
  }

  reportStatus(): void {
    this.sidecar?.renewFor(this.role === 'primary' ? (this.lease?.term ?? 0) : 0);
    const p = this.primary;
    const b = this.backup;
    const s = {
      role: this.role,
      protected: !!p && this.role === 'primary' && p.isProtected,
      hasCheckpoint: !!b?.hasCheckpoint,
      committedEpoch: p ? p.committedEpoch : b ? b.committedEpoch : 0,
      committedCaptureTime: p ? p.committedCaptureTime : b ? b.committedCaptureTime : 0,
      checkpointsPerSecond: p ? p.checkpointsPerSecond : 0,
      checkpoints: p ? p.checkpoints : 0,
      bytesReplicated: p ? p.bytesReplicated : 0,
      lastDeltaBytes: p ? p.lastDeltaBytes : 0,
      warm: this.warm,
      leaseValid: this.lease ? this.lease.valid() : this.role === 'primary',
    };
    emitHost({ t: 'status', ...s });
  }

  fatal(msg: string): never {
    this.log.error(msg);
    emitHost({ t: 'fatal', msg });
    this.shutdown();
    process.exit(3);
  }

  shutdown(): void {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.loop?.stop();
    this.primary?.stop();
    this.backup?.stop();
    this.lease?.stop();
    this.sidecar?.stop();
    void this.vm.close();
    this.console.close();
    this.log.close();
  }
}

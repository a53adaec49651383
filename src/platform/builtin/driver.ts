/**
 * BuiltinPlatform: the FtPlatform driver of the reference platform. Spawns and owns the
 * witness and the two host processes, keeps PairStatus current from their ndjson events,
 * emits PlatformEvents, and injects process faults (SIGKILL, SIGSTOP, SIGCONT, restart).
 */
import fs from 'node:fs';
import path from 'node:path';
import type {
  Endpoint,
  FtPlatform,
  HostName,
  PairLayout,
  PairStatus,
  PlatformEvent,
  PlatformOptions,
} from '../types.ts';
import { HOST_NAMES, monoMs } from '../types.ts';
import { StatusWaiters } from '../status-waiters.ts';
import { validateLayout, validateOptions } from './options.ts';
import { spawnTsNode, type Child } from './children.ts';
import { LineSplitter } from './lines.ts';
import { parseEvent, type HostEvent, type HostStatusReport, type WitnessEvent } from './events.ts';
import type { HostConfig } from './host-config.ts';
import type { WitnessConfig } from './witness-run.ts';
import { derivePairStatus, type HostView } from './pair-status.ts';
import { AgentPool } from './agent-pool.ts';
import { vmThreadData } from './vm-thread.ts';

const HOST_MAIN = 'src/platform/builtin/host-main.ts';
const WITNESS_MAIN = 'src/platform/builtin/witness-main.ts';

export interface BuiltinPlatformConfig {
  /** where every link listens and dials (see directLayout() for one without proxies) */
  layout: PairLayout;
  /** defaults in DEFAULT_OPTIONS; validated in the constructor */
  options?: Partial<PlatformOptions>;
  /** directory for the log files (created) */
  logDir: string;
  /** pair name, used in log file names ["pair"] */
  pair?: string;
  /** endpoints clients should use per host (e.g. the client-link proxies) [layout.hosts[h].client] */
  clientEndpoints?: Partial<Record<HostName, Endpoint>>;
  /** allow non-loopback addresses in the layout [false] */
  allowNonLoopback?: boolean;
  /** VM layer module implementing src/vm/types.ts [src/vm/index.ts] */
  vmModule?: string;
  /** guest image [the VM layer's default] */
  imagePath?: string;
  /** start only host a (no witness, no peer): a lone unprotected VM, the no-FT baseline [false] */
  solo?: boolean;
  /** how long start() may take [60000] */
  startTimeoutMs?: number;
  /** idle, warmed-up processes to use instead of spawning (see agent-pool.ts); refilled after stop() */
  pool?: AgentPool;
}

interface HostProc extends HostView {
  child: Child | null;
  exited: Promise<void>;
  incarnations: number;
}

export class BuiltinPlatform implements FtPlatform {
  readonly name = 'builtin';
  readonly options: PlatformOptions;
  readonly layout: PairLayout;
  private readonly cfg: BuiltinPlatformConfig;
  private readonly pair: string;
  private hosts: Record<HostName, HostProc>;
  private witness: { child: Child | null; exited: Promise<void>; pid: number | null } = { child: null, exited: Promise.resolve(), pid: null };
  private listeners = new Set<(e: PlatformEvent) => void>();
  private readonly waiters = new StatusWaiters(() => this.status());
  private bytesGone = 0;
  private lastProtected = false;
  private started = false;
  private stopping: Promise<void> | null = null;
  private files: Record<string, string> = {};
  /** the harness killed the witness (its exit is no news) */
  private witnessKilled = false;

  constructor(cfg: BuiltinPlatformConfig) {
    this.options = validateOptions(cfg.options);
    validateLayout(cfg.layout, cfg.allowNonLoopback ?? false);
    if (!cfg.logDir || typeof cfg.logDir !== 'string') throw new Error('BuiltinPlatform: logDir is required');
    this.cfg = cfg;
    this.layout = cfg.layout;
    this.pair = (cfg.pair ?? 'pair').replace(/[^A-Za-z0-9_.-]/g, '_');
    const mk = (n: HostName): HostProc => ({
      name: n,
      pid: null,
      alive: false,
      hung: false,
      role: 'down',
      roleTime: 0,
      report: null,
      reportTime: 0,
      clientEndpoint: cfg.clientEndpoints?.[n] ?? cfg.layout.hosts[n].client,
      child: null,
      exited: Promise.resolve(),
      incarnations: 0,
    });
    this.hosts = { a: mk('a'), b: mk('b') };
    const f = (suffix: string): string => path.join(cfg.logDir, `${this.pair}.${suffix}`);
    this.files = {
      'witness.log': f('witness.log'),
      'witness.stderr.log': f('witness.stderr.log'),
    };
    for (const h of HOST_NAMES) {
      this.files[`host-${h}.log`] = f(`host-${h}.log`);
      this.files[`host-${h}.console.log`] = f(`host-${h}.console.log`);
      this.files[`host-${h}.stderr.log`] = f(`host-${h}.stderr.log`);
    }
  }

  // ---------------------------------------------------------------- FtPlatform

  async start(): Promise<void> {
    if (this.started) throw new Error('BuiltinPlatform: start() was already called');
    this.started = true;
    fs.mkdirSync(this.cfg.logDir, { recursive: true });
    const timeout = this.cfg.startTimeoutMs ?? 60_000;
    try {
      if (!this.cfg.solo) await this.startWitness(timeout);
      const a = this.spawnHost('a', 'primary');
      const b = this.cfg.solo ? Promise.resolve() : this.spawnHost('b', 'backup');
      await Promise.all([a, b]);
      if (this.cfg.solo) await this.waitFor((s) => s.primary === 'a', timeout, 'host a serving (solo)');
      else await this.waitFor((s) => s.protected, timeout, 'the pair to be protected');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      await this.stop();
      throw new Error(`builtin platform did not start: ${why}\n${this.tailLogs()}`);
    }
  }

  status(): PairStatus {
    return derivePairStatus(this.hosts, { bytesGone: this.bytesGone }, monoMs());
  }

  waitFor(pred: (s: PairStatus) => boolean, timeoutMs: number, what: string): Promise<PairStatus> {
    return this.waiters.wait(pred, timeoutMs, what, { describe: (s) => `status: ${describe(s)}` });
  }

  clientEndpoints(): Record<HostName, Endpoint> {
    return { a: this.hosts.a.clientEndpoint, b: this.hosts.b.clientEndpoint };
  }

  async crash(host: HostName): Promise<void> {
    const h = this.host(host);
    if (!h.child || !h.alive) return;
    const t = monoMs();
    this.kill(h, 'SIGKILL');
    this.markDown(h, t);
    await h.exited;
  }

  async hang(host: HostName): Promise<void> {
    const h = this.host(host);
    if (!h.alive || h.hung) return;
    this.kill(h, 'SIGSTOP');
    h.hung = true;
    this.emit({ type: 'log', host, line: 'process stopped (SIGSTOP): hung', time: monoMs() });
    this.changed();
  }

  async resume(host: HostName): Promise<void> {
    const h = this.host(host);
    if (!h.alive || !h.hung) return;
    this.kill(h, 'SIGCONT');
    h.hung = false;
    this.emit({ type: 'log', host, line: 'process continued (SIGCONT)', time: monoMs() });
    this.changed();
  }

  async restart(host: HostName): Promise<void> {
    if (!this.started || this.stopping) throw new Error('BuiltinPlatform: restart() needs a started, running platform');
    const h = this.host(host);
    if (h.alive) await this.crash(host);
    const other = this.hosts[host === 'a' ? 'b' : 'a'];
    const coldStart = this.cfg.solo || !other.alive;
    if (coldStart) {
      this.emit({ type: 'log', host: 'platform', line: `host ${host} restarts as primary from the guest image: no live host holds the state (it is lost)`, time: monoMs() });
    }
    await this.spawnHost(host, coldStart ? 'primary' : 'backup');
  }

  /** SIGKILL the witness: the hosts' witness connections close at once */
  async crashWitness(): Promise<void> {
    if (this.cfg.solo) throw new Error('BuiltinPlatform: a solo host has no witness to crash');
    const w = this.witness;
    if (!w.child || w.pid === null) return;
    this.witnessKilled = true;
    try {
      process.kill(w.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    await w.exited;
    this.witness = { child: null, exited: Promise.resolve(), pid: null };
    this.emit({ type: 'log', host: 'witness', line: 'witness killed (SIGKILL)', time: monoMs() });
  }

  /** a fresh witness process on the same address (its lease table starts empty); resolves once it listens */
  async restartWitness(): Promise<void> {
    if (!this.started || this.stopping) throw new Error('BuiltinPlatform: restartWitness() needs a started, running platform');
    if (this.cfg.solo) throw new Error('BuiltinPlatform: a solo host has no witness to restart');
    if (this.witness.child) await this.crashWitness();
    await this.startWitness(this.cfg.startTimeoutMs ?? 60_000);
    this.witnessKilled = false;
    this.emit({ type: 'log', host: 'witness', line: 'witness restarted (fresh process, empty lease table)', time: monoMs() });
  }

  on(listener: (e: PlatformEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logFiles(): Record<string, string> {
    return { ...this.files };
  }

  stop(): Promise<void> {
    if (!this.stopping) this.stopping = this.doStop();
    return this.stopping;
  }

  // ---------------------------------------------------------------- extras

  /** pids of every process this platform started that may still run (for leak checks) */
  pids(): number[] {
    const out: number[] = [];
    for (const h of HOST_NAMES) if (this.hosts[h].child?.pid) out.push(this.hosts[h].child!.pid!);
    if (this.witness.pid) out.push(this.witness.pid);
    return out;
  }

  /** the last status each live host reported (figures beyond PairStatus: checkpoints, delta bytes, warm) */
  hostReports(): Record<HostName, HostStatusReport | null> {
    return { a: this.hosts.a.alive ? this.hosts.a.report : null, b: this.hosts.b.alive ? this.hosts.b.report : null };
  }

  /** monoMs() at which the host made its latest status report (null: none yet) */
  hostReportTime(name: HostName): number | null {
    const h = this.hosts[name];
    return h.report ? h.reportTime : null;
  }

  /** every pid this platform ever started */
  readonly allPids: number[] = [];

  // ---------------------------------------------------------------- internals

  private host(name: HostName): HostProc {
    const h = this.hosts[name];
    if (!h) throw new Error(`unknown host ${JSON.stringify(name)}: use one of ${HOST_NAMES.join(', ')}`);
    return h;
  }

  private kill(h: HostProc, sig: NodeJS.Signals): void {
    try {
      if (h.child?.pid) process.kill(h.child.pid, sig);
    } catch {
      /* gone */
    }
  }

  private emit(e: PlatformEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a listener's bug must not break the driver */
      }
    }
  }

  private changed(): void {
    const s = this.status();
    if (s.protected !== this.lastProtected) {
      this.lastProtected = s.protected;
      this.emit({ type: 'protected', protected: s.protected, time: monoMs() });
    }
    this.waiters.notify();
  }

  private markDown(h: HostProc, time: number): void {
    if (!h.alive) return;
    h.alive = false;
    h.hung = false;
    this.bytesGone += h.report?.bytesReplicated ?? 0;
    h.report = null;
    h.role = 'down';
    h.roleTime = time;
    this.emit({ type: 'role', host: h.name, role: 'down', time });
    this.changed();
  }

  /** a pooled agent configured as `config`, or a freshly spawned process */
  private async launch(kind: 'primary' | 'backup' | 'witness', main: string, config: HostConfig | WitnessConfig): Promise<{ child: Child }> {
    const pool = this.cfg.pool;
    const pooled = pool && (kind === 'witness' || pool.serves(vmThreadData(config as HostConfig))) ? await pool.take(kind) : null;
    if (!pooled) return { child: spawnTsNode(main, [JSON.stringify(config)]) };
    AgentPool.configure(pooled.child, config);
    return pooled;
  }

  private async startWitness(timeoutMs: number): Promise<void> {
    const cfg: WitnessConfig = { host: this.layout.witness.host, port: this.layout.witness.port, logFile: this.files['witness.log'] };
    const { child } = await this.launch('witness', WITNESS_MAIN, cfg);
    this.witness = { child, pid: child.pid ?? null, exited: child.then(() => undefined) };
    if (child.pid) this.allPids.push(child.pid);
    child.stderr.pipe(fs.createWriteStream(this.files['witness.stderr.log'], { flags: 'a' }));
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`witness not ready within ${timeoutMs} ms`)), timeoutMs);
      const lines = new LineSplitter();
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of lines.push(chunk)) {
          const e = parseEvent<WitnessEvent>(line);
          if (!e) continue;
          if (e.t === 'ready') {
            ready = true;
            clearTimeout(timer);
            resolve();
          } else if (e.t === 'lease') {
            this.emit({ type: 'log', host: 'witness', line: `lease: holder ${e.holder} term ${e.term} standby ${e.standby}`, time: e.time });
          } else if (e.t === 'log') {
            this.emit({ type: 'log', host: 'witness', line: e.msg, time: e.time });
          } else if (e.t === 'loop') {
            const { t: _t, ...s } = e;
            this.emit({ type: 'loop', host: 'witness', ...s });
          }
        }
      });
      child.stdout.resume();
      void child.then((r) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`witness exited before it was ready (exit ${r.exitCode ?? r.signal})`));
        else if (!this.stopping && !this.witnessKilled) this.emit({ type: 'log', host: 'witness', line: `witness exited (${r.exitCode ?? r.signal})`, time: monoMs() });
      });
    });
  }

  /** start a host process; resolves once it listens (its ports are open) */
  private async spawnHost(name: HostName, initialRole: 'primary' | 'backup'): Promise<void> {
    const h = this.hosts[name];
    const hc: HostConfig = {
      name,
      peer: name === 'a' ? 'b' : 'a',
      initialRole,
      links: this.layout.hosts[name],
      options: this.options,
      logFile: this.files[`host-${name}.log`],
      consoleFile: this.files[`host-${name}.console.log`],
      ...(this.cfg.vmModule ? { vmModule: this.cfg.vmModule } : {}),
      ...(this.cfg.imagePath ? { imagePath: this.cfg.imagePath } : {}),
      ...(this.cfg.solo ? { solo: true } : {}),
    };
    const { child } = await this.launch(initialRole, HOST_MAIN, hc);
    const incarnation = ++h.incarnations;
    h.child = child;
    h.pid = child.pid ?? null;
    h.alive = true;
    h.hung = false;
    h.report = null;
    h.role = 'starting';
    h.roleTime = monoMs();
    h.exited = child.then(() => undefined);
    if (child.pid) this.allPids.push(child.pid);
    child.stderr.pipe(fs.createWriteStream(this.files[`host-${name}.stderr.log`], { flags: 'a' }));
    this.emit({ type: 'role', host: name, role: 'starting', time: h.roleTime });
    this.changed();
    let fatal = '';
    return new Promise((resolve, reject) => {
      let listening = false;
      const lines = new LineSplitter();
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of lines.push(chunk)) {
          const e = parseEvent<HostEvent>(line);
          if (!e || h.child !== child) continue;
          if (e.t === 'listening') {
            listening = true;
            resolve();
          } else if (e.t === 'fatal') {
            fatal = e.msg;
          }
          this.onHostEvent(h, e);
        }
      });
      child.stdout.resume();
      void child.then((r) => {
        if (h.child === child) this.markDown(h, monoMs());
        const how = r.signal ?? `exit ${r.exitCode}`;
        if (!listening) reject(new Error(`host ${name} (incarnation ${incarnation}) exited before listening (${how})${fatal ? ': ' + fatal : ''}`));
        else if (!this.stopping && r.signal !== 'SIGKILL') {
          this.emit({ type: 'log', host: name, line: `process exited (${how})${fatal ? ': ' + fatal : ''}`, time: monoMs() });
        }
      });
    });
  }

  private onHostEvent(h: HostProc, e: HostEvent): void {
    if (!h.alive) return;
    switch (e.t) {
      case 'role':
        h.role = e.role;
        h.roleTime = e.time;
        this.emit({ type: 'role', host: h.name, role: e.role, epoch: e.epoch, time: e.time });
        this.changed();
        return;
      case 'status': {
        const { t: _t, time: _time, ...report } = e;
        h.report = report;
        h.reportTime = e.time;
        this.changed();
        return;
      }
      case 'log':
        this.emit({ type: 'log', host: h.name, line: e.msg, time: e.time });
        return;
      case 'transfer':
        this.emit({ type: 'transfer', host: h.name, epoch: e.epoch, bytes: e.bytes, time: e.time });
        return;
      case 'loop': {
        const { t: _t, ...s } = e;
        this.emit({ type: 'loop', host: h.name, ...s });
        return;
      }
      case 'fatal':
        this.emit({ type: 'log', host: h.name, line: `fatal: ${e.msg}`, time: e.time });
        return;
      default:
        return;
    }
  }

  private async doStop(): Promise<void> {
    const procs: Promise<unknown>[] = [];
    for (const n of HOST_NAMES) {
      const h = this.hosts[n];
      if (h.child) {
        try {
          if (h.child.pid) process.kill(h.child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        procs.push(h.exited);
      }
    }
    if (this.witness.child) {
      try {
        if (this.witness.pid) process.kill(this.witness.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      procs.push(this.witness.exited);
    }
    await Promise.allSettled(procs);
    // replace the agents this pair used now, between scenarios, not while one runs
    this.cfg.pool?.refill();
    for (const n of HOST_NAMES) {
      const h = this.hosts[n];
      if (h.alive) this.markDown(h, monoMs());
    }
    this.waiters.notify();
  }

  private tailLogs(): string {
    const out: string[] = [];
    for (const [k, f] of Object.entries(this.files)) {
      if (k.includes('console')) continue;
      try {
        const text = fs.readFileSync(f, 'utf8').trim().split('\n').slice(-6).join('\n    ');
        if (text) out.push(`  ${k}:\n    ${text}`);
      } catch {
        /* no such file */
      }
    }
    return out.join('\n');
  }
}

function describe(s: PairStatus): string {
  const h = (n: HostName): string => {
    const x = s.hosts[n];
    return `${n}=${x.role}${x.hung ? '(hung)' : ''}`;
  };
  return `${h('a')} ${h('b')} primary=${s.primary} backup=${s.backup} protected=${s.protected} committed=${s.lastCommittedEpoch} lag=${Math.round(s.lagMs)}ms`;
}

/** The factory the harness uses (PlatformFactory shape). Throws PlatformOptionsError on bad options. */
export function createBuiltinPlatform(cfg: BuiltinPlatformConfig): BuiltinPlatform {
  return new BuiltinPlatform(cfg);
}

/**
 * CommandPlatform: the FtPlatform of any FT platform whose driver is a program speaking the
 * driver protocol (docs/driver.md, protocol.ts). It keeps the pair's status from the driver's
 * events (and a status poll for the figures), stamps events that carry no time on arrival,
 * and turns every call the driver did not declare into "platform X cannot <do Y>".
 *
 * Nothing here decides whether the platform is safe: roles only name hosts for fault steps
 * and enter the history; lost writes, split brain and outages are proven from the clients'
 * and probes' own histories.
 */
import { StatusWaiters } from '../status-waiters.ts';
import fs from 'node:fs';
import path from 'node:path';
import type {
  Endpoint, FtPlatform, HostName, LinkCut, LinkKind, PairLayout, PairStatus, PlatformAbility, PlatformEvent, PlatformOptions, Role,
} from '../types.ts';
import { HOST_NAMES, PlatformCannotError, monoMs } from '../types.ts';
import { DriverProcess } from './driver-process.ts';
import { CAPABILITY_TEXT, parseHello, parseLogs, parseStatus, PROTOCOL_VERSION, type Capability, type DriverEvent, type DriverStatus, type Hello } from './protocol.ts';
import type { CommandSpec } from './spec.ts';
import { noteDriver } from './seen.ts';

export interface CommandPlatformConfig {
  spec: CommandSpec;
  pair: string;
  options: Partial<PlatformOptions>;
  layout: PairLayout;
  logDir: string;
  clientEndpoints: Record<HostName, Endpoint>;
  /** how long hello may take [15000] */
  helloTimeoutMs?: number;
  /** how long start may take, and then protection [120000] */
  startTimeoutMs?: number;
  /** how long any other call may take [30000] */
  callTimeoutMs?: number;
  /** how often the figures are polled with `status` [500] */
  pollMs?: number;
}

interface HostCache {
  role: Role;
  roleTime: number;
  pid: number | null;
  hung: boolean;
}

/** an event time is trusted when it is CLOCK_MONOTONIC ms close to ours; else arrival is used */
const MAX_SKEW_MS = 60_000;

export class CommandPlatform implements FtPlatform {
  readonly name: string;
  private proc: DriverProcess | null = null;
  private hello: Hello | null = null;
  private hosts: Record<HostName, HostCache>;
  private isProtected = false;
  private figures: DriverStatus | null = null;
  private listeners = new Set<(e: PlatformEvent) => void>();
  private readonly waiters = new StatusWaiters(() => this.status());
  private files: Record<string, string> = {};
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private stopping: Promise<void> | null = null;
  private started = false;
  private warnedClock = false;
  /** DriverProcess.seq of the latest role or protection event */
  private lastStateSeq = 0;

  constructor(private readonly cfg: CommandPlatformConfig) {
    this.name = cfg.spec.display;
    const mk = (): HostCache => ({ role: 'down', roleTime: 0, pid: null, hung: false });
    this.hosts = { a: mk(), b: mk() };
    const safe = cfg.pair.replace(/[^A-Za-z0-9_.-]/g, '_');
    this.files = {
      'driver.stderr.log': path.join(cfg.logDir, `${safe}.driver.stderr.log`),
      'driver.transcript.log': path.join(cfg.logDir, `${safe}.driver.transcript.log`),
    };
  }

  // ---------------------------------------------------------------- FtPlatform

  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.name}: start() was already called`);
    this.started = true;
    fs.mkdirSync(this.cfg.logDir, { recursive: true });
    const startMs = this.cfg.startTimeoutMs ?? 120_000;
    const proc = new DriverProcess({ argv: this.cfg.spec.argv, display: this.name, stderrFile: this.files['driver.stderr.log'] });
    proc.recordStatus = false;
    this.proc = proc;
    proc.onEvent((e) => this.onEvent(e));
    proc.onBadLine((why) => this.emit({ type: 'log', host: 'platform', line: `driver protocol error: ${why}`, time: monoMs() }));
    void proc.exited.then(() => {
      if (this.stopping) return;
      this.emit({ type: 'log', host: 'platform', line: `driver exited ${proc.describeExit()} while the pair ran${proc.stderrHint()}`, time: monoMs() });
      // nothing it said about the hosts holds any more
      for (const h of HOST_NAMES) this.setRole(h, 'down', monoMs());
    });
    try {
      this.hello = parseHello(await proc.request('hello', { protocol: PROTOCOL_VERSION, harness: 'ftchaos' }, this.cfg.helloTimeoutMs ?? 15_000));
      noteDriver(this.name, this.hello);
      await proc.request('start', {
        pair: this.cfg.pair,
        options: this.cfg.options,
        layout: this.cfg.layout,
        clientEndpoints: this.cfg.clientEndpoints,
        logDir: path.resolve(this.cfg.logDir),
      }, startMs);
      await this.poll();
      await this.waitFor((s) => s.protected, startMs, 'the pair to be protected');
      await this.refreshLogs();
      this.poller = setInterval(() => void this.poll(), this.cfg.pollMs ?? 500);
      this.poller.unref();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      await this.stop();
      throw new Error(`platform ${this.name} did not start: ${why}`);
    }
  }

  status(): PairStatus {
    const up = (h: HostName): boolean => this.hosts[h].role !== 'down';
    const primaries = HOST_NAMES.filter((h) => up(h) && this.hosts[h].role === 'primary');
    primaries.sort((x, y) => Number(this.hosts[x].hung) - Number(this.hosts[y].hung) || this.hosts[y].roleTime - this.hosts[x].roleTime);
    const primary = primaries[0] ?? null;
    const other = primary ? (primary === 'a' ? 'b' : 'a') : null;
    const backup = other && this.hosts[other].role === 'backup' ? other : null;
    const f = this.figures;
    return {
      hosts: Object.fromEntries(HOST_NAMES.map((n) => {
        const h = this.hosts[n];
        return [n, { name: n, pid: up(n) ? h.pid : null, alive: up(n), hung: h.hung, role: h.role, clientEndpoint: this.cfg.clientEndpoints[n] }];
      })) as PairStatus['hosts'],
      primary,
      backup,
      protected: this.isProtected && primary !== null && backup !== null && !this.hosts[primary].hung && !this.hosts[backup].hung,
      lastCommittedEpoch: f?.lastCommittedEpoch ?? 0,
      lagMs: f?.lagMs ?? 0,
      checkpointsPerSecond: f?.checkpointsPerSecond ?? 0,
      bytesReplicated: f?.bytesReplicated ?? 0,
    };
  }

  waitFor(pred: (s: PairStatus) => boolean, timeoutMs: number, what: string): Promise<PairStatus> {
    const exited = () => (this.proc && !this.proc.alive ? `the driver exited ${this.proc.describeExit()}${this.proc.stderrHint()}` : null);
    return this.waiters.wait(pred, timeoutMs, what, {
      // nothing will change any more
      hopeless: (s) => (this.proc && !this.proc.alive && !this.stopping ? `${exited()}; ${this.name} reports a=${s.hosts.a.role} b=${s.hosts.b.role}` : null),
      describe: (s) => {
        const dead = exited();
        return `${this.name} reports a=${s.hosts.a.role} b=${s.hosts.b.role} protected=${s.protected}${dead ? `; ${dead}` : ''}`;
      },
    });
  }

  clientEndpoints(): Record<HostName, Endpoint> {
    return { ...this.cfg.clientEndpoints };
  }

  can(what: PlatformAbility): boolean {
    // the protocol has no witness faults or transfer events (yet): those are never declared
    return !!(this.hello?.capabilities as readonly string[] | undefined)?.includes(what);
  }

  async crash(host: HostName): Promise<void> {
    const t = monoMs();
    await this.call('crash', { host });
    // the driver reports 'down' too; a crash the harness caused is down from the moment it was asked
    if (this.hosts[host].role !== 'down') this.setRole(host, 'down', t);
  }

  async hang(host: HostName): Promise<void> {
    await this.call('hang', { host });
    this.hosts[host].hung = true;
    this.changed();
  }

  async resume(host: HostName): Promise<void> {
    await this.call('resume', { host });
    this.hosts[host].hung = false;
    this.changed();
  }

  async restart(host: HostName): Promise<void> {
    this.hosts[host].hung = false;
    await this.call('restart', { host });
  }

  on(listener: (e: PlatformEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logFiles(): Record<string, string> {
    return { ...this.files };
  }

  ownLinks(): readonly LinkKind[] {
    return this.hello?.own ?? [];
  }

  async cutLink(cut: LinkCut): Promise<void> {
    this.requireOwn(cut.link);
    await this.call('cut', { ...cut });
  }

  async healLink(cut: LinkCut): Promise<void> {
    this.requireOwn(cut.link);
    await this.call('heal', { ...cut });
  }

  stop(): Promise<void> {
    if (!this.stopping) this.stopping = this.doStop();
    return this.stopping;
  }

  // ---------------------------------------------------------------- internals

  /** the driver's transcript, for tests and driver-check */
  get driver(): DriverProcess | null {
    return this.proc;
  }

  private requireOwn(link: LinkKind): void {
    if (!this.ownLinks().includes(link)) throw new PlatformCannotError(`platform ${this.name} cannot cut its ${link} link itself (the harness proxies it)`);
  }

  private async call(method: Capability | 'heal', params: Record<string, unknown>): Promise<unknown> {
    const cap: Capability = method === 'heal' ? 'cut' : method;
    if (!this.hello?.capabilities.includes(cap)) {
      const has = this.hello?.capabilities.length ? this.hello.capabilities.join(', ') : 'none';
      throw new PlatformCannotError(`platform ${this.name} cannot ${CAPABILITY_TEXT[cap]} (its driver declares: ${has})`);
    }
    if (!this.proc) throw new Error(`${this.name}: not started`);
    return this.proc.request(method, params, this.cfg.callTimeoutMs ?? 30_000);
  }

  private stamp(time: number | undefined): number {
    const now = monoMs();
    if (time === undefined) return now;
    if (time > now + 1000 || time < now - MAX_SKEW_MS) {
      if (!this.warnedClock) {
        this.warnedClock = true;
        this.emit({ type: 'log', host: 'platform', line: `driver event time ${time} is not CLOCK_MONOTONIC ms (now ${Math.round(now)}): stamping events on arrival`, time: now });
      }
      return now;
    }
    return time;
  }

  private onEvent(e: DriverEvent): void {
    if (this.stopping) return;
    const time = this.stamp(e.time);
    if (e.event === 'role' || e.event === 'protected') this.lastStateSeq = this.proc?.seq ?? 0;
    switch (e.event) {
      case 'role':
        this.setRole(e.host, e.role, time, e.epoch);
        return;
      case 'protected':
        this.setProtected(e.protected, time);
        return;
      case 'log':
        this.emit({ type: 'log', host: e.host ?? 'platform', line: e.line, time });
        return;
      case 'loop': {
        const { event: _e, time: _t, ...s } = e;
        this.emit({ type: 'loop', ...s, time });
        return;
      }
    }
  }

  private setRole(host: HostName, role: Role, time: number, epoch?: number): void {
    const h = this.hosts[host];
    if (h.role === role) return;
    h.role = role;
    h.roleTime = time;
    if (role === 'down') h.hung = false;
    this.emit({ type: 'role', host, role, time, ...(epoch !== undefined ? { epoch } : {}) });
    this.changed();
  }

  private setProtected(p: boolean, time: number): void {
    if (this.isProtected === p) return;
    this.isProtected = p;
    this.emit({ type: 'protected', protected: p, time });
    this.changed();
  }

  /** figures, and any role or protection the events missed (stamped on arrival) */
  private async poll(): Promise<void> {
    if (this.polling || !this.proc?.alive || this.stopping) return;
    this.polling = true;
    try {
      const answer = await this.proc.requestSeq('status', {}, this.cfg.callTimeoutMs ?? 30_000);
      const s = parseStatus(answer.result);
      if (this.stopping) return;
      this.figures = s;
      for (const h of HOST_NAMES) this.hosts[h].pid = s.hosts[h].pid ?? null;
      // roles from a status answer only fill in what events missed; an event read after the
      // answer is newer than it and wins
      if (answer.seq > this.lastStateSeq) {
        const now = monoMs();
        // step down before stepping up, so the history never shows two primaries that the
        // driver did not report
        const order = [...HOST_NAMES].sort((x, y) => Number(s.hosts[x].role === 'primary') - Number(s.hosts[y].role === 'primary'));
        for (const h of order) this.setRole(h, s.hosts[h].role, now);
        this.setProtected(s.protected, now);
      }
      this.changed();
    } catch (err) {
      if (!this.stopping) this.emit({ type: 'log', host: 'platform', line: `status: ${(err as Error).message}`, time: monoMs() });
    } finally {
      this.polling = false;
    }
  }

  private async refreshLogs(): Promise<void> {
    if (!this.hello?.capabilities.includes('logs') || !this.proc?.alive) return;
    try {
      const files = parseLogs(await this.proc.request('logs', {}, this.cfg.callTimeoutMs ?? 30_000));
      for (const [k, v] of Object.entries(files)) this.files[k] = v;
    } catch (err) {
      this.emit({ type: 'log', host: 'platform', line: `logs: ${(err as Error).message}`, time: monoMs() });
    }
  }

  private emit(e: PlatformEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a listener's bug must not break the adapter */
      }
    }
  }

  private changed(): void {
    this.waiters.notify();
  }

  private async doStop(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    const proc = this.proc;
    if (proc) {
      if (proc.alive) {
        await this.refreshLogs();
        try {
          // a driver that never answered hello will hardly answer stop: do not wait long for it
          await proc.request('stop', {}, this.hello ? this.cfg.callTimeoutMs ?? 30_000 : 5000);
        } catch (err) {
          this.emit({ type: 'log', host: 'platform', line: `stop: ${(err as Error).message}`, time: monoMs() });
        }
      }
      await proc.shutdown(5000);
      try {
        fs.writeFileSync(this.files['driver.transcript.log']!, proc.transcript.map((t) => `${t.time.toFixed(1)} ${t.dir === 'sent' ? '>' : t.dir === 'received' ? '<' : '!'} ${t.line}`).join('\n') + '\n');
      } catch {
        /* no log dir */
      }
    }
    for (const h of HOST_NAMES) this.hosts[h].role = 'down';
    this.changed();
  }
}

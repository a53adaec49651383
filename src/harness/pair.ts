/**
 * One protected pair under test: its platform, its links (proxies), its workload clients and
 * probes, and the fault windows it has open. Everything it starts it also stops (`teardown`).
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Endpoint, FtPlatform, HostName, LinkCut, PairLayout, PlatformAbility, PlatformOptions, PairStatus } from '../platform/types.ts';
import { ABILITY_METHOD, ABILITY_TEXT, PlatformCannotError } from '../platform/types.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultPhases, mixSeed, type FaultPhase } from '../faults/phase.ts';
import { prng } from '../faults/schedule.ts';
import type { Recorder } from '../workload/recorder.ts';
import { KvClient } from '../workload/client.ts';
import { warmUp } from '../workload/warm-up.ts';
import { RegisterClient } from '../workload/register-client.ts';
import { Probe } from '../workload/probe.ts';
import { finalReads, type FinalReadResult } from '../workload/final-reads.ts';
import { createPairLinks, type PairLinks } from './links.ts';
import { NetworkFaults } from '../faults/network.ts';
import { LinkFaults } from './link-faults.ts';
import { StepInputError } from './params.ts';
import { concerns } from '../check/scope.ts';
import { isWarmUp } from '../check/ops.ts';

export interface PlatformConfig {
  pair: string;
  options: Partial<PlatformOptions>;
  layout: PairLayout;
  logDir: string;
  /** where clients connect to each host (the client-link proxies) */
  clientEndpoints: Record<HostName, Endpoint>;
}
export type PlatformFactory = (cfg: PlatformConfig) => FtPlatform;
type HistoryMark = import('../workload/history.ts').MarkEvent;

export interface PairContext {
  recorder: Recorder;
  toxiproxy: Toxiproxy;
  logDir: string;
  platformFactory: PlatformFactory;
  /** the scenario's seed: the phases of timed faults are drawn from it [0] */
  seed?: number;
  /** ops the new pair answers before the scenario goes on; 0: no warm-up [200] */
  warmUpOps?: number;
}

export type RoleName = 'primary' | 'backup';

/** how long a fault step aimed at a role waits for the pair to have that role */
export const SETTLE_MS = 5000;

/** what the last process fault did, for the steps that refer back to it */
export interface ProcessFault {
  /** crash / hang of the host process, or a network fault that cuts that host off */
  kind: 'crash' | 'hang' | 'isolation' | 'client-partition';
  host: HostName;
  /** the role the host had when it was hit */
  role: RoleName;
  /** the other host at that moment */
  other: HostName;
  time: number;
  faultId: number;
}

export class PairUnderTest {
  readonly clients: KvClient[] = [];
  /** the register workload's clients (r0, r1, …), stopped and torn down with the others */
  readonly registerClients: RegisterClient[] = [];
  readonly probes: Probe[] = [];
  readonly processFaults: ProcessFault[] = [];
  /** crashed hosts, in order, with their open fault ids */
  private crashed: { host: HostName; faultId: number }[] = [];
  private unsubscribe: () => void = () => {};
  private tornDown = false;
  /** network faults on this pair's links, named by role */
  readonly linkFaults: LinkFaults;
  /** the seeded phases of this pair's timed faults */
  private readonly phases: FaultPhases;
  /** the phase of the fault striking now, for every window it opens */
  private strikeDetail: Record<string, unknown> | null = null;
  /** the open window of a crashed witness */
  private witnessDown: number | null = null;

  private constructor(
    readonly name: string,
    readonly options: Partial<PlatformOptions>,
    readonly links: PairLinks,
    readonly platform: FtPlatform,
    net: NetworkFaults,
    private readonly ctx: PairContext,
  ) {
    const p = platform;
    const owner = p.ownLinks && p.cutLink && p.healLink
      ? { name: p.name, ownLinks: () => p.ownLinks!(), cutLink: (c: LinkCut) => p.cutLink!(c), healLink: (c: LinkCut) => p.healLink!(c) }
      : null;
    this.linkFaults = new LinkFaults(name, links, net, ctx.recorder, async () => {
      const st = await this.settled('primary');
      return { primary: st.primary, backup: st.backup };
    }, owner);
    this.phases = new FaultPhases(ctx.seed ?? 0, name);
  }

  /** the checkpoint interval the pair runs with, ms (the builtin platform's default when not set) */
  get epochMs(): number {
    return this.options.checkpointIntervalMs ?? 25;
  }

  /**
   * Strike a timed fault at a random phase of the checkpoint interval: wait `phaseMs` (drawn
   * from the scenario's seed when not given, in [0, epoch)), then run `fault`; every fault
   * window it opens carries `phaseMs` and `epochMs` in its detail. Without it, a step that
   * follows whole seconds after the pair became protected would hit the same moment of every
   * epoch (right after a checkpoint), run after run.
   */
  async strike<T>(fault: () => Promise<T>, phaseMs?: number): Promise<T> {
    const phase: FaultPhase = phaseMs === undefined ? this.phases.next(this.epochMs) : { phaseMs, epochMs: this.epochMs };
    if (phase.phaseMs > 0) await delay(phase.phaseMs);
    const detail = { phaseMs: phase.phaseMs, epochMs: phase.epochMs };
    this.strikeDetail = detail;
    this.linkFaults.strikeDetail = detail;
    try {
      return await fault();
    } finally {
      this.strikeDetail = null;
      this.linkFaults.strikeDetail = null;
    }
  }

  /** create proxies for every link, start the platform on them and wait until protected */
  static async start(name: string, options: Partial<PlatformOptions>, ctx: PairContext): Promise<PairUnderTest> {
    const links = await createPairLinks(ctx.toxiproxy, name);
    const net = new NetworkFaults(ctx.toxiproxy, links.proxies.map((p) => p.name));
    let platform: FtPlatform;
    try {
      platform = ctx.platformFactory({ pair: name, options, layout: links.layout, logDir: ctx.logDir, clientEndpoints: links.clientEndpoints });
    } catch (err) {
      await removeProxies(ctx.toxiproxy, links);
      throw err;
    }
    const pair = new PairUnderTest(name, options, links, platform, net, ctx);
    pair.unsubscribe = platform.on((e) => {
      if (e.type === 'role') {
        ctx.recorder.record({ kind: 'role', host: e.host, role: e.role, ...(e.epoch !== undefined ? { epoch: e.epoch } : {}), time: ctx.recorder.relative(e.time) });
      } else if (e.type === 'protected') {
        ctx.recorder.record({ kind: 'mark', label: e.protected ? 'protected' : 'unprotected', detail: { pair: name }, time: ctx.recorder.relative(e.time) });
      } else if (e.type === 'transfer') {
        const { type: _t, time, ...d } = e;
        ctx.recorder.record({ kind: 'mark', label: 'full state transfer', detail: { pair: name, ...d }, time: ctx.recorder.relative(time) });
      } else if (e.type === 'loop') {
        const { type: _t, host, time, ...s } = e;
        ctx.recorder.record({ kind: 'mark', label: 'loop', detail: { pair: name, process: host, ...s }, time: ctx.recorder.relative(time) });
      }
    });
    try {
      await platform.start();
    } catch (err) {
      await pair.teardown();
      throw err;
    }
    pair.startSampling();
    try {
      await pair.warmUp();
    } catch (err) {
      await pair.teardown();
      throw err;
    }
    return pair;
  }

  /** the client endpoints, the current primary's first (clients start there) */
  private endpointsPrimaryFirst(): Record<string, Endpoint> {
    const primary = this.status().primary ?? 'a';
    const order: HostName[] = primary === 'a' ? ['a', 'b'] : ['b', 'a'];
    return Object.fromEntries(order.map((h) => [h, this.links.clientEndpoints[h]]));
  }

  /** drive the new pair to steady state before the scenario's own workload (src/workload/warm-up.ts) */
  private async warmUp(): Promise<void> {
    const ops = this.ctx.warmUpOps ?? 200;
    if (ops === 0) return;
    const endpoints = this.endpointsPrimaryFirst();
    // an op waits one epoch or so for output commit: 8 clients per 25 ms of epoch keep the pace
    const clients = Math.min(64, 8 * Math.max(1, Math.round(this.epochMs / 25)));
    const r = await warmUp({ endpoints, recorder: this.ctx.recorder, think: (c) => this.thinkTime(c), clients, ops });
    this.ctx.recorder.mark('warm-up', { pair: this.name, ops: r.ops, ms: Math.round(r.ms), complete: r.complete });
  }

  private sampler: NodeJS.Timeout | null = null;

  /** the platform's replication figures into the history every 250 ms ("metrics" marks) */
  private startSampling(): void {
    this.sampler = setInterval(() => {
      const s = this.platform.status();
      this.ctx.recorder.mark('metrics', {
        pair: this.name, bytesReplicated: s.bytesReplicated, checkpointsPerSecond: s.checkpointsPerSecond,
        lagMs: s.lagMs, lastCommittedEpoch: s.lastCommittedEpoch, protected: s.protected,
      });
    }, 250);
    this.sampler.unref();
  }

  status(): PairStatus {
    return this.platform.status();
  }

  /**
   * The pair's status once some host has `role` and is not hung: a fault step aimed at a role
   * waits (at most settleMs) through a momentary vacancy — a failover in progress, a lease
   * being renewed — instead of failing at it, and says what it saw when the pair never settles.
   */
  async settled(role: RoleName, settleMs = SETTLE_MS): Promise<PairStatus> {
    const has = (s: PairStatus) => {
      const h = role === 'primary' ? s.primary : s.backup;
      return h !== null && !s.hosts[h].hung;
    };
    // the role changes named are those since the wait began (the wait itself ends late by a
    // timer's lateness: now − settleMs would leave out a change right after the start)
    const since = this.ctx.recorder.now();
    try {
      return await this.platform.waitFor(has, settleMs, `a ${role}`);
    } catch {
      const s = this.status();
      const changes = this.ctx.recorder.events
        .filter((e) => e.kind === 'role' && e.time >= since && concerns(e, this.name))
        .map((e) => (e.kind === 'role' ? `${e.host} ${e.role} at ${Math.round(e.time)} ms` : ''));
      const hosts = (['a', 'b'] as const).map((h) => `${h}=${s.hosts[h].role}${s.hosts[h].hung ? ' (hung)' : ''}`).join(', ');
      throw new Error(
        `pair "${this.name}" did not settle: no ${role} for ${settleMs} ms (now ${hosts}; ` +
          `role changes in that time: ${changes.length ? changes.join(', ') : 'none'}), so the step cannot name its ${role}`,
      );
    }
  }

  /** the host that has `role` once the pair has settled (see settled()) */
  async hostWithRole(role: RoleName): Promise<HostName> {
    const s = await this.settled(role);
    return (role === 'primary' ? s.primary : s.backup)!;
  }

  /**
   * A client's think time after each op: uniform over one checkpoint interval, from its own
   * stream of the scenario's seed. Real clients are not phase-locked to the platform's output
   * commit; with it, requests arrive at every moment of an epoch — also in the window where a
   * reply released one epoch early would be lost by a crash.
   */
  private thinkTime(client: string): () => number {
    const rnd = prng(mixSeed(this.ctx.seed ?? 0, `think:${this.name}/${client}`));
    const epochMs = this.epochMs;
    return () => rnd() * epochMs;
  }

  startClients(count: number, opts: { minIntervalMs?: number; timeoutMs?: number } = {}): void {
    const endpoints = this.endpointsPrimaryFirst();
    const base = this.clients.length;
    for (let i = 0; i < count; i++) {
      const name = `c${base + i}`;
      const c = new KvClient({ name, endpoints, recorder: this.ctx.recorder, think: this.thinkTime(name), ...opts });
      this.clients.push(c);
      c.start();
    }
  }

  /**
   * Register clients r<i> on `keys` shared keys, primary first. Client i draws its choices
   * from its own stream of `seed` and writes values i·1e9 + 1, + 2, … (unique per key).
   */
  startRegisterClients(count: number, keys: number, seed: number, opts: { minIntervalMs?: number; timeoutMs?: number } = {}): void {
    const endpoints = this.endpointsPrimaryFirst();
    const base = this.registerClients.length;
    this.ctx.recorder.mark('register workload', { pair: this.name, clients: count, keys, seed });
    for (let i = base; i < base + count; i++) {
      const c = new RegisterClient({
        name: `r${i}`, endpoints, recorder: this.ctx.recorder, keys, think: this.thinkTime(`r${i}`),
        seed: (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0, valueBase: i * 1e9, ...opts,
      });
      this.registerClients.push(c);
      c.start();
    }
  }

  /** the probe interval asked for (null: no probes) */
  probeIntervalMs: number | null = null;

  /**
   * A gap between successful probes that counts as an outage: three probe intervals, and
   * never less than three epochs, since output commit releases replies in a burst at each
   * epoch boundary (gaps of one epoch are the platform's normal rhythm, not downtime).
   */
  outageThresholdMs(): number {
    const epoch = this.options.checkpointIntervalMs ?? 25;
    return Math.max(3 * (this.probeIntervalMs ?? 10), 3 * epoch);
  }

  startProbes(intervalMs: number): void {
    this.probeIntervalMs = intervalMs;
    for (const host of ['a', 'b'] as const) {
      const p = new Probe({ host, endpoint: this.links.direct[host], recorder: this.ctx.recorder, intervalMs });
      this.probes.push(p);
      p.start();
    }
  }

  /**
   * Fail at once — before any fault window opens — when the platform cannot do what a step
   * needs: "platform X cannot hang a host". Never a silent pass.
   */
  need(...what: PlatformAbility[]): void {
    for (const w of what) {
      const method = ABILITY_METHOD[w];
      const lacks = (this.platform.can && !this.platform.can(w)) || (method !== undefined && typeof this.platform[method] !== 'function');
      if (lacks) throw new PlatformCannotError(`platform ${this.platform.name} cannot ${ABILITY_TEXT[w]}`);
    }
  }

  /** SIGKILL the witness; its crash window stays open until it restarts */
  async crashWitness(): Promise<void> {
    this.need('crash-witness', 'restart-witness');
    if (this.witnessDown !== null) throw new StepInputError(`the witness of pair "${this.name}" is already down`);
    this.witnessDown = this.ctx.recorder.faultStart('crash', 'witness', { pair: this.name, ...this.strikeDetail });
    await this.platform.crashWitness!();
  }

  /** a fresh witness process (empty lease table) on the same address; closes the crash window once it listens */
  async restartWitness(): Promise<void> {
    if (this.witnessDown === null) throw new StepInputError(`the witness of pair "${this.name}" has not crashed, so it cannot restart`);
    this.need('restart-witness');
    await this.platform.restartWitness!();
    this.ctx.recorder.faultEnd(this.witnessDown, 'crash', 'witness');
    this.witnessDown = null;
  }

  /**
   * SIGKILL the host with `role` while a full state transfer (re-protection) is in flight:
   * the transfer that started last and has not yet made the pair protected, or else the next
   * one to start within `waitMs`. Needs the platform's 'transfer' events.
   */
  async crashDuringTransfer(role: RoleName, waitMs: number): Promise<ProcessFault> {
    this.need('report-transfers', 'crash');
    const rec = this.ctx.recorder;
    const mine = (e: { kind: string; label?: string; detail?: Record<string, unknown> }, label: string) =>
      e.kind === 'mark' && e.label === label && e.detail?.pair === this.name;
    const inFlight = (): HistoryMark | null => {
      const ev = rec.events;
      for (let i = ev.length - 1; i >= 0; i--) {
        const e = ev[i]!;
        if (mine(e, 'protected')) return null;
        if (mine(e, 'full state transfer')) return e as HistoryMark;
      }
      return null;
    };
    const since = rec.now();
    const t = inFlight() ?? (await rec.waitForEvent((e) => mine(e, 'full state transfer') && e.time >= since, waitMs)) as HistoryMark | null;
    if (!t) {
      throw new Error(`pair "${this.name}": no full state transfer started within ${waitMs} ms (a transfer happens when a backup (re)joins: restart a crashed host or heal a partition first)`);
    }
    const host = role === 'primary' ? (t.detail?.host as HostName) : (t.detail?.host === 'a' ? 'b' : 'a');
    const time = rec.now();
    const faultId = await this.crashHost(host, { role, during: 'full state transfer', transferEpoch: t.detail?.epoch, transferBytes: t.detail?.bytes, sinceTransferMs: Math.round(time - t.time) });
    return this.noteFault('crash', host, role, faultId, time);
  }

  /** SIGKILL the host that has `role` now */
  async crash(role: RoleName): Promise<ProcessFault> {
    this.need('crash');
    const host = await this.hostWithRole(role);
    const time = this.ctx.recorder.now();
    const faultId = await this.crashHost(host, { role });
    return this.noteFault('crash', host, role, faultId, time);
  }

  /** SIGKILL one host by name; its crash window stays open until it restarts */
  async crashHost(host: HostName, detail: Record<string, unknown> = {}): Promise<number> {
    this.need('crash');
    const faultId = this.ctx.recorder.faultStart('crash', host, { ...detail, pair: this.name, ...this.strikeDetail });
    await this.platform.crash(host);
    this.crashed.push({ host, faultId });
    return faultId;
  }

  /** SIGSTOP the host with `role`, keep it stopped for ms, then SIGCONT */
  async hang(role: RoleName, ms: number, waitForIt: (ms: number) => Promise<void>): Promise<ProcessFault> {
    this.need('hang', 'resume');
    const host = await this.hostWithRole(role);
    const time = this.ctx.recorder.now();
    const faultId = this.ctx.recorder.faultStart('hang', host, { role, pair: this.name, ms, ...this.strikeDetail });
    await this.platform.hang(host);
    const fault = this.noteFault('hang', host, role, faultId, time);
    try {
      await waitForIt(ms);
    } finally {
      await this.platform.resume(host);
      this.ctx.recorder.faultEnd(faultId, 'hang', host);
    }
    return fault;
  }

  /** restart the host that crashed most recently (it rejoins as backup) */
  async restartCrashed(): Promise<HostName> {
    const last = this.crashed.pop();
    if (!last) throw new StepInputError(`no host of pair "${this.name}" has crashed, so none can restart`);
    this.need('restart');
    await this.platform.restart(last.host);
    this.ctx.recorder.faultEnd(last.faultId, 'crash', last.host);
    return last.host;
  }

  get recorder(): Recorder {
    return this.ctx.recorder;
  }

  /**
   * Bring a fenced or crashed host back as a fresh process that rejoins as backup; a fenced
   * (still running) process is killed first. Closes the host's open crash window, if any.
   */
  async restartHost(host: HostName): Promise<void> {
    this.need('restart');
    const st = this.status().hosts[host];
    if (st.alive) await this.platform.crash(host);
    const i = this.crashed.findIndex((c) => c.host === host);
    await this.platform.restart(host);
    if (i >= 0) {
      const [c] = this.crashed.splice(i, 1);
      this.ctx.recorder.faultEnd(c!.faultId, 'crash', host);
    }
  }

  /**
   * Whom "keeps serving" judges, and from when: the primary the last process fault hit (or
   * spared: for a backup fault, the other host), from that fault on; in a scenario with no
   * such fault, the pair's first primary from the start — no failover, ever.
   */
  servingSubject(): { host: HostName; since: number } {
    const f = this.processFaults.at(-1);
    if (f) return { host: f.role === 'primary' ? f.host : f.other, since: f.time };
    const first = this.ctx.recorder.events.find((e) => e.kind === 'role' && e.role === 'primary' && concerns(e, this.name));
    const host = (first?.kind === 'role' ? first.host : this.status().primary) as HostName | null;
    if (!host) throw new StepInputError(`pair "${this.name}" has had no primary yet, so none can keep serving`);
    return { host, since: 0 };
  }

  lastProcessFault(): ProcessFault {
    const f = this.processFaults.at(-1);
    if (!f) throw new StepInputError(`no host of pair "${this.name}" has crashed, hung or been cut off yet`);
    return f;
  }

  /**
   * The probe (its process name) that succeeded first after now: some host of this pair serves;
   * null after waitMs without one. The final phase waits for it so that the history does not
   * end in the middle of an outage: an outage still open when the workload stops could only be
   * reported as "not back", whatever its length.
   */
  async serviceUp(waitMs: number): Promise<string | null> {
    const since = this.ctx.recorder.now();
    const up = await this.ctx.recorder.waitForEvent(
      (e) => e.kind === 'op' && e.type === 'ok' && e.f === 'ping' && e.process.startsWith('probe:') && e.time >= since && concerns(e, this.name),
      waitMs,
    );
    return up && up.kind === 'op' ? up.process : null;
  }

  async stopWorkload(): Promise<void> {
    await Promise.all([...this.clients, ...this.registerClients, ...this.probes].map((x) => x.stop()));
  }

  /**
   * The final phase's stop, once `serving` (a probe's process name, from serviceUp) answered:
   * the clients, then every other probe, then `serving` right after its next success (within
   * waitMs). The history then ends with the service up: a ping timing out in the moment after
   * the last success would otherwise read as an outage still open at the end. False when
   * `serving` did not succeed again in time (the history then ends as it stands).
   */
  async stopWorkloadServing(serving: string, waitMs: number): Promise<boolean> {
    await Promise.all([...this.clients, ...this.registerClients].map((x) => x.stop()));
    const last = this.probes.find((p) => p.process === serving);
    await Promise.all(this.probes.filter((p) => p !== last).map((p) => p.stop()));
    return last ? last.stopOnSuccess(waitMs) : false;
  }

  /** every key any client of this pair wrote, the warm-up's included (from the history) */
  writtenKeys(): string[] {
    const names = new Set(this.clients.map((c) => c.name));
    const keys = new Set<string>();
    for (const e of this.ctx.recorder.events) {
      if (e.kind !== 'op' || e.f !== 'write' || e.type !== 'invoke' || !e.key) continue;
      if ((names.has(e.process) || isWarmUp(e.process)) && concerns(e, this.name)) keys.add(e.key);
    }
    return [...keys];
  }

  async finalReads(deadlineMs: number): Promise<FinalReadResult> {
    return finalReads({ endpoints: this.links.clientEndpoints, recorder: this.ctx.recorder, keys: this.writtenKeys(), deadlineMs });
  }

  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    if (this.sampler) clearInterval(this.sampler);
    await this.stopWorkload().catch(() => {});
    await this.linkFaults.healAll().catch(() => {});
    this.unsubscribe();
    await this.platform.stop().catch(() => {});
    for (const c of this.crashed) this.ctx.recorder.faultEnd(c.faultId, 'crash', c.host);
    this.crashed = [];
    if (this.witnessDown !== null) this.ctx.recorder.faultEnd(this.witnessDown, 'crash', 'witness');
    this.witnessDown = null;
    await removeProxies(this.ctx.toxiproxy, this.links);
  }

  /** cut the current primary from everything (a host fault for the steps that refer back) */
  async isolatePrimary(): Promise<ProcessFault> {
    const host = await this.hostWithRole('primary');
    const time = this.ctx.recorder.now();
    const group = await this.linkFaults.isolatePrimary();
    return this.noteFault('isolation', host, 'primary', this.linkFaults.faultIdOf(group), time);
  }

  /** cut the clients from the current primary */
  async partitionClientLinkOfPrimary(): Promise<ProcessFault> {
    const host = await this.hostWithRole('primary');
    const time = this.ctx.recorder.now();
    const group = await this.linkFaults.partitionClientLinkOfPrimary();
    return this.noteFault('client-partition', host, 'primary', this.linkFaults.faultIdOf(group), time);
  }

  private noteFault(kind: ProcessFault['kind'], host: HostName, role: RoleName, faultId: number, time: number): ProcessFault {
    const fault: ProcessFault = { kind, host, role, other: host === 'a' ? 'b' : 'a', time, faultId };
    this.processFaults.push(fault);
    return fault;
  }
}

async function removeProxies(toxiproxy: Toxiproxy, links: PairLinks): Promise<void> {
  for (const p of links.proxies) {
    try {
      await (await toxiproxy.get(p.name)).remove();
    } catch {
      /* already gone */
    }
  }
}

/**
 * The runtime of one scenario: its history (streamed to disk), its pairs, its verdicts and
 * its evidence folder. `teardown` releases everything, whatever happened before.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Toxiproxy } from 'toxiproxy-node-client';
import type { PlatformOptions } from '../platform/types.ts';
import { Recorder } from '../workload/recorder.ts';
import { PairUnderTest, type PlatformFactory } from './pair.ts';
import { StepInputError } from './params.ts';
import { registerCleanup } from './reaper.ts';
import { LoopMonitor } from '../platform/loop-monitor.ts';
import { OBSERVER_STALL_LABEL } from '../check/observer.ts';
import { checkNoUnplannedFailover } from '../check/unplanned.ts';
import type { Verdict } from '../check/types.ts';
import { eventsOf } from '../check/scope.ts';
import type { HistoryEvent } from '../workload/history.ts';

export interface ScenarioConfig {
  /** folder for this scenario's evidence (history, logs) */
  dir: string;
  toxiproxy: Toxiproxy;
  platformFactory: PlatformFactory;
  seed: number;
  /** ops each new pair answers before the scenario goes on (src/workload/warm-up.ts); 0: none [200] */
  warmUpOps?: number;
}

export interface NamedVerdict {
  pair: string;
  step: string;
  verdict: { checker: string; ok: boolean; category?: string; summary: string; figures: Record<string, unknown> };
}

export class ScenarioRuntime {
  readonly recorder: Recorder;
  readonly pairs = new Map<string, PairUnderTest>();
  readonly verdicts: NamedVerdict[] = [];
  /** called with each verdict as it is made (the World attaches it to the step's report) */
  onVerdict: (v: NamedVerdict) => void = () => {};

  addVerdict(v: NamedVerdict): void {
    this.verdicts.push(v);
    this.onVerdict(v);
  }
  /** pairs whose workload has been stopped and final reads done */
  private readonly settled = new Map<string, Promise<void>>();
  private unregister: () => void;
  private closed = false;

  constructor(readonly config: ScenarioConfig) {
    mkdirSync(config.dir, { recursive: true });
    this.recorder = new Recorder(join(config.dir, 'history.ndjson'));
    this.recorder.mark('scenario start', { seed: config.seed });
    this.unregister = registerCleanup(() => this.teardown());
    // the harness's own loop carries the clients, the probes and the history: its stalls
    // are evidence too (a late probe is not the platform's outage: src/check/observer.ts)
    this.loop = new LoopMonitor({
      onReport: (s) => this.recorder.mark('loop', { process: 'harness', ...s }),
      onStall: (ms) => this.recorder.mark(OBSERVER_STALL_LABEL, { ms: Math.round(ms * 10) / 10 }),
    });
  }

  private readonly loop: LoopMonitor;

  get logDir(): string {
    return join(this.config.dir, 'logs');
  }

  async startPair(name: string, options: Partial<PlatformOptions>): Promise<PairUnderTest> {
    if (this.pairs.has(name)) throw new StepInputError(`pair "${name}" already exists in this scenario`);
    const pair = await PairUnderTest.start(name, options, {
      // every event of the pair carries its name (src/check/scope.ts)
      recorder: this.recorder.scoped(name),
      toxiproxy: this.config.toxiproxy,
      logDir: join(this.logDir, name),
      platformFactory: this.config.platformFactory,
      seed: this.config.seed,
      ...(this.config.warmUpOps !== undefined ? { warmUpOps: this.config.warmUpOps } : {}),
    });
    this.pairs.set(name, pair);
    pair.recorder.mark('pair protected', { pair: name, options });
    return pair;
  }

  /** the history a checker of pair `name` reads: its own events and the scenario-wide ones */
  eventsOf(name: string): HistoryEvent[] {
    this.pair(name);
    return eventsOf(this.recorder.events, name);
  }

  /** seeds used by steps (e.g. random faults), for the report's environment and replay */
  readonly seedsUsed: number[] = [];

  noteSeed(seed: number): void {
    this.seedsUsed.push(seed);
    this.recorder.mark('seed', { seed });
  }

  pair(name: string): PairUnderTest {
    const p = this.pairs.get(name);
    if (!p) {
      const known = [...this.pairs.keys()].map((k) => `"${k}"`).join(', ') || 'none yet';
      throw new StepInputError(`unknown pair "${name}"; pairs of this scenario: ${known}`);
    }
    return p;
  }

  /**
   * Jepsen's final phase, once per pair: heal the network, give the platform time to have a
   * primary again and to answer a probe, stop the workload, and read every written key from
   * the serving host.
   */
  settle(name: string): Promise<void> {
    const pair = this.pair(name);
    let done = this.settled.get(name);
    if (!done) {
      done = (async () => {
        await pair.linkFaults.healAll();
        pair.recorder.mark('healed', { pair: name });
        const anyAlive = (st = pair.status()) => st.hosts.a.alive || st.hosts.b.alive;
        if (anyAlive()) {
          const primary = await pair.platform.waitFor((s) => s.primary !== null || !anyAlive(s), 5000, 'a serving primary').then(
            (s) => s.primary !== null,
            () => {
              pair.recorder.mark('no primary before final reads', { pair: name });
              return false;
            },
          );
          // the history ends with the service up, not inside an outage that is ending
          if (primary && pair.probes.length > 0) {
            const serving = await pair.serviceUp(5000);
            if (serving === null) pair.recorder.mark('no probe answered before final reads', { pair: name });
            else if (!(await pair.stopWorkloadServing(serving, 5000))) pair.recorder.mark('the serving probe did not answer again', { pair: name, probe: serving });
          }
        }
        await pair.stopWorkload();
        if (!anyAlive()) {
          // nothing can answer: no final read is possible, and the checkers will say so
          pair.recorder.mark('final reads impossible: no host is running', { pair: name });
          return;
        }
        pair.recorder.mark('final reads', { pair: name });
        const r = await pair.finalReads(10_000);
        pair.recorder.mark('final reads done', { pair: name, host: r.host, read: r.read, unread: r.unread.length });
      })();
      this.settled.set(name, done);
    }
    return done;
  }

  /**
   * Run after every scenario with a pair: no takeover or self-fence without a fault before it
   * (an "Unplanned failover"). Recorded as a verdict of each pair; `expected` (the scenario's
   * tag @unplanned-failover-expected) turns a failure into a reported, passing note.
   */
  judgeRoleStability(expected = false): Verdict | null {
    if (this.pairs.size === 0) return null;
    let first: Verdict | null = null;
    // each pair on its own history: a fault of one pair explains none of another's role changes
    for (const name of this.pairs.keys()) {
      const v = checkNoUnplannedFailover(this.eventsOf(name));
      const recorded: Verdict = v.ok || !expected ? v : { ...v, ok: true, category: undefined, summary: `as the scenario expects (@unplanned-failover-expected): ${v.summary}` };
      const named: Verdict = this.pairs.size > 1 && !recorded.ok ? { ...recorded, summary: `pair "${name}": ${recorded.summary}` } : recorded;
      this.addVerdict({ pair: name, step: 'after the scenario: no unplanned failover', verdict: named });
      if (!first || (first.ok && !named.ok)) first = named;
    }
    return first;
  }

  private readonly teardownFirst: (() => Promise<void>)[] = [];

  /** run `fn` at teardown before the pairs go (e.g. remove a limit that spans several pairs) */
  beforeTeardown(fn: () => Promise<void>): void {
    this.teardownFirst.push(fn);
  }

  async teardown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loop.stop();
    const errors: unknown[] = [];
    for (const fn of this.teardownFirst) await fn().catch((err) => errors.push(err));
    for (const p of this.pairs.values()) {
      try {
        await p.teardown();
      } catch (err) {
        errors.push(err);
      }
    }
    this.recorder.mark('scenario end');
    await this.recorder.close();
    this.unregister();
    if (errors.length) throw errors[0];
  }
}

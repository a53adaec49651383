/**
 * The network faults QA names in steps, resolved against the pair's roles at the moment of
 * the fault (see links.ts for the naming rule), applied as toxics, and recorded in the
 * history as fault windows (start when applied, end when healed).
 */
import type { HostName } from '../platform/types.ts';
import type { Recorder } from '../workload/recorder.ts';
import type { NetworkFaults } from '../faults/network.ts';
import {
  clientLinkOf, isolationOf, replicationBoth, replicationDirection, witnessLinkOf, type LinkTarget, type PairLinks,
} from './links.ts';
import { StepInputError } from './params.ts';
import { describeCut, splitOwned, type LinkOwner } from './own-links.ts';
import { PlatformCannotError, type LinkCut } from '../platform/types.ts';

export interface RolesNow {
  primary: HostName | null;
  backup: HostName | null;
}

interface Window {
  group: number;
  faultId: number;
  fault: string;
  target: string;
  /** cuts the platform made itself on links it owns */
  cuts: LinkCut[];
}

export class LinkFaults {
  private open: Window[] = [];
  /** added to the detail of every window opened while set (the fault's phase: PairUnderTest.strike) */
  strikeDetail: Record<string, unknown> | null = null;

  constructor(
    private readonly pair: string,
    private readonly links: PairLinks,
    private readonly net: NetworkFaults,
    private readonly recorder: Recorder,
    /** the roles once the pair has a primary (waits a bounded time; throws saying what it saw) */
    private readonly roles: () => Promise<RolesNow>,
    /** the platform, when it faults some links itself instead of the proxies (docs/driver.md) */
    private readonly owner: LinkOwner | null = null,
  ) {}

  private async primary(): Promise<HostName> {
    const p = (await this.roles()).primary;
    if (!p) throw new StepInputError(`pair "${this.pair}" has no primary now, so its links cannot be named by role`);
    return p;
  }

  private otherOf(h: HostName): HostName {
    return h === 'a' ? 'b' : 'a';
  }

  /**
   * Apply one group of toxics and open its window; returns the window's group id. Targets on
   * links the platform owns become its cuts (witness cuts first, then the proxies, then the
   * rest); only a partition can be done that way.
   */
  private async apply(fault: string, target: string, targets: LinkTarget[], act: (t: LinkTarget[]) => Promise<number>, detail: Record<string, unknown> = {}): Promise<number> {
    const { proxied, cuts } = this.owner ? splitOwned(this.links, targets, this.owner.ownLinks()) : { proxied: targets, cuts: [] };
    if (cuts.length && fault !== 'partition' && fault !== 'isolation') {
      const kinds = [...new Set(cuts.map((c) => c.link))].join(' and ');
      throw new PlatformCannotError(`platform ${this.owner!.name} cannot add ${fault} to its own ${kinds} link (it only cuts its own links; the harness proxies the others)`);
    }
    // the window opens when the first toxic goes on
    const faultId = this.recorder.faultStart(fault, target, {
      pair: this.pair, ...detail, ...this.strikeDetail,
      links: [...proxied.map((t) => `${t.proxy}/${t.stream}`), ...cuts.map((c) => `platform ${describeCut(c)}`)],
    });
    const made: LinkCut[] = [];
    const cut = async (cs: LinkCut[]): Promise<void> => {
      await Promise.all(cs.map(async (c) => {
        await this.owner!.cutLink(c);
        made.push(c);
      }));
    };
    let group: number | null = null;
    try {
      await cut(cuts.filter((c) => c.link === 'witness'));
      group = await act(proxied);
      await cut(cuts.filter((c) => c.link !== 'witness'));
    } catch (err) {
      // undo what went on, close the window, and let the step fail with the platform's word
      await Promise.allSettled(made.map((c) => this.owner!.healLink(c)));
      if (group !== null) await this.net.remove(group).catch(() => {});
      this.recorder.faultEnd(faultId, fault, target);
      throw err;
    }
    this.open.push({ group, faultId, fault, target, cuts: made });
    return group;
  }

  private async healCuts(w: Window): Promise<void> {
    if (!w.cuts.length || !this.owner) return;
    await Promise.all(w.cuts.map((c) => this.owner!.healLink(c)));
  }

  partitionReplication(): Promise<number> {
    return this.apply('partition', 'replication', replicationBoth(this.links), (t) => this.net.partition(t));
  }

  /** only the bytes the current primary sends to the backup stop */
  async partitionReplicationOneWay(): Promise<number> {
    const p = await this.primary();
    return this.apply('partition', 'replication', replicationDirection(this.links, p, this.otherOf(p)), (t) => this.net.partition(t), { direction: 'primary->backup' });
  }

  /** only the bytes the current backup sends to the primary stop (acks, its heartbeats); checkpoints still flow */
  async partitionReplicationBackupToPrimary(): Promise<number> {
    const p = await this.primary();
    return this.apply('partition', 'replication', replicationDirection(this.links, this.otherOf(p), p), (t) => this.net.partition(t), { direction: 'backup->primary' });
  }

  /**
   * Cut the witness from the current primary, the current backup (the other host) or both:
   * the `<pair>.witness.<host>` proxies, both ways. Recorded as a partition of "witness-<role>".
   */
  async partitionWitness(from: 'primary' | 'backup' | 'both'): Promise<number> {
    const p = await this.primary();
    const hosts = from === 'primary' ? [p] : from === 'backup' ? [this.otherOf(p)] : [p, this.otherOf(p)];
    const targets = hosts.flatMap((h) => witnessLinkOf(this.links, h));
    return this.apply('partition', `witness-${from}`, targets, (t) => this.net.partition(t), { hosts });
  }

  /** the bytes the current primary sends to the backup cut into slices of about that size */
  async sliceReplication(averageBytes: number): Promise<number> {
    const p = await this.primary();
    const targets = replicationDirection(this.links, p, this.otherOf(p));
    return this.apply('slicer', 'replication', targets, (t) => this.net.slice(t, averageBytes), { averageBytes, direction: 'primary->backup' });
  }

  /** the replication connection silenced (primary -> backup) and reset `afterMs` later: a TCP RST to both ends */
  async resetReplication(afterMs: number): Promise<number> {
    const p = await this.primary();
    const targets = replicationDirection(this.links, p, this.otherOf(p));
    return this.apply('reset_peer', 'replication', targets, (t) => this.net.resetPeer(t, afterMs), { afterMs, direction: 'primary->backup' });
  }

  /** each replication connection closes once that many bytes went from the primary to the backup */
  async limitReplication(bytes: number): Promise<number> {
    const p = await this.primary();
    const targets = replicationDirection(this.links, p, this.otherOf(p));
    return this.apply('limit_data', 'replication', targets, (t) => this.net.limitData(t, bytes), { bytes, direction: 'primary->backup' });
  }

  /**
   * Cut the primary from backup, witness and clients; recorded with the host as target (a
   * failover fault). Its witness link goes first: an isolated host must not get to tell the
   * witness that it lost its backup (and keep the lease) in the moment between two cuts.
   */
  async isolatePrimary(): Promise<number> {
    const p = await this.primary();
    const witness = witnessLinkOf(this.links, p);
    const rest = isolationOf(this.links, p).filter((t) => !witness.some((w) => w.proxy === t.proxy && w.stream === t.stream));
    const keep = (xs: LinkTarget[], t: LinkTarget[]) => xs.filter((x) => t.some((y) => y.proxy === x.proxy && y.stream === x.stream));
    return this.apply('isolation', p, [...witness, ...rest], (t) => this.net.partition(keep(witness, t), keep(rest, t)), { role: 'primary' });
  }

  async partitionClientLinkOfPrimary(): Promise<number> {
    const p = await this.primary();
    return this.apply('partition', `client->${p}`, clientLinkOf(this.links, p), (t) => this.net.partition(t), { role: 'primary' });
  }

  /**
   * Latency on the bytes the current primary sends to the backup (checkpoints, heartbeats);
   * acknowledgements come back undelayed, so the commit round trip grows by the latency.
   */
  async latencyOnReplication(latencyMs: number, jitterMs: number): Promise<number> {
    const p = await this.primary();
    const targets = replicationDirection(this.links, p, this.otherOf(p));
    return this.apply('latency', 'replication', targets, (t) => this.net.latency(t, latencyMs, jitterMs), { latencyMs, jitterMs, direction: 'primary->backup' });
  }

  /** a bandwidth limit on the bytes the current primary sends to the backup */
  async bandwidthOnReplication(rateKBps: number): Promise<number> {
    const p = await this.primary();
    const targets = replicationDirection(this.links, p, this.otherOf(p));
    return this.apply('bandwidth', 'replication', targets, (t) => this.net.bandwidth(t, rateKBps), { rateKBps, direction: 'primary->backup' });
  }

  /** the history's fault id of an open window */
  faultIdOf(group: number): number {
    const w = this.open.find((x) => x.group === group);
    if (!w) throw new Error(`no open network fault window ${group}`);
    return w.faultId;
  }

  /** heal one window */
  async end(group: number): Promise<void> {
    const w = this.open.find((x) => x.group === group);
    // all at once: a partition heals in one moment, proxies and the platform's own cuts alike
    await Promise.all([this.net.remove(group), w ? this.healCuts(w) : Promise.resolve()]);
    if (w) {
      this.open = this.open.filter((x) => x !== w);
      this.recorder.faultEnd(w.faultId, w.fault, w.target);
    }
  }

  /** heal everything and close every open window */
  async healAll(): Promise<void> {
    await Promise.all([this.net.heal(), ...this.open.map((w) => this.healCuts(w).catch(() => {}))]);
    for (const w of this.open) this.recorder.faultEnd(w.faultId, w.fault, w.target);
    this.open = [];
  }

  get openWindows(): number {
    return this.open.length;
  }
}

/**
 * The server's shared budgets (an extension of the real Toxiproxy): one SharedBucket per
 * group name, alive while at least one shared_bandwidth toxic of that group exists, on any
 * proxy. It checks such a toxic's attributes before anything changes (a 400 saying what is
 * wrong), keeps every member's `rate` equal to its group's, and drops a group with its last
 * toxic (nothing is left behind: no timer, no entry).
 *
 * The rate belongs to the group: a toxic joining a group must give the group's rate; an
 * update of one member's rate re-rates the group (and every member shows the new rate).
 */
import { ApiError } from './errors.ts';
import { MAX_NAME_BYTES } from './limits.ts';
import type { ToxicDef } from './toxic-set.ts';
import { SharedBucket } from './toxics/shared-bucket.ts';
import { num, str, type Attributes } from './toxics/types.ts';

interface Group {
  bucket: SharedBucket;
  /** each member toxic, with the name of its proxy (for messages) */
  members: Map<ToxicDef, string>;
}

const bad = (message: string) => new ApiError(message, 400);

export class SharedGroups {
  private readonly groups = new Map<string, Group>();

  /** Group names alive now, in creation order (tests, diagnostics). */
  names(): string[] {
    return [...this.groups.keys()];
  }

  /** The budget of a group that exists (a link's shared_bandwidth stage asks). */
  bucket(group: string): SharedBucket {
    const g = this.groups.get(group);
    if (!g) throw new Error(`internal: shared bandwidth group "${group}" has no toxic`);
    return g.bucket;
  }

  /** A new toxic: checked (400 when wrong), then a member of its group (made if new). */
  join(def: ToxicDef, proxy: string): void {
    const { group, rate } = this.check(def.type, def.attributes);
    const existing = this.groups.get(group);
    if (existing) this.checkSameRate(def.type, existing, group, rate);
    this.enter(def, proxy, group, rate);
  }

  /**
   * An update of a member to `attributes` (merged): checked first, nothing changes when
   * refused. The same group with another rate re-rates the group; another group moves it
   * (that group's rate must be the one given). Returns what to do once the links have been
   * told (the old group is left only then, so no stage is left in a dropped budget).
   */
  update(def: ToxicDef, proxy: string, attributes: Attributes): () => void {
    const { group, rate } = this.check(def.type, attributes);
    const before = str(def.attributes, 'group');
    const target = this.groups.get(group);
    if (group === before && target) {
      if (rate !== target.bucket.rateKBps) {
        target.bucket.setRate(rate);
        for (const member of target.members.keys()) member.attributes.rate = rate;
      }
      return () => {};
    }
    if (target) this.checkSameRate(def.type, target, group, rate);
    this.enter(def, proxy, group, rate);
    return () => this.leaveGroup(def, before);
  }

  /** The toxic is gone (deleted, or its proxy deleted): its group is dropped with its last toxic. */
  leave(def: ToxicDef): void {
    this.leaveGroup(def, str(def.attributes, 'group'));
  }

  private enter(def: ToxicDef, proxy: string, group: string, rate: number): void {
    let g = this.groups.get(group);
    if (!g) {
      g = { bucket: new SharedBucket(group, rate), members: new Map() };
      this.groups.set(group, g);
    }
    g.members.set(def, proxy);
  }

  private leaveGroup(def: ToxicDef, group: string): void {
    const g = this.groups.get(group);
    if (!g || !g.members.delete(def)) return;
    if (g.members.size > 0) return;
    g.bucket.dispose();
    this.groups.delete(group);
  }

  private check(type: string, attributes: Attributes): { group: string; rate: number } {
    const group = str(attributes, 'group');
    const rate = num(attributes, 'rate');
    if (group === '') {
      throw bad(`${type} needs attributes.group: the name of the budget its proxies share (e.g. "rack-r1")`);
    }
    const bytes = Buffer.byteLength(group);
    if (bytes > MAX_NAME_BYTES) throw bad(`${type} group name too long: ${bytes} bytes, at most ${MAX_NAME_BYTES}`);
    if (rate <= 0) throw bad(`${type} group "${group}" needs attributes.rate > 0 (KB/s), got ${rate}`);
    return { group, rate };
  }

  private checkSameRate(type: string, g: Group, group: string, rate: number): void {
    const have = g.bucket.rateKBps;
    if (rate === have) return;
    const [first, proxy] = g.members.entries().next().value as [ToxicDef, string];
    throw bad(
      `${type} group "${group}" is limited to ${have} KB/s (toxic "${first.name}" on proxy "${proxy}"); ` +
        `a toxic joining it must give that rate, not ${rate} (to change the group's rate, update one of its toxics)`,
    );
  }
}

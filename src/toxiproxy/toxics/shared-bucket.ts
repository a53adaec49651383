/**
 * One bandwidth budget shared by every stream that joins it (an extension: the real
 * Toxiproxy limits each proxy on its own). The server owns one per group name.
 *
 * The budget sends one slice at a time: the next waiting stream in round-robin order gives
 * up to a slice's worth of bytes (bandwidth.ts's slice, SLICE_MS at the rate), which is held
 * for the time those bytes take at the rate, then handed on; the next slot starts where that
 * one ended. So the sum never exceeds the rate, one stream alone gets all of it, and n
 * streams that keep data waiting get a slice each in turn (1/n each). A stream whose
 * destination is congested is skipped until it drains: it does not hold the others up.
 *
 * Slots are chained on the schedule (a timer firing late does not lose the time, up to one
 * slice); an idle budget keeps no credit (no burst after a pause).
 */
import { performance } from 'node:perf_hooks';
import { SLICE_MS, sliceBytes } from './bandwidth.ts';

/** Deliver a slice due within this many ms of now (timer wake-ups are not finer than that). */
const EARLY_MS = 0.2;

/** A stream drawing on the budget (the shared_bandwidth stage of one link). */
export interface BucketMember {
  /** Bytes wait to be sent. */
  hasData(): boolean;
  /** May it be sent to now (its destination is not congested)? */
  ready(): boolean;
  /** Hand the budget the next slice (at most `max` bytes); the member holds it as in flight. */
  take(max: number): Buffer;
  /** The slice's time has come: pass it on. */
  deliver(slice: Buffer): void;
}

interface Slot {
  member: BucketMember;
  slice: Buffer;
  due: number;
}

export class SharedBucket {
  /** bytes per millisecond (= KB/s) */
  private rate: number;
  private readonly members: BucketMember[] = [];
  /** index in `members` of the next to be served */
  private turn = 0;
  /** When the budget is free again: the end of the last slot given. */
  private free = -Infinity;
  private slot: Slot | null = null;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;
  /** inside release(): it arms the timer once it is done */
  private releasing = false;
  /** Bytes handed on so far (for tests and the bench). */
  sent = 0;

  constructor(readonly group: string, rateKBps: number) {
    this.rate = rateKBps;
  }

  get rateKBps(): number {
    return this.rate;
  }

  get size(): number {
    return this.members.length;
  }

  /** A new rate for the slots to come (the one in flight keeps its time). */
  setRate(rateKBps: number): void {
    this.rate = rateKBps;
  }

  join(member: BucketMember): void {
    if (!this.members.includes(member)) this.members.push(member);
  }

  /**
   * The member leaves. Its slice in flight, if any, is its own to take back (the member
   * knows it); the slot is given back to the budget.
   */
  leave(member: BucketMember): void {
    const i = this.members.indexOf(member);
    if (i < 0) return;
    this.members.splice(i, 1);
    if (i < this.turn) this.turn--;
    if (this.turn >= this.members.length) this.turn = 0;
    if (this.slot?.member === member) {
      this.free -= this.slot.slice.length / this.rate;
      this.slot = null;
      this.clearTimer();
      this.startNext(true);
    }
  }

  /** A member has data, or its destination drained: start a slot if the budget is idle. */
  wake(): void {
    this.startNext(true);
  }

  /** The group is gone: no timer is left. */
  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.slot = null;
    this.members.length = 0;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Give the next slot. `idle`: nothing was waiting when the last slot ended, so the new one
   * starts now; otherwise it starts where the last one ended (at most a slice late).
   */
  private startNext(idle: boolean): void {
    if (this.slot || this.disposed) return;
    const member = this.pick();
    if (!member) return;
    const now = performance.now();
    const slice = member.take(sliceBytes(this.rate));
    const start = Math.max(this.free, idle ? now : now - SLICE_MS);
    const due = start + slice.length / this.rate;
    this.free = due;
    this.slot = { member, slice, due };
    if (!this.releasing) this.arm(due - now);
  }

  /** The next member in turn with data it may send, or null. */
  private pick(): BucketMember | null {
    const n = this.members.length;
    for (let k = 0; k < n; k++) {
      const i = (this.turn + k) % n;
      const m = this.members[i];
      if (m.hasData() && m.ready()) {
        this.turn = (i + 1) % n;
        return m;
      }
    }
    return null;
  }

  private arm(wait: number): void {
    this.timer = setTimeout(this.release, wait <= 0 ? 0 : Math.max(1, Math.ceil(wait)));
  }

  /**
   * Deliver the slot, and every next one already due (small slots at a high rate, or a late
   * timer): at most a slice's worth of catching up, as startNext bounds the start.
   */
  private readonly release = (): void => {
    this.timer = null;
    this.releasing = true;
    try {
      while (this.slot && this.slot.due <= performance.now() + EARLY_MS) {
        const slot = this.slot;
        this.slot = null;
        this.sent += slot.slice.length;
        // may tear connections down (members leave) or write into another member (startNext)
        slot.member.deliver(slot.slice);
        this.startNext(false);
      }
    } finally {
      this.releasing = false;
    }
    if (this.slot && !this.timer && !this.disposed) this.arm(this.slot.due - performance.now());
  };
}

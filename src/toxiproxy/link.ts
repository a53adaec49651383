/**
 * One direction of a proxied connection: source socket -> active toxic stages -> sink
 * (the destination socket). With no toxic in effect the source writes straight into the
 * sink: no queue, no timer.
 *
 * Adding, updating or removing a toxic rewires the chain synchronously (one JS turn, so no
 * byte can slip past): a stage taken out hands back everything it still held, oldest first,
 * to the stage after it, so bytes keep their order and none is lost; a stage that has
 * discarded bytes (reset_peer counting down, timeout) resets or closes the connection instead.
 *
 * Flow control: bytes read from the source and not yet written (or dropped by a toxic) are
 * counted; the source is paused while the destination needs a drain or more than
 * HIGH_WATER bytes wait inside toxics, and resumed once both have gone down.
 */
import type { Socket } from 'node:net';
import type { LinkCounters } from './metrics.ts';
import type { Direction, ToxicDef } from './toxic-set.ts';
import type { SharedBucket } from './toxics/shared-bucket.ts';
import type { Drained, EndKind, Sink, Stage, StageContext } from './toxics/types.ts';

const HIGH_WATER = 1 << 20;
const LOW_WATER = HIGH_WATER >> 1;

/** What a link needs from its connection. */
export interface LinkOwner {
  linkEnded(link: Link, kind: EndKind): void;
  reset(): void;
  close(): void;
  sharedBucket(group: string): SharedBucket;
}

interface Entry {
  def: ToxicDef;
  stage: Stage | null;
}

/** A toxic applies to a connection with probability `toxicity` (0 never, 1 always). */
export function rollToxicity(toxicity: number): boolean {
  return Math.random() < toxicity;
}

export class Link {
  private readonly entries: Entry[] = [];
  private head: Sink;
  private pending = 0;
  private paused = false;
  private stopped = false;
  private ended = false;
  private readonly ctx: StageContext;
  private readonly sink: Sink;

  constructor(
    readonly direction: Direction,
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly owner: LinkOwner,
    private readonly counters: LinkCounters,
  ) {
    this.sink = {
      write: (chunk) => {
        this.pending -= chunk.length;
        if (this.stopped || this.ended) return;
        this.counters.sent.value += chunk.length;
        this.dst.write(chunk);
        if (this.paused) this.maybeResume();
      },
      end: (kind) => {
        if (this.stopped || this.ended) return;
        this.ended = true;
        this.owner.linkEnded(this, kind);
      },
    };
    this.head = this.sink;
    this.ctx = {
      drop: (bytes) => {
        this.pending -= bytes;
        if (this.paused) this.maybeResume();
      },
      reset: () => this.owner.reset(),
      closeConnection: () => this.owner.close(),
      congested: () => this.dst.writableNeedDrain,
      sharedBucket: (group) => this.owner.sharedBucket(group),
    };
  }

  /** Start moving data, with the toxics of this direction that exist now. */
  start(toxics: readonly ToxicDef[]): void {
    for (const def of toxics) this.addToxic(def);
    this.src.on('data', this.onData);
    this.src.on('end', this.onEnd);
    this.dst.on('drain', this.onDrain);
  }

  /** Stop for good: timers cleared, held data discarded, source no longer read. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const entry of this.entries) entry.stage?.detach();
    this.head = this.sink;
    this.src.off('data', this.onData);
    this.src.off('end', this.onEnd);
    this.dst.off('drain', this.onDrain);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  addToxic(def: ToxicDef): void {
    this.entries.push({ def, stage: null });
    if (!this.stopped && rollToxicity(def.toxicity)) this.activate(this.entries.length - 1);
  }

  /** New attributes or toxicity: the toxicity is rolled again, as the real server does. */
  updateToxic(def: ToxicDef): void {
    const i = this.entries.findIndex((e) => e.def === def);
    if (i < 0 || this.stopped) return;
    const entry = this.entries[i];
    const applies = rollToxicity(def.toxicity);
    if (entry.stage && applies) entry.stage.configure({ ...def.attributes });
    else if (entry.stage) this.deactivate(i);
    else if (applies) this.activate(i);
  }

  removeToxic(def: ToxicDef): void {
    const i = this.entries.findIndex((e) => e.def === def);
    if (i < 0) return;
    const stage = this.stopped ? null : this.deactivate(i);
    this.entries.splice(i, 1);
    stage?.removed?.();
  }

  private activate(i: number): void {
    const entry = this.entries[i];
    const stage = entry.def.kind.create({ ...entry.def.attributes }, this.ctx);
    stage.next = this.nextActive(i);
    const prev = this.prevActive(i);
    if (prev) prev.next = stage;
    else this.head = stage;
    entry.stage = stage;
  }

  /** Take entry i's stage out of the chain; what it held goes on to the next stage, in order. */
  private deactivate(i: number): Stage | null {
    const entry = this.entries[i];
    const stage = entry.stage;
    if (!stage) return null;
    entry.stage = null;
    const after = stage.next;
    const prev = this.prevActive(i);
    if (prev) prev.next = after;
    else this.head = after;
    const drained: Drained = stage.detach();
    for (const chunk of drained.chunks) after.write(chunk);
    if (drained.end) after.end(drained.end);
    if (drained.lost === 'reset') this.owner.reset();
    else if (drained.lost === 'close') this.owner.close();
    return stage;
  }

  private prevActive(i: number): Stage | null {
    for (let j = i - 1; j >= 0; j--) if (this.entries[j].stage) return this.entries[j].stage;
    return null;
  }

  private nextActive(i: number): Sink {
    for (let j = i + 1; j < this.entries.length; j++) {
      const stage = this.entries[j].stage;
      if (stage) return stage;
    }
    return this.sink;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.counters.received.value += chunk.length;
    this.pending += chunk.length;
    this.head.write(chunk);
    if (!this.paused && !this.stopped && (this.dst.writableNeedDrain || this.pending > HIGH_WATER)) {
      this.paused = true;
      this.src.pause();
    }
  };

  private readonly onEnd = (): void => {
    this.head.end('eof');
  };

  private readonly onDrain = (): void => {
    for (const entry of this.entries) entry.stage?.drained?.();
    if (this.paused) this.maybeResume();
  };

  private maybeResume(): void {
    if (this.stopped || this.dst.writableNeedDrain || this.pending > LOW_WATER) return;
    this.paused = false;
    this.src.resume();
  }
}

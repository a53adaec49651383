/**
 * slicer: cuts data into slices of about `average_size` ± `size_variation` bytes, with
 * `delay` µs between slices. The cut points follow the real server's recursive halving.
 *
 * Slices are cut lazily from the chunks held (never one object per slice in advance, so a
 * 1-byte slicer holds no more memory than the bytes), and sent by a pump that works at most
 * a couple of milliseconds per turn of the event loop, then yields: a 1-byte slicer on busy
 * traffic costs one write per byte, and must not starve the API or the other proxies. The
 * pump also waits while the destination socket is congested.
 */
import { performance } from 'node:perf_hooks';
import { setLongTimeout, type LongTimeout } from './long-timeout.ts';
import { num, type Attributes, type Drained, type EndKind, type Sink, type Stage, type StageContext } from './types.ts';

/** Milliseconds of slicing before the event loop gets a turn. */
const BUDGET_MS = 2;
/** Slices between two looks at the clock. */
const SLICES_PER_CHECK = 32;
/** Send a slice due within this many ms (timer wake-ups are not finer than that). */
const EARLY_MS = 0.2;

function randInt(n: number): number {
  return n > 0 ? Math.floor(Math.random() * n) : 0;
}

/**
 * Slice sizes for `size` bytes, in order: every slice is at most average + variation
 * bytes; a slice that is larger is split near its middle (± variation) until it fits.
 */
export function* sliceSizeSequence(size: number, average: number, variation: number): Generator<number> {
  if (average <= 0) {
    yield size;
    return;
  }
  const v = Math.max(0, Math.min(variation, average - 1));
  const stack = [size];
  while (stack.length > 0) {
    const len = stack.pop()!;
    if (len - average <= v) {
      if (len > 0) yield len;
      continue;
    }
    let left = Math.floor(len / 2) + (randInt(v * 2) - v);
    left = Math.min(len - 1, Math.max(1, left));
    stack.push(len - left, left);
  }
}

export function sliceSizes(size: number, average: number, variation: number): number[] {
  return [...sliceSizeSequence(size, average, variation)];
}

export class SlicerStage implements Stage {
  next!: Sink;
  private average = 0;
  private variation = 0;
  /** milliseconds between slices */
  private gap = 0;
  private held: Buffer[] = [];
  /** Bytes of held[0] already sent, and the cut plan for the rest of it. */
  private offset = 0;
  private plan: Iterator<number> | null = null;
  private pendingEnd: EndKind | null = null;
  /** When the next slice may go (slices keep a schedule: a late one lets the next go sooner). */
  private nextAt = -Infinity;
  private timer: LongTimeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private waitingForDrain = false;

  constructor(attributes: Attributes, private readonly ctx: StageContext) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.average = num(attributes, 'average_size');
    this.variation = num(attributes, 'size_variation');
    this.gap = Math.max(0, num(attributes, 'delay')) / 1000;
    this.plan = null; // the rest of the current chunk is cut with the new sizes
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.held.length === 0) this.nextAt = Math.max(this.nextAt, performance.now());
    this.held.push(chunk);
    if (!this.scheduled()) this.pump();
  }

  end(kind: EndKind): void {
    if (this.held.length === 0) this.next.end(kind);
    else this.pendingEnd = kind;
  }

  drained(): void {
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    this.pump();
  }

  detach(): Drained {
    this.cancel();
    const chunks = this.held;
    if (chunks.length > 0 && this.offset > 0) chunks[0] = chunks[0].subarray(this.offset);
    const end = this.pendingEnd;
    this.held = [];
    this.offset = 0;
    this.plan = null;
    this.pendingEnd = null;
    this.nextAt = -Infinity;
    return { chunks, end };
  }

  private scheduled(): boolean {
    return this.timer !== null || this.immediate !== null || this.waitingForDrain;
  }

  private cancel(): void {
    this.timer?.clear();
    this.timer = null;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
    this.waitingForDrain = false;
  }

  private readonly pump = (): void => {
    this.timer = null;
    this.immediate = null;
    const until = performance.now() + BUDGET_MS;
    let count = 0;
    while (this.held.length > 0) {
      if (this.ctx.congested()) {
        this.waitingForDrain = true;
        return;
      }
      if (this.gap > 0) {
        const wait = this.nextAt - performance.now();
        if (wait > EARLY_MS) {
          this.timer = setLongTimeout(this.pump, Math.max(1, Math.ceil(wait)));
          return;
        }
      }
      if (++count === SLICES_PER_CHECK) {
        count = 0;
        if (performance.now() >= until) {
          this.immediate = setImmediate(this.pump);
          return;
        }
      }
      const slice = this.cut();
      if (this.gap > 0) this.nextAt += this.gap;
      this.next.write(slice); // may tear the connection down (detach empties `held`)
    }
    if (this.pendingEnd) {
      const end = this.pendingEnd;
      this.pendingEnd = null;
      this.next.end(end);
    }
  };

  /** The next slice of the oldest chunk. */
  private cut(): Buffer {
    const chunk = this.held[0];
    this.plan ??= sliceSizeSequence(chunk.length - this.offset, this.average, this.variation);
    const step = this.plan.next();
    const len = step.done ? chunk.length - this.offset : step.value;
    const slice = chunk.subarray(this.offset, this.offset + len);
    this.offset += len;
    if (this.offset >= chunk.length) {
      this.held.shift();
      this.offset = 0;
      this.plan = null;
    }
    return slice;
  }
}

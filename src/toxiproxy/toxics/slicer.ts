/**
 * slicer: cuts data into slices of about `average_size` ± `size_variation` bytes, with
 * `delay` µs between slices. The cut points follow the real server's recursive halving.
 */
import { performance } from 'node:perf_hooks';
import { TimedQueue } from './timed-queue.ts';
import type { Attributes, Drained, EndKind, Sink, Stage } from './types.ts';

function randInt(n: number): number {
  return n > 0 ? Math.floor(Math.random() * n) : 0;
}

/**
 * Slice sizes for `size` bytes: every slice is at most average + variation bytes; a slice
 * that is larger is split near its middle (± variation) until it fits.
 */
export function sliceSizes(size: number, average: number, variation: number): number[] {
  const out: number[] = [];
  if (average <= 0) {
    out.push(size);
    return out;
  }
  const v = Math.max(0, Math.min(variation, average - 1));
  const cut = (len: number): void => {
    if (len - average <= v) {
      if (len > 0) out.push(len);
      return;
    }
    let left = Math.floor(len / 2) + (randInt(v * 2) - v);
    left = Math.min(len - 1, Math.max(1, left));
    cut(left);
    cut(len - left);
  };
  cut(size);
  return out;
}

export class SlicerStage implements Stage {
  next!: Sink;
  private average = 0;
  private variation = 0;
  /** milliseconds between slices */
  private gap = 0;
  private readonly queue = new TimedQueue(() => this.next);
  private cursor = -Infinity;

  constructor(attributes: Attributes) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.average = attributes.average_size ?? 0;
    this.variation = attributes.size_variation ?? 0;
    this.gap = Math.max(0, attributes.delay ?? 0) / 1000;
  }

  write(chunk: Buffer): void {
    const sizes = sliceSizes(chunk.length, this.average, this.variation);
    if (this.gap === 0 && this.queue.length === 0) {
      let off = 0;
      for (const len of sizes) {
        this.next.write(chunk.subarray(off, off + len));
        off += len;
      }
      return;
    }
    // First slice as soon as the previous slice's gap is over; then one slice per gap.
    let at = Math.max(performance.now(), this.cursor);
    let off = 0;
    for (const len of sizes) {
      this.queue.push(at, chunk.subarray(off, off + len));
      off += len;
      at += this.gap;
    }
    this.cursor = at;
  }

  end(kind: EndKind): void {
    if (this.queue.length === 0) this.next.end(kind);
    else this.queue.pushEnd(this.queue.lastDue, kind);
  }

  detach(): Drained {
    this.cursor = -Infinity;
    return this.queue.takeAll();
  }
}

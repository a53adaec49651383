/**
 * bandwidth: limits the throughput to `rate` KB/s (1 KB = 1000 bytes, as the real server
 * computes it). Data leaves in slices of at most 20 ms worth, each released when the
 * bytes before it would have taken that long at the rate. rate <= 0: no limit.
 */
import { performance } from 'node:perf_hooks';
import { TimedQueue } from './timed-queue.ts';
import { num, type Attributes, type Drained, type EndKind, type Sink, type Stage } from './types.ts';

/** Data leaves in slices of at most this many milliseconds' worth at the rate. */
export const SLICE_MS = 20;

/** Bytes in one slice at `rate` bytes/ms (= KB/s): SLICE_MS worth, at least one byte. */
export function sliceBytes(rate: number): number {
  return Math.max(1, Math.floor(rate * SLICE_MS));
}

export class BandwidthStage implements Stage {
  next!: Sink;
  /** bytes per millisecond (= KB/s) */
  private rate = 0;
  private readonly queue = new TimedQueue(() => this.next);
  /** When the link is free again: the time the last queued byte is released. */
  private free = -Infinity;

  constructor(attributes: Attributes) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.rate = num(attributes, 'rate');
    // Re-pace whatever is waiting at the new rate, from now.
    if (this.queue.length > 0) {
      const { chunks, end } = this.queue.takeAll();
      this.free = -Infinity;
      for (const chunk of chunks) this.write(chunk);
      if (end) this.end(end);
    }
  }

  write(chunk: Buffer): void {
    if (this.rate <= 0) {
      if (this.queue.length === 0) this.next.write(chunk);
      else this.queue.push(this.queue.lastDue, chunk);
      return;
    }
    const slice = sliceBytes(this.rate);
    let at = Math.max(performance.now(), this.free);
    for (let off = 0; off < chunk.length; off += slice) {
      const piece = chunk.subarray(off, Math.min(chunk.length, off + slice));
      at += piece.length / this.rate;
      this.queue.push(at, piece);
    }
    this.free = at;
  }

  end(kind: EndKind): void {
    if (this.queue.length === 0) this.next.end(kind);
    else this.queue.pushEnd(this.queue.lastDue, kind);
  }

  detach(): Drained {
    this.free = -Infinity;
    return this.queue.takeAll();
  }
}

/**
 * A FIFO of chunks (and at most one end marker) released at given times, with one timer
 * for the head of the queue. Used by the toxics that hold data: latency, bandwidth, slicer.
 *
 * Times are performance.now() milliseconds. Node timers have millisecond granularity and
 * can fire up to ~1 ms early, so the queue re-arms until an item is really due.
 */
import { performance } from 'node:perf_hooks';
import { setLongTimeout, type LongTimeout } from './long-timeout.ts';
import type { Drained, EndKind, Sink } from './types.ts';

/** Release items due within this many ms of now (timer wake-ups are not finer than that). */
const EARLY_MS = 0.2;

interface Item {
  due: number;
  chunk: Buffer | null;
  end: EndKind | null;
}

export class TimedQueue {
  private items: Item[] = [];
  private head = 0;
  private timer: LongTimeout | null = null;

  /** `out()` is read at each release, so the owner can be rewired while data waits. */
  constructor(private readonly out: () => Sink) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Due time of the last queued item, or -Infinity when empty. */
  get lastDue(): number {
    return this.length > 0 ? this.items[this.items.length - 1].due : -Infinity;
  }

  push(due: number, chunk: Buffer): void {
    this.items.push({ due, chunk, end: null });
    if (this.length === 1) this.arm();
  }

  pushEnd(due: number, end: EndKind): void {
    this.items.push({ due, chunk: null, end });
    if (this.length === 1) this.arm();
  }

  /** Stop the timer and return everything still queued, oldest first. */
  takeAll(): Drained {
    this.disarm();
    const chunks: Buffer[] = [];
    let end: EndKind | null = null;
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item.chunk) chunks.push(item.chunk);
      else end = item.end;
    }
    this.items = [];
    this.head = 0;
    return { chunks, end };
  }

  disarm(): void {
    this.timer?.clear();
    this.timer = null;
  }

  private arm(): void {
    if (this.length === 0) return;
    const wait = this.items[this.head].due - performance.now();
    this.timer = setLongTimeout(this.release, wait <= 0 ? 0 : Math.max(1, Math.ceil(wait)));
  }

  private readonly release = (): void => {
    this.timer = null;
    const now = performance.now() + EARLY_MS;
    while (this.length > 0 && this.items[this.head].due <= now) {
      const item = this.items[this.head++];
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      const sink = this.out();
      if (item.chunk) sink.write(item.chunk);
      else if (item.end) sink.end(item.end);
      // A release can tear the connection down, emptying the queue (takeAll): the loop ends.
    }
    if (this.length === 0) {
      this.items = [];
      this.head = 0;
    } else if (this.timer === null) {
      this.arm();
    }
  };
}

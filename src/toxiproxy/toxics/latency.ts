/** latency: delays each chunk by `latency` ms ± `jitter` ms (order kept; data is pipelined, not throttled). */
import { performance } from 'node:perf_hooks';
import { TimedQueue } from './timed-queue.ts';
import { num, type Attributes, type Drained, type EndKind, type Sink, type Stage } from './types.ts';

export class LatencyStage implements Stage {
  next!: Sink;
  private latency = 0;
  private jitter = 0;
  private readonly queue = new TimedQueue(() => this.next);

  constructor(attributes: Attributes) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.latency = Math.max(0, num(attributes, 'latency'));
    this.jitter = Math.max(0, num(attributes, 'jitter'));
  }

  /** latency + uniform in [-jitter, +jitter), like the real server; never negative. */
  delay(): number {
    const d = this.jitter > 0 ? this.latency + (Math.random() * 2 - 1) * this.jitter : this.latency;
    return d > 0 ? d : 0;
  }

  write(chunk: Buffer): void {
    // Each chunk is due `delay` after it arrived, but never before the chunk ahead of it.
    const due = Math.max(performance.now() + this.delay(), this.queue.lastDue);
    this.queue.push(due, chunk);
  }

  end(kind: EndKind): void {
    if (this.queue.length === 0) this.next.end(kind);
    else this.queue.pushEnd(this.queue.lastDue, kind);
  }

  detach(): Drained {
    return this.queue.takeAll();
  }
}

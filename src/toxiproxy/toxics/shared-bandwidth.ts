/**
 * shared_bandwidth (an extension of this server): like bandwidth, but every toxic with the
 * same `group`, on any proxy and in either direction, draws on one budget of `rate` KB/s
 * owned by the server (shared-bucket.ts). This stage is one link's stream in that budget:
 * it holds what the link sent, and gives the budget a slice whenever its turn comes.
 *
 * A new `group` in an update moves the stream (and what it holds) to that budget; the rate
 * is the group's, so an update of it changes nothing here.
 */
import type { BucketMember, SharedBucket } from './shared-bucket.ts';
import { str, type Attributes, type Drained, type EndKind, type Sink, type Stage, type StageContext } from './types.ts';

export class SharedBandwidthStage implements Stage, BucketMember {
  next!: Sink;
  private bucket: SharedBucket | null = null;
  /** held chunks, oldest first; `offset` bytes of the first are already taken */
  private held: Buffer[] = [];
  private offset = 0;
  /** the slice the budget holds for its slot */
  private inFlight: Buffer | null = null;
  private pendingEnd: EndKind | null = null;

  constructor(attributes: Attributes, private readonly ctx: StageContext) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    const bucket = this.ctx.sharedBucket(str(attributes, 'group'));
    if (bucket === this.bucket) return;
    this.leaveBucket();
    this.bucket = bucket;
    bucket.join(this);
    if (this.held.length > 0) bucket.wake();
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.held.push(chunk);
    this.bucket?.wake();
  }

  end(kind: EndKind): void {
    if (this.held.length === 0 && !this.inFlight) this.next.end(kind);
    else this.pendingEnd = kind;
  }

  drained(): void {
    this.bucket?.wake();
  }

  detach(): Drained {
    this.leaveBucket();
    this.bucket = null;
    const chunks = this.held;
    const end = this.pendingEnd;
    this.held = [];
    this.pendingEnd = null;
    return { chunks, end };
  }

  hasData(): boolean {
    return this.held.length > 0;
  }

  ready(): boolean {
    return !this.ctx.congested();
  }

  take(max: number): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < max && this.held.length > 0) {
      const head = this.held[0];
      const n = Math.min(max - size, head.length - this.offset);
      parts.push(head.subarray(this.offset, this.offset + n));
      size += n;
      this.offset += n;
      if (this.offset === head.length) {
        this.held.shift();
        this.offset = 0;
      }
    }
    const slice = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    this.inFlight = slice;
    return slice;
  }

  deliver(slice: Buffer): void {
    this.inFlight = null;
    this.next.write(slice); // may tear the connection down (detach empties what is held)
    if (this.held.length === 0 && !this.inFlight && this.pendingEnd) {
      const end = this.pendingEnd;
      this.pendingEnd = null;
      this.next.end(end);
    }
  }

  /** Out of the budget; a slice in flight goes back to the head of what is held. */
  private leaveBucket(): void {
    this.bucket?.leave(this);
    if (this.offset > 0) {
      this.held[0] = this.held[0].subarray(this.offset);
      this.offset = 0;
    }
    if (this.inFlight) {
      this.held.unshift(this.inFlight);
      this.inFlight = null;
    }
  }
}

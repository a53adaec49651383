/**
 * limit_data: lets `bytes` bytes through on this connection and direction, then closes
 * the connection. The count survives attribute updates (as in the real server).
 */
import { NOTHING, num, type Attributes, type Drained, type EndKind, type Sink, type Stage, type StageContext } from './types.ts';

export class LimitDataStage implements Stage {
  next!: Sink;
  private limit = 0;
  private transmitted = 0;
  private done = false;

  constructor(attributes: Attributes, private readonly ctx: StageContext) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.limit = num(attributes, 'bytes');
  }

  write(chunk: Buffer): void {
    if (this.done) {
      this.ctx.drop(chunk.length);
      return;
    }
    const remaining = Math.max(0, this.limit - this.transmitted);
    if (chunk.length <= remaining) {
      this.transmitted += chunk.length;
      this.next.write(chunk);
    } else {
      if (remaining > 0) this.next.write(chunk.subarray(0, remaining));
      this.ctx.drop(chunk.length - remaining);
      this.transmitted += remaining;
    }
    if (this.transmitted >= this.limit) {
      this.done = true;
      this.next.end('close');
    }
  }

  end(kind: EndKind): void {
    if (this.done) return;
    this.done = true;
    this.next.end(kind);
  }

  detach(): Drained {
    return NOTHING;
  }
}

/**
 * timeout: stops all data (dropped, as the real server does) and closes the connection
 * `timeout` ms after the toxic took effect on it; 0 = never closes. Deleting the toxic
 * closes the connection too (the real server's cleanup: the stream has lost data).
 */
import { setLongTimeout, type LongTimeout } from './long-timeout.ts';
import { NOTHING, num, type Attributes, type Drained, type EndKind, type Sink, type Stage, type StageContext } from './types.ts';

export class TimeoutStage implements Stage {
  next!: Sink;
  private timer: LongTimeout | null = null;
  private done = false;
  private dropped = false;

  constructor(attributes: Attributes, private readonly ctx: StageContext) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.clear();
    const ms = num(attributes, 'timeout');
    if (ms > 0 && !this.done) this.timer = setLongTimeout(this.expire, ms);
  }

  write(chunk: Buffer): void {
    this.dropped = true;
    this.ctx.drop(chunk.length);
  }

  end(kind: EndKind): void {
    if (this.done) return;
    this.done = true;
    this.clear();
    this.next.end(kind);
  }

  /** Re-rolled away after dropping data: the connection is closed, as when deleted. */
  detach(): Drained {
    this.clear();
    return this.dropped && !this.done ? { chunks: [], end: null, lost: 'close' } : NOTHING;
  }

  removed(): void {
    this.ctx.closeConnection();
  }

  private readonly expire = (): void => {
    this.timer = null;
    if (this.done) return;
    this.done = true;
    this.next.end('close');
  };

  private clear(): void {
    this.timer?.clear();
    this.timer = null;
  }
}

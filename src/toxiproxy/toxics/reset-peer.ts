/**
 * reset_peer: once data arrives in its direction, drops it and, `timeout` ms later, resets
 * the connection with a real TCP RST to both peers (as the real server: the countdown
 * starts with the first chunk; 0 = reset at once). Taken out while counting down (deleted,
 * or re-rolled away), it resets at once: the bytes it dropped must not be lost silently.
 */
import { setLongTimeout, type LongTimeout } from './long-timeout.ts';
import { NOTHING, num, type Attributes, type Drained, type EndKind, type Sink, type Stage, type StageContext } from './types.ts';

export class ResetPeerStage implements Stage {
  next!: Sink;
  private timeout = 0;
  private timer: LongTimeout | null = null;
  private armed = false;

  constructor(attributes: Attributes, private readonly ctx: StageContext) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.timeout = Math.max(0, num(attributes, 'timeout'));
    if (this.armed) {
      this.clear();
      this.timer = setLongTimeout(this.fire, this.timeout);
    }
  }

  write(chunk: Buffer): void {
    this.ctx.drop(chunk.length);
    if (this.armed) return;
    this.armed = true;
    if (this.timeout === 0) this.ctx.reset();
    else this.timer = setLongTimeout(this.fire, this.timeout);
  }

  end(kind: EndKind): void {
    // Once counting down, the reset comes anyway; before any data, the end passes.
    if (!this.armed) this.next.end(kind);
  }

  detach(): Drained {
    this.clear();
    return this.armed ? { chunks: [], end: null, lost: 'reset' } : NOTHING;
  }

  private readonly fire = (): void => {
    this.timer = null;
    this.ctx.reset();
  };

  private clear(): void {
    this.timer?.clear();
    this.timer = null;
  }
}

/** slow_close: passes data unchanged but delays the close of the stream by `delay` ms. */
import { setLongTimeout, type LongTimeout } from './long-timeout.ts';
import { NOTHING, num, type Attributes, type Drained, type EndKind, type Sink, type Stage } from './types.ts';

export class SlowCloseStage implements Stage {
  next!: Sink;
  private delay = 0;
  private timer: LongTimeout | null = null;
  private pending: EndKind | null = null;

  constructor(attributes: Attributes) {
    this.configure(attributes);
  }

  configure(attributes: Attributes): void {
    this.delay = Math.max(0, num(attributes, 'delay'));
  }

  write(chunk: Buffer): void {
    this.next.write(chunk);
  }

  end(kind: EndKind): void {
    if (this.pending) return;
    this.pending = kind;
    this.timer = setLongTimeout(() => {
      this.timer = null;
      this.next.end(kind);
    }, this.delay);
  }

  /** Taken out while the close waits: the close goes on at once (never lost). */
  detach(): Drained {
    if (!this.timer) return NOTHING;
    this.timer.clear();
    this.timer = null;
    return { chunks: [], end: this.pending };
  }
}

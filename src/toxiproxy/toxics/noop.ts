/** noop: passes data unchanged. */
import type { Drained, EndKind, Sink, Stage } from './types.ts';
import { NOTHING } from './types.ts';

export class NoopStage implements Stage {
  next!: Sink;

  configure(): void {}

  write(chunk: Buffer): void {
    this.next.write(chunk);
  }

  end(kind: EndKind): void {
    this.next.end(kind);
  }

  detach(): Drained {
    return NOTHING;
  }
}

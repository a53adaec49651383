/**
 * Output commit: guest output produced in epoch N is held until the backup acknowledged
 * checkpoint N, then released in order. Every release first checks, synchronously, that this
 * host may still serve (lease valid). While it may not, output stays queued: a lease that is
 * renewed in the same term proves nobody else served meanwhile, so it may go out then
 * (retry()); a host that lost its lease drops it all (dropAll(): the clients see timeouts,
 * indeterminate operations, never a wrong answer).
 *
 *  - 'hold'   (protected, output commit on): queue until acked
 *  - 'direct' (no backup, or output commit off): release at once, after anything queued
 */
export type Release = () => void;

interface Held {
  epoch: number;
  release: Release;
  at: number;
}

export class OutputGate {
  private queue: Held[] = [];
  private head = 0;
  private mode: 'hold' | 'direct' = 'direct';
  private acked = -1;
  /** lines dropped because this host lost its lease */
  dropped = 0;
  /** times output was due but held back because this host could not serve at that moment */
  blocked = 0;
  released = 0;

  constructor(
    private readonly maySend: () => boolean,
    private readonly onBlocked: () => void = () => {},
    /** planted bug 'early-release' (bugs.ts): an epoch goes out once the one before it is acked */
    private readonly earlyByOne = false,
  ) {}

  /** may held output of `epoch` go out (the backup acknowledged it) */
  private due(h: Held): boolean {
    return h.epoch <= this.acked + (this.earlyByOne ? 1 : 0);
  }

  get holding(): boolean {
    return this.mode === 'hold';
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  /** the epoch acknowledged last */
  get ackedEpoch(): number {
    return this.acked;
  }

  /** output of `epoch` is ready to go once that epoch is acknowledged */
  push(epoch: number, release: Release, now: number): void {
    if (this.mode === 'direct' && this.size === 0 && this.maySend()) {
      this.released++;
      release();
      return;
    }
    this.queue.push({ epoch, release, at: now });
    if (this.mode === 'direct') this.flush(() => true);
  }

  /** this host may serve again (lease renewed in the same term): release what is due */
  retry(): void {
    if (this.mode === 'direct') this.flush(() => true);
    else this.flush((h) => this.due(h));
  }

  /** start holding output (a backup is joining / protecting) */
  hold(): void {
    this.mode = 'hold';
  }

  /** the backup acknowledged everything up to `epoch` */
  ack(epoch: number): void {
    if (epoch > this.acked) this.acked = epoch;
    this.flush((h) => this.due(h));
  }

  /** no backup any more (witness already told), or output commit off: release everything now */
  open(): void {
    this.mode = 'direct';
    this.flush(() => true);
  }

  /** forget held output (this host was deposed: it must never go out) */
  dropAll(): void {
    this.dropped += this.size;
    this.queue = [];
    this.head = 0;
  }

  /**
   * Planted bug 'flush-on-deposed' only: send everything held, acknowledged or not, without
   * asking whether this host may serve. A correct host never calls this.
   */
  releaseAllUnchecked(): void {
    while (this.head < this.queue.length) {
      const h = this.queue[this.head++];
      this.released++;
      h.release();
    }
    this.queue = [];
    this.head = 0;
  }

  /** ms the oldest held line has been waiting */
  oldestWaitMs(now: number): number {
    return this.size > 0 ? now - this.queue[this.head].at : 0;
  }

  private flush(pred: (h: Held) => boolean): void {
    while (this.head < this.queue.length && pred(this.queue[this.head])) {
      if (!this.maySend()) {
        this.blocked++;
        this.onBlocked();
        return;
      }
      const h = this.queue[this.head++];
      this.released++;
      h.release();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

}

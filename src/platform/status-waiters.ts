/**
 * "Resolve when the pair's status satisfies a predicate": the waitFor() of every platform
 * driver. A driver keeps one StatusWaiters, calls notify() whenever its status may have
 * changed, and answers waitFor() with wait().
 */
import type { PairStatus } from './types.ts';

export interface WaitOptions {
  /** why the wait can never succeed any more (e.g. the driver died), or null to keep waiting */
  hopeless?: (s: PairStatus) => string | null;
  /** the status as the timeout message shows it */
  describe: (s: PairStatus) => string;
}

export class StatusWaiters {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly status: () => PairStatus) {}

  /** the status may have changed: re-check every wait */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  wait(pred: (s: PairStatus) => boolean, timeoutMs: number, what: string, o: WaitOptions): Promise<PairStatus> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = (): boolean => {
        const s = this.status();
        try {
          if (pred(s)) {
            done();
            resolve(s);
            return true;
          }
        } catch (err) {
          done();
          reject(err);
          return true;
        }
        const why = o.hopeless?.(s);
        if (!why) return false;
        done();
        reject(new Error(`${what} cannot happen: ${why}`));
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${o.describe(this.status())}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }
}

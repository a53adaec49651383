/**
 * setTimeout for any delay. Node's timers take at most 2^31-1 ms; a longer delay fires
 * after 1 ms with a TimeoutOverflowWarning (a toxic of 3e9 ms would then spin at 1 ms and
 * flood stderr). A longer wait here is made of hops of at most that size, so it fires when
 * due, as the real server's Go timers do. A delay that is not finite never fires and holds
 * no timer.
 */
import { performance } from 'node:perf_hooks';

export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

export function setLongTimeout(fn: () => void, ms: number, maxHop = MAX_TIMER_MS): LongTimeout {
  let handle: NodeJS.Timeout | null = null;
  const due = performance.now() + ms;
  const arm = (wait: number): void => {
    handle = wait > maxHop ? setTimeout(hop, maxHop) : setTimeout(fire, Math.max(0, wait));
  };
  const hop = (): void => arm(due - performance.now());
  const fire = (): void => {
    // a timer may fire up to a millisecond early (whole-ms delays, the loop's cached clock)
    const left = due - performance.now();
    if (left > 0) {
      handle = setTimeout(fire, Math.ceil(left));
      return;
    }
    handle = null;
    fn();
  };
  if (Number.isFinite(ms)) arm(ms);
  return {
    clear() {
      if (handle) clearTimeout(handle);
      handle = null;
    },
  };
}

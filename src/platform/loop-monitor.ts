/**
 * How healthy a process's event loop is: a 10 ms tick measures how late each tick ran (the
 * time the loop was blocked: the process's own work, GC, or waiting for a CPU), and every
 * window (1 s) reports the distribution of that lateness — p50, p99, max — and how many ticks
 * were late by `stallMs` or more. Hosts, the witness and the harness each run one, so a
 * reviewer sees the health of the environment next to the verdicts.
 */
export interface LoopStats {
  /** lateness of the loop's ticks in this window, ms */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** ticks at least stallMs late */
  stalls: number;
  windowMs: number;
}

export interface LoopMonitorOptions {
  /** report period [1000] */
  windowMs?: number;
  /** a tick this late counts as a stall [50] */
  stallMs?: number;
  onReport: (s: LoopStats) => void;
  /** called at once for each stall (e.g. to log it) */
  onStall?: (ms: number) => void;
}

const TICK_MS = 10;

/** pure: the report of one window's tick latenesses */
export function loopStats(late: readonly number[], stallMs: number, windowMs: number): LoopStats {
  const s = [...late].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : 0);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50Ms: r(q(0.5)), p99Ms: r(q(0.99)), maxMs: r(s.at(-1) ?? 0), stalls: s.filter((x) => x >= stallMs).length, windowMs };
}

export class LoopMonitor {
  private readonly tick: NodeJS.Timeout;
  private late: number[] = [];
  private last = performance.now();
  private windowStart = this.last;

  constructor(private readonly o: LoopMonitorOptions) {
    const windowMs = o.windowMs ?? 1000;
    const stallMs = o.stallMs ?? 50;
    this.tick = setInterval(() => {
      const now = performance.now();
      const lateMs = Math.max(0, now - this.last - TICK_MS);
      this.last = now;
      this.late.push(lateMs);
      if (lateMs >= stallMs) o.onStall?.(lateMs);
      if (now - this.windowStart >= windowMs) {
        const stats = loopStats(this.late, stallMs, Math.round(now - this.windowStart));
        this.late = [];
        this.windowStart = now;
        o.onReport(stats);
      }
    }, TICK_MS);
    this.tick.unref();
  }

  stop(): void {
    clearInterval(this.tick);
  }
}

/**
 * Runs one async step after another, at most one per interval (pacing, not synchronisation:
 * a slow step is followed at once by the next), each followed by a think time when one is
 * given. `stop` resolves once the step in flight has finished, so nothing is recorded after it.
 */
import { setTimeout as delay } from 'node:timers/promises';

export class PacedLoop {
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly step: () => Promise<void>,
    /** ms to think after each step, on top of the pacing (a draw per step) */
    private readonly think: () => number = () => 0,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      await this.step();
      const due = Math.max(started + this.intervalMs, performance.now()) + this.think();
      // a timer may fire a little early (the event loop's clock is read once per turn, in whole
      // ms): wait again until `due` has really passed
      for (let now = performance.now(); this.running && now < due; now = performance.now()) await delay(Math.ceil(due - now));
    }
  }
}

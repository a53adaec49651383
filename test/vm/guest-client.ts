/**
 * Test helper: talks to the guest on a Vm's serial line. The guest answers every request
 * line with exactly one line, in order, so replies are matched first in, first out.
 */
import type { Vm } from '../../src/vm/types.ts';
import { withTimeout } from '../support/with-timeout.ts';

/** a reply that has not come after this long is a failure, not a wait */
const REPLY_TIMEOUT_MS = 10_000;


export class GuestClient {
  private readonly waiters: ((line: string) => void)[] = [];
  private readonly off: () => void;
  /** lines that arrived while nobody waited */
  readonly unsolicited: string[] = [];

  constructor(readonly vm: Vm) {
    this.off = vm.onLine((line) => {
      const w = this.waiters.shift();
      if (w) w(line);
      else this.unsolicited.push(line);
    });
  }

  /** the reply to `line` (resolves when it arrives) */
  ask(line: string): Promise<string> {
    const p = new Promise<string>((resolve) => this.waiters.push(resolve));
    this.vm.sendLine(line);
    return withTimeout(p, REPLY_TIMEOUT_MS, `no reply to ${JSON.stringify(line.slice(0, 80))} within ${REPLY_TIMEOUT_MS} ms`);
  }

  /** send all lines at once (pipelined), resolve with their replies in order */
  askMany(lines: string[]): Promise<string[]> {
    return Promise.all(lines.map((l) => this.ask(l)));
  }

  /** the next line nobody asked for (e.g. the reply to a line sent before a checkpoint) */
  next(): Promise<string> {
    const early = this.unsolicited.shift();
    if (early !== undefined) return Promise.resolve(early);
    return withTimeout(new Promise<string>((resolve) => this.waiters.push(resolve)), REPLY_TIMEOUT_MS, `no reply to an earlier line within ${REPLY_TIMEOUT_MS} ms`);
  }

  async stat(): Promise<{ ticks: number; keys: number; work: number }> {
    const r = await this.ask('st STAT');
    const m = /^st STAT ticks=(\d+) keys=(\d+) work=(\d+)$/.exec(r);
    if (!m) throw new Error(`bad STAT reply: ${r}`);
    return { ticks: Number(m[1]), keys: Number(m[2]), work: Number(m[3]) };
  }

  async ticks(): Promise<number> {
    const r = await this.ask('tk PING');
    const m = /^tk PONG (\d+)$/.exec(r);
    if (!m) throw new Error(`bad PING reply: ${r}`);
    return Number(m[1]);
  }

  /** poll the guest (PING) until its tick counter reaches `n`; fails after `ms` */
  async untilTicks(n: number, ms = 5000): Promise<number> {
    const deadline = performance.now() + ms;
    for (;;) {
      const t = await this.ticks();
      if (t >= n) return t;
      if (performance.now() > deadline) throw new Error(`guest ticks stuck at ${t} (wanted ${n})`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.off();
  }
}

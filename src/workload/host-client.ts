/**
 * What every workload client shares: one connection per host, one host at a time, paced ops,
 * and each op recorded invoke -> ok / fail / info. On trouble it moves to the other host, as a
 * real client of the protected service would. Subclasses say which op comes next (`next`) and
 * how a reply is read (the `complete` callback of `perform`).
 */
import type { Endpoint } from '../platform/types.ts';
import type { OpEvent } from './history.ts';
import type { Recorder } from './recorder.ts';
import { HostChannel, type Outcome } from './channel.ts';
import { PacedLoop } from './paced-loop.ts';

export interface HostClientOptions {
  name: string;
  /** host name -> endpoint; the client starts with the first and rotates on trouble */
  endpoints: Record<string, Endpoint>;
  recorder: Recorder;
  /** indeterminate after this long [1000] */
  timeoutMs?: number;
  /** pacing: at most one op per this many ms [10] */
  minIntervalMs?: number;
  /**
   * think time after each op, ms, drawn per op (e.g. uniform over one epoch, seeded) [none].
   * Without it a closed-loop client sends its next request right after output commit
   * released its reply, so every request lands at the same moment of an epoch.
   */
  think?: () => number;
  /** called after each op that ended ok (already recorded) */
  onOk?: () => void;
}

/** how an op ended, as the history records it; `move`: try the other host next */
export type Done = { type: 'ok'; fields?: Partial<OpEvent> } | { type: 'fail' | 'info'; error: string; move: boolean };

export abstract class HostClient {
  private readonly channels: HostChannel[];
  private current = 0;
  private readonly loop: PacedLoop;
  private readonly timeoutMs: number;

  constructor(private readonly base: HostClientOptions) {
    this.channels = Object.entries(base.endpoints).map(([host, ep]) => new HostChannel(host, ep));
    if (this.channels.length === 0) throw new Error(`client ${base.name}: no endpoints`);
    this.timeoutMs = base.timeoutMs ?? 1000;
    this.loop = new PacedLoop(base.minIntervalMs ?? 10, () => this.next(), base.think);
  }

  get name(): string {
    return this.base.name;
  }

  start(): void {
    this.loop.start();
  }

  /** stop issuing ops; resolves when the op in flight has completed (and been recorded) */
  async stop(): Promise<void> {
    await this.loop.stop();
    for (const c of this.channels) c.close();
  }

  /** the next op (one at a time, paced) */
  protected abstract next(): Promise<void>;

  /** send one op to the current host and record invoke -> ok / fail / info */
  protected async perform(
    op: Omit<OpEvent, 'kind' | 'time' | 'type' | 'host' | 'process'>,
    command: string,
    complete: (o: Outcome & { type: 'ok' }) => Done,
  ): Promise<Done> {
    const ch = this.channels[this.current % this.channels.length]!;
    const rec = this.base.recorder;
    const e = { process: this.base.name, ...op, host: ch.host };
    rec.op({ type: 'invoke', ...e });
    const outcome = await ch.call(command, this.timeoutMs);
    const done: Done = outcome.type === 'ok' ? complete(outcome) : { type: outcome.type, error: outcome.error, move: true };
    if (done.type === 'ok') {
      rec.op({ type: 'ok', ...e, ...done.fields });
      this.base.onOk?.();
      return done;
    }
    rec.op({ type: done.type, ...e, error: done.error });
    if (done.type === 'info' && outcome.type === 'ok') ch.drop(); // a reply it cannot read: start a clean connection
    if (done.move) this.current++; // try the other host next, as a real client would
    return done;
  }
}

/**
 * A workload client, as a real client of the protected service would behave: it writes its
 * own fresh keys (a set workload: key "<name>-<n>" gets value n, each key written once),
 * now and then reads back the newest key it saw acknowledged and pings for the guest's tick
 * counter. It talks to one host at a time and moves to the other host when an op fails or is
 * indeterminate. Every op is recorded invoke -> ok / fail / info.
 */
import type { Endpoint } from '../platform/types.ts';
import type { OpEvent } from './history.ts';
import type { Recorder } from './recorder.ts';
import { HostChannel, type Outcome } from './channel.ts';
import { PacedLoop } from './paced-loop.ts';

export interface ClientOptions {
  name: string;
  /** host name -> endpoint; the client starts with the first and rotates on trouble */
  endpoints: Record<string, Endpoint>;
  recorder: Recorder;
  /** indeterminate after this long [1000] */
  timeoutMs?: number;
  /** pacing: at most one op per this many ms [10] */
  minIntervalMs?: number;
  /** every Nth op reads back the newest acknowledged key [4] */
  readEvery?: number;
  /** every Nth op pings [5] */
  pingEvery?: number;
}

export class KvClient {
  private readonly channels: HostChannel[];
  private current = 0;
  private seq = 0;
  private n = 0;
  private readonly loop: PacedLoop;
  private lastAcked: { key: string; value: number } | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly opts: ClientOptions) {
    this.channels = Object.entries(opts.endpoints).map(([host, ep]) => new HostChannel(host, ep));
    if (this.channels.length === 0) throw new Error(`client ${opts.name}: no endpoints`);
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.loop = new PacedLoop(opts.minIntervalMs ?? 10, () => this.next());
  }

  get name(): string {
    return this.opts.name;
  }

  start(): void {
    this.loop.start();
  }

  /** stop issuing ops; resolves when the op in flight has completed (and been recorded) */
  async stop(): Promise<void> {
    await this.loop.stop();
    for (const c of this.channels) c.close();
  }

  /** the next op: mostly writes, every readEvery-th a read-back, every pingEvery-th a ping */
  private async next(): Promise<void> {
    const n = ++this.n;
    if (this.lastAcked && n % (this.opts.readEvery ?? 4) === 0) await this.read(this.lastAcked.key);
    else if (n % (this.opts.pingEvery ?? 5) === 0) await this.ping();
    else await this.write();
  }

  private channel(): HostChannel {
    return this.channels[this.current % this.channels.length]!;
  }

  private async perform(
    base: Omit<OpEvent, 'kind' | 'time' | 'type' | 'host'>,
    command: string,
    complete: (o: Outcome & { type: 'ok' }) => Partial<OpEvent>,
  ): Promise<Outcome> {
    const ch = this.channel();
    const rec = this.opts.recorder;
    rec.op({ type: 'invoke', ...base, host: ch.host });
    const outcome = await ch.call(command, this.timeoutMs);
    if (outcome.type === 'ok') {
      rec.op({ type: 'ok', ...base, host: ch.host, ...complete(outcome) });
    } else {
      rec.op({ type: outcome.type, ...base, host: ch.host, error: outcome.error });
      this.current++; // try the other host next, as a real client would
    }
    return outcome;
  }

  private async write(): Promise<void> {
    const value = this.seq++;
    const key = `${this.opts.name}-${value}`;
    const o = await this.perform({ process: this.opts.name, f: 'write', key, value }, `SET ${key} ${value}`, () => ({}));
    if (o.type === 'ok') this.lastAcked = { key, value };
  }

  private async read(key: string): Promise<void> {
    await this.perform({ process: this.opts.name, f: 'read', key }, `GET ${key}`, (o) => ({
      value: o.word === 'VAL' ? Number(o.args[0]) : null,
    }));
  }

  private async ping(): Promise<void> {
    await this.perform({ process: this.opts.name, f: 'ping' }, 'PING', (o) => ({ ticks: Number(o.args[0]) }));
  }
}

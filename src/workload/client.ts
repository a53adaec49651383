/**
 * A workload client, as a real client of the protected service would behave: it writes its
 * own fresh keys (a set workload: key "<name>-<n>" gets value n, each key written once),
 * now and then reads back the newest key it saw acknowledged and pings for the guest's tick
 * counter. It talks to one host at a time and moves to the other host when an op fails or is
 * indeterminate. Every op is recorded invoke -> ok / fail / info.
 */
import { HostClient, type HostClientOptions } from './host-client.ts';

export interface ClientOptions extends HostClientOptions {
  /** every Nth op reads back the newest acknowledged key [4] */
  readEvery?: number;
  /** every Nth op pings [5] */
  pingEvery?: number;
}

export class KvClient extends HostClient {
  private seq = 0;
  private n = 0;
  private lastAcked: { key: string; value: number } | null = null;

  constructor(private readonly opts: ClientOptions) {
    super(opts);
  }

  /** the next op: mostly writes, every readEvery-th a read-back, every pingEvery-th a ping */
  protected async next(): Promise<void> {
    const n = ++this.n;
    if (this.lastAcked && n % (this.opts.readEvery ?? 4) === 0) await this.read(this.lastAcked.key);
    else if (n % (this.opts.pingEvery ?? 5) === 0) await this.ping();
    else await this.write();
  }

  private async write(): Promise<void> {
    const value = this.seq++;
    const key = `${this.opts.name}-${value}`;
    const o = await this.perform({ f: 'write', key, value }, `SET ${key} ${value}`, () => ({ type: 'ok' }));
    if (o.type === 'ok') this.lastAcked = { key, value };
  }

  private async read(key: string): Promise<void> {
    await this.perform({ f: 'read', key }, `GET ${key}`, (o) => ({
      type: 'ok',
      fields: { value: o.word === 'VAL' ? Number(o.args[0]) : null },
    }));
  }

  private async ping(): Promise<void> {
    await this.perform({ f: 'ping' }, 'PING', (o) => ({ type: 'ok', fields: { ticks: Number(o.args[0]) } }));
  }
}

/**
 * An availability probe of ONE host: PINGs it directly every interval, whatever its role.
 * ok = the host answered as primary; fail = refused / NOT_PRIMARY; info = no answer in time.
 * Probing every host separately is what lets the split-brain checker see two serving hosts.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Endpoint } from '../platform/types.ts';
import type { Recorder } from './recorder.ts';
import { HostChannel } from './channel.ts';

export interface ProbeOptions {
  host: string;
  endpoint: Endpoint;
  recorder: Recorder;
  intervalMs: number;
  /** indeterminate after this long [max(200, 10 × interval)] */
  timeoutMs?: number;
}

export class Probe {
  private readonly channel: HostChannel;
  private running = false;
  private loop: Promise<void> | null = null;
  readonly process: string;

  constructor(private readonly opts: ProbeOptions) {
    this.channel = new HostChannel(opts.host, opts.endpoint);
    this.process = `probe:${opts.host}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
    this.channel.close();
  }

  private async run(): Promise<void> {
    const { recorder: rec, host, intervalMs } = this.opts;
    const timeoutMs = this.opts.timeoutMs ?? Math.max(200, 10 * intervalMs);
    while (this.running) {
      const started = performance.now();
      rec.op({ type: 'invoke', process: this.process, f: 'ping', host });
      const o = await this.channel.call('PING', timeoutMs);
      if (o.type === 'ok') rec.op({ type: 'ok', process: this.process, f: 'ping', host, ticks: Number(o.args[0]) });
      else rec.op({ type: o.type, process: this.process, f: 'ping', host, error: o.error });
      const wait = intervalMs - (performance.now() - started);
      if (this.running && wait > 0) await delay(wait);
    }
  }
}

/**
 * An availability probe of ONE host: PINGs it directly every interval, whatever its role.
 * ok = the host answered as primary; fail = refused / NOT_PRIMARY; info = no answer in time.
 * Probing every host separately is what lets the split-brain checker see two serving hosts.
 */
import type { Endpoint } from '../platform/types.ts';
import type { Recorder } from './recorder.ts';
import { HostChannel } from './channel.ts';
import { PacedLoop } from './paced-loop.ts';
import { setTimeout as delay } from 'node:timers/promises';

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
  private readonly loop: PacedLoop;
  private readonly timeoutMs: number;
  readonly process: string;

  constructor(private readonly opts: ProbeOptions) {
    this.channel = new HostChannel(opts.host, opts.endpoint);
    this.process = `probe:${opts.host}`;
    this.timeoutMs = opts.timeoutMs ?? Math.max(200, 10 * opts.intervalMs);
    this.loop = new PacedLoop(opts.intervalMs, () => this.ping());
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.channel.close();
  }

  private onOk: (() => void) | null = null;

  /**
   * Stop right after this probe's next successful ping, or after waitMs without one (then like
   * stop()); true when it stopped on a success. No ping is sent after that success, so this
   * probe's part of the history ends with the host serving.
   */
  async stopOnSuccess(waitMs: number): Promise<boolean> {
    let stopping: Promise<void> | null = null;
    const succeeded = new Promise<boolean>((resolve) => {
      this.onOk = () => {
        stopping = this.stop(); // halts the loop at once: the ping that just succeeded is its last
        resolve(true);
      };
    });
    const timer = new AbortController();
    const ok = await Promise.race([succeeded, delay(waitMs, false, { signal: timer.signal }).catch(() => false)]);
    timer.abort();
    this.onOk = null;
    await (stopping ?? this.stop());
    return ok;
  }

  private async ping(): Promise<void> {
    const { recorder: rec, host } = this.opts;
    rec.op({ type: 'invoke', process: this.process, f: 'ping', host });
    const o = await this.channel.call('PING', this.timeoutMs);
    if (o.type === 'ok') {
      rec.op({ type: 'ok', process: this.process, f: 'ping', host, ticks: Number(o.args[0]) });
      this.onOk?.();
    } else rec.op({ type: o.type, process: this.process, f: 'ping', host, error: o.error });
  }
}

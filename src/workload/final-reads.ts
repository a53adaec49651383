/**
 * The final reads after the faults (Jepsen's final generator): find the host that serves,
 * read every key any client wrote, pipelined, recorded as process "final". Keys whose read
 * does not succeed before the deadline stay unread; the lost-writes checker then refuses to
 * claim anything about them.
 */
import type { Endpoint } from '../platform/types.ts';
import type { Recorder } from './recorder.ts';
import { HostChannel } from './channel.ts';

export interface FinalReadOptions {
  endpoints: Record<string, Endpoint>;
  recorder: Recorder;
  keys: readonly string[];
  /** give up after this long [10000] */
  deadlineMs?: number;
  /** requests in flight at once [64] */
  window?: number;
  timeoutMs?: number;
}

export interface FinalReadResult {
  host: string | null;
  read: number;
  unread: string[];
}

export async function finalReads(opts: FinalReadOptions): Promise<FinalReadResult> {
  const { recorder: rec } = opts;
  const deadline = performance.now() + (opts.deadlineMs ?? 10_000);
  const timeoutMs = opts.timeoutMs ?? 2000;
  const window = opts.window ?? 64;
  let remaining = [...opts.keys];
  let servedBy: string | null = null;
  const channels = Object.entries(opts.endpoints).map(([h, ep]) => new HostChannel(h, ep));
  try {
    let turn = 0;
    while (remaining.length > 0 && performance.now() < deadline) {
      const ch = channels[turn++ % channels.length]!;
      const ping = await ch.call('PING', timeoutMs);
      if (ping.type !== 'ok') {
        if (turn % channels.length === 0) await new Promise((r) => setTimeout(r, 20)); // pacing between rounds
        continue;
      }
      servedBy = ch.host;
      const failed: string[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < remaining.length && performance.now() < deadline) {
          const key = remaining[next++]!;
          rec.op({ type: 'invoke', process: 'final', f: 'read', key, host: ch.host });
          const o = await ch.call(`GET ${key}`, timeoutMs);
          if (o.type === 'ok') {
            rec.op({ type: 'ok', process: 'final', f: 'read', key, host: ch.host, value: o.word === 'VAL' ? Number(o.args[0]) : null });
          } else {
            rec.op({ type: o.type, process: 'final', f: 'read', key, host: ch.host, error: o.error });
            failed.push(key);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(window, remaining.length) }, worker));
      remaining = [...failed, ...remaining.slice(next)];
    }
  } finally {
    for (const c of channels) c.close();
  }
  return { host: servedBy, read: opts.keys.length - remaining.length, unread: remaining };
}

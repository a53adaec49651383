/**
 * Warm-up: a few workload clients drive a new pair until it answered `ops` operations, before
 * the scenario's own workload starts. A fresh pair is slow at first — the emulator compiles the
 * guest's hot code, V8 optimises capture, transfer and apply — and on a 2-core machine that
 * first second stalls replies by a few hundred ms (measured: a fault-free scenario's p99 commit
 * latency 278 ms, typically 60 ms). Steady state is what a scenario's checks judge.
 *
 * Warm-up ops are real ops: recorded in the history (processes "warmup<i>") and checked like any
 * other for loss and rollback; the latency figures leave them out (src/check/ops.ts isWarmUp).
 */
import type { Endpoint } from '../platform/types.ts';
import { KvClient } from './client.ts';
import type { Recorder } from './recorder.ts';
import { warmUpProcess } from '../check/ops.ts';

export interface WarmUpOptions {
  endpoints: Record<string, Endpoint>;
  recorder: Recorder;
  /** think time per client (seeded), as the scenario's clients have */
  think: (client: string) => () => number;
  /** clients at once [8] */
  clients?: number;
  /** ok operations wanted in all [200] */
  ops?: number;
  /** give up waiting after this long; the scenario goes on (its checks see what it saw) [5000] */
  maxMs?: number;
}

export interface WarmUpResult {
  ops: number;
  ms: number;
  /** the ops wanted were answered before maxMs */
  complete: boolean;
}

export async function warmUp(o: WarmUpOptions): Promise<WarmUpResult> {
  const want = o.ops ?? 200;
  const t0 = performance.now();
  let ok = 0;
  let complete = false;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const clients = Array.from({ length: o.clients ?? 8 }, (_, i) => {
    const name = warmUpProcess(i);
    return new KvClient({
      name,
      endpoints: o.endpoints,
      recorder: o.recorder,
      think: o.think(name),
      onOk: () => {
        if (++ok < want) return;
        complete = true;
        finish();
      },
    });
  });
  const timer = setTimeout(finish, o.maxMs ?? 5000);
  for (const c of clients) c.start();
  try {
    await finished;
  } finally {
    clearTimeout(timer);
    await Promise.all(clients.map((c) => c.stop()));
  }
  return { ops: ok, ms: performance.now() - t0, complete };
}

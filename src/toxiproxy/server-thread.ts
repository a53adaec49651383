/**
 * The embedded server in a thread of its own. Every link of a scenario flows through it, so
 * it must not share an event loop with the harness (clients, probes, the history, plots): a
 * stall of the harness would otherwise stall every link at once — heartbeats, lease renewals
 * and checkpoints included — and the platform would see a network fault that nobody injected.
 */
import { startTsWorker } from '../threads/ts-worker.ts';
import type { ToxiproxyServerOptions } from './server.ts';

export interface ThreadedToxiproxy {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export function startToxiproxyThread(options: ToxiproxyServerOptions = {}): Promise<ThreadedToxiproxy> {
  const worker = startTsWorker('src/toxiproxy/server-thread-main.ts', { options });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the Toxiproxy thread exited (${code}) before it was listening`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (m: { ok: boolean; url: string; host: string; port: number; error?: string }) => {
      worker.off('exit', onExit);
      worker.off('error', reject);
      if (!m.ok) {
        reject(new Error(m.error));
        return;
      }
      worker.on('error', () => {});
      let closing: Promise<void> | null = null;
      resolve({
        url: m.url,
        host: m.host,
        port: m.port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            worker.once('exit', () => done());
            worker.postMessage({ op: 'close' });
            // a server that cannot close in time is ended with its thread
            setTimeout(() => void worker.terminate(), 10_000).unref();
          })),
      });
    });
  });
}

/**
 * Worker-thread entry of the embedded server (see server-thread.ts): starts it with the
 * options it was given, reports its URL (or the error), and closes it when told to.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startToxiproxyServer, type ToxiproxyServerOptions } from './server.ts';

const port = parentPort!;
startToxiproxyServer(workerData.options as ToxiproxyServerOptions).then(
  (server) => {
    port.postMessage({ ok: true, url: server.url, host: server.host, port: server.port });
    port.on('message', (m: { op?: string }) => {
      if (m.op !== 'close') return;
      void server.close().finally(() => {
        port.postMessage({ closed: true });
        port.close();
      });
    });
  },
  (err: unknown) => {
    port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
    port.close();
  },
);

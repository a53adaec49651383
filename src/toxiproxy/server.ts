/**
 * startToxiproxyServer(): the embedded Toxiproxy-compatible server — the HTTP API on
 * host:port (127.0.0.1:8474 by default; port 0 picks a free one) and every proxy it makes.
 * close() releases every listener and socket it opened.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createRequestHandler, buildRoutes, pathRouted } from './api/router.ts';
import { installRefusals } from './api/refusals.ts';
import { ProxyCollection } from './collection.ts';
import { loadConfig, type ProxyConfig } from './config.ts';
import { joinHostPort, listenError } from './address.ts';
import { IDLE_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './limits.ts';
import { ProxyMetrics } from './metrics.ts';
import { SharedGroups } from './shared-groups.ts';

const WILDCARD = new Set(['', '0.0.0.0', '::']);

export interface ToxiproxyServerOptions {
  /** API host; default 127.0.0.1 (loopback). */
  host?: string;
  /** API port; default 8474; 0 = any free port. */
  port?: number;
  /** Serve /metrics with per-proxy byte counters (the real server's -proxy-metrics). */
  proxyMetrics?: boolean;
  /** Proxies to create at start: a config file path or the populate array itself. */
  config?: ProxyConfig;
}

export interface ToxiproxyServer {
  /** e.g. http://127.0.0.1:8474 */
  url: string;
  host: string;
  port: number;
  /** The proxies (for in-process inspection; drive them through the HTTP API). */
  readonly proxies: ProxyCollection;
  /** The shared budgets (extension: shared_bandwidth), for in-process inspection. */
  readonly groups: SharedGroups;
  close(): Promise<void>;
}

export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8474;
  const metrics = new ProxyMetrics(options.proxyMetrics ?? false);
  const groups = new SharedGroups();
  const proxies = new ProxyCollection(metrics, groups);
  const routes = buildRoutes(metrics.enabled);
  const handle = createRequestHandler({ proxies, metrics }, routes);
  const http: Server = createServer(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: REQUEST_TIMEOUT_MS,
      // How often request timeouts are checked (Node's default, 30 s, would let one live 45 s).
      connectionsCheckingInterval: 1000,
    },
    handle,
  );
  http.keepAliveTimeout = IDLE_TIMEOUT_MS;
  installRefusals(http, (path) => pathRouted(routes, path), handle);
  const sockets = new Set<Socket>();
  http.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
    http.listen({ host, port }, () => resolve());
  });
  http.on('error', () => {});

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      for (const s of sockets) s.destroy();
      await proxies.exclusive(() => proxies.closeAll());
      await stopped;
    })());

  if (options.config !== undefined) {
    try {
      await proxies.exclusive(async () => proxies.populate(await loadConfig(options.config!)));
    } catch (err) {
      await close();
      throw err;
    }
  }

  const addr = http.address();
  const boundPort = addr && typeof addr === 'object' ? addr.port : port;
  const urlHost = WILDCARD.has(host) ? '127.0.0.1' : host;
  return {
    url: `http://${joinHostPort(urlHost, boundPort)}`,
    host,
    port: boundPort,
    proxies,
    groups,
    close,
  };
}

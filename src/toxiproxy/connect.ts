/**
 * The harness's way to a Toxiproxy: the external server named by TOXIPROXY_URL when set
 * (checked reachable, with a clear error naming the URL), otherwise the embedded server
 * started on a free loopback port in a worker thread of its own. The client it returns remembers every proxy created
 * through it; cleanup() deletes those (and only those), then stops the embedded server if
 * this connection started it.
 */
import { Toxiproxy, type ICreateProxyBody, type Proxy } from 'toxiproxy-node-client';
import type { IPopulateProxiesBody } from 'toxiproxy-node-client/dist/interfaces.js';
import { startToxiproxyThread, type ThreadedToxiproxy } from './server-thread.ts';

export interface ConnectOptions {
  /** Server URL; default process.env.TOXIPROXY_URL; unset or empty = embedded server. */
  url?: string;
  /** How long the reachability check may take (ms). Default 5000. */
  timeoutMs?: number;
  /** Serve /metrics on the embedded server. */
  proxyMetrics?: boolean;
}

/** A client whose proxies can be deleted together: one per scenario, typically. */
export interface ToxiproxyScope {
  /** A toxiproxy-node-client Toxiproxy, connected. */
  client: TrackingToxiproxy;
  /** Names of the proxies created through `client` and not deleted yet. */
  readonly created: ReadonlySet<string>;
  /** Delete every proxy created through `client` (those already gone are fine). */
  cleanup(): Promise<void>;
}

export interface ToxiproxyConnection extends ToxiproxyScope {
  url: string;
  /** true when this connection started the embedded server (and close() stops it). */
  embedded: boolean;
  /** true when the server is the one TOXIPROXY_URL (or options.url) names. */
  external: boolean;
  /** Another client on the same server with its own clean-up (e.g. one per scenario). */
  scope(): ToxiproxyScope;
  /** Clean up every scope and this connection's client, then stop the embedded server if owned. */
  close(): Promise<void>;
}

/** A Toxiproxy client that notes the name of every proxy it creates or populates. */
export class TrackingToxiproxy extends Toxiproxy {
  readonly created = new Set<string>();

  override async createProxy(body: ICreateProxyBody): Promise<Proxy> {
    const proxy = await super.createProxy(body);
    this.created.add(proxy.name);
    return proxy;
  }

  override async populate(body: IPopulateProxiesBody): Promise<Record<string, Proxy>> {
    for (const p of body) this.created.add(p.name);
    return super.populate(body);
  }
}

function normaliseUrl(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  try {
    return new URL(withScheme).toString().replace(/\/+$/, '');
  } catch {
    throw new Error(`TOXIPROXY_URL "${raw}" is not a valid URL (expected e.g. http://127.0.0.1:8474)`);
  }
}

async function checkReachable(url: string, timeoutMs: number, source: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${url}/version`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(`Toxiproxy at ${url} (${source}) is unreachable: ${cause}`);
  }
  const text = await res.text();
  if (!res.ok || !/version/.test(text)) {
    throw new Error(`${url} (${source}) does not answer like a Toxiproxy server: GET /version gave ${res.status} ${text.slice(0, 100)}`);
  }
}

export async function connectToxiproxy(options: ConnectOptions = {}): Promise<ToxiproxyConnection> {
  const raw = options.url ?? process.env.TOXIPROXY_URL ?? '';
  let server: ThreadedToxiproxy | null = null;
  let url: string;
  if (raw.trim() !== '') {
    url = normaliseUrl(raw.trim());
    await checkReachable(url, options.timeoutMs ?? 5000, options.url !== undefined ? 'given URL' : 'TOXIPROXY_URL');
  } else {
    // in a thread of its own: the links must not stall when the harness's loop does
    server = await startToxiproxyThread({ host: '127.0.0.1', port: 0, proxyMetrics: options.proxyMetrics });
    url = server.url;
  }
  const makeScope = (): ToxiproxyScope => {
    const client = new TrackingToxiproxy(url);
    return { client, created: client.created, cleanup: () => deleteProxies(url, client.created) };
  };
  const main = makeScope();
  const scopes: ToxiproxyScope[] = [main];
  let closed: Promise<void> | null = null;
  return {
    ...main,
    url,
    embedded: server !== null,
    external: server === null,
    scope() {
      const s = makeScope();
      scopes.push(s);
      return s;
    },
    close() {
      return (closed ??= (async () => {
        const results = await Promise.allSettled(scopes.map((s) => s.cleanup()));
        await server?.close();
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed && server === null) throw failed.reason;
      })());
    },
  };
}

/** DELETE each named proxy; a 404 counts as done. Throws once, naming every failure. */
async function deleteProxies(url: string, names: Set<string>): Promise<void> {
  const failures: string[] = [];
  for (const name of [...names]) {
    try {
      const res = await fetch(`${url}/proxies/${encodeURIComponent(name)}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.ok || res.status === 404) names.delete(name);
      else failures.push(`${name}: HTTP ${res.status}`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`Toxiproxy at ${url}: could not delete proxies: ${failures.join('; ')}`);
}

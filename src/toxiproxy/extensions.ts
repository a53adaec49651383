/**
 * Harness side of the embedded server's extensions (today: shared_bandwidth, one budget
 * across proxies). Typed calls, because toxiproxy-node-client's types know only the real
 * server's toxic types (it would post any `type` string, but reports a refusal only as
 * "Request failed with status code 400", dropping the server's reason).
 *
 * Whether a server has an extension is read from its own marker (the X-Ftchaos-Extensions
 * header on GET /version), never guessed from TOXIPROXY_URL: `ftchaos toxiproxy` run as an
 * external server has it, the real Toxiproxy has not.
 */
import type { Toxiproxy } from 'toxiproxy-node-client';
import { EXTENSIONS_HEADER } from './version.ts';

export const SHARED_BANDWIDTH = 'shared_bandwidth';

export type Stream = 'upstream' | 'downstream';

/** A Toxiproxy client, or something holding one (a ToxiproxyConnection or scope). */
export type ToxiproxyLike = Toxiproxy | { client: Toxiproxy };

export function serverUrl(toxiproxy: ToxiproxyLike): string {
  const client = 'client' in toxiproxy ? toxiproxy.client : toxiproxy;
  return client.host.replace(/\/+$/, '');
}

/** The extensions the server at `url` names on GET /version (none: the real Toxiproxy). */
export async function serverExtensions(url: string): Promise<ReadonlySet<string>> {
  let res: Response;
  try {
    res = await fetch(`${url}/version`, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(`Toxiproxy at ${url} is unreachable: ${cause}`);
  }
  await res.arrayBuffer();
  const header = res.headers.get(EXTENSIONS_HEADER) ?? '';
  return new Set(header.split(',').map((s) => s.trim()).filter((s) => s !== ''));
}

/** Throws, clearly, unless the server at `url` can share one bandwidth budget across proxies. */
export async function requireSharedBandwidth(url: string): Promise<void> {
  if ((await serverExtensions(url)).has(SHARED_BANDWIDTH)) return;
  throw new Error(
    `a shared bandwidth budget across proxies is an extension of ftchaos's embedded Toxiproxy; ` +
      `the real Toxiproxy at ${url} cannot do it (it limits each proxy on its own). ` +
      `Unset TOXIPROXY_URL to use the embedded server, or point it at \`ftchaos toxiproxy\`.`,
  );
}

export interface SharedBandwidthToxic {
  name: string;
  stream: Stream;
  /** the budget's name: every toxic of the group, on any proxy, shares it */
  group: string;
  /** KB/s (1 KB = 1000 bytes), an integer > 0; every toxic of a group gives the same */
  rate: number;
  toxicity?: number;
}

/** The server's reason for a refusal (its `{"error": ...}` body), or the status. */
async function reason(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return `${body.error} (HTTP ${res.status})`;
  } catch {
    /* not JSON */
  }
  return `HTTP ${res.status} ${text.trim().slice(0, 200)}`;
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

const toxicsPath = (proxy: string) => `/proxies/${encodeURIComponent(proxy)}/toxics`;

/** Add a shared_bandwidth toxic to `proxy` (the caller has checked requireSharedBandwidth). */
export async function addSharedBandwidth(url: string, proxy: string, toxic: SharedBandwidthToxic): Promise<void> {
  const res = await call(url, 'POST', toxicsPath(proxy), {
    name: toxic.name,
    type: SHARED_BANDWIDTH,
    stream: toxic.stream,
    toxicity: toxic.toxicity ?? 1,
    attributes: { group: toxic.group, rate: toxic.rate },
  });
  if (!res.ok) throw new Error(`adding ${SHARED_BANDWIDTH} "${toxic.name}" to proxy "${proxy}": ${await reason(res)}`);
  await res.arrayBuffer();
}

/** A new rate for the group of `proxy`'s toxic `name` (the whole group takes it). */
export async function setSharedBandwidthRate(url: string, proxy: string, name: string, rate: number): Promise<void> {
  const res = await call(url, 'PATCH', `${toxicsPath(proxy)}/${encodeURIComponent(name)}`, { attributes: { rate } });
  if (!res.ok) throw new Error(`re-rating ${SHARED_BANDWIDTH} "${name}" on proxy "${proxy}": ${await reason(res)}`);
  await res.arrayBuffer();
}

/** Remove a toxic; one already gone (or its proxy gone) is fine. */
export async function removeToxicIfPresent(url: string, proxy: string, name: string): Promise<void> {
  const res = await call(url, 'DELETE', `${toxicsPath(proxy)}/${encodeURIComponent(name)}`);
  if (!res.ok && res.status !== 404) throw new Error(`removing toxic "${name}" from proxy "${proxy}": ${await reason(res)}`);
  await res.arrayBuffer();
}

/** The endpoint handlers: each takes the parsed request and answers like the real server. */
import type { ServerResponse } from 'node:http';
import { PopulateError, type ProxyCollection, type ProxyInput } from '../collection.ts';
import { ErrBadRequestBody, ErrToxicNotFound, toApiError } from '../errors.ts';
import type { ProxyMetrics } from '../metrics.ts';
import type { Proxy } from '../proxy.ts';
import { toxicJson } from '../toxic-set.ts';
import { EXTENSIONS, EXTENSIONS_HEADER, TOXIPROXY_VERSION } from '../version.ts';
import { decodeFields, expectObject, jsonKind, parseBody } from './decode.ts';
import type { ParseResult } from './json-parse.ts';
import { sendEmpty, sendError, sendJson, sendRaw } from './respond.ts';

export interface HandlerContext {
  proxies: ProxyCollection;
  metrics: ProxyMetrics;
}

export interface Request {
  params: Record<string, string>;
  /** The body's first JSON value, or the syntax error reading it gave (read only by handlers that take a body). */
  body: ParseResult;
}

export type Handler = (ctx: HandlerContext, req: Request, res: ServerResponse) => Promise<void> | void;

const PROXY_FIELDS = { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' } as const;

function decodeProxy(value: unknown, defaults: ProxyInput, goType: string): ProxyInput {
  const out: Record<string, unknown> = { ...defaults };
  if (expectObject(value, goType)) decodeFields(value, PROXY_FIELDS, out, 'Proxy');
  return out as unknown as ProxyInput;
}

export const version: Handler = (_ctx, _req, res) => {
  res.setHeader(EXTENSIONS_HEADER, EXTENSIONS.join(', '));
  sendRaw(res, 200, 'application/json;charset=utf-8', `{"version": "${TOXIPROXY_VERSION}"}\n`);
};

/**
 * The proxies as one JSON object keyed by name, written out by hand: on a JavaScript object
 * a name such as "__proto__" would not be a key, and integer-like names would be reordered.
 * Keys in UTF-8 byte order, as Go's encoding/json sorts map keys.
 */
export const proxyIndex: Handler = ({ proxies }, _req, res) => {
  const sorted = proxies
    .list()
    .map((p) => ({ p, key: Buffer.from(p.name) }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  const text = `{${sorted.map(({ p }) => `${JSON.stringify(p.name)}:${JSON.stringify(p)}`).join(',')}}`;
  sendRaw(res, 200, 'application/json', text);
};

export const proxyCreate: Handler = async ({ proxies }, req, res) => {
  const input = decodeProxy(parseBody(req.body), { name: '', listen: '', upstream: '', enabled: true }, 'toxiproxy.Proxy');
  sendJson(res, 201, await proxies.add(input));
};

export const populate: Handler = async ({ proxies }, req, res) => {
  let input: ProxyInput[];
  try {
    const value = parseBody(req.body);
    const list = value === null ? [] : value;
    if (!Array.isArray(list)) {
      throw ErrBadRequestBody(`json: cannot unmarshal ${jsonKind(list)} into Go value of type []toxiproxy.Proxy`);
    }
    input = list.map((item) => decodeProxy(item, { name: '', listen: '', upstream: '', enabled: true }, 'toxiproxy.Proxy'));
  } catch (err) {
    const e = toApiError(err);
    sendJson(res, e.status, { ...e.toJSON(), proxies: [] });
    return;
  }
  try {
    const done = await proxies.populate(input);
    sendJson(res, 201, { proxies: done });
  } catch (err) {
    const e = toApiError(err);
    sendJson(res, e.status, { ...e.toJSON(), proxies: err instanceof PopulateError ? err.proxies : [] });
  }
};

export const proxyShow: Handler = ({ proxies }, req, res) => {
  sendJson(res, 200, proxies.get(req.params.proxy));
};

export const proxyUpdate: Handler = async ({ proxies }, req, res) => {
  const proxy = proxies.get(req.params.proxy);
  const input = decodeProxy(
    parseBody(req.body),
    { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled },
    'toxiproxy.Proxy',
  );
  await proxy.update(input);
  sendJson(res, 200, proxy);
};

export const proxyDelete: Handler = async ({ proxies }, req, res) => {
  await proxies.remove(req.params.proxy);
  sendEmpty(res, 204);
};

export const reset: Handler = async ({ proxies }, _req, res) => {
  await proxies.reset();
  sendEmpty(res, 204);
};

export const toxicIndex: Handler = ({ proxies }, req, res) => {
  sendJson(res, 200, proxies.get(req.params.proxy).toxics.list().map(toxicJson));
};

export const toxicCreate: Handler = ({ proxies }, req, res) => {
  const proxy: Proxy = proxies.get(req.params.proxy);
  sendJson(res, 200, toxicJson(proxy.toxics.add(parseBody(req.body))));
};

export const toxicShow: Handler = ({ proxies }, req, res) => {
  const toxic = proxies.get(req.params.proxy).toxics.find(req.params.toxic);
  if (!toxic) {
    sendError(res, ErrToxicNotFound());
    return;
  }
  sendJson(res, 200, toxicJson(toxic));
};

export const toxicUpdate: Handler = ({ proxies }, req, res) => {
  const proxy = proxies.get(req.params.proxy);
  sendJson(res, 200, toxicJson(proxy.toxics.update(req.params.toxic, parseBody(req.body))));
};

export const toxicDelete: Handler = ({ proxies }, req, res) => {
  proxies.get(req.params.proxy).toxics.remove(req.params.toxic);
  sendEmpty(res, 204);
};

export const metrics: Handler = ({ metrics }, _req, res) => {
  sendRaw(res, 200, 'text/plain; version=0.0.4; charset=utf-8', metrics.render());
};

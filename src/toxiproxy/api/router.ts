/**
 * The route table and request pipeline of the HTTP API: request id on every response,
 * browsers refused (403, like the real server), a path with a bad %-escape refused (400, as
 * Go's URL parser does), route matched (404 / 405 as Go's router answers), body read (413
 * past the cap), handler run in the collection's queue, errors turned into
 * `{"error","status"}` bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toApiError } from '../errors.ts';
import { MAX_BODY_BYTES } from '../limits.ts';
import { newRequestId } from '../request-id.ts';
import { readBody } from './body.ts';
import * as h from './handlers.ts';
import { parseFirstValueAsync } from './json-parse.ts';
import { sendEmpty, sendError, sendText } from './respond.ts';
import { hasBadEscape, pathOf, unescapeSegment } from './url-path.ts';

export interface Route {
  pattern: RegExp;
  params: string[];
  methods: Partial<Record<string, h.Handler>>;
}

function route(path: string, methods: Route['methods']): Route {
  const params: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), params, methods };
}

export function buildRoutes(withMetrics: boolean): Route[] {
  const routes = [
    route('/reset', { POST: h.reset }),
    route('/proxies', { GET: h.proxyIndex, POST: h.proxyCreate }),
    route('/populate', { POST: h.populate }),
    route('/proxies/{proxy}', { GET: h.proxyShow, POST: h.proxyUpdate, PATCH: h.proxyUpdate, DELETE: h.proxyDelete }),
    route('/proxies/{proxy}/toxics', { GET: h.toxicIndex, POST: h.toxicCreate }),
    route('/proxies/{proxy}/toxics/{toxic}', {
      GET: h.toxicShow,
      POST: h.toxicUpdate,
      PATCH: h.toxicUpdate,
      DELETE: h.toxicDelete,
    }),
    route('/version', { GET: h.version }),
  ];
  if (withMetrics) routes.push(route('/metrics', { GET: h.metrics, HEAD: h.metrics, POST: h.metrics }));
  return routes;
}

/** Does any route serve this path (with some method)? */
export function pathRouted(routes: Route[], path: string): boolean {
  return routes.some((r) => r.pattern.test(path));
}

export function createRequestHandler(ctx: h.HandlerContext, routes: Route[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('X-Toxiproxy-Request-Id', newRequestId());
    try {
      if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
        sendText(res, 403, 'User agent not allowed');
        req.resume();
        return;
      }
      const path = pathOf(req.url ?? '/');
      if (hasBadEscape(path)) {
        res.setHeader('Connection', 'close');
        sendRaw400(res);
        req.resume();
        return;
      }
      const r = routes.find((x) => x.pattern.test(path));
      if (!r) {
        sendText(res, 404, '404 page not found');
        req.resume();
        return;
      }
      const handler = r.methods[req.method ?? 'GET'];
      if (!handler) {
        sendEmpty(res, 405);
        req.resume();
        return;
      }
      const m = r.pattern.exec(path)!;
      const params: Record<string, string> = {};
      r.params.forEach((name, i) => (params[name] = unescapeSegment(m[i + 1])));
      const body = await readBody(req, MAX_BODY_BYTES);
      if ('tooLarge' in body) {
        res.setHeader('Connection', 'close');
        sendText(res, 413, `request body too large (at most ${MAX_BODY_BYTES} bytes)`);
        return;
      }
      // Parsed before taking the queue, in slices: a huge body holds up neither the API nor the proxies.
      const parsed = await parseFirstValueAsync(body.text);
      await ctx.proxies.exclusive(() => handler(ctx, { params, body: parsed }, res));
    } catch (err) {
      if (req.destroyed && !req.complete) res.destroy(); // the client left mid-body
      else if (!res.headersSent) sendError(res, toApiError(err));
      else res.destroy();
    }
  };
}

/** Go's answer to a request URL it cannot parse: plain "400 Bad Request", then the connection is closed. */
function sendRaw400(res: ServerResponse): void {
  const body = '400 Bad Request';
  res.removeHeader('X-Toxiproxy-Request-Id');
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

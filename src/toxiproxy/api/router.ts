/**
 * The route table and request pipeline of the HTTP API: request id on every response,
 * browsers refused (403, like the real server), body read, route matched (404 / 405 as Go's
 * router answers), handler run in the collection's queue, errors turned into
 * `{"error","status"}` bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toApiError } from '../errors.ts';
import { newRequestId } from '../request-id.ts';
import * as h from './handlers.ts';
import { sendEmpty, sendError, sendText } from './respond.ts';

interface Route {
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

/** Request bodies larger than this are refused (the API's bodies are a few hundred bytes). */
const MAX_BODY = 4 << 20;

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
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
      const path = (req.url ?? '/').split('?')[0];
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
      r.params.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      const body = await readBody(req);
      if (body === null) {
        sendText(res, 413, 'request body too large');
        return;
      }
      await ctx.proxies.exclusive(() => handler(ctx, { params, body }, res));
    } catch (err) {
      if (!res.headersSent) sendError(res, toApiError(err));
      else res.destroy();
    }
  };
}

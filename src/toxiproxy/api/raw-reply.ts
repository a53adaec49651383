/**
 * Answers on the bare socket for requests Node's HTTP parser does not hand to the router:
 * methods it does not know (FOO, lower-case get), CONNECT, and malformed or timed-out
 * requests. The real (Go) server routes any method token, so an unknown method on a known
 * path is a 405 (404 on an unknown path, 403 for a browser), like every other method
 * without a handler; a malformed request is Go's plain "400 Bad Request". The connection
 * is closed after the reply.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { newRequestId } from '../request-id.ts';
import { hasBadEscape, pathOf } from './url-path.ts';

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.[01]$/;

export interface RawRequest {
  method: string;
  target: string;
  userAgent: string;
}

/** Write one response and close the socket (FIN after the reply, then released). */
export function replyRaw(socket: Socket, status: number, body = '', headers: Record<string, string> = {}): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`, `Date: ${new Date().toUTCString()}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body) lines.push('Content-Type: text/plain; charset=utf-8');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body);
  socket.end(lines.join('\r\n'));
  socket.once('finish', () => socket.destroy());
}

/** The request line and User-Agent of the request that starts before `at` in `raw`, if readable. */
export function readRawRequest(raw: Buffer, at: number): RawRequest | null {
  const text = raw.toString('latin1');
  const start = at > 0 ? text.lastIndexOf('\n', at - 1) + 1 : 0;
  const lines = text.slice(start).split(/\r?\n/);
  const m = REQUEST_LINE.exec(lines[0]);
  if (!m) return null;
  let userAgent = '';
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).toLowerCase() === 'user-agent') userAgent = line.slice(colon + 1).trim();
  }
  return { method: m[1], target: m[2], userAgent };
}

/** The router's answer to a method it has no handler for: 403 browser, 400 bad escape, 405 or 404. */
export function replyNoHandler(socket: Socket, req: RawRequest, pathKnown: (path: string) => boolean): void {
  const path = pathOf(req.target);
  if (hasBadEscape(path)) {
    replyRaw(socket, 400, '400 Bad Request');
    return;
  }
  const id = { 'X-Toxiproxy-Request-Id': newRequestId() };
  if (req.userAgent.startsWith('Mozilla/')) replyRaw(socket, 403, 'User agent not allowed\n', { ...id, 'X-Content-Type-Options': 'nosniff' });
  else if (pathKnown(path)) replyRaw(socket, 405, '', id);
  else replyRaw(socket, 404, '404 page not found\n', { ...id, 'X-Content-Type-Options': 'nosniff' });
}

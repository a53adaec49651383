/** HTTP responses in the real server's byte-level shapes (headers, bodies, trailing newlines). */
import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Go's http.Error(): text/plain with nosniff, the body followed by a newline. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The real server writes `{"error":...,"status":...}` through http.Error (so text/plain). */
export function sendError(res: ServerResponse, err: ApiError): void {
  sendText(res, err.status, JSON.stringify(err));
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendRaw(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

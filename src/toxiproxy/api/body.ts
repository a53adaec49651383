/**
 * Reads a request body, at most `limit` bytes kept. A larger body is read to its end and
 * thrown away (memory stays bounded), so the 413 that follows reaches the client instead of
 * a connection reset (closing a socket with unread data sends RST, and the client may lose
 * the reply). The server's request timeout bounds how long that can take.
 */
import type { IncomingMessage } from 'node:http';

export type Body = { text: string } | { tooLarge: true };

export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        parts.length = 0;
        return;
      }
      parts.push(chunk);
    });
    req.once('end', () => resolve(tooLarge ? { tooLarge: true } : { text: Buffer.concat(parts).toString('utf8') }));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('request aborted before its body was read'));
    });
  });
}

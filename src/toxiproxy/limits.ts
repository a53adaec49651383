/**
 * The bounds the embedded server puts on what clients send. The real server has fewer
 * (no body cap, names of any length); each bound here is one whose absence would let one
 * client hurt the others or leave something that cannot be addressed.
 */
import { ApiError } from './errors.ts';

/** Request bodies larger than this are answered 413 (the API's bodies are a few hundred bytes). */
export const MAX_BODY_BYTES = 4 << 20;

/**
 * Proxy and toxic names longer than this (UTF-8 bytes) are refused: percent-encoded (up to
 * 3 characters a byte), a proxy name and a toxic name must still fit in a request line
 * under Node's 16 KB header limit, or the thing made could never be read or deleted.
 */
export const MAX_NAME_BYTES = 1024;

/** A request must arrive whole (headers and body) within this, as the real server's ReadTimeout. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** A keep-alive connection with no request for this long is closed (the real server's IdleTimeout). */
export const IDLE_TIMEOUT_MS = 60_000;

export function checkNameLength(what: 'proxy' | 'toxic', name: string): void {
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_NAME_BYTES) {
    throw new ApiError(`${what} name too long: ${bytes} bytes, at most ${MAX_NAME_BYTES}`, 400);
  }
}

/** Traffic for bandwidth tests and benches: write 64 KB chunks as fast as a socket takes them. */
import type { Socket } from 'node:net';

/** floods `s` until the returned stop() (which stops writing; the caller owns the socket) */
export function flood(s: Socket, fill = 0x62): () => void {
  const chunk = Buffer.alloc(64 << 10, fill);
  let stopped = false;
  const pump = () => {
    while (!stopped && s.write(chunk));
  };
  s.on('drain', pump);
  pump();
  return () => {
    stopped = true;
    s.off('drain', pump);
  };
}

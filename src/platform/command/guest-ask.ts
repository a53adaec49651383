/**
 * One request to the guest on a host's client endpoint (fixtures/guest: `<id> PING` ->
 * `<id> PONG <ticks>`): what the host itself says about whether it serves, independent of
 * anything the driver reports.
 */
import net from 'node:net';
import type { Endpoint } from '../types.ts';

export interface GuestAnswer {
  /** the reply line, when one came */
  reply?: string;
  /** why none came: refused, closed, timeout */
  none?: string;
}

export function askGuest(ep: Endpoint, line: string, timeoutMs: number): Promise<GuestAnswer> {
  return new Promise((resolve) => {
    let buf = '';
    let settled = false;
    const sock = net.connect({ host: ep.host, port: ep.port });
    const finish = (a: GuestAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => finish({ none: `no reply within ${timeoutMs} ms` }), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${line}\n`));
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) finish({ reply: buf.slice(0, nl).replace(/\r$/, '') });
    });
    sock.on('error', (err: NodeJS.ErrnoException) => finish({ none: err.code === 'ECONNREFUSED' ? 'connection refused' : `error ${err.code ?? err.message}` }));
    sock.on('close', () => finish({ none: 'connection closed without a reply' }));
  });
}

/** a PONG from the guest: the host serves */
export function serves(a: GuestAnswer, id: string): boolean {
  return !!a.reply && new RegExp(`^${id} PONG \\d+$`).test(a.reply);
}

export function describeAnswer(a: GuestAnswer): string {
  return a.reply !== undefined ? `answered ${JSON.stringify(a.reply)}` : a.none!;
}

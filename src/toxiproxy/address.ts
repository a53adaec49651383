/**
 * host:port strings as the real (Go) server reads and prints them: "[::1]:80" for IPv6,
 * "" or ":0" listens on every interface, "localhost" listens on 127.0.0.1, and errors read
 * like Go's ("listen tcp 127.0.0.1:80: bind: address already in use").
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/** Split "host:port" (Go's net.SplitHostPort rules); throws with Go's wording. */
export function splitHostPort(addr: string): HostPort {
  let host: string;
  let portText: string;
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0) throw new Error(`address ${addr}: missing ']' in address`);
    host = addr.slice(1, close);
    const rest = addr.slice(close + 1);
    if (!rest.startsWith(':')) throw new Error(`address ${addr}: missing port in address`);
    portText = rest.slice(1);
  } else {
    const colon = addr.lastIndexOf(':');
    if (colon < 0) throw new Error(`address ${addr}: missing port in address`);
    host = addr.slice(0, colon);
    if (host.includes(':')) throw new Error(`address ${addr}: too many colons in address`);
    portText = addr.slice(colon + 1);
  }
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`address ${portText}: invalid port`);
  }
  return { host, port };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The address to bind for a listen host: '' = every interface; names resolve IPv4 first, as Go does. */
export async function resolveListenHost(host: string): Promise<string> {
  if (host === '' || isIP(host)) return host;
  if (host === 'localhost') return '127.0.0.1';
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    try {
      return (await lookup(host, { family: 6 })).address;
    } catch {
      throw new Error(`listen tcp: lookup ${host}: no such host`);
    }
  }
}

const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

/** A listen failure worded like Go's *net.OpError. */
export function listenError(err: NodeJS.ErrnoException, bindHost: string, port: number): Error {
  const what = err.code && BIND_ERRORS[err.code];
  const addr = joinHostPort(bindHost === '' ? '' : bindHost, port);
  return new Error(what ? `listen tcp ${addr}: bind: ${what}` : `listen tcp ${addr}: ${err.message}`);
}

/** The command drivers a run used and what each said of itself, for the report's environment. */
import type { Hello } from './protocol.ts';

const seen = new Map<string, Hello>();

export function noteDriver(display: string, hello: Hello): void {
  seen.set(display, hello);
}

/** e.g. { "command:./x.py": "builtin-python, protocol 1, can crash, hang, resume, restart, logs; proxied client, replication, witness" } */
export function seenDrivers(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, h] of seen) {
    out[k] = `${h.name}, protocol ${h.protocol}, can ${h.capabilities.join(', ') || 'nothing optional'}; proxied: ${h.proxied.join(', ') || 'none'}${h.own.length ? `; own: ${h.own.join(', ')}` : ''}`;
  }
  return out;
}

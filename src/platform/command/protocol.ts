/**
 * The driver protocol (docs/driver.md): newline-delimited JSON over a driver process's stdio.
 *
 *   harness -> driver (stdin)   {"id":1,"method":"hello","params":{...}}
 *   driver -> harness (stdout)  {"id":1,"result":{...}}  or  {"id":1,"error":{"message":"..."}}
 *                               {"event":"role","host":"a","role":"primary","time":1234.5}
 *   driver stderr               free text, kept as the driver's log
 *
 * This module holds the vocabulary and checks what a driver sends; it does no I/O.
 */
import type { HostName, Role } from '../types.ts';
import { ABILITY_TEXT, HOST_NAMES } from '../types.ts';

export const PROTOCOL_VERSION = 1;

/** calls every driver must answer */
export const REQUIRED_METHODS = ['hello', 'start', 'status', 'stop'] as const;

/** optional calls a driver declares in its hello reply */
export const CAPABILITIES = ['crash', 'hang', 'resume', 'restart', 'logs', 'cut'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** what a step says a platform cannot do ("platform X cannot <this>") */
export const CAPABILITY_TEXT: Record<Capability, string> = { ...ABILITY_TEXT, cut: 'cut its own links' };

export const LINK_KINDS = ['client', 'replication', 'witness'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const ROLES: readonly Role[] = ['starting', 'primary', 'backup', 'fenced', 'down'];

export interface Hello {
  name: string;
  protocol: number;
  capabilities: Capability[];
  /** links the harness routes through its Toxiproxy proxies */
  proxied: LinkKind[];
  /** links the driver faults itself (`cut` / `heal`) */
  own: LinkKind[];
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** Check a hello result; throws ProtocolError saying what is wrong and what is allowed. */
export function parseHello(v: unknown): Hello {
  if (!isObj(v)) throw new ProtocolError(`hello must answer an object {name, protocol, capabilities, links}, not ${show(v)}`);
  if (typeof v.name !== 'string' || !v.name) throw new ProtocolError(`hello: "name" must be a non-empty string, not ${show(v.name)}`);
  if (v.protocol !== PROTOCOL_VERSION) throw new ProtocolError(`hello: "protocol" must be ${PROTOCOL_VERSION} (the version this harness speaks), not ${show(v.protocol)}`);
  const caps = v.capabilities ?? [];
  if (!Array.isArray(caps)) throw new ProtocolError(`hello: "capabilities" must be a list drawn from ${CAPABILITIES.join(', ')}, not ${show(caps)}`);
  const bad = caps.filter((c) => !(CAPABILITIES as readonly unknown[]).includes(c));
  if (bad.length) throw new ProtocolError(`hello: unknown capabilities ${show(bad)}; allowed: ${CAPABILITIES.join(', ')}`);
  const links = v.links ?? { proxied: [...LINK_KINDS], own: [] };
  if (!isObj(links)) throw new ProtocolError(`hello: "links" must be {"proxied":[...],"own":[...]}, not ${show(links)}`);
  const kinds = (x: unknown, what: string): LinkKind[] => {
    if (x === undefined) return [];
    if (!Array.isArray(x) || x.some((k) => !(LINK_KINDS as readonly unknown[]).includes(k))) {
      throw new ProtocolError(`hello: links.${what} must be a list drawn from ${LINK_KINDS.join(', ')}, not ${show(x)}`);
    }
    return x as LinkKind[];
  };
  const proxied = kinds(links.proxied, 'proxied');
  const own = kinds(links.own, 'own');
  const both = proxied.filter((k) => own.includes(k));
  if (both.length) throw new ProtocolError(`hello: link ${both.join(', ')} cannot be both proxied and own`);
  const neither = LINK_KINDS.filter((k) => !proxied.includes(k) && !own.includes(k));
  if (neither.length) throw new ProtocolError(`hello: every link must be either proxied or own; ${neither.join(', ')} is neither`);
  if (own.length && !caps.includes('cut')) throw new ProtocolError(`hello: links ${own.join(', ')} are the driver's own, so it must declare the "cut" capability`);
  return { name: v.name, protocol: v.protocol, capabilities: caps as Capability[], proxied, own };
}

/** One line from the driver's stdout, classified. */
export type DriverLine =
  | { kind: 'response'; id: number; result?: unknown; error?: string }
  | { kind: 'event'; event: DriverEvent }
  | { kind: 'bad'; why: string };

export type DriverEvent =
  | { event: 'role'; host: HostName; role: Role; epoch?: number; time?: number }
  | { event: 'protected'; protected: boolean; time?: number }
  | { event: 'log'; host?: HostName | 'witness' | 'platform'; line: string; time?: number }
  | { event: 'loop'; host: HostName | 'witness'; p50Ms: number; p99Ms: number; maxMs: number; stalls: number; windowMs: number; time?: number };

const time = (v: Record<string, unknown>): { time?: number } => (typeof v.time === 'number' && Number.isFinite(v.time) ? { time: v.time } : {});

export function parseLine(line: string): DriverLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'bad', why: `not JSON: ${show(line)}` };
  }
  if (!isObj(v)) return { kind: 'bad', why: `not a JSON object: ${show(line)}` };
  if ('id' in v) {
    if (typeof v.id !== 'number' || !Number.isInteger(v.id)) return { kind: 'bad', why: `"id" must be the integer of the request answered: ${show(line)}` };
    if ('error' in v) {
      const msg = isObj(v.error) && typeof v.error.message === 'string' ? v.error.message : show(v.error);
      return { kind: 'response', id: v.id, error: msg };
    }
    if (!('result' in v)) return { kind: 'bad', why: `a response needs "result" or "error": ${show(line)}` };
    return { kind: 'response', id: v.id, result: v.result };
  }
  switch (v.event) {
    case 'role':
      if (!HOST_NAMES.includes(v.host as HostName)) return { kind: 'bad', why: `role event: "host" must be one of ${HOST_NAMES.join(', ')}: ${show(line)}` };
      if (!ROLES.includes(v.role as Role)) return { kind: 'bad', why: `role event: "role" must be one of ${ROLES.join(', ')}: ${show(line)}` };
      return { kind: 'event', event: { event: 'role', host: v.host as HostName, role: v.role as Role, ...(typeof v.epoch === 'number' ? { epoch: v.epoch } : {}), ...time(v) } };
    case 'protected':
      if (typeof v.protected !== 'boolean') return { kind: 'bad', why: `protected event: "protected" must be true or false: ${show(line)}` };
      return { kind: 'event', event: { event: 'protected', protected: v.protected, ...time(v) } };
    case 'log':
      return { kind: 'event', event: { event: 'log', host: (['a', 'b', 'witness'].includes(v.host as string) ? v.host : 'platform') as 'platform', line: String(v.line ?? ''), ...time(v) } };
    case 'loop': {
      const nums = ['p50Ms', 'p99Ms', 'maxMs', 'stalls', 'windowMs'] as const;
      if (!['a', 'b', 'witness'].includes(v.host as string) || nums.some((k) => typeof v[k] !== 'number')) {
        return { kind: 'bad', why: `loop event needs host (a, b, witness) and numbers ${nums.join(', ')}: ${show(line)}` };
      }
      const n = Object.fromEntries(nums.map((k) => [k, v[k] as number])) as Record<(typeof nums)[number], number>;
      return { kind: 'event', event: { event: 'loop', host: v.host as HostName, ...n, ...time(v) } };
    }
    default:
      return { kind: 'bad', why: `neither a response (no "id") nor a known event (role, protected, log, loop): ${show(line)}` };
  }
}

/** What a `status` result may hold; only `hosts[h].role` and `protected` are required. */
export interface DriverStatus {
  hosts: Record<HostName, { role: Role; pid?: number | null }>;
  protected: boolean;
  lastCommittedEpoch?: number;
  lagMs?: number;
  checkpointsPerSecond?: number;
  bytesReplicated?: number;
}

export function parseStatus(v: unknown): DriverStatus {
  if (!isObj(v) || !isObj(v.hosts)) throw new ProtocolError(`status must answer {"hosts":{"a":{"role":...},"b":{"role":...}},"protected":bool}, not ${show(v)}`);
  const hosts = {} as DriverStatus['hosts'];
  for (const h of HOST_NAMES) {
    const x = v.hosts[h];
    if (!isObj(x) || !ROLES.includes(x.role as Role)) throw new ProtocolError(`status: hosts.${h}.role must be one of ${ROLES.join(', ')}, not ${show(isObj(x) ? x.role : x)}`);
    hosts[h] = { role: x.role as Role, pid: typeof x.pid === 'number' ? x.pid : null };
  }
  if (typeof v.protected !== 'boolean') throw new ProtocolError(`status: "protected" must be true or false, not ${show(v.protected)}`);
  const num = (k: string): number | undefined => (typeof v[k] === 'number' && Number.isFinite(v[k]) ? (v[k] as number) : undefined);
  const out: DriverStatus = { hosts, protected: v.protected };
  for (const k of ['lastCommittedEpoch', 'lagMs', 'checkpointsPerSecond', 'bytesReplicated'] as const) {
    const n = num(k);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

export function parseLogs(v: unknown): Record<string, string> {
  const files = isObj(v) ? v.files : undefined;
  if (!isObj(files) || Object.values(files).some((p) => typeof p !== 'string')) {
    throw new ProtocolError(`logs must answer {"files":{"<name>":"<path>",...}}, not ${show(v)}`);
  }
  return files as Record<string, string>;
}

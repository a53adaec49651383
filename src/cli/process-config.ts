/**
 * Validation of what an external driver hands `ftchaos host` / `ftchaos witness`: every
 * mistake is named with what is allowed, before any process state is touched.
 */
import type { HostConfig } from '../platform/builtin/host-config.ts';
import type { WitnessConfig } from '../platform/builtin/witness-run.ts';
import type { Endpoint, HostLinks } from '../platform/types.ts';
import { validateOptions } from '../platform/builtin/options.ts';

export class ConfigError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function port(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) throw new ConfigError(`${what} must be a port number from 1 to 65535, not ${JSON.stringify(v)}`);
  return n;
}

function endpoint(v: unknown, what: string): Endpoint {
  if (!isObj(v)) throw new ConfigError(`${what} must be an object { "host": "127.0.0.1", "port": N }, not ${JSON.stringify(v)}`);
  const host = v.host ?? '127.0.0.1';
  if (typeof host !== 'string' || !host) throw new ConfigError(`${what}.host must be an address such as "127.0.0.1"`);
  return { host, port: port(v.port, `${what}.port`) };
}

function file(v: unknown, what: string): string {
  if (typeof v !== 'string' || !v) throw new ConfigError(`${what} must be a file path`);
  return v;
}

export function parseHostConfig(v: unknown): HostConfig {
  if (!isObj(v)) throw new ConfigError('the host configuration must be a JSON object');
  const allowed = new Set(['name', 'peer', 'initialRole', 'links', 'options', 'logFile', 'consoleFile', 'imagePath', 'solo']);
  const extra = Object.keys(v).filter((k) => !allowed.has(k));
  if (extra.length) throw new ConfigError(`unknown field(s) ${extra.join(', ')}; allowed: ${[...allowed].join(', ')}`);
  if (v.name !== 'a' && v.name !== 'b') throw new ConfigError(`name must be "a" or "b", not ${JSON.stringify(v.name)}`);
  const name = v.name;
  if (v.initialRole !== 'primary' && v.initialRole !== 'backup') throw new ConfigError(`initialRole must be "primary" or "backup", not ${JSON.stringify(v.initialRole)}`);
  if (!isObj(v.links)) throw new ConfigError('links must be an object with client, replication, dialPeer and dialWitness endpoints');
  const links: HostLinks = {
    client: endpoint(v.links.client, 'links.client'),
    replication: endpoint(v.links.replication, 'links.replication'),
    dialPeer: endpoint(v.links.dialPeer, 'links.dialPeer'),
    dialWitness: endpoint(v.links.dialWitness, 'links.dialWitness'),
  };
  let options;
  try {
    options = validateOptions((v.options ?? {}) as never);
  } catch (err) {
    throw new ConfigError(`options: ${(err as Error).message}`);
  }
  const logFile = file(v.logFile, 'logFile');
  const cfg: HostConfig = {
    name,
    peer: name === 'a' ? 'b' : 'a',
    initialRole: v.initialRole,
    links,
    options,
    logFile,
    consoleFile: v.consoleFile === undefined ? `${logFile}.console` : file(v.consoleFile, 'consoleFile'),
  };
  if (v.imagePath !== undefined) cfg.imagePath = file(v.imagePath, 'imagePath');
  if (v.solo !== undefined) {
    if (typeof v.solo !== 'boolean') throw new ConfigError('solo must be true or false');
    cfg.solo = v.solo;
  }
  return cfg;
}

export function parseWitnessConfig(v: { host?: unknown; port?: unknown; logFile?: unknown }): WitnessConfig {
  if (typeof v.host !== 'string' || !v.host) throw new ConfigError('--host must be an address such as 127.0.0.1');
  return { host: v.host, port: port(v.port, '--port'), logFile: file(v.logFile, '--log-file') };
}

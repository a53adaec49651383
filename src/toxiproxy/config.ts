/**
 * The proxies a server starts with: a JSON file in the populate format (an array of
 * {name, listen, upstream, enabled?}), as the real server's -config, or the same array inline.
 */
import { readFile } from 'node:fs/promises';
import type { ProxyInput } from './collection.ts';

export type ProxyConfig = string | Array<{ name: string; listen?: string; upstream: string; enabled?: boolean }>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export async function loadConfig(config: ProxyConfig): Promise<ProxyInput[]> {
  let value: unknown = config;
  const where = typeof config === 'string' ? `config file ${config}` : 'config';
  if (typeof config === 'string') {
    let text: string;
    try {
      text = await readFile(config, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read ${where}: ${(err as Error).message}`);
    }
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`${where} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!Array.isArray(value)) throw new ConfigError(`${where} must be a JSON array of proxies`);
  return value.map((item: unknown, i: number) => {
    const p = (item ?? {}) as Record<string, unknown>;
    const str = (k: string): string => {
      const v = p[k] ?? '';
      if (typeof v !== 'string') throw new ConfigError(`${where}: proxy ${i + 1}: "${k}" must be a string`);
      return v;
    };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new ConfigError(`${where}: proxy ${i + 1} must be an object`);
    }
    const enabled = p.enabled ?? true;
    if (typeof enabled !== 'boolean') throw new ConfigError(`${where}: proxy ${i + 1}: "enabled" must be true or false`);
    return { name: str('name'), listen: str('listen'), upstream: str('upstream'), enabled };
  });
}

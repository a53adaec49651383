/**
 * One Allure environment from several parts: the workers of a `cucumber-js --parallel` run
 * (each a run context with its own seed, Toxiproxy and evidence folder) or the shards of a
 * split run. A value all parts agree on is shown once; one that differs is shown per part
 * ("123 (worker 0); 456 (worker 1)"), so every seed stays visible for replay.
 *
 * Each worker saves its part as <results>/.ftchaos-env/<run>-<label>.json, where <run> is the
 * pid of the cucumber process that owns the run (the coordinator: a worker's parent), so a
 * later run into the same folder never mixes in an old part.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EnvironmentPart {
  label: string;
  env: Record<string, string>;
}

const PARTS = '.ftchaos-env';

export function combineEnvironments(parts: readonly EnvironmentPart[]): Record<string, string> {
  if (parts.length === 1) return { ...parts[0]!.env };
  const keys: string[] = [];
  for (const p of parts) for (const k of Object.keys(p.env)) if (!keys.includes(k)) keys.push(k);
  const out: Record<string, string> = {};
  for (const k of keys) {
    const having = parts.filter((p) => p.env[k] !== undefined);
    const values = new Set(having.map((p) => p.env[k]));
    out[k] = values.size === 1 && having.length === parts.length ? [...values][0]! : having.map((p) => `${p.env[k]} (${p.label})`).join('; ');
  }
  return out;
}

/** java.util.Properties as Allure reads it (keys and values with \-escapes), in file order */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const unescape = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // the key ends at the first unescaped '=', ':' or space
    const m = /^((?:\\.|[^\\=: ])*)\s*[=: ]\s*(.*)$/.exec(line);
    if (m) out[unescape(m[1]!)] = unescape(m[2]!);
    else out[unescape(line)] = '';
  }
  return out;
}

/** the id of the cucumber run this process belongs to: the coordinator's pid */
export function cucumberRunId(env: NodeJS.ProcessEnv = process.env): number {
  return env.CUCUMBER_PARALLEL === 'true' ? process.ppid : process.pid;
}

/** "worker 0" under --parallel, else "run" */
export function partLabel(env: NodeJS.ProcessEnv = process.env): string {
  return env.CUCUMBER_WORKER_ID ? `worker ${env.CUCUMBER_WORKER_ID}` : 'run';
}

export function saveEnvironmentPart(resultsDir: string, part: EnvironmentPart, runId = cucumberRunId()): void {
  const dir = join(resultsDir, PARTS);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${runId}-${part.label.replace(/[^a-z0-9]+/gi, '-')}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(part, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** this run's parts, by label (worker 0 before worker 1) */
export function loadEnvironmentParts(resultsDir: string, runId = cucumberRunId()): EnvironmentPart[] {
  let names: string[];
  try {
    names = readdirSync(join(resultsDir, PARTS));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(`${runId}-`) && n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(resultsDir, PARTS, n), 'utf8')) as EnvironmentPart)
    .sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
}

/** the folder of parts, which a merge of results leaves behind */
export const ENVIRONMENT_PARTS_DIR = PARTS;

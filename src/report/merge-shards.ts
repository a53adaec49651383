/**
 * The results of several shards (folders `ftchaos run --shard` wrote) as the results of one
 * run: their Allure results in one folder (result files copied — their names are uuids — and
 * one environment naming every shard's seed), one JUnit file, one verdict table. A merge that
 * would be silently partial (a shard missing or given twice) is an error unless asked for.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { combineEnvironments, ENVIRONMENT_PARTS_DIR, parseProperties, type EnvironmentPart } from './allure-environment.ts';
import { mergeJunit, type MergedJunit } from './junit-merge.ts';
import { writeAllureRunFiles } from '../harness/allure-files.ts';
import { parseShard, type Shard } from '../cli/shard-spec.ts';

export class MergeError extends Error {}

export interface ShardFolder {
  dir: string;
  label: string;
  shard: Shard | null;
}

export interface MergeResult {
  shards: ShardFolder[];
  /** Allure result/container/attachment files copied */
  allureFiles: number;
  /** scenario results (*-result.json) among them */
  allureResults: number;
  junit: MergedJunit['totals'] | null;
  verdicts: boolean;
  notes: string[];
}

/** the run-level files that are combined, not copied */
const RUN_FILES = new Set(['environment.properties', 'environment.xml', 'categories.json', 'executor.json', 'history', ENVIRONMENT_PARTS_DIR, '.formatter.log']);

export function readShardFolder(dir: string): ShardFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MergeError(`${dir} is not a folder (give the folders ftchaos run --shard wrote, e.g. reports/shards/1)`);
  const file = join(dir, 'shard.json');
  let shard: Shard | null = null;
  if (existsSync(file)) {
    let spec: unknown;
    try {
      spec = (JSON.parse(readFileSync(file, 'utf8')) as { shard?: unknown }).shard;
    } catch (err) {
      throw new MergeError(`${file} is not JSON: ${(err as Error).message}`);
    }
    if (typeof spec === 'string') {
      try {
        shard = parseShard(spec);
      } catch (err) {
        throw new MergeError(`${file}: ${(err as Error).message}`);
      }
    }
  }
  return { dir, label: shard ? `shard ${shard.index}/${shard.total}` : basename(dir), shard };
}

/** every shard 1..N exactly once, all of the same N; else what is missing or doubled */
export function checkComplete(folders: readonly ShardFolder[]): string | null {
  const known = folders.filter((f) => f.shard);
  if (known.length === 0) return null;
  const totals = new Set(known.map((f) => f.shard!.total));
  if (totals.size > 1) return `the shards are of different splits (${known.map((f) => f.label).join(', ')})`;
  const total = [...totals][0]!;
  const seen = new Map<number, string>();
  for (const f of known) {
    const other = seen.get(f.shard!.index);
    if (other) return `shard ${f.shard!.index}/${total} is given twice (${other} and ${f.dir})`;
    seen.set(f.shard!.index, f.dir);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  return missing.length ? `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing` : null;
}

function copyAllure(from: string, to: string): { files: number; results: number } {
  let files = 0;
  let results = 0;
  for (const name of readdirSync(from)) {
    if (RUN_FILES.has(name)) continue;
    const src = join(from, name);
    if (!statSync(src).isFile()) continue;
    const dst = join(to, name);
    if (existsSync(dst)) {
      if (readFileSync(dst).equals(readFileSync(src))) continue;
      throw new MergeError(`two shards have a different ${name} (Allure names its files by uuid: was one results folder merged twice under two names?)`);
    }
    copyFileSync(src, dst);
    files++;
    if (name.endsWith('-result.json')) results++;
  }
  return { files, results };
}

export function mergeShards(dirs: readonly string[], into: string, opts: { allowPartial?: boolean } = {}): MergeResult {
  if (dirs.length === 0) throw new MergeError('no shard folders given');
  const shards = dirs.map(readShardFolder);
  const gap = checkComplete(shards);
  if (gap && !opts.allowPartial) throw new MergeError(`${gap}: the merged report would not hold the whole run (--allow-partial merges what is there)`);
  const notes: string[] = gap ? [`partial merge: ${gap}`] : [];
  mkdirSync(into, { recursive: true });

  // Allure
  const allureInto = join(into, 'allure-results');
  const withAllure = shards.filter((s) => existsSync(join(s.dir, 'allure-results')));
  let allureFiles = 0;
  let allureResults = 0;
  if (withAllure.length) {
    rmSync(allureInto, { recursive: true, force: true });
    mkdirSync(allureInto, { recursive: true });
    const parts: EnvironmentPart[] = [];
    for (const s of withAllure) {
      const r = copyAllure(join(s.dir, 'allure-results'), allureInto);
      allureFiles += r.files;
      allureResults += r.results;
      const envFile = join(s.dir, 'allure-results', 'environment.properties');
      if (existsSync(envFile)) parts.push({ label: s.label, env: parseProperties(readFileSync(envFile, 'utf8')) });
    }
    const env = combineEnvironments(parts);
    env.shards = shards.map((s) => s.label).join(', ');
    writeAllureRunFiles(allureInto, env);
    // a shard's own categories (a QA repo may define more) and its CI executor win over the defaults
    for (const name of ['categories.json', 'executor.json']) {
      const from = withAllure.map((s) => join(s.dir, 'allure-results', name)).find((f) => existsSync(f));
      if (from) copyFileSync(from, join(allureInto, name));
    }
    for (const s of shards.filter((x) => !withAllure.includes(x))) notes.push(`${s.dir} has no allure-results/`);
  } else {
    notes.push('no shard has allure-results/: no Allure results merged');
  }

  // JUnit
  const junitInputs = shards.filter((s) => existsSync(join(s.dir, 'junit.xml'))).map((s) => ({ label: s.label, xml: readFileSync(join(s.dir, 'junit.xml'), 'utf8') }));
  let junit: MergedJunit['totals'] | null = null;
  if (junitInputs.length) {
    const merged = mergeJunit(junitInputs);
    writeFileSync(join(into, 'junit.xml'), merged.xml);
    junit = merged.totals;
  }
  for (const s of shards) if (!existsSync(join(s.dir, 'junit.xml'))) notes.push(`${s.dir} has no junit.xml`);

  // verdict tables, one section per shard
  const tables = shards.filter((s) => existsSync(join(s.dir, 'verdicts.txt')));
  if (tables.length) {
    const text = tables.map((s) => `=== ${s.label} (${s.dir}) ===\n\n${readFileSync(join(s.dir, 'verdicts.txt'), 'utf8').trimEnd()}\n`).join('\n');
    writeFileSync(join(into, 'verdicts.txt'), text);
  }
  return { shards, allureFiles, allureResults, junit, verdicts: tables.length > 0, notes };
}

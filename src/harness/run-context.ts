/**
 * What one cucumber run shares across scenarios: the Toxiproxy server (external when
 * TOXIPROXY_URL is set, else embedded), the platform drivers, the run's seed and its
 * evidence folder.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Toxiproxy } from 'toxiproxy-node-client';
import { connectToxiproxy } from '../toxiproxy/connect.ts';
import { closePlatforms, resolvePlatform, warmPlatforms } from './platforms.ts';
import { seenDrivers } from '../platform/command/seen.ts';
import type { PlatformFactory } from './pair.ts';
import type { PlantedBugName } from '../platform/builtin/bugs.ts';

export interface RunContext {
  toxiproxy: Toxiproxy;
  seed: number;
  runDir: string;
  /** `plantedBug`: this scenario's planted bug (a tag), else the run's */
  platformFactory(name?: string, plantedBug?: PlantedBugName): PlatformFactory;
  scenarioDir(n: number, name: string): string;
  /** seeds that steps used (random fault schedules), for the environment */
  noteSeeds(seeds: readonly number[]): void;
  /** what the Allure environment tab shows */
  environment(): Record<string, string>;
  close(): Promise<void>;
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario';
}

/**
 * The run's evidence folder name: its start time, and under `cucumber-js --parallel` the
 * worker ("-w0", "-w1"), since every worker is a run context of its own (own Toxiproxy, seed and
 * scenario numbering) and two may start in the same millisecond.
 */
export function runFolderName(start: Date, env: NodeJS.ProcessEnv = process.env): string {
  const stamp = start.toISOString().replace(/[:.]/g, '-');
  const worker = env.CUCUMBER_WORKER_ID;
  return worker !== undefined && worker !== '' ? `${stamp}-w${slug(worker)}` : stamp;
}

export async function openRunContext(opts: { reportsDir?: string; seed?: number; platform?: string; plantedBug?: PlantedBugName } = {}): Promise<RunContext> {
  if (process.env.TOXIPROXY_URL && Number(process.env.CUCUMBER_TOTAL_WORKERS) > 1) {
    // the proxies are named after the pair ("kv.client.a"): two workers would take each other's
    throw new Error(
      `cucumber-js --parallel ${process.env.CUCUMBER_TOTAL_WORKERS} with one external Toxiproxy (TOXIPROXY_URL=${process.env.TOXIPROXY_URL}): ` +
        'the workers would create proxies of the same names; unset TOXIPROXY_URL so that each worker runs its own embedded Toxiproxy',
    );
  }
  // a bad platform name fails the run once, up front; the builtin agents warm up only when used
  if (opts.platform !== undefined || opts.plantedBug !== undefined) resolvePlatform(opts.platform ?? 'builtin', opts.plantedBug);
  if ((opts.platform ?? 'builtin') === 'builtin') warmPlatforms();
  const tp = await connectToxiproxy();
  const seed = opts.seed ?? (Number(process.env.FTCHAOS_SEED) || Math.floor(Math.random() * 2 ** 31));
  const runDir = join(process.env.FTCHAOS_RUNS_DIR || join(opts.reportsDir ?? 'reports', 'runs'), runFolderName(new Date(), process.env));
  const used = new Set<string>();
  const bugs = new Set<string>();
  const stepSeeds = new Set<number>();
  return {
    toxiproxy: tp.client,
    seed,
    runDir,
    platformFactory(name = 'builtin', plantedBug = opts.plantedBug) {
      const f = resolvePlatform(name, plantedBug);
      used.add(name);
      if (plantedBug) bugs.add(plantedBug);
      return f;
    },
    scenarioDir(n, name) {
      return join(runDir, `${String(n).padStart(3, '0')}-${slug(name)}`);
    },
    noteSeeds(seeds) {
      for (const s of seeds) stepSeeds.add(s);
    },
    environment() {
      const pkg = (name: string) => {
        try {
          return JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')).version as string;
        } catch {
          return 'unknown';
        }
      };
      return {
        platform: [...used].join(', ') || 'builtin',
        // a report never hides that the platform under test had a bug planted on purpose
        ...(bugs.size || opts.plantedBug ? { 'planted bug': [...new Set([...(opts.plantedBug ? [opts.plantedBug] : []), ...bugs])].join(', ') } : {}),
        ...(Object.keys(seenDrivers()).length ? { 'platform driver': Object.entries(seenDrivers()).map(([k, v]) => `${k}: ${v}`).join('; ') } : {}),
        seed: String(seed),
        ...(stepSeeds.size ? { 'fault schedule seeds': [...stepSeeds].join(', ') } : {}),
        toxiproxy: tp.external ? `external ${tp.url}` : `embedded ${tp.url}`,
        node: process.version,
        v86: pkg('v86'),
        cucumber: pkg('@cucumber/cucumber'),
        os: `${process.platform} ${process.arch}`,
        evidence: runDir,
      };
    },
    async close() {
      await closePlatforms();
      await tp.close();
    },
  };
}

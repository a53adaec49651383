/**
 * The FT platforms a scenario can protect its pairs with, by name (world parameter
 * `platform`). Each factory takes the pair's layout (every link through its proxy).
 *
 * The builtin platform draws its processes from a pool of idle, warmed-up agents, replaced
 * between scenarios (set FTCHAOS_AGENT_POOL=off to spawn every process when it is needed).
 */
import { createBuiltinPlatform, DEFAULT_OPTIONS } from '../platform/builtin/index.ts';
import { AgentPool } from '../platform/builtin/agent-pool.ts';
import type { PlatformFactory } from './pair.ts';

let pool: AgentPool | null = null;

function builtinPool(): AgentPool | undefined {
  if (process.env.FTCHAOS_AGENT_POOL === 'off') return undefined;
  if (!pool) {
    pool = new AgentPool({ vm: { memoryMiB: DEFAULT_OPTIONS.memoryMiB } });
    pool.refill();
  }
  return pool;
}

export const platformDrivers: Record<string, PlatformFactory> = {
  builtin: ({ pair, options, layout, logDir, clientEndpoints }) => {
    const p = builtinPool();
    return createBuiltinPlatform({ pair, options, layout, logDir, clientEndpoints, ...(p ? { pool: p } : {}) });
  },
};

/** start the builtin platform's agents early (before the first scenario needs them) */
export function warmPlatforms(): void {
  builtinPool();
}

/** resolves once the platforms' idle agents are ready (the After hook waits: none starts during a scenario) */
export async function platformsSettled(): Promise<void> {
  await pool?.settled();
}

/** stop every idle agent (end of the run) */
export async function closePlatforms(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}

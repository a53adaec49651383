/**
 * The FT platforms a scenario can protect its pairs with, by name (world parameter
 * `platform`). Each factory takes the pair's layout (every link through its proxy).
 *
 * Any other FT platform is named `command:<program> [args]`: a driver program speaking the
 * driver protocol (docs/driver.md), one process per pair.
 *
 * The builtin platform draws its processes from a pool of idle, warmed-up agents, replaced
 * between scenarios (set FTCHAOS_AGENT_POOL=off to spawn every process when it is needed).
 */
import { createBuiltinPlatform, DEFAULT_OPTIONS } from '../platform/builtin/index.ts';
import { AgentPool } from '../platform/builtin/agent-pool.ts';
import type { PlatformFactory } from './pair.ts';
import { CommandPlatform } from '../platform/command/platform.ts';
import { DriverSpecError, isCommandSpec, parseCommandSpec } from '../platform/command/spec.ts';
import { StepInputError } from './params.ts';
import type { PlantedBugName } from '../platform/builtin/bugs.ts';

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

/**
 * the factory for a platform name: a key of platformDrivers, or command:<program> [args];
 * `plantedBug` (src/platform/builtin/bugs.ts) goes into the builtin platform's options
 */
export function resolvePlatform(name: string, plantedBug?: PlantedBugName): PlatformFactory {
  if (plantedBug !== undefined && name !== 'builtin') {
    throw new StepInputError(`planted bug "${plantedBug}" needs the builtin platform, not "${name}": planted bugs are switches of src/platform/builtin/`);
  }
  if (plantedBug !== undefined) {
    const f = platformDrivers.builtin!;
    return (cfg) => f({ ...cfg, options: { ...cfg.options, plantedBug } as typeof cfg.options });
  }
  if (isCommandSpec(name)) {
    let spec;
    try {
      spec = parseCommandSpec(name);
    } catch (err) {
      if (err instanceof DriverSpecError) throw new StepInputError(`platform "${name}": ${err.message}`);
      throw err;
    }
    return (cfg) => new CommandPlatform({ spec, ...cfg });
  }
  const f = Object.prototype.hasOwnProperty.call(platformDrivers, name) ? platformDrivers[name] : undefined;
  if (!f) throw new StepInputError(`unknown platform "${name}"; allowed: ${Object.keys(platformDrivers).join(', ')}, or command:<driver program> [args] (docs/driver.md)`);
  return f;
}

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

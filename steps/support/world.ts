/**
 * The World of one scenario: the scenario runtime (pairs, history, verdicts) plus what the
 * run shares (the Toxiproxy connection, the platform driver, the seed).
 */
import { World, type IWorldOptions } from '@cucumber/cucumber';
import type { ScenarioRuntime } from '../../src/harness/scenario.ts';
import type { PairUnderTest } from '../../src/harness/pair.ts';

export interface FtWorldParameters {
  /** seed for random faults; a failing run is replayed with --world-parameters '{"seed":42}' */
  seed?: number;
  /** which FT platform driver protects the pairs ['builtin'] */
  platform?: string;
  /** a planted bug of the builtin platform (src/platform/builtin/bugs.ts), for `npm run bugs` */
  plantedBug?: string;
  /** ops a new pair answers before the scenario's workload starts; 0: no warm-up [200] */
  warmUpOps?: number;
}

export class FtWorld extends World<FtWorldParameters> {
  runtime: ScenarioRuntime | null = null;
  scenarioName = '';

  constructor(options: IWorldOptions<FtWorldParameters>) {
    super(options);
  }

  get rt(): ScenarioRuntime {
    if (!this.runtime) throw new Error('the scenario runtime is not set up (Before hook did not run)');
    return this.runtime;
  }

  pair(name: string): PairUnderTest {
    return this.rt.pair(name);
  }
}

/**
 * The FT platforms a scenario can protect its pairs with, by name (world parameter
 * `platform`). Each factory takes the pair's layout (every link through its proxy).
 */
import { createBuiltinPlatform } from '../platform/builtin/index.ts';
import type { PlatformFactory } from './pair.ts';

export const platformDrivers: Record<string, PlatformFactory> = {
  builtin: ({ pair, options, layout, logDir, clientEndpoints }) =>
    createBuiltinPlatform({ pair, options, layout, logDir, clientEndpoints }),
};

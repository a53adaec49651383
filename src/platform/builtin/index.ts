/** The builtin reference FT platform: public surface. */
export { BuiltinPlatform, createBuiltinPlatform, type BuiltinPlatformConfig } from './driver.ts';
export { DEFAULT_OPTIONS, PlatformOptionsError, validateOptions, validateLayout, isLoopback } from './options.ts';
export { directLayout, freePort, freePorts } from './ports.ts';
export { liveChildPids, isPidAlive } from './children.ts';

/**
 * The VM layer: one emulated x86 machine (v86 0.5.462) running the guest of fixtures/guest/.
 * Contract: ./types.ts. See ./README.md.
 */
export type { Checkpoint, Delta, Vm, VmConfig } from './types.ts';
export { bootVm, restoreVm, prewarmVm, dropPrewarmed, V86Vm, READY_LINE, DEFAULT_MEMORY_MIB, type VmOptions, type CaptureStats } from './machine.ts';
export { precompile } from './v86.ts';
export { applyDelta, encodeCheckpoint, decodeCheckpoint, encodeDelta, decodeDelta } from './codec.ts';
export type { DirtyTracking, RamStats } from './ram.ts';

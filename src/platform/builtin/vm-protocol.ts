/**
 * Messages between a host's event loop (vm-thread.ts) and its emulator thread (vm-worker.ts).
 * Requests carry an id and are answered in order; 'send' (a request line for the guest) is
 * fire-and-forget. The worker also pushes events: 'ready' once, then a 'line' for every line
 * the guest writes — always before the reply to any capture requested after it was written.
 */
import type { LoopStats } from '../loop-monitor.ts';

export interface VmWorkerData {
  memoryMiB: number;
  vmModule?: string;
  imagePath?: string;
}

export type VmRequest =
  | { id: number; op: 'prepare' | 'warmUp' | 'boot' | 'captureFull' | 'stopVm' }
  /** clearDirtyLate: the planted bug 'dirty-cleared-late' (bugs.ts) */
  | { id: number; op: 'captureDelta'; clearDirtyLate?: boolean }
  | { id: number; op: 'storeFull'; bytes: Uint8Array }
  /** withoutPages: the planted bug 'first-delta-dropped' (bugs.ts) */
  | { id: number; op: 'storeDelta'; bytes: Uint8Array; withoutPages?: boolean }
  | { id: number; op: 'dropStore' | 'prepareSpare' | 'goLive' }
  | { id?: undefined; op: 'send'; line: string };

export type VmReply =
  | { ev: 'ready' }
  | { ev: 'line'; line: string }
  /** the emulator thread's own lateness over the last second (it runs the guest in slices) */
  | { ev: 'loop'; stats: LoopStats }
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: string };

/** a capture: the encoded checkpoint/delta, when it was taken (monoMs) and what it cost */
export interface Capture {
  bytes: Uint8Array;
  time: number;
  ms: number;
}

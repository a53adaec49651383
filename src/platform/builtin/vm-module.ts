/**
 * Loads the VM layer (src/vm/index.ts by default) at run time, typed by the contract in
 * src/vm/types.ts. A different module implementing the same functions can be given (tests).
 */
import { pathToFileURL } from 'node:url';
import type { Checkpoint, Delta, Vm, VmConfig } from '../../vm/types.ts';

export interface VmModule {
  bootVm(cfg?: VmConfig): Promise<Vm>;
  restoreVm(cp: Checkpoint, cfg?: VmConfig): Promise<Vm>;
  applyDelta(base: Checkpoint, d: Delta): Checkpoint;
  encodeCheckpoint(cp: Checkpoint): Uint8Array;
  decodeCheckpoint(b: Uint8Array): Checkpoint;
  encodeDelta(d: Delta): Uint8Array;
  decodeDelta(b: Uint8Array): Delta;
}

/** the default VM layer, by its path (a literal import, so that a bundled emulator thread carries it) */
export const DEFAULT_VM_MODULE = 'src/vm/index.ts';

export async function loadVmModule(spec?: string): Promise<VmModule> {
  const url = !spec ? DEFAULT_VM_MODULE : /^[a-z]+:/.test(spec) ? spec : pathToFileURL(spec).href;
  const m = (!spec ? await import('../../vm/index.ts') : await import(url)) as Partial<VmModule>;
  for (const f of ['bootVm', 'restoreVm', 'applyDelta', 'encodeCheckpoint', 'decodeCheckpoint', 'encodeDelta', 'decodeDelta'] as const) {
    if (typeof m[f] !== 'function') throw new Error(`VM module ${url} does not export ${f}()`);
  }
  return m as VmModule;
}

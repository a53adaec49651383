/**
 * The contract of the VM layer (implemented in src/vm/, used by src/platform/builtin/).
 * One emulated x86 machine (v86) running the guest image from fixtures/guest/.
 */

export interface VmConfig {
  /** guest RAM in MiB [16] */
  memoryMiB?: number;
  /** multiboot image; defaults to the committed fixtures/guest image */
  image?: Uint8Array;
  /** every byte line the guest writes on COM1 also goes here (the serial console log) */
  console?: (line: string) => void;
}

/** Full machine state: enough to start an identical machine elsewhere. */
export interface Checkpoint {
  readonly kind: 'full';
  readonly memoryMiB: number;
  /** guest RAM, memoryMiB * 1 MiB bytes */
  readonly ram: Uint8Array;
  /** everything else (CPU, devices), opaque to the platform */
  readonly device: Uint8Array;
  /** bytes sent to COM1 that the guest had not yet read when the state was captured */
  readonly pendingInput: Uint8Array;
}

/** What changed since the previous capture: dirty 4 KiB RAM pages plus device state. */
export interface Delta {
  readonly kind: 'delta';
  /** page numbers (RAM offset / 4096) */
  readonly pages: Uint32Array;
  /** pages.length * 4096 bytes, page i at offset i * 4096 */
  readonly pageData: Uint8Array;
  readonly device: Uint8Array;
  readonly pendingInput: Uint8Array;
}

export interface Vm {
  /** write one request line (a "\n" is appended) to COM1 */
  sendLine(line: string): void;
  /** called with each complete line the guest writes on COM1 (without the newline) */
  onLine(listener: (line: string) => void): () => void;
  /** capture the full state now (synchronous, consistent); resets the dirty-page baseline */
  captureFull(): Checkpoint;
  /** capture what changed since the previous capture (synchronous, consistent) */
  captureDelta(): Delta;
  /** stop / continue executing guest instructions */
  pause(): void;
  resume(): void;
  /** release the emulator; the process may then exit. Idempotent. */
  destroy(): void;
}

/**
 * Functions the VM layer exports from src/vm/index.ts:
 *   bootVm(cfg?: VmConfig): Promise<Vm>                  boot the image, resolve once the guest serves
 *   restoreVm(cp: Checkpoint, cfg?: VmConfig): Promise<Vm>  fresh machine from a checkpoint, running,
 *                                                           pending serial input re-injected
 *   applyDelta(base: Checkpoint, d: Delta): Checkpoint   (may mutate and return base)
 *   encodeCheckpoint / decodeCheckpoint, encodeDelta / decodeDelta: Uint8Array wire forms
 */
export {};

/**
 * One emulated x86 machine running the guest: boot or restore, serial lines, checkpoints.
 * Implements the Vm contract of ./types.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../threads/entries.ts';
import { randomInt } from 'node:crypto';
import type { Checkpoint, Delta, Vm, VmConfig } from './types.ts';
import { createEmulator, type Emulator, type V86Core, type V86Uart } from './v86.ts';
import { DeviceCapture, blobTag, type Chain } from './devstate.ts';
import { GuestRam, type DirtyTracking, type RamStats } from './ram.ts';

export interface VmOptions extends VmConfig {
  /** how captureDelta() finds changed RAM pages: MMU dirty bits, or a full compare ['mmu'] */
  dirtyTracking?: DirtyTracking;
  /** bootVm() gives up when the guest has not said READY after this long [20000] */
  bootTimeoutMs?: number;
}

export const DEFAULT_MEMORY_MIB = 16;
/** the guest image ends at ~7.1 MiB and v86 needs it below the end of RAM */
export const MIN_MEMORY_MIB = 8;
export const MAX_MEMORY_MIB = 1024;
export const READY_LINE = '- READY';
const PANIC_PREFIX = '- PANIC';
const MAX_LINE_BYTES = 64 * 1024;

export const DEFAULT_IMAGE_URL = path.join(PACKAGE_ROOT, 'fixtures/guest/guest.elf');
let defaultImage: Uint8Array | null = null;

export function loadDefaultImage(): Uint8Array {
  if (!defaultImage) defaultImage = new Uint8Array(readFileSync(DEFAULT_IMAGE_URL));
  return defaultImage;
}

export function checkMemoryMiB(m: unknown): number {
  if (typeof m !== 'number' || !Number.isInteger(m) || m < MIN_MEMORY_MIB || m > MAX_MEMORY_MIB) {
    throw new Error(`src/vm: memoryMiB must be an integer from ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB} (got ${String(m)})`);
  }
  return m;
}

/** cost and size of the last capture (for benchmarks and logs) */
export interface CaptureStats {
  kind: 'full' | 'delta';
  ms: number;
  ram: RamStats;
  deviceBytes: number;
}

const utf8 = new TextDecoder();
const utf8enc = new TextEncoder();

export class V86Vm implements Vm {
  readonly memoryMiB: number;
  /** cost of the last captureFull()/captureDelta() */
  lastCapture: CaptureStats | null = null;
  private readonly core: V86Core;
  private readonly uart: V86Uart;
  private readonly ram: GuestRam;
  private readonly dev: DeviceCapture;
  private readonly listeners = new Set<(line: string) => void>();
  private consoleFn: ((line: string) => void) | undefined;
  private lineBuf = new Uint8Array(512);
  private lineLen = 0;
  private readonly pendingLines: string[] = [];
  private flushQueued = false;
  private destroyed = false;
  private paused = false;
  private readonly vmId = randomInt(1, 2 ** 32 - 1);
  private seq = 0;
  /** the capture (or restored checkpoint) the next delta is relative to */
  private base: Chain | null = null;

  constructor(
    private readonly emu: Emulator,
    memoryMiB: number,
    opts: VmOptions,
  ) {
    this.memoryMiB = memoryMiB;
    this.core = emu.v86;
    const cpu = this.core.cpu;
    this.uart = cpu.devices.uart0;
    this.ram = new GuestRam(cpu, opts.dirtyTracking ?? 'mmu');
    this.dev = new DeviceCapture(cpu);
    this.consoleFn = opts.console;
    emu.add_listener('serial0-output-byte', this.onByte);
  }

  /** (a spare machine) take the options of the restoreVm() call that uses it */
  configure(opts: VmOptions): void {
    this.consoleFn = opts.console;
    this.ram.tracking = opts.dirtyTracking ?? 'mmu';
  }

  /**
   * (a spare machine, not started) run the capture and restore code paths once on this
   * machine's own initial state, and touch all of its memory, so that the real restore
   * during a failover finds everything compiled and paged in
   */
  rehearseRestore(): void {
    this.ram.view().fill(0);
    this.restore(this.captureFull());
    this.base = null;
    this.lastCapture = null;
  }

  // ---------------------------------------------------------------- serial

  private readonly onByte = (b: number): void => {
    if (b !== 10) {
      if (this.lineLen === this.lineBuf.length) {
        if (this.lineLen >= MAX_LINE_BYTES) {
          this.endLine(); // a runaway line is cut rather than buffered forever
        } else {
          const bigger = new Uint8Array(this.lineBuf.length * 2);
          bigger.set(this.lineBuf);
          this.lineBuf = bigger;
        }
      }
      this.lineBuf[this.lineLen++] = b;
      return;
    }
    this.endLine();
  };

  private endLine(): void {
    this.pendingLines.push(utf8.decode(this.lineBuf.subarray(0, this.lineLen)));
    this.lineLen = 0;
    // Lines are delivered after the emulator slice that produced them, never from inside it:
    // a listener may then capture a consistent checkpoint (the CPU is between instructions).
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushLines);
    }
  }

  private readonly flushLines = (): void => {
    this.flushQueued = false;
    const lines = this.pendingLines.splice(0);
    for (const line of lines) {
      if (this.destroyed) return;
      if (this.consoleFn) this.deliver(this.consoleFn, line);
      for (const l of this.listeners) this.deliver(l, line);
    }
  };

  private deliver(l: (line: string) => void, line: string): void {
    try {
      l(line);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  sendLine(line: string): void {
    if (line.includes('\n')) throw new Error('src/vm: sendLine() takes one line (no "\\n")');
    if (this.destroyed) return;
    this.inject(utf8enc.encode(line + '\n'));
  }

  /** queue bytes in the UART as if received, raising its interrupt once */
  private inject(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const input = this.uart.input;
    for (let i = 0; i < bytes.length - 1; i++) input.push(bytes[i]);
    this.uart.data_received(bytes[bytes.length - 1]);
  }

  onLine(listener: (line: string) => void): () => void {
    const l = (line: string) => listener(line);
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  }

  /** bytes of the line the guest is writing (a capture may fall between two slices mid-line) */
  private partialOutput(): Uint8Array {
    return this.lineBuf.slice(0, this.lineLen);
  }

  /** bytes sent to the guest that it has not read yet */
  pendingInput(): Uint8Array {
    return Uint8Array.from(this.uart.input);
  }

  // ---------------------------------------------------------------- checkpoints

  private alive(what: string): void {
    if (this.destroyed) throw new Error(`src/vm: ${what}() on a destroyed VM`);
  }

  private nextChain(): Chain {
    this.seq = (this.seq + 1) >>> 0;
    return { vm: this.vmId, seq: this.seq };
  }

  captureFull(): Checkpoint {
    this.alive('captureFull');
    const t0 = performance.now();
    const chain = this.nextChain();
    const pendingInput = this.pendingInput();
    const ram = this.ram.full();
    const device = this.dev.full(chain, this.partialOutput());
    this.base = chain;
    this.lastCapture = { kind: 'full', ms: performance.now() - t0, ram: this.ram.stats, deviceBytes: device.length };
    return { kind: 'full', memoryMiB: this.memoryMiB, ram, device, pendingInput };
  }

  /** `o.clearDirtyLate`: the planted bug 'dirty-cleared-late' (call clearDirtyLate() after the guest ran on) */
  captureDelta(o: { clearDirtyLate?: boolean } = {}): Delta {
    this.alive('captureDelta');
    if (!this.base) throw new Error('src/vm: captureDelta() needs a baseline: call captureFull() first');
    const t0 = performance.now();
    const base = this.base;
    const chain = this.nextChain();
    const pendingInput = this.pendingInput();
    const { pages, data } = this.ram.delta(o.clearDirtyLate === true);
    const device = this.dev.delta(base, chain, this.partialOutput());
    this.base = chain;
    this.lastCapture = { kind: 'delta', ms: performance.now() - t0, ram: this.ram.stats, deviceBytes: device.length };
    return { kind: 'delta', pages, pageData: data, device, pendingInput };
  }

  /** planted bug 'dirty-cleared-late': clear the dirty bits the last delta left set */
  clearDirtyLate(): void {
    this.ram.clearLate();
  }

  /** load a checkpoint into this (not yet started) machine */
  restore(cp: Checkpoint): void {
    const { chain, partialOutput } = blobTag(cp.device);
    const d = cp.device;
    const exact = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength ? (d.buffer as ArrayBuffer) : d.slice().buffer;
    // v86 zero-fills all of RAM before unpacking the (here: no) saved pages; all of RAM is
    // written right after, so skip that
    const cpu = this.core.cpu;
    const unpack = cpu.unpack_memory;
    cpu.unpack_memory = () => {};
    try {
      this.core.restore_state(exact);
    } finally {
      cpu.unpack_memory = unpack;
    }
    this.ram.load(cp.ram);
    this.dev.setBaseline(cp.device);
    this.base = chain;
    // the guest had begun a line: it will write only the rest of it
    this.lineLen = 0;
    for (const b of partialOutput) this.onByte(b);
    // v86 does not save the UART's receive queue: feed the bytes in flight back in
    const uart = this.uart;
    uart.input.length = 0;
    if (cp.pendingInput.length > 0) {
      this.core.cpu.device_lower_irq(uart.irq); // make sure re-raising it is an edge
      this.inject(cp.pendingInput);
    } else {
      uart.lsr &= ~1;
    }
  }

  // ---------------------------------------------------------------- run control

  start(): void {
    this.alive('start');
    this.core.run();
  }

  pause(): void {
    if (this.destroyed || this.paused) return;
    this.paused = true;
    this.core.stop();
  }

  resume(): void {
    if (this.destroyed || !this.paused) return;
    this.paused = false;
    this.core.run();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emu.remove_listener('serial0-output-byte', this.onByte);
    this.listeners.clear();
    this.pendingLines.length = 0;
    this.core.stop();
    this.emu.destroy().catch(() => {});
  }

  /** resolves with the first line for which `match` returns true; rejects after ms */
  waitForLine(match: (line: string) => boolean, ms: number, fail?: (line: string) => boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`src/vm: no matching guest line within ${ms} ms`));
      }, ms);
      const off = this.onLine((line) => {
        if (match(line)) {
          clearTimeout(timer);
          off();
          resolve(line);
        } else if (fail?.(line)) {
          clearTimeout(timer);
          off();
          reject(new Error(`src/vm: guest failed: ${line}`));
        }
      });
    });
  }
}

function imageOf(cfg: VmConfig): Uint8Array {
  return cfg.image ?? loadDefaultImage();
}

/** a machine created ahead of time for restoreVm() (not started) */
interface Spare {
  memoryMiB: number;
  image: Uint8Array;
  ready: Promise<V86Vm>;
}
const spares: Spare[] = [];

async function makeSpare(memoryMiB: number, image: Uint8Array): Promise<V86Vm> {
  const emu = await createEmulator({ memoryBytes: memoryMiB * 1024 * 1024, image });
  const vm = new V86Vm(emu, memoryMiB, {});
  try {
    vm.rehearseRestore();
  } catch (err) {
    vm.destroy();
    throw err;
  }
  return vm;
}

/**
 * Prepare a machine for a later restoreVm() with the same memoryMiB and image, so that the
 * restore itself is quick: a failover then skips creating the emulator (~30-100 ms) and finds
 * the restore path warm (~10 ms instead of ~40-70 ms). Optional: restoreVm() works without
 * it. Each call prepares one machine; each restoreVm() uses one up. A prepared machine does
 * not keep the process alive; dropPrewarmed() releases them.
 */
export async function prewarmVm(cfg: VmOptions = {}): Promise<void> {
  const memoryMiB = checkMemoryMiB(cfg.memoryMiB ?? DEFAULT_MEMORY_MIB);
  const image = imageOf(cfg);
  const spare: Spare = { memoryMiB, image, ready: makeSpare(memoryMiB, image) };
  spares.push(spare);
  try {
    await spare.ready;
  } catch (err) {
    const i = spares.indexOf(spare);
    if (i >= 0) spares.splice(i, 1);
    throw err;
  }
}

/** release machines prepared by prewarmVm() and not used */
export function dropPrewarmed(): void {
  for (const s of spares.splice(0)) s.ready.then((vm) => vm.destroy()).catch(() => {});
}

async function machineFor(memoryMiB: number, cfg: VmOptions): Promise<V86Vm> {
  const image = imageOf(cfg);
  const i = spares.findIndex((s) => s.memoryMiB === memoryMiB && s.image === image);
  if (i >= 0) {
    const [s] = spares.splice(i, 1);
    try {
      const vm = await s.ready;
      vm.configure(cfg);
      return vm;
    } catch {
      // preparing it failed: make a fresh one
    }
  }
  const emu = await createEmulator({ memoryBytes: memoryMiB * 1024 * 1024, image });
  return new V86Vm(emu, memoryMiB, cfg);
}

/** boot the guest image; resolves once the guest serves (printed its READY line) */
export async function bootVm(cfg: VmOptions = {}): Promise<V86Vm> {
  const memoryMiB = checkMemoryMiB(cfg.memoryMiB ?? DEFAULT_MEMORY_MIB);
  const emu = await createEmulator({ memoryBytes: memoryMiB * 1024 * 1024, image: imageOf(cfg) });
  const vm = new V86Vm(emu, memoryMiB, cfg);
  try {
    const ready = vm.waitForLine((l) => l === READY_LINE, cfg.bootTimeoutMs ?? 20000, (l) => l.startsWith(PANIC_PREFIX));
    vm.start();
    await ready;
  } catch (err) {
    vm.destroy();
    throw err;
  }
  return vm;
}

/** a fresh, running machine from a checkpoint, with its pending serial input re-injected */
export async function restoreVm(cp: Checkpoint, cfg: VmOptions = {}): Promise<V86Vm> {
  if (cp.kind !== 'full') throw new Error('src/vm: restoreVm() takes a full checkpoint');
  const memoryMiB = checkMemoryMiB(cp.memoryMiB);
  if (cfg.memoryMiB !== undefined && cfg.memoryMiB !== memoryMiB) {
    throw new Error(`src/vm: checkpoint has ${memoryMiB} MiB of RAM, config asks for ${cfg.memoryMiB}`);
  }
  if (cp.ram.length !== memoryMiB * 1024 * 1024) {
    throw new Error(`src/vm: checkpoint RAM is ${cp.ram.length} bytes, expected ${memoryMiB} MiB`);
  }
  const vm = await machineFor(memoryMiB, cfg);
  try {
    vm.restore(cp);
    vm.start();
  } catch (err) {
    vm.destroy();
    throw err;
  }
  return vm;
}

/**
 * Everything that touches v86 directly: creating an emulator (shared compiled wasm module),
 * and the few internals of v86 0.5.462 the VM layer relies on (typed here, checked at
 * run time so that a different v86 build fails loudly instead of silently misbehaving).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { V86, type V86Options } from 'v86';

const require = createRequire(import.meta.url);

/** the typed-array-like objects v86 hands out (some are Proxies over wasm memory) */
export interface TypedArrayLike {
  readonly BYTES_PER_ELEMENT: number;
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly length: number;
  readonly constructor: { name: string };
  [i: number]: number;
}

export interface V86Uart {
  /** bytes received from the host, not yet read by the guest (not part of v86's saved state) */
  input: number[];
  lsr: number;
  irq: number;
  data_received(byte: number): void;
}

export interface V86Bitmap {
  get_buffer(): ArrayBuffer;
}

export interface V86Cpu {
  mem8: TypedArrayLike;
  memory_size: TypedArrayLike;
  cr: TypedArrayLike;
  wasm_memory: WebAssembly.Memory;
  devices: { uart0: V86Uart } & Record<string, unknown>;
  get_state(): unknown[];
  pack_memory(): { bitmap: V86Bitmap; packed_memory: Uint8Array };
  unpack_memory(bitmap: unknown, packed: Uint8Array): void;
  full_clear_tlb(): void;
  jit_clear_cache(): void;
  device_lower_irq(irq: number): void;
}

export interface V86Core {
  cpu: V86Cpu;
  running: boolean;
  stopping: boolean;
  run(): void;
  stop(): void;
  restore_state(state: ArrayBuffer): void;
  yield(t: number, tick: number): void;
  yield_callback(tick: number): void;
}

export type Emulator = V86 & { v86: V86Core };

/** fail early and clearly if the installed v86 is not the build this layer was written for */
export function checkInternals(emu: Emulator): void {
  const core = emu.v86;
  const cpu = core?.cpu;
  const missing: string[] = [];
  const need = (ok: unknown, what: string) => {
    if (!ok) missing.push(what);
  };
  need(core && typeof core.restore_state === 'function', 'v86.restore_state');
  need(core && typeof core.yield === 'function' && typeof core.yield_callback === 'function', 'v86.yield');
  need(cpu && typeof cpu.get_state === 'function', 'cpu.get_state');
  need(cpu && typeof cpu.pack_memory === 'function', 'cpu.pack_memory');
  need(cpu && typeof cpu.unpack_memory === 'function', 'cpu.unpack_memory');
  need(cpu && typeof cpu.full_clear_tlb === 'function', 'cpu.full_clear_tlb');
  need(cpu && typeof cpu.jit_clear_cache === 'function', 'cpu.jit_clear_cache');
  need(cpu && typeof cpu.device_lower_irq === 'function', 'cpu.device_lower_irq');
  need(cpu && cpu.mem8 && cpu.cr && cpu.wasm_memory instanceof WebAssembly.Memory, 'cpu.mem8/cr/wasm_memory');
  const uart = cpu?.devices?.uart0;
  need(uart && Array.isArray(uart.input) && typeof uart.data_received === 'function', 'uart0.input/data_received');
  if (missing.length) {
    throw new Error(`src/vm: unsupported v86 build (missing internals: ${missing.join(', ')}); ftchaos pins v86 0.5.462`);
  }
}

let wasmModule: Promise<WebAssembly.Module> | null = null;

/** compile v86's wasm now (once per process), so that the first emulator does not wait for it */
export async function precompile(): Promise<void> {
  await compiledWasm();
}

/** v86's wasm, compiled once per process and instantiated per emulator */
function compiledWasm(): Promise<WebAssembly.Module> {
  if (!wasmModule) {
    const path = require.resolve('v86/build/v86.wasm');
    wasmModule = readFile(path).then((bytes) => WebAssembly.compile(bytes));
    wasmModule.catch(() => {
      wasmModule = null;
    });
  }
  return wasmModule;
}

export interface EmulatorOptions {
  memoryBytes: number;
  image: Uint8Array;
}

export const VGA_MEMORY_BYTES = 256 * 1024;
const LOAD_TIMEOUT_MS = 20_000;

/** a new emulator, initialised but not started ("emulator-loaded" has fired) */
export async function createEmulator(o: EmulatorOptions): Promise<Emulator> {
  const mod = await compiledWasm();
  const image = o.image.slice().buffer; // v86 wants an exact ArrayBuffer
  const options: V86Options = {
    wasm_fn: async (env: WebAssembly.Imports) => (await WebAssembly.instantiate(mod, env)).exports,
    multiboot: { buffer: image },
    memory_size: o.memoryBytes,
    vga_memory_size: VGA_MEMORY_BYTES,
    autostart: false,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
    // v86 bug: restore_state() throws ('original_bar') on a machine without a hard disk
    hda: { buffer: new ArrayBuffer(512) },
  };
  const emu = new V86(options) as Emulator;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      emu.remove_listener('emulator-loaded', done);
      emu.destroy().catch(() => {});
      reject(new Error(`src/vm: v86 did not initialise within ${LOAD_TIMEOUT_MS} ms`));
    }, LOAD_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      emu.remove_listener('emulator-loaded', done);
      resolve();
    };
    emu.add_listener('emulator-loaded', done);
  });
  checkInternals(emu);
  installIdleYield(emu.v86);
  return emu;
}

/**
 * v86 in Node sleeps with setTimeout(t) for t >= 1 ms and spins with setImmediate below
 * that. Node's timers have whole-millisecond resolution and fire up to 1 ms early, so a halted
 * guest with a 100 Hz timer ends up spinning for the last millisecond of every tick (~50k
 * wake-ups/s, ~10 % of a core). Round sleeps up instead: a halted guest then wakes once per
 * timer tick. Guests that are running (t = 0) still continue immediately, and input wakes a
 * halted guest immediately through v86's own stop_idling path.
 */
function installIdleYield(core: V86Core): void {
  core.yield = function (this: V86Core, t: number, tick: number): void {
    if (t > 0) setTimeout(() => this.yield_callback(tick), Math.max(1, Math.ceil(t)));
    else setImmediate(() => this.yield_callback(tick));
  };
}

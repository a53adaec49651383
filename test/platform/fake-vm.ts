/**
 * A stand-in for the VM layer (same exports as src/vm/index.ts) with a JavaScript "guest"
 * speaking the guest protocol. Lets the platform's logic be tested quickly and without v86;
 * the integration tests use the real VM.
 */
import type { Checkpoint, Delta, Vm, VmConfig } from '../../src/vm/types.ts';

interface State {
  ticks: number;
  work: number;
  workOn: boolean;
  kv: Record<string, string>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

class FakeVm implements Vm {
  private listeners = new Set<(l: string) => void>();
  private input: string[] = [];
  private paused = false;
  private dead = false;
  private timer: NodeJS.Timeout;
  private pump: NodeJS.Immediate | null = null;

  constructor(
    private st: State,
    pending: string[],
    private readonly cfg: VmConfig,
  ) {
    this.input = pending;
    this.timer = setInterval(() => {
      if (!this.paused) this.st.ticks++;
      if (this.st.workOn && !this.paused) this.st.work += 100;
    }, 10);
    this.kick();
  }

  private kick(): void {
    if (this.pump || this.dead) return;
    this.pump = setImmediate(() => {
      this.pump = null;
      if (this.paused || this.dead) return;
      const batch = this.input.splice(0, 64);
      for (const l of batch) this.out(this.exec(l));
      if (this.input.length) this.kick();
    });
  }

  private out(line: string): void {
    this.cfg.console?.(line);
    for (const l of this.listeners) l(line);
  }

  private exec(line: string): string {
    const [id, cmd, ...args] = line.split(' ');
    switch (cmd) {
      case 'PING':
        return `${id} PONG ${this.st.ticks}`;
      case 'SET':
        this.st.kv[args[0]] = args.slice(1).join(' ');
        return `${id} OK`;
      case 'GET':
        return args[0] in this.st.kv ? `${id} VAL ${this.st.kv[args[0]]}` : `${id} NIL`;
      case 'INCR': {
        const n = Number(this.st.kv[args[0]] ?? 0) + 1;
        this.st.kv[args[0]] = String(n);
        return `${id} INT ${n}`;
      }
      case 'STAT':
        return `${id} STAT ticks=${this.st.ticks} keys=${Object.keys(this.st.kv).length} work=${this.st.work}`;
      case 'WORK':
        this.st.workOn = args[0] === 'on';
        return `${id} OK`;
      default:
        return `${id} ERR UNKNOWN_COMMAND`;
    }
  }

  sendLine(line: string): void {
    this.input.push(line);
    this.kick();
  }
  onLine(l: (line: string) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  captureFull(): Checkpoint {
    return { kind: 'full', memoryMiB: 1, ram: new Uint8Array(16), device: enc.encode(JSON.stringify(this.st)), pendingInput: enc.encode(this.input.join('\n')) };
  }
  captureDelta(): Delta {
    return { kind: 'delta', pages: new Uint32Array(0), pageData: new Uint8Array(0), device: enc.encode(JSON.stringify(this.st)), pendingInput: enc.encode(this.input.join('\n')) };
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.kick();
  }
  destroy(): void {
    this.dead = true;
    clearInterval(this.timer);
  }
}

export async function bootVm(cfg: VmConfig = {}): Promise<Vm> {
  const vm = new FakeVm({ ticks: 0, work: 0, workOn: false, kv: {} }, [], cfg);
  setImmediate(() => cfg.console?.('- READY'));
  return vm;
}

export async function restoreVm(cp: Checkpoint, cfg: VmConfig = {}): Promise<Vm> {
  const pending = dec.decode(cp.pendingInput);
  return new FakeVm(JSON.parse(dec.decode(cp.device)) as State, pending ? pending.split('\n') : [], cfg);
}

export function applyDelta(base: Checkpoint, d: Delta): Checkpoint {
  return { ...base, device: d.device, pendingInput: d.pendingInput };
}

function pack(parts: Uint8Array[]): Uint8Array {
  let n = 4 * parts.length;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  let off = 0;
  for (const p of parts) {
    dv.setUint32(off, p.length);
    out.set(p, off + 4);
    off += 4 + p.length;
  }
  return out;
}

function unpack(b: Uint8Array, count: number): Uint8Array[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Uint8Array[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    const n = dv.getUint32(off);
    out.push(b.slice(off + 4, off + 4 + n));
    off += 4 + n;
  }
  return out;
}

export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  return pack([cp.ram, cp.device, cp.pendingInput]);
}
export function decodeCheckpoint(b: Uint8Array): Checkpoint {
  const [ram, device, pendingInput] = unpack(b, 3);
  return { kind: 'full', memoryMiB: 1, ram, device, pendingInput };
}
export function encodeDelta(d: Delta): Uint8Array {
  return pack([d.device, d.pendingInput]);
}
export function decodeDelta(b: Uint8Array): Delta {
  const [device, pendingInput] = unpack(b, 2);
  return { kind: 'delta', pages: new Uint32Array(0), pageData: new Uint8Array(0), device, pendingInput };
}

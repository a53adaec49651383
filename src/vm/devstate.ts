/**
 * Device (CPU + devices, everything but guest RAM) state of a v86 machine.
 *
 * The full form is exactly v86's own saved-state format (so restore is v86's restore_state),
 * produced with guest RAM left out: v86's save_state() scans and packs all of RAM, which is
 * the expensive part; the VM layer carries RAM separately. The serializer mirrors v86's
 * save_object() (src/state.js) but keeps the typed arrays as views and turns each top-level
 * entry of the CPU state into JSON of its own, so a delta carries only the entries whose JSON
 * changed and the 4 KiB chunks of device buffers that changed (idle: ~0.5 KB instead of the
 * ~1.4 MB of a full device state).
 *
 * The JSON info block also carries a tag: the capture's chain position {vm, seq} (deltas name
 * the capture they apply to, so applying one to the wrong base fails instead of corrupting),
 * and the guest's partial serial output line (bytes of a line the guest had begun writing when
 * the state was captured: a restored guest writes only the rest of that line).
 */
import type { TypedArrayLike, V86Bitmap, V86Cpu } from './v86.ts';

const STATE_MAGIC = -2039052682; // v86 STATE_MAGIC
const STATE_VERSION = 6; // v86 STATE_VERSION
const DELTA_MAGIC = 0x56444446; // "FDDV"
const CHUNK = 4096;
/** flags of a device delta */
const FULL_LAYOUT = 1;
const HEADER = 44;

export interface Chain {
  vm: number;
  seq: number;
}

/** what the info block's "ftchaos" key holds */
interface Tag extends Chain {
  /** partial serial output line, base64 (absent when empty) */
  out?: string;
}

function tagOf(chain: Chain, out: Uint8Array): Tag {
  return out.length ? { vm: chain.vm, seq: chain.seq, out: Buffer.from(out).toString('base64') } : { vm: chain.vm, seq: chain.seq };
}

interface SavedTyped {
  __state_type__: string;
  buffer_id: number;
}

function isTypedLike(o: object): o is TypedArrayLike {
  return typeof (o as TypedArrayLike).BYTES_PER_ELEMENT === 'number';
}

/** mirror of v86's save_object(): typed arrays become {__state_type__, buffer_id} */
function saveObject(obj: unknown, buffers: Uint8Array[]): unknown {
  if (typeof obj !== 'object' || obj === null) return obj;
  if (Array.isArray(obj)) {
    // arrays of plain values (most of them) are used as they are
    let out: unknown[] | null = null;
    for (let i = 0; i < obj.length; i++) {
      const x: unknown = obj[i];
      if (typeof x === 'object' && x !== null) {
        out ??= obj.slice();
        out[i] = saveObject(x, buffers);
      }
    }
    return out ?? obj;
  }
  if (obj instanceof Map) {
    return {
      __state_type__: 'Map',
      args: Array.from(obj.entries()).map(([k, v]) => [saveObject(k, buffers), saveObject(v, buffers)]),
    };
  }
  if (isTypedLike(obj)) {
    const view = new Uint8Array(obj.buffer as ArrayBuffer, obj.byteOffset, obj.length * obj.BYTES_PER_ELEMENT);
    const r: SavedTyped = { __state_type__: obj.constructor.name.replace('bound ', ''), buffer_id: buffers.push(view) - 1 };
    return r;
  }
  const withState = obj as { get_state?: () => unknown[] };
  if (typeof withState.get_state !== 'function') throw new Error('src/vm: v86 state object without get_state()');
  const st = withState.get_state();
  const out: unknown[] = [];
  for (let i = 0; i < st.length; i++) out[i] = saveObject(st[i], buffers);
  return out;
}

const align4 = (n: number) => (n + 3) & ~3;

interface BufferInfo {
  offset: number;
  length: number;
}

function layout(lengths: ArrayLike<number>): { infos: BufferInfo[]; total: number } {
  const infos: BufferInfo[] = [];
  let total = 0;
  for (let i = 0; i < lengths.length; i++) {
    infos.push({ offset: total, length: lengths[i] });
    total = align4(total + lengths[i]);
  }
  return { infos, total };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Captures device state of one emulator. Keeps a copy of every device buffer and state entry
 * as of the last capture, so that delta() can send only what changed.
 */
export class DeviceCapture {
  private readonly zeroBitmap: V86Bitmap;
  private excludeRam = false;
  /** device buffers and top-level state entries (JSON) as of the last capture */
  private prev: Uint8Array[] | null = null;
  private prevParts: string[] | null = null;

  constructor(private readonly cpu: V86Cpu) {
    // save_state packs all of RAM through cpu.pack_memory(); while we capture, it packs nothing
    const original = cpu.pack_memory;
    const pages = Math.ceil(cpu.memory_size[0] / CHUNK);
    // v86's page bitmap: one bit per page, all clear = no page stored
    const bits = new ArrayBuffer((pages + 7) >> 3);
    this.zeroBitmap = { get_buffer: () => bits };
    const empty = new Uint8Array(0);
    const self = this;
    cpu.pack_memory = function (this: V86Cpu) {
      if (self.excludeRam) return { bitmap: self.zeroBitmap, packed_memory: empty };
      return original.call(this);
    };
  }

  /** the top-level entries of v86's CPU state, each as JSON, and the buffers they refer to */
  private collect(): { parts: string[]; buffers: Uint8Array[] } {
    let st: unknown[];
    this.excludeRam = true;
    try {
      st = this.cpu.get_state();
    } finally {
      this.excludeRam = false;
    }
    const buffers: Uint8Array[] = [];
    const parts: string[] = new Array(st.length);
    for (let i = 0; i < st.length; i++) parts[i] = JSON.stringify(saveObject(st[i], buffers)) ?? 'null';
    return { parts, buffers };
  }

  /** full device state in v86's saved-state format; becomes the baseline for delta() */
  full(chain: Chain, partialOutput: Uint8Array): Uint8Array {
    const { parts, buffers } = this.collect();
    this.prevParts = parts;
    this.prev = buffers.map((b) => b.slice());
    return buildBlob(infoJson(parts, this.prev, tagOf(chain, partialOutput)), this.prev);
  }

  /** make `blob` (as restored) the baseline for delta() */
  setBaseline(blob: Uint8Array): void {
    const parsed = parseBlob(blob);
    this.prevParts = parsed.info.state.map((x) => JSON.stringify(x) ?? 'null');
    this.prev = parsed.buffers.map((b) => b.slice());
  }

  /** what changed since the last capture, in the form applyDeviceDelta() takes */
  delta(base: Chain, chain: Chain, partialOutput: Uint8Array): Uint8Array {
    if (!this.prev || !this.prevParts) throw new Error('src/vm: no device baseline (captureFull() first)');
    const { parts, buffers } = this.collect();
    const prev = this.prev;
    const prevParts = this.prevParts;
    const sameLayout =
      prev.length === buffers.length && parts.length === prevParts.length && buffers.every((b, i) => b.length === prev[i].length);
    const changedParts: number[] = [];
    const patches: { id: number; offset: number; length: number }[] = [];
    if (!sameLayout) {
      this.prev = buffers.map((b) => b.slice());
      this.prev.forEach((b, id) => patches.push({ id, offset: 0, length: b.length }));
      parts.forEach((_, i) => changedParts.push(i));
    } else {
      for (let i = 0; i < parts.length; i++) if (parts[i] !== prevParts[i]) changedParts.push(i);
      for (let id = 0; id < buffers.length; id++) {
        const cur = buffers[id];
        const old = prev[id];
        if (bytesEqual(cur, old)) continue;
        if (cur.length <= CHUNK) {
          old.set(cur);
          patches.push({ id, offset: 0, length: cur.length });
          continue;
        }
        for (let off = 0; off < cur.length; off += CHUNK) {
          const end = Math.min(cur.length, off + CHUNK);
          const c = cur.subarray(off, end);
          const o = old.subarray(off, end);
          if (bytesEqual(c, o)) continue;
          o.set(c);
          patches.push({ id, offset: off, length: end - off });
        }
      }
    }
    this.prevParts = parts;
    const bufs = this.prev!;
    const partBytes = changedParts.map((i) => enc.encode(parts[i]));
    let size = HEADER + align4(partialOutput.length) + 4 * bufs.length;
    for (const b of partBytes) size += 8 + align4(b.length);
    for (const p of patches) size += 12 + align4(p.length);
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, DELTA_MAGIC, true);
    dv.setUint32(4, sameLayout ? 0 : FULL_LAYOUT, true);
    dv.setUint32(8, base.vm, true);
    dv.setUint32(12, base.seq, true);
    dv.setUint32(16, chain.vm, true);
    dv.setUint32(20, chain.seq, true);
    dv.setUint32(24, parts.length, true);
    dv.setUint32(28, changedParts.length, true);
    dv.setUint32(32, bufs.length, true);
    dv.setUint32(36, patches.length, true);
    dv.setUint32(40, partialOutput.length, true);
    out.set(partialOutput, HEADER);
    let pos = HEADER + align4(partialOutput.length);
    for (const b of bufs) {
      dv.setUint32(pos, b.length, true);
      pos += 4;
    }
    changedParts.forEach((idx, k) => {
      dv.setUint32(pos, idx, true);
      dv.setUint32(pos + 4, partBytes[k].length, true);
      out.set(partBytes[k], pos + 8);
      pos += 8 + align4(partBytes[k].length);
    });
    for (const p of patches) {
      dv.setUint32(pos, p.id, true);
      dv.setUint32(pos + 4, p.offset, true);
      dv.setUint32(pos + 8, p.length, true);
      out.set(bufs[p.id].subarray(p.offset, p.offset + p.length), pos + 12);
      pos += 12 + align4(p.length);
    }
    return out;
  }
}

/** v86's info block: buffer layout + state, plus our tag (v86 ignores unknown keys) */
function infoJson(parts: string[], buffers: Uint8Array[], tag: Tag): Uint8Array {
  const { infos } = layout(buffers.map((b) => b.length));
  return enc.encode(`{"buffer_infos":${JSON.stringify(infos)},"state":[${parts.join(',')}],"ftchaos":${JSON.stringify(tag)}}`);
}

/** a blob with its 16-byte header and JSON block written; the buffer block (at `start`) is the caller's */
function blobShell(json: Uint8Array, total: number): { out: Uint8Array; start: number } {
  const start = align4(16 + json.length);
  const out = new Uint8Array(start + total);
  const hdr = new Int32Array(out.buffer, 0, 4);
  hdr[0] = STATE_MAGIC;
  hdr[1] = STATE_VERSION;
  hdr[2] = out.length;
  hdr[3] = json.length;
  out.set(json, 16);
  return { out, start };
}

/** v86 saved-state blob: 16-byte header, JSON info block, 4-aligned buffer block */
function buildBlob(json: Uint8Array, buffers: Uint8Array[]): Uint8Array {
  const { infos, total } = layout(buffers.map((b) => b.length));
  const { out, start } = blobShell(json, total);
  buffers.forEach((b, i) => out.set(b, start + infos[i].offset));
  return out;
}

export interface ParsedBlob {
  info: { buffer_infos: BufferInfo[]; state: unknown[]; ftchaos?: Tag };
  /** views into the blob */
  buffers: Uint8Array[];
  /** offset of the buffer block in the blob */
  start: number;
}

export function parseBlob(blob: Uint8Array): ParsedBlob {
  if (blob.length < 16) throw new Error('src/vm: device state too short');
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (dv.getInt32(0, true) !== STATE_MAGIC || dv.getInt32(4, true) !== STATE_VERSION) {
    throw new Error('src/vm: device state is not a v86 (version 6) saved state');
  }
  const jsonLen = dv.getInt32(12, true);
  if (dv.getInt32(8, true) !== blob.length || jsonLen < 0 || 16 + jsonLen > blob.length) {
    throw new Error('src/vm: device state length does not match its header');
  }
  const info = JSON.parse(dec.decode(blob.subarray(16, 16 + jsonLen))) as ParsedBlob['info'];
  const start = align4(16 + jsonLen);
  const buffers = info.buffer_infos.map((b) => {
    if (start + b.offset + b.length > blob.length) throw new Error('src/vm: device state buffer out of range');
    return blob.subarray(start + b.offset, start + b.offset + b.length);
  });
  return { info, buffers, start };
}

/** the tag of a full device state: its chain position and the partial output line */
export function blobTag(blob: Uint8Array): { chain: Chain; partialOutput: Uint8Array } {
  const c = parseBlob(blob).info.ftchaos;
  if (!c || typeof c.vm !== 'number' || typeof c.seq !== 'number') {
    throw new Error('src/vm: device state was not captured by src/vm (no chain tag)');
  }
  const partialOutput = c.out ? new Uint8Array(Buffer.from(c.out, 'base64')) : new Uint8Array(0);
  return { chain: { vm: c.vm, seq: c.seq }, partialOutput };
}

export interface DeviceDeltaHeader {
  base: Chain;
  chain: Chain;
}

export function deviceDeltaHeader(d: Uint8Array): DeviceDeltaHeader {
  if (d.length < HEADER) throw new Error('src/vm: device delta too short');
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (dv.getUint32(0, true) !== DELTA_MAGIC) throw new Error('src/vm: not a device delta');
  return {
    base: { vm: dv.getUint32(8, true), seq: dv.getUint32(12, true) },
    chain: { vm: dv.getUint32(16, true), seq: dv.getUint32(20, true) },
  };
}

/** the full device state after `d`, given the full state `base` it was captured against */
export function applyDeviceDelta(baseBlob: Uint8Array, d: Uint8Array): Uint8Array {
  const h = deviceDeltaHeader(d);
  const base = parseBlob(baseBlob);
  const bc = base.info.ftchaos;
  if (!bc || bc.vm !== h.base.vm || bc.seq !== h.base.seq) {
    const have = bc ? `${bc.vm}/${bc.seq}` : 'untagged';
    throw new Error(`src/vm: delta applies to capture ${h.base.vm}/${h.base.seq}, but the checkpoint is capture ${have}`);
  }
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const truncated = () => new Error('src/vm: device delta truncated');
  const flags = dv.getUint32(4, true);
  const nParts = dv.getUint32(24, true);
  const nChanged = dv.getUint32(28, true);
  const n = dv.getUint32(32, true);
  const nPatches = dv.getUint32(36, true);
  const outLen = dv.getUint32(40, true);
  if (HEADER + outLen > d.length) throw truncated();
  const partialOutput = d.subarray(HEADER, HEADER + outLen);
  let pos = HEADER + align4(outLen);
  if (pos + 4 * n > d.length) throw truncated();
  const lens: number[] = [];
  for (let i = 0; i < n; i++, pos += 4) lens.push(dv.getUint32(pos, true));
  const full = (flags & FULL_LAYOUT) !== 0;
  if (!full) {
    if (nParts !== base.info.state.length || lens.length !== base.buffers.length || lens.some((l, i) => l !== base.buffers[i].length)) {
      throw new Error('src/vm: device delta layout does not match the checkpoint');
    }
  }
  const state: unknown[] = full ? new Array(nParts).fill(null) : base.info.state;
  for (let k = 0; k < nChanged; k++) {
    if (pos + 8 > d.length) throw truncated();
    const idx = dv.getUint32(pos, true);
    const len = dv.getUint32(pos + 4, true);
    if (idx >= nParts || pos + 8 + len > d.length) throw new Error('src/vm: bad device delta entry');
    state[idx] = JSON.parse(dec.decode(d.subarray(pos + 8, pos + 8 + len)));
    pos += 8 + align4(len);
  }
  const { infos, total } = layout(lens);
  const json = enc.encode(JSON.stringify({ buffer_infos: infos, state, ftchaos: tagOf(h.chain, partialOutput) }));
  const { out, start } = blobShell(json, total);
  // same layout: the whole buffer block moves as one piece
  if (!full) out.set(baseBlob.subarray(base.start, base.start + total), start);
  for (let i = 0; i < nPatches; i++) {
    if (pos + 12 > d.length) throw truncated();
    const id = dv.getUint32(pos, true);
    const off = dv.getUint32(pos + 4, true);
    const len = dv.getUint32(pos + 8, true);
    if (id >= n || off + len > lens[id] || pos + 12 + len > d.length) throw new Error('src/vm: bad device delta patch');
    out.set(d.subarray(pos + 12, pos + 12 + len), start + infos[id].offset + off);
    pos += 12 + align4(len);
  }
  return out;
}

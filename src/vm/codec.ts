/**
 * Checkpoints and deltas as data: applying a delta to a full checkpoint, and the wire forms.
 *
 * Wire forms (little endian, every section 4-byte aligned):
 *   checkpoint: "FTCP" u32 version, u32 memoryMiB, u32 ramLen, u32 ramEncLen, u32 devLen,
 *               u32 devEncLen, u32 pendingLen, then RAM and device state zero-page-elided
 *               (u32 chunk count, bitmap of non-zero 4 KiB chunks, the non-zero chunks),
 *               then the pending serial input
 *   delta:      "FTDL" u32 version, u32 pageCount, u32 deviceLen, u32 pendingLen,
 *               u32 pages[pageCount], pageData, device, pending input
 */
import type { Checkpoint, Delta } from './types.ts';
import { applyDeviceDelta } from './devstate.ts';

const PAGE = 4096;
const CP_MAGIC = 0x50435446; // "FTCP"
const DELTA_MAGIC = 0x4c445446; // "FTDL"
const VERSION = 1;
const align4 = (n: number) => (n + 3) & ~3;
const ZERO_PAGE = new Uint8Array(PAGE);

function fail(msg: string): never {
  throw new Error(`src/vm: ${msg}`);
}

/**
 * The checkpoint after delta `d`, given the checkpoint `base` of the capture the delta was
 * taken against. Mutates base.ram in place and returns a checkpoint sharing it. Everything
 * is validated before anything is changed: a delta that does not apply throws and leaves
 * `base` intact.
 */
export function applyDelta(base: Checkpoint, d: Delta): Checkpoint {
  if (base.kind !== 'full') fail('applyDelta() needs a full checkpoint as base');
  if (d.kind !== 'delta') fail('applyDelta() needs a delta');
  const pages = base.ram.length / PAGE;
  if (d.pageData.length !== d.pages.length * PAGE) fail('delta pageData does not match its page list');
  for (let i = 0; i < d.pages.length; i++) {
    if (d.pages[i] >= pages) fail(`delta page ${d.pages[i]} is outside the checkpoint's RAM`);
  }
  const device = applyDeviceDelta(base.device, d.device);
  const ram = base.ram;
  for (let i = 0; i < d.pages.length; i++) {
    ram.set(d.pageData.subarray(i * PAGE, (i + 1) * PAGE), d.pages[i] * PAGE);
  }
  return { kind: 'full', memoryMiB: base.memoryMiB, ram, device, pendingInput: d.pendingInput.slice() };
}

// ------------------------------------------------------------------ sparse byte arrays

function isZero(b: Uint8Array): boolean {
  return Buffer.compare(b, b.length === PAGE ? ZERO_PAGE : new Uint8Array(b.length)) === 0;
}

/** u32 chunks, bitmap (4-aligned), non-zero chunks (the last one may be short) */
function sparseSize(src: Uint8Array, nonZero: number[]): number {
  const chunks = Math.ceil(src.length / PAGE);
  let size = 4 + align4(Math.ceil(chunks / 8));
  for (const c of nonZero) size += Math.min(PAGE, src.length - c * PAGE);
  return align4(size);
}

function nonZeroChunks(src: Uint8Array): number[] {
  const out: number[] = [];
  for (let c = 0, o = 0; o < src.length; c++, o += PAGE) {
    if (!isZero(src.subarray(o, Math.min(src.length, o + PAGE)))) out.push(c);
  }
  return out;
}

function writeSparse(out: Uint8Array, dv: DataView, pos: number, src: Uint8Array, nonZero: number[]): number {
  const chunks = Math.ceil(src.length / PAGE);
  dv.setUint32(pos, chunks, true);
  pos += 4;
  for (const c of nonZero) out[pos + (c >> 3)] |= 1 << (c & 7);
  pos += align4(Math.ceil(chunks / 8));
  for (const c of nonZero) {
    const chunk = src.subarray(c * PAGE, Math.min(src.length, (c + 1) * PAGE));
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return align4(pos);
}

function readSparse(b: Uint8Array, dv: DataView, pos: number, len: number, encLen: number): Uint8Array {
  const end = pos + encLen;
  if (end > b.length) fail('checkpoint truncated');
  const chunks = dv.getUint32(pos, true);
  if (chunks !== Math.ceil(len / PAGE)) fail('checkpoint chunk count does not match its length');
  const bitmap = pos + 4;
  let p = bitmap + align4(Math.ceil(chunks / 8));
  const out = new Uint8Array(len);
  for (let c = 0; c < chunks; c++) {
    if (!(b[bitmap + (c >> 3)] & (1 << (c & 7)))) continue;
    const n = Math.min(PAGE, len - c * PAGE);
    if (p + n > end) fail('checkpoint truncated');
    out.set(b.subarray(p, p + n), c * PAGE);
    p += n;
  }
  return out;
}

// ------------------------------------------------------------------ checkpoints

export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  if (cp.kind !== 'full') fail('encodeCheckpoint() takes a full checkpoint');
  const ramNz = nonZeroChunks(cp.ram);
  const devNz = nonZeroChunks(cp.device);
  const ramEnc = sparseSize(cp.ram, ramNz);
  const devEnc = sparseSize(cp.device, devNz);
  const out = new Uint8Array(32 + ramEnc + devEnc + align4(cp.pendingInput.length));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, CP_MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, cp.memoryMiB, true);
  dv.setUint32(12, cp.ram.length, true);
  dv.setUint32(16, ramEnc, true);
  dv.setUint32(20, cp.device.length, true);
  dv.setUint32(24, devEnc, true);
  dv.setUint32(28, cp.pendingInput.length, true);
  let pos = writeSparse(out, dv, 32, cp.ram, ramNz);
  pos = writeSparse(out, dv, pos, cp.device, devNz);
  out.set(cp.pendingInput, pos);
  return out;
}

export function decodeCheckpoint(b: Uint8Array): Checkpoint {
  if (b.length < 32) fail('checkpoint too short');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, true) !== CP_MAGIC) fail('not an encoded checkpoint');
  if (dv.getUint32(4, true) !== VERSION) fail(`checkpoint wire version ${dv.getUint32(4, true)} not supported`);
  const memoryMiB = dv.getUint32(8, true);
  const ramLen = dv.getUint32(12, true);
  const ramEnc = dv.getUint32(16, true);
  const devLen = dv.getUint32(20, true);
  const devEnc = dv.getUint32(24, true);
  const pendingLen = dv.getUint32(28, true);
  if (ramLen !== memoryMiB * 1024 * 1024) fail('checkpoint RAM size does not match memoryMiB');
  if (32 + ramEnc + devEnc + pendingLen > b.length) fail('checkpoint truncated');
  const ram = readSparse(b, dv, 32, ramLen, ramEnc);
  const device = readSparse(b, dv, 32 + ramEnc, devLen, devEnc);
  const p = 32 + ramEnc + devEnc;
  const pendingInput = b.slice(p, p + pendingLen);
  return { kind: 'full', memoryMiB, ram, device, pendingInput };
}

// ------------------------------------------------------------------ deltas

export function encodeDelta(d: Delta): Uint8Array {
  if (d.kind !== 'delta') fail('encodeDelta() takes a delta');
  const n = d.pages.length;
  if (d.pageData.length !== n * PAGE) fail('delta pageData does not match its page list');
  const out = new Uint8Array(20 + 4 * n + n * PAGE + align4(d.device.length) + align4(d.pendingInput.length));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, DELTA_MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, d.device.length, true);
  dv.setUint32(16, d.pendingInput.length, true);
  let pos = 20;
  for (let i = 0; i < n; i++, pos += 4) dv.setUint32(pos, d.pages[i], true);
  out.set(d.pageData, pos);
  pos += n * PAGE;
  out.set(d.device, pos);
  pos += align4(d.device.length);
  out.set(d.pendingInput, pos);
  return out;
}

/** the delta's byte arrays are views into `b` (no copy) */
export function decodeDelta(b: Uint8Array): Delta {
  if (b.length < 20) fail('delta too short');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, true) !== DELTA_MAGIC) fail('not an encoded delta');
  if (dv.getUint32(4, true) !== VERSION) fail(`delta wire version ${dv.getUint32(4, true)} not supported`);
  const n = dv.getUint32(8, true);
  const devLen = dv.getUint32(12, true);
  const pendingLen = dv.getUint32(16, true);
  const size = 20 + 4 * n + n * PAGE + align4(devLen) + pendingLen;
  if (size > b.length) fail('delta truncated');
  const pages = new Uint32Array(n);
  let pos = 20;
  for (let i = 0; i < n; i++, pos += 4) pages[i] = dv.getUint32(pos, true);
  const pageData = b.subarray(pos, pos + n * PAGE);
  pos += n * PAGE;
  const device = b.subarray(pos, pos + devLen);
  pos += align4(devLen);
  const pendingInput = b.subarray(pos, pos + pendingLen);
  return { kind: 'delta', pages, pageData, device, pendingInput };
}

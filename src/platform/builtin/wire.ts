/**
 * Wire framing of the replication protocol (primary <-> backup, one TCP connection):
 * every frame is [u32 BE length of the rest][u8 type][payload]. A frame is handed on only
 * once it arrived completely, so a checkpoint cut off by a broken connection is never seen.
 *
 *   HELLO    p->b  JSON { from, incarnation, epoch }       the primary opens a session
 *   WELCOME  b->p  JSON { ok, from, role, reason? }        the backup accepts (or refuses) it
 *   FULL     p->b  u32 epoch, f64 captureTime, checkpoint   full state transfer
 *   DELTA    p->b  u32 epoch, f64 captureTime, delta        what changed since the last capture
 *   ACK      b->p  u32 epoch, f64 captureTime               epoch complete and kept
 *   HB       both  f64 sendTime, u8 flags                    heartbeat (HB_FENCED: the primary cannot renew its lease)
 */
import type { Socket } from 'node:net';

export const FrameType = {
  HELLO: 1,
  WELCOME: 2,
  FULL: 3,
  DELTA: 4,
  ACK: 5,
  HB: 6,
} as const;
export type FrameTypeId = (typeof FrameType)[keyof typeof FrameType];

export const MAX_FRAME = 1 << 30;

export interface Frame {
  type: number;
  payload: Buffer;
}

/** Reassembles frames from a byte stream. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = -1; // length of the pending frame body, -1 while reading the header

  /** Feed bytes; returns the frames completed by them, in order. Throws on a bad length. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Frame[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break;
        const len = this.take(4).readUInt32BE(0);
        if (len < 1 || len > MAX_FRAME) throw new Error(`bad frame length ${len}`);
        this.need = len;
      }
      if (this.buffered < this.need) break;
      const body = this.take(this.need);
      this.need = -1;
      out.push({ type: body[0], payload: body.subarray(1) });
    }
    return out;
  }

  /** bytes of a frame received so far but not complete */
  get partialBytes(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const c = this.chunks[0];
        const k = Math.min(c.length, n - off);
        c.copy(out, off, 0, k);
        off += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}

/** Write one frame (header and body without concatenating large payloads). Returns bytes written. */
export function writeFrame(sock: Socket, type: number, ...parts: Uint8Array[]): number {
  let len = 1;
  for (const p of parts) len += p.byteLength;
  const head = Buffer.allocUnsafe(5);
  head.writeUInt32BE(len, 0);
  head[4] = type;
  sock.cork();
  sock.write(head);
  for (const p of parts) if (p.byteLength > 0) sock.write(p);
  process.nextTick(() => sock.uncork());
  return len + 4;
}

export function jsonPayload(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

export function parseJson<T>(payload: Buffer): T {
  return JSON.parse(payload.toString('utf8')) as T;
}

/** u32 epoch + f64 time header used by FULL, DELTA and ACK */
export function epochHeader(epoch: number, time: number): Buffer {
  const b = Buffer.allocUnsafe(12);
  b.writeUInt32BE(epoch >>> 0, 0);
  b.writeDoubleBE(time, 4);
  return b;
}

export function readEpochHeader(payload: Buffer): { epoch: number; time: number; rest: Buffer } {
  if (payload.length < 12) throw new Error(`short epoch frame (${payload.length} bytes)`);
  return { epoch: payload.readUInt32BE(0), time: payload.readDoubleBE(4), rest: payload.subarray(12) };
}

/** heartbeat flag (primary -> backup): my lease has expired and I cannot renew it — take over */
export const HB_FENCED = 1;

export function hbPayload(time: number, flags = 0): Buffer {
  const b = Buffer.allocUnsafe(9);
  b.writeDoubleBE(time, 0);
  b[8] = flags;
  return b;
}

export function hbFlags(payload: Buffer): number {
  return payload.length >= 9 ? payload[8] : 0;
}

export interface Hello {
  from: string;
  incarnation: string;
  epoch: number;
}

export interface Welcome {
  ok: boolean;
  from: string;
  role: string;
  reason?: string;
}

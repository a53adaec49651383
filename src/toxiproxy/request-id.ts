/**
 * Request ids in the real server's format (rs/xid): 12 bytes — 4 bytes of unix seconds,
 * 3 bytes of machine id, 2 bytes of pid, 3 bytes of counter — as 20 base32hex characters.
 */
import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const machine = randomBytes(3);
let counter = randomInt(0, 0xffffff);

export function newRequestId(): string {
  const id = Buffer.alloc(12);
  id.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  machine.copy(id, 4);
  id.writeUInt16BE(process.pid & 0xffff, 7);
  counter = (counter + 1) & 0xffffff;
  id.writeUIntBE(counter, 9, 3);
  return encode(id);
}

/** 96 bits, padded with 4 zero bits, as 20 groups of 5 bits (big-endian). */
function encode(bytes: Buffer): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 0x1f];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 0x1f];
  return out;
}

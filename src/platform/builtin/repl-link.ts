/**
 * One replication connection (either side): a socket with frame reassembly, liveness
 * (time of the last frame received), bytes sent, and a single close notification.
 */
import net from 'node:net';
import { monoMs } from '../types.ts';
import { FrameReader, writeFrame, type Frame } from './wire.ts';

export class ReplLink {
  private reader = new FrameReader();
  private closed = false;
  lastHeard = monoMs();
  bytesSent = 0;
  onFrame: (f: Frame) => void = () => {};
  onClose: (reason: string) => void = () => {};

  constructor(readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.lastHeard = monoMs();
      let frames: Frame[];
      try {
        frames = this.reader.push(chunk);
      } catch (err) {
        this.close(`protocol error: ${String(err)}`);
        return;
      }
      for (const f of frames) {
        if (this.closed) return;
        this.onFrame(f);
      }
    });
    sock.on('error', (err) => this.close(`socket error: ${err.message}`));
    sock.on('close', () => this.close('connection closed'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** bytes queued in user space, not yet handed to the kernel */
  get backlog(): number {
    return this.sock.writableLength;
  }

  send(type: number, ...parts: Uint8Array[]): number {
    if (this.closed) return 0;
    const n = writeFrame(this.sock, type, ...parts);
    this.bytesSent += n;
    return n;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.destroy();
    this.onClose(reason);
  }
}

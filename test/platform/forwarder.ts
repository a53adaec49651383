/**
 * A tiny TCP forwarder for tests: a link that can be cut (every connection dropped, new ones
 * refused) or held (bytes wait in the forwarder, both ways, until release()).
 */
import net from 'node:net';
import type { Endpoint } from '../../src/platform/types.ts';

export class Forwarder {
  private server: net.Server;
  private socks = new Set<net.Socket>();
  private cutOff = false;
  readonly ready: Promise<Endpoint>;

  constructor(private readonly target: Endpoint) {
    this.server = net.createServer((inbound) => {
      if (this.cutOff) return void inbound.destroy();
      const outbound = net.connect({ host: target.host, port: target.port });
      for (const s of [inbound, outbound]) {
        this.socks.add(s);
        s.on('close', () => this.socks.delete(s));
        s.on('error', () => {});
      }
      this.forward(inbound, outbound);
      this.forward(outbound, inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    this.ready = new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: '127.0.0.1', port: 0 }, () => {
        const a = this.server.address() as net.AddressInfo;
        resolve({ host: '127.0.0.1', port: a.port });
      });
    });
  }

  private held: (() => void)[] | null = null;

  private forward(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.held) this.held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  }

  /** keep every byte, both ways, in the forwarder (connections stay open) until release() */
  hold(): void {
    this.held ??= [];
  }

  /** send what was held, in order, and forward again */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const send of held) send();
  }

  /** drop every connection and refuse new ones until heal() */
  cut(): void {
    this.cutOff = true;
    for (const s of this.socks) s.destroy();
  }

  heal(): void {
    this.cutOff = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((r) => this.server.close(() => r()));
  }
}

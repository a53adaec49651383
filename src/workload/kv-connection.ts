/**
 * One TCP connection speaking the guest's line protocol (`<id> CMD ...` -> `<id> REPLY ...`).
 * Requests may be pipelined; each reply is matched to its request by id. A request ends in
 * exactly one way: a reply, a timeout, or the connection closing under it.
 */
import { Socket } from 'node:net';
import type { Endpoint } from '../platform/types.ts';

export type Reply =
  | { kind: 'reply'; word: string; args: string[] }   // e.g. word OK / VAL / NIL / PONG / INT / ERR
  | { kind: 'timeout' }
  | { kind: 'closed'; error?: string };

/** Connection could not be made: the request was never sent (a definite failure). */
export class ConnectError extends Error {
  constructor(readonly endpoint: Endpoint, readonly code: string) {
    super(`cannot connect to ${endpoint.host}:${endpoint.port}: ${code}`);
  }
}

interface Pending {
  resolve: (r: Reply) => void;
  timer: NodeJS.Timeout;
}

export class KvConnection {
  private buf = '';
  private nextId = 1;
  private pending = new Map<string, Pending>();
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => { /* surfaced through 'close' */ });
    socket.on('close', () => this.failAll({ kind: 'closed' }));
  }

  static connect(ep: Endpoint, timeoutMs: number): Promise<KvConnection> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError(ep, 'ETIMEDOUT'));
      }, timeoutMs);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new ConnectError(ep, err.code ?? err.message));
      });
      socket.connect(ep.port, ep.host, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new KvConnection(socket));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** send `<id> <command>` and wait for the reply with that id */
  request(command: string, timeoutMs: number): Promise<Reply> {
    if (this.closed) return Promise.resolve({ kind: 'closed', error: 'connection already closed' });
    const id = `r${this.nextId++}`;
    return new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.socket.write(`${id} ${command}\n`);
    });
  }

  close(): void {
    if (this.closed) return;
    this.socket.destroy();
    this.failAll({ kind: 'closed' });
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      const [id, word = '', ...args] = line.split(' ');
      const p = id === undefined ? undefined : this.pending.get(id);
      if (!p) continue; // a reply to a request that already timed out
      this.pending.delete(id!);
      clearTimeout(p.timer);
      p.resolve({ kind: 'reply', word, args });
    }
  }

  private failAll(r: Reply): void {
    this.closed = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve(r);
    }
  }
}

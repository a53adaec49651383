/**
 * A client's channel to one host: connects lazily, classifies each request's outcome the way
 * the history needs it (ok / fail = definitely not done / info = indeterminate), and drops
 * the connection after anything indeterminate so a late reply cannot be misread.
 */
import type { Endpoint } from '../platform/types.ts';
import { ConnectError, KvConnection } from './kv-connection.ts';

export type Outcome =
  | { type: 'ok'; word: string; args: string[] }
  | { type: 'fail'; error: string }
  | { type: 'info'; error: string };

export class HostChannel {
  private conn: KvConnection | null = null;
  private connecting: Promise<KvConnection> | null = null;
  private closed = false;

  constructor(readonly host: string, readonly endpoint: Endpoint) {}

  async call(command: string, timeoutMs: number): Promise<Outcome> {
    if (this.closed) return { type: 'fail', error: 'channel closed' };
    let conn: KvConnection;
    try {
      conn = await this.connection(timeoutMs);
    } catch (err) {
      return { type: 'fail', error: err instanceof ConnectError ? err.code : String(err) };
    }
    const reply = await conn.request(command, timeoutMs);
    if (reply.kind === 'timeout') {
      this.drop();
      return { type: 'info', error: 'timeout' };
    }
    if (reply.kind === 'closed') {
      this.drop();
      return { type: 'info', error: 'connection lost' };
    }
    if (reply.word === 'ERR') return { type: 'fail', error: reply.args.join(' ') || 'ERR' };
    return { type: 'ok', word: reply.word, args: reply.args };
  }

  /** forget the current connection (the next call reconnects) */
  drop(): void {
    this.conn?.close();
    this.conn = null;
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private async connection(timeoutMs: number): Promise<KvConnection> {
    if (this.conn?.isOpen) return this.conn;
    this.conn = null;
    this.connecting ??= KvConnection.connect(this.endpoint, timeoutMs).finally(() => {
      this.connecting = null;
    });
    const conn = await this.connecting;
    if (this.closed) {
      conn.close();
      throw new ConnectError(this.endpoint, 'channel closed');
    }
    this.conn = conn;
    return conn;
  }
}

/**
 * The contract between a link (one direction of a connection) and the toxic stages in it.
 *
 * A link is a chain: source socket -> stage -> stage -> ... -> sink (destination socket).
 * Each stage receives data with write(), the end of the stream with end(), and passes
 * what it lets through to `next` (which the link rewires when stages come and go).
 */
import type { SharedBucket } from './shared-bucket.ts';

/** 'eof': the source ended (half-close the destination). 'close': a toxic closes the connection. */
export type EndKind = 'eof' | 'close';

export interface Sink {
  write(chunk: Buffer): void;
  end(kind: EndKind): void;
}

/** What a stage can ask of its connection. */
export interface StageContext {
  /** Bytes the toxic discarded on purpose (keeps the link's flow-control account right). */
  drop(bytes: number): void;
  /** Reset the connection now: TCP RST to both peers. */
  reset(): void;
  /** Close the connection now (FIN to both peers after what was already written). */
  closeConnection(): void;
  /** The destination socket has more buffered than it wants: a stage that can wait should (`drained()` follows). */
  congested(): boolean;
  /** The server's shared budget of this name (it exists while a toxic of its group does). */
  sharedBucket(group: string): SharedBucket;
}

/** Data a stage still held when it was taken out of the chain, oldest first. */
export interface Drained {
  chunks: Buffer[];
  end: EndKind | null;
  /**
   * The stage discarded bytes the peer never got (reset_peer counting down, timeout):
   * the connection must not go on as if nothing happened, so it is reset or closed.
   */
  lost?: 'reset' | 'close';
}

/** Attribute values: integers, and strings for the shared toxics' group names (an extension). */
export type Attributes = Record<string, number | string>;

/** A numeric attribute (0 when absent). */
export function num(attributes: Attributes, name: string): number {
  const value = attributes[name];
  return typeof value === 'number' ? value : 0;
}

/** A string attribute ('' when absent). */
export function str(attributes: Attributes, name: string): string {
  const value = attributes[name];
  return typeof value === 'string' ? value : '';
}

export interface Stage extends Sink {
  next: Sink;
  /** New attribute values (already merged); state such as bytes counted so far is kept. */
  configure(attributes: Attributes): void;
  /** Leave the chain: stop every timer and hand back what was not passed on yet, in order (and whether bytes were lost). */
  detach(): Drained;
  /** The destination socket drained (see StageContext.congested). */
  drained?(): void;
  /** The toxic was deleted through the API (not just re-rolled): last words, e.g. timeout closes. */
  removed?(): void;
}

export type StageFactory = (attributes: Attributes, ctx: StageContext) => Stage;

export const NOTHING: Drained = Object.freeze({ chunks: [], end: null }) as Drained;

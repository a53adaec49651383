/**
 * The contract between a link (one direction of a connection) and the toxic stages in it.
 *
 * A link is a chain: source socket -> stage -> stage -> ... -> sink (destination socket).
 * Each stage receives data with write(), the end of the stream with end(), and passes
 * what it lets through to `next` (which the link rewires when stages come and go).
 */

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
}

/** Data a stage still held when it was taken out of the chain, oldest first. */
export interface Drained {
  chunks: Buffer[];
  end: EndKind | null;
}

export type Attributes = Record<string, number>;

export interface Stage extends Sink {
  next: Sink;
  /** New attribute values (already merged); state such as bytes counted so far is kept. */
  configure(attributes: Attributes): void;
  /** Leave the chain: stop every timer and hand back what was not passed on yet, in order. */
  detach(): Drained;
  /** The toxic was deleted through the API (not just re-rolled): last words, e.g. timeout closes. */
  removed?(): void;
}

export type StageFactory = (attributes: Attributes, ctx: StageContext) => Stage;

export const NOTHING: Drained = Object.freeze({ chunks: [], end: null }) as Drained;

/**
 * The history recorder: keeps every event in memory for the checkers and streams it to an
 * ndjson file as it happens, so even a killed run leaves its evidence on disk.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { monoMs } from '../platform/types.ts';
import type { HistoryEvent, OpEvent, FaultEvent } from './history.ts';

type Untimed<T> = T extends unknown ? Omit<T, 'time'> : never;

/** what a recorder and its pair-scoped views share: one history, one file, one fault numbering */
interface Shared {
  out: WriteStream | null;
  faultIds: number;
  waiters: Set<{ pred: (e: HistoryEvent) => boolean; done: (e: HistoryEvent | null) => void }>;
}

export class Recorder {
  readonly events: HistoryEvent[];
  /** monotonic ms (monoMs) at the scenario's start; event times are relative to it */
  readonly origin: number;
  /** the pair every event this recorder records is stamped with (see scoped()); undefined: scenario-wide */
  readonly pair: string | undefined;
  private readonly shared: Shared;

  constructor(readonly path: string | null, origin = monoMs(), view?: { of: Recorder; pair: string }) {
    if (view) {
      this.origin = view.of.origin;
      this.events = view.of.events;
      this.shared = view.of.shared;
      this.pair = view.pair;
      return;
    }
    this.origin = origin;
    this.events = [];
    this.pair = undefined;
    let out: WriteStream | null = null;
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      out = createWriteStream(path, { flags: 'w' });
    }
    this.shared = { out, faultIds: 0, waiters: new Set() };
  }

  /**
   * A view of the same history whose events all carry `pair` (ops, probes, roles, fault
   * windows, marks of one pair under test): the checkers of a step read that pair's events
   * and the scenario-wide ones (src/check/scope.ts).
   */
  scoped(pair: string): Recorder {
    return new Recorder(this.path, this.origin, { of: this, pair });
  }

  /** ms since the scenario's start */
  now(): number {
    return monoMs() - this.origin;
  }

  /** convert a monoMs() stamp (e.g. from a host process) to scenario time */
  relative(mono: number): number {
    return mono - this.origin;
  }

  record<E extends HistoryEvent>(e: Untimed<E> & { time?: number }): E {
    const event = { ...e, ...(this.pair !== undefined ? { pair: this.pair } : {}), time: e.time ?? this.now() } as unknown as E;
    this.events.push(event);
    this.shared.out?.write(JSON.stringify(event) + '\n');
    for (const w of this.shared.waiters) if (w.pred(event)) w.done(event);
    return event;
  }

  op(e: Omit<OpEvent, 'kind' | 'time'>): OpEvent {
    return this.record<OpEvent>({ kind: 'op', ...e });
  }

  /** opens a fault window; returns its id for faultEnd */
  faultStart(fault: string, target: string, detail?: Record<string, unknown>): number {
    const id = ++this.shared.faultIds;
    this.record<FaultEvent>({ kind: 'fault', phase: 'start', fault, target, id, ...(detail ? { detail } : {}) });
    return id;
  }

  faultEnd(id: number, fault: string, target: string): void {
    this.record<FaultEvent>({ kind: 'fault', phase: 'end', fault, target, id });
  }

  mark(label: string, detail?: Record<string, unknown>): void {
    this.record({ kind: 'mark', label, ...(detail ? { detail } : {}) });
  }

  /**
   * The first event (already recorded or still to come) that satisfies `pred`; null when
   * none arrives within timeoutMs.
   */
  waitForEvent(pred: (e: HistoryEvent) => boolean, timeoutMs: number): Promise<HistoryEvent | null> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const w = {
        pred,
        done: (e: HistoryEvent | null) => {
          clearTimeout(timer);
          this.shared.waiters.delete(w);
          resolve(e);
        },
      };
      const timer = setTimeout(() => w.done(null), timeoutMs);
      this.shared.waiters.add(w);
    });
  }

  /** flush and close the file; the in-memory events stay readable */
  async close(): Promise<void> {
    const out = this.shared.out;
    this.shared.out = null;
    if (out) await new Promise<void>((resolve) => out.end(resolve));
  }
}

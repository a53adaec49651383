/**
 * A host's emulator, running in its own worker thread (vm-worker.ts), seen from the host's
 * event loop. The host's loop carries heartbeats, lease renewals, replication and client I/O;
 * none of that waits for the emulator: booting, running the guest, capturing (even a full
 * state of many MiB), decoding and applying checkpoints and restoring a machine all happen in
 * the worker, and their results come back as messages.
 *
 * Ordering: every guest line arrives (onLine) before the reply to a capture requested after
 * the guest wrote it. So a line that arrives before a capture's reply belongs to the epoch
 * that capture closes. Requests are answered in the order they were made.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../threads/ts-worker.ts';
import type { Capture, VmReply, VmRequest, VmWorkerData } from './vm-protocol.ts';
import type { LoopStats } from '../loop-monitor.ts';

type Op = Exclude<VmRequest, { op: 'send' }>['op'];

export class VmThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; op: string }>();
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly ready: Promise<void>;
  private dead: Error | null = null;
  private closed = false;
  private warming: Promise<{ ms: number }> | null = null;
  /** warmUp() has completed */
  isWarm = false;
  /** the thread died (its owner logs and exits) */
  onFatal: (err: Error) => void = () => {};
  /** the emulator thread's event-loop report, once a second */
  onLoop: (s: LoopStats) => void = () => {};

  constructor(private readonly data: VmWorkerData) {
    this.worker = startTsWorker('src/platform/builtin/vm-worker.ts', { ...data });
    let readyResolve!: () => void;
    this.ready = new Promise((r) => (readyResolve = r));
    this.worker.on('message', (m: VmReply) => {
      if ('ev' in m) {
        if (m.ev === 'ready') readyResolve();
        else if (m.ev === 'loop') this.onLoop(m.stats);
        else for (const l of this.lineListeners) l(m.line);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`emulator thread: ${p.op}: ${m.error}`));
    });
    const die = (err: Error): void => {
      if (this.dead) return;
      this.dead = err;
      for (const [, p] of this.pending) p.reject(err);
      this.pending.clear();
      if (!this.closed) this.onFatal(err);
    };
    this.worker.on('error', (err) => die(new Error(`emulator thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => die(new Error(`emulator thread exited (${code})`)));
  }

  /** resolves once the worker has loaded (the emulator itself is created by warmUp/boot) */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private request<T>(op: Op, extra: Record<string, unknown> = {}, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op });
      this.worker.postMessage({ id, op, ...extra } as VmRequest, transfer);
    });
  }

  // ------------------------------------------------------------ a running machine

  /** load the VM layer and compile the emulator, nothing more */
  prepare(): Promise<void> {
    return this.request('prepare');
  }

  /** boot, capture and restore a throwaway machine (compiles and warms the emulator); once */
  warmUp(): Promise<{ ms: number }> {
    this.warming ??= this.request<{ ms: number }>('warmUp').then((r) => {
      this.isWarm = true;
      return r;
    });
    return this.warming;
  }

  /** was this thread started for these settings (memory, VM module, image)? */
  fits(d: VmWorkerData): boolean {
    return d.memoryMiB === this.data.memoryMiB && d.vmModule === this.data.vmModule && d.imagePath === this.data.imagePath;
  }

  /** boot the guest; resolves once it serves */
  boot(): Promise<{ ms: number }> {
    return this.request('boot');
  }

  /** hand one request line to the guest (no reply) */
  sendLine(line: string): void {
    if (this.dead) return;
    this.worker.postMessage({ op: 'send', line } satisfies VmRequest);
  }

  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  captureFull(): Promise<Capture> {
    return this.request('captureFull');
  }

  /** `clearDirtyLate`: the planted bug 'dirty-cleared-late' (bugs.ts) */
  captureDelta(clearDirtyLate = false): Promise<Capture> {
    return clearDirtyLate ? this.request('captureDelta', { clearDirtyLate }) : this.request('captureDelta');
  }

  /** destroy the running machine (the thread stays, e.g. to serve as a backup's store) */
  stopVm(): Promise<void> {
    return this.request<void>('stopVm').catch(() => {});
  }

  // ------------------------------------------------------------ a backup's checkpoint store

  /** replace the stored checkpoint with a full one (wire form; the buffer is handed over) */
  storeFull(bytes: Uint8Array): Promise<void> {
    const b = exclusive(bytes);
    return this.request('storeFull', { bytes: b }, [b.buffer as ArrayBuffer]);
  }

  /** apply a delta to the stored checkpoint; rejects (and the store is dropped) when it does not apply */
  storeDelta(bytes: Uint8Array, withoutPages = false): Promise<void> {
    const b = exclusive(bytes);
    return this.request('storeDelta', withoutPages ? { bytes: b, withoutPages } : { bytes: b }, [b.buffer as ArrayBuffer]);
  }

  dropStore(): Promise<void> {
    return this.request<void>('dropStore').catch(() => {});
  }

  /** restore the stored checkpoint into a paused machine now, so that going live costs little */
  prepareSpare(): Promise<{ ms: number }> {
    return this.request('prepareSpare');
  }

  /** run the stored checkpoint (the prepared spare when it is current): this thread's machine is now live */
  goLive(): Promise<{ ms: number; spareUsed: boolean }> {
    return this.request('goLive');
  }

  /** end the thread */
  close(): Promise<void> {
    this.closed = true;
    return this.worker.terminate().then(() => {});
  }
}

/**
 * A copy that owns its whole buffer, safe to hand over: frames are views into larger socket
 * buffers (and Buffer#slice would return a view, not a copy).
 */
function exclusive(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

/** the emulator thread settings a host configuration asks for */
export function vmThreadData(cfg: { options: { memoryMiB: number }; vmModule?: string; imagePath?: string }): VmWorkerData {
  return { memoryMiB: cfg.options.memoryMiB, ...(cfg.vmModule ? { vmModule: cfg.vmModule } : {}), ...(cfg.imagePath ? { imagePath: cfg.imagePath } : {}) };
}

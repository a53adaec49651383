/**
 * The worker-thread side of a host's emulator (see vm-thread.ts for the host side and the
 * message protocol). Everything that is slow or CPU-bound about the VM runs here, off the
 * host's event loop: booting, running the guest, capturing checkpoints and deltas (and
 * encoding them), decoding and applying what a backup receives, restoring a machine.
 *
 * It holds at most one running machine (the primary's) and, as a backup, the last complete
 * checkpoint received plus a paused spare machine restored from it ahead of a takeover.
 */
import { parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import type { Checkpoint, Vm, VmConfig } from '../../vm/types.ts';
import { monoMs } from '../types.ts';
import { loadVmModule, type VmModule } from './vm-module.ts';
import type { VmReply, VmRequest, VmWorkerData } from './vm-protocol.ts';
import { LoopMonitor } from '../loop-monitor.ts';

const port = parentPort!;
const data = workerData as VmWorkerData;

let mod: VmModule | null = null;
let vm: Vm | null = null;
let offLine: (() => void) | null = null;
/** backup: the last complete checkpoint received and how often the store changed */
let store: Checkpoint | null = null;
let storeSeq = 0;
let spare: { seq: number; vm: Promise<Vm> } | null = null;
let prewarming: Promise<void> | null = null;
/** a machine is prepared for the next restoreVm() (which uses it up) */
let prewarmed = false;

const config = (): VmConfig => ({
  memoryMiB: data.memoryMiB,
  ...(data.imagePath ? { image: new Uint8Array(fs.readFileSync(data.imagePath)) } : {}),
});
let cfgCache: VmConfig | null = null;
const cfg = (): VmConfig => (cfgCache ??= config());

async function vmModule(): Promise<VmModule> {
  return (mod ??= await loadVmModule(data.vmModule));
}

function run(v: Vm): void {
  vm = v;
  // lines go out as they are delivered: always after the slice that wrote them and before any
  // later capture request is handled, so the host can tell which epoch a line belongs to
  offLine = v.onLine((line) => port.postMessage({ ev: 'line', line } satisfies VmReply));
}

function dropVm(): void {
  offLine?.();
  offLine = null;
  vm?.destroy();
  vm = null;
}

function dropSpare(): void {
  const s = spare;
  spare = null;
  s?.vm.then((v) => v.destroy(), () => {});
}

/**
 * keep one machine prepared for the next restore (if the VM layer can); resolves when it is.
 * The backup awaits it before it accepts a session (dropStore, warmUp): done meanwhile, its
 * ~0.2-1 s of CPU starved the primary's full capture on 2 cores (1.2 s instead of 0.1 s).
 */
function prewarm(m: VmModule): Promise<void> {
  const p = (m as VmModule & { prewarmVm?: (c: VmConfig) => Promise<void> }).prewarmVm;
  if (!p || prewarmed) return Promise.resolve();
  if (prewarming) return prewarming;
  prewarming = p(cfg())
    .then(() => {
      prewarmed = true;
    })
    .catch(() => {})
    .finally(() => {
      prewarming = null;
    });
  return prewarming;
}

function needVm(what: string): Vm {
  if (!vm) throw new Error(`${what}: no machine is running`);
  return vm;
}

/** bytes that own their whole buffer (safe to transfer; Buffer#slice would be a view, so copy) */
const copy = (b: Uint8Array): Uint8Array =>
  !Buffer.isBuffer(b) && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);

async function handle(req: VmRequest): Promise<{ result?: unknown; transfer?: ArrayBuffer[] }> {
  const m = await vmModule();
  switch (req.op) {
    case 'prepare':
      // load the VM layer and compile the emulator (a primary-to-be needs no more)
      await (m as VmModule & { precompile?: () => Promise<void> }).precompile?.();
      return {};
    case 'warmUp': {
      // boot, capture and restore a throwaway machine once: compiles v86's wasm and warms the
      // restore path, so that the first failover does not pay for it
      const t0 = monoMs();
      const v = await m.bootVm(cfg());
      const cp = v.captureFull();
      v.destroy();
      prewarmed = false;
      const again = await m.restoreVm(cp, cfg());
      again.destroy();
      await prewarm(m);
      return { result: { ms: monoMs() - t0 } };
    }
    case 'boot': {
      dropVm();
      const t0 = monoMs();
      run(await m.bootVm(cfg()));
      return { result: { ms: monoMs() - t0 } };
    }
    case 'captureFull': {
      const t0 = monoMs();
      const bytes = copy(m.encodeCheckpoint(needVm('captureFull').captureFull()));
      return { result: { bytes, time: t0, ms: monoMs() - t0 }, transfer: [bytes.buffer as ArrayBuffer] };
    }
    case 'captureDelta': {
      const t0 = monoMs();
      const v = needVm('captureDelta') as Vm & { captureDelta(o?: { clearDirtyLate?: boolean }): ReturnType<Vm['captureDelta']>; clearDirtyLate?: () => void };
      const late = req.clearDirtyLate === true && typeof v.clearDirtyLate === 'function';
      const bytes = copy(m.encodeDelta(late ? v.captureDelta({ clearDirtyLate: true }) : v.captureDelta()));
      // planted bug 'dirty-cleared-late': the guest runs on before the dirty bits are cleared
      if (late) setTimeout(() => (vm === v ? v.clearDirtyLate!() : undefined), 1);
      return { result: { bytes, time: t0, ms: monoMs() - t0 }, transfer: [bytes.buffer as ArrayBuffer] };
    }
    case 'stopVm':
      dropVm();
      return {};
    case 'storeFull': {
      dropSpare();
      storeSeq++;
      store = null;
      store = m.decodeCheckpoint(req.bytes);
      return {};
    }
    case 'storeDelta': {
      if (!store) throw new Error('a delta arrived before any complete checkpoint');
      dropSpare();
      storeSeq++;
      try {
        const d = m.decodeDelta(req.bytes);
        // planted bug 'first-delta-dropped': the device state goes on, the RAM pages are lost
        store = m.applyDelta(store, req.withoutPages ? { ...d, pages: new Uint32Array(0), pageData: new Uint8Array(0) } : d);
      } catch (err) {
        store = null; // a delta that does not apply leaves no trustworthy state
        throw err;
      }
      return {};
    }
    case 'dropStore':
      dropSpare();
      storeSeq++;
      store = null;
      await prewarm(m); // a new backup role: before it accepts a session
      return {};
    case 'prepareSpare': {
      if (!store) throw new Error('no checkpoint to restore');
      if (spare && spare.seq === storeSeq) return {};
      dropSpare();
      const t0 = monoMs();
      const seq = storeSeq;
      prewarmed = false;
      const p = m.restoreVm(store, cfg()).then((v) => {
        v.pause();
        return v;
      });
      spare = { seq, vm: p };
      // (no prewarm here: its work would hold up a goLive that may follow at once)
      await p;
      return { result: { ms: monoMs() - t0 } };
    }
    case 'goLive': {
      // become the running machine: the spare when it holds the current checkpoint, else a
      // fresh restore of it
      if (!store) throw new Error('no checkpoint to go live from');
      const t0 = monoMs();
      let v: Vm | null = null;
      const s = spare;
      spare = null;
      if (s && s.seq === storeSeq) {
        try {
          v = await s.vm;
          v.resume();
        } catch {
          v = null;
        }
      } else {
        s?.vm.then((x) => x.destroy(), () => {});
      }
      const spareUsed = v !== null;
      if (!v) prewarmed = false;
      v ??= await m.restoreVm(store, cfg());
      dropVm();
      run(v);
      store = null;
      storeSeq++;
      return { result: { ms: monoMs() - t0, spareUsed } };
    }
    case 'send':
      vm?.sendLine(req.line);
      return {};
    default:
      throw new Error(`unknown request ${JSON.stringify((req as { op?: unknown }).op)}`);
  }
}

// requests are handled strictly one after another, in the order they were sent
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: VmRequest) => {
  if (req.op === 'send') {
    // input is not queued behind a slow request: it reaches the guest at once (as a NIC would)
    vm?.sendLine(req.line);
    return;
  }
  chain = chain.then(async () => {
    try {
      const { result, transfer } = await handle(req);
      port.postMessage({ id: req.id, ok: true, result } satisfies VmReply, transfer ?? []);
    } catch (err) {
      port.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies VmReply);
    }
  });
});
port.postMessage({ ev: 'ready' } satisfies VmReply);
// how late this thread's ticks run: the guest's slices, captures, restores and CPU starvation
new LoopMonitor({ stallMs: 100, onReport: (stats) => port.postMessage({ ev: 'loop', stats } satisfies VmReply) });

/**
 * startTsWorker(): a worker thread whose entry is a TypeScript module, given relative to the
 * package root ("src/…/x.ts"). With fresh bundles (entries.ts) the worker runs the entry's
 * bundle; else a boot file registers tsx in the thread and imports the source. The entry reads
 * its own data with `workerData` as usual (the boot file's `__entry` key is the only addition).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { entry, PACKAGE_ROOT } from './entries.ts';

const BOOT = path.join(PACKAGE_ROOT, 'src/threads/ts-worker-boot.mjs');

export function startTsWorker(srcRel: string, data: Record<string, unknown> = {}, opts: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  const e = entry(srcRel);
  if (e.bundle) return new Worker(e.bundle, { ...opts, workerData: data });
  return new Worker(BOOT, { ...opts, workerData: { ...data, __entry: pathToFileURL(e.source).href } });
}

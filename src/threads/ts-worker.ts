/**
 * startTsWorker(): a worker thread whose entry is a TypeScript module. The entry reads its
 * own data with `workerData` as usual (the boot file's `__entry` key is the only addition).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./ts-worker-boot.mjs', import.meta.url);

export function startTsWorker(entry: URL, data: Record<string, unknown> = {}, opts: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  return new Worker(BOOT, { ...opts, workerData: { ...data, __entry: entry.href } });
}

// Entry of every TypeScript worker thread: registers tsx in this thread (loader hooks of the
// parent thread do not reach workers on Node 20), then imports the real entry module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);

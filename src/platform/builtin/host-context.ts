/** What the role objects of a host (primary, backup) share. */
import type { BuiltinOptions } from './options.ts';
import type { HostConfig } from './host-config.ts';
import type { Logger, ConsoleLog } from './logger.ts';
import type { VmThread } from './vm-thread.ts';
import type { LeaseClient } from './lease-client.ts';
import type { ClientServer } from './client-server.ts';

export interface HostContext {
  cfg: HostConfig;
  opts: BuiltinOptions;
  log: Logger;
  console: ConsoleLog;
  /** the emulator thread: the running machine (primary) or the checkpoint store (backup) */
  vm: VmThread;
  /** null under fencing 'none' (and solo) */
  lease: LeaseClient | null;
  clients: ClientServer;
  incarnation: string;
  /** may this host release output to clients right now (synchronous lease check) */
  maySend(): boolean;
  /** something status-relevant changed: report now */
  changed(): void;
  /** an unrecoverable error: log, report and exit the process */
  fatal(msg: string): never;
  /** a one-line note for the driver's event stream (failover steps and the like) */
  note(msg: string): void;
  /** a full state transfer of `epoch` (`bytes` long) went on the wire to the backup */
  transferSent(epoch: number, bytes: number): void;
}

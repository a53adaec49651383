/**
 * Run this process as a host (host-main.ts, or a pooled agent once it is given its config).
 * stdout carries only events (ndjson); console output goes to the host's log file; the
 * process exits when the driver's pipe (stdin) closes.
 */
import type { HostConfig } from './host-config.ts';
import { Host } from './host.ts';
import { emitHost } from './events.ts';
import { exitWithParent } from './parent-watch.ts';
import type { VmThread } from './vm-thread.ts';

/** `vm`: an emulator thread already started and warmed up for this configuration (pooled agent) */
export function runHost(cfg: HostConfig, vm?: VmThread): void {
  const host = new Host(cfg, vm);
  const toLog = (...a: unknown[]): void => host.log.info(a.map((x) => (typeof x === 'string' ? x : String(x))).join(' '), { console: true });
  console.log = console.info = console.debug = console.warn = console.error = toLog;

  exitWithParent(() => {
    host.log.info('parent gone: exiting');
    host.shutdown();
  });
  process.on('SIGTERM', () => {
    host.log.info('SIGTERM: exiting');
    host.shutdown();
    process.exit(0);
  });
  process.on('uncaughtException', (err) => {
    host.log.error('uncaught exception', { err: String(err), stack: err.stack });
    emitHost({ t: 'fatal', msg: `uncaught exception: ${String(err)}` });
    process.exit(4);
  });
  process.on('unhandledRejection', (err) => {
    host.log.error('unhandled rejection', { err: String(err), stack: (err as Error)?.stack });
    emitHost({ t: 'fatal', msg: `unhandled rejection: ${String(err)}` });
    process.exit(4);
  });

  host.start().catch((err: unknown) => {
    host.fatal(`cannot start: ${String(err)}`);
  });
}

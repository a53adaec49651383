/**
 * Run this process as the witness (witness-main.ts, or a pooled agent once it is given its
 * config). Reports `ready` and lease changes on stdout (ndjson), logs to its file, exits when
 * its stdin (the driver's pipe) closes.
 */
import { Logger } from './logger.ts';
import { emitWitness } from './events.ts';
import { WitnessServer } from './witness-server.ts';
import { exitWithParent } from './parent-watch.ts';
import { LoopMonitor } from '../loop-monitor.ts';

export interface WitnessConfig {
  host: string;
  port: number;
  logFile: string;
}

export function runWitness(cfg: WitnessConfig): void {
  const log = new Logger(cfg.logFile, 'witness');
  console.log = console.info = console.warn = console.error = console.debug = (...a: unknown[]) => log.info(a.map(String).join(' '));

  const server = new WitnessServer({
    host: cfg.host,
    port: cfg.port,
    log,
    onChange: (t) => emitWitness({ t: 'lease', holder: t.holder, term: t.term, standby: t.standby }),
  });

  exitWithParent(() => log.info('parent gone: exiting'));

  server.listen().then(
    () => {
      log.info('listening', { host: cfg.host, port: cfg.port, pid: process.pid });
      emitWitness({ t: 'ready', pid: process.pid });
      new LoopMonitor({
        onReport: (s) => emitWitness({ t: 'loop', ...s }),
        onStall: (ms) => log.warn('event loop stalled', { ms: Math.round(ms) }),
      });
    },
    (err: unknown) => {
      log.error('cannot listen', { err: String(err) });
      emitWitness({ t: 'log', msg: `witness cannot listen on ${cfg.host}:${cfg.port}: ${String(err)}` });
      process.exit(2);
    },
  );
}

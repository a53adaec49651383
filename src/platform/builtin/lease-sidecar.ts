/**
 * Planted bug 'renewals-while-hung' (bugs.ts), host side: a separate process renews this host's
 * lease beside it, the way a management agent outside the VM might. Stopping the host process
 * (a hang) does not stop the sidecar, so the witness keeps hearing that the primary is alive.
 * The sidecar exits when this process dies (its stdin closes).
 */
import type { Endpoint } from '../types.ts';
import { spawnTsNode, type Child } from './children.ts';
import type { Logger } from './logger.ts';
import { LineSplitter } from './lines.ts';

const MAIN = 'src/platform/builtin/lease-sidecar-main.ts';

export interface LeaseSidecarConfig {
  endpoint: Endpoint;
  host: string;
  ttlMs: number;
  renewEveryMs: number;
}

export class LeaseSidecar {
  private readonly child: Child;
  private term = 0;

  /** `onRenewing`: once, when the witness first granted one of the sidecar's renewals */
  constructor(cfg: LeaseSidecarConfig, log: Logger, onRenewing: (line: string) => void = () => {}) {
    this.child = spawnTsNode(MAIN, [JSON.stringify(cfg)]);
    const lines = new LineSplitter();
    this.child.stdout.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) if (line.startsWith('renewing')) onRenewing(`planted bug renewals-while-hung: the lease sidecar is ${line}`);
    });
    this.child.stderr.resume();
    this.child.stdin.on('error', () => {});
    log.warn('planted bug renewals-while-hung: lease sidecar started', { pid: this.child.pid });
  }

  /** renew the lease of `term` from now on (0: stop renewing) */
  renewFor(term: number): void {
    if (term === this.term) return;
    this.term = term;
    this.child.stdin.write(JSON.stringify({ term }) + '\n');
  }

  stop(): void {
    try {
      if (this.child.pid) process.kill(this.child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

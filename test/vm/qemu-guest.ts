/**
 * Test helper: the guest image under QEMU (qemu-system-i386 -kernel), its COM1 wired to a TCP
 * server of ours that QEMU dials, so the first byte the guest writes (`- READY`) reaches us.
 */
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const QEMU = 'qemu-system-i386';

/** null when QEMU runs here, else why not */
export function qemuMissing(): string | null {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `${QEMU} is not installed (Debian: apt-get install qemu-system-x86), so the guest is not checked on a second emulator`;
  return null;
}

export class QemuGuest {
  private buf = '';
  private waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  readonly lines: string[] = [];
  private constructor(readonly proc: ChildProcess, private readonly sock: net.Socket, private readonly server: net.Server) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).replace(/\r$/, '');
        this.buf = this.buf.slice(nl + 1);
        this.lines.push(line);
        const i = this.waiters.findIndex((w) => w.pred(line));
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(line);
      }
    });
    sock.on('error', () => {
      /* QEMU killed */
    });
  }

  /** boot the image; resolves once the guest printed `- READY` */
  static async boot(image: string, timeoutMs = 30_000): Promise<QemuGuest> {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const proc = spawn(QEMU, ['-m', '16', '-kernel', image, '-display', 'none', '-monitor', 'none', '-nodefaults', '-no-reboot', '-serial', `tcp:127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr += d));
    const conn = new Promise<net.Socket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`QEMU did not connect its serial port within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      server.once('connection', (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      proc.once('exit', (code) => reject(new Error(`QEMU exited (${code}) before connecting: ${stderr}`)));
    });
    let sock: net.Socket;
    try {
      sock = await conn;
    } catch (err) {
      proc.kill('SIGKILL');
      server.close();
      throw err;
    }
    const g = new QemuGuest(proc, sock, server);
    await g.until((l) => l === '- READY', timeoutMs, 'the guest to print - READY');
    return g;
  }

  until(pred: (l: string) => boolean, ms: number, what: string): Promise<string> {
    const seen = this.lines.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line for ${what} within ${ms} ms; got ${JSON.stringify(this.lines.slice(-5))}`)), ms);
      this.waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }

  /** send a request, resolve with the reply that carries its id */
  ask(line: string, ms = 10_000): Promise<string> {
    const id = line.split(' ')[0]!;
    const p = this.until((l) => l.startsWith(`${id} `), ms, JSON.stringify(line));
    this.sock.write(`${line}\n`);
    return p;
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => (this.proc.exitCode !== null || this.proc.signalCode !== null ? r(null) : this.proc.once('exit', r)));
    this.proc.kill('SIGKILL');
    this.sock.destroy();
    this.server.close();
    await exited;
  }
}

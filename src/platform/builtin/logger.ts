/**
 * Structured logger: one JSON object per line in a file, with the monotonic time (monoMs,
 * comparable across processes), the wall-clock time and the component. Writes are
 * synchronous so a SIGKILLed process leaves every line it logged behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monoMs } from '../types.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export class Logger {
  private fd: number | null;

  constructor(
    readonly file: string,
    readonly component: string,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
  }

  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (this.fd === null) return;
    const rec = { time: Math.round(monoMs() * 1000) / 1000, wall: new Date().toISOString(), c: this.component, level, msg, ...fields };
    try {
      fs.writeSync(this.fd, JSON.stringify(rec) + '\n');
    } catch {
      /* a full disk must not take the host down */
    }
  }

  info(msg: string, fields?: Record<string, unknown>): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log('error', msg, fields);
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.log('debug', msg, fields);
  }

  close(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* ignore */
      }
      this.fd = null;
    }
  }
}

/**
 * The guest's serial console: every line the guest writes, appended to a file with a
 * monotonic timestamp. Buffered (the guest may write thousands of lines a second) and flushed
 * every 50 ms and at exit.
 */
export class ConsoleLog {
  private fd: number | null;
  private buf: string[] = [];
  private timer: NodeJS.Timeout;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
    this.timer = setInterval(() => this.flush(), 50);
    this.timer.unref();
  }

  line(dir: '<' | '>' | '#', text: string): void {
    if (this.fd === null) return;
    this.buf.push(`${monoMs().toFixed(3)} ${dir} ${text}\n`);
    if (this.buf.length > 2000) this.flush();
  }

  flush(): void {
    if (this.fd === null || this.buf.length === 0) return;
    const s = this.buf.join('');
    this.buf = [];
    try {
      fs.writeSync(this.fd, s);
    } catch {
      /* ignore */
    }
  }

  close(): void {
    this.flush();
    clearInterval(this.timer);
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* ignore */
      }
      this.fd = null;
    }
  }
}

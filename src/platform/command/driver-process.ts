/**
 * One running driver program: spawned in a process group of its own (so that it and
 * everything it starts can be killed at once), spoken to in ndjson on stdin/stdout, its
 * stderr kept in a file. Every request has a timeout; a driver that dies, writes a line that
 * is not protocol, or never answers fails the calls waiting on it with what it did.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { monoMs } from '../types.ts';
import { parseLine, type DriverEvent } from './protocol.ts';

export class DriverCallError extends Error {
  override name = 'DriverCallError';
  constructor(
    message: string,
    /** the exact line sent */
    readonly sent: string,
    /** what came back (a line, or a description of what happened instead) */
    readonly received: string,
    readonly reason: 'error' | 'timeout' | 'exited' | 'bad-line',
  ) {
    super(message);
  }
}

export interface TranscriptEntry {
  dir: 'sent' | 'received' | 'stderr';
  line: string;
  time: number;
}

interface Pending {
  method: string;
  sent: string;
  resolve: (v: { result: unknown; seq: number }) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const live = new Set<DriverProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // last resort: whatever way the harness ends, no driver (or anything it started) outlives it
  process.on('exit', () => {
    for (const d of live) d.killGroup();
  });
}

export interface DriverProcessOptions {
  argv: string[];
  /** shown in messages, e.g. command:./examples/drivers/builtin.py */
  display: string;
  /** where the driver's stderr goes (appended) */
  stderrFile?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class DriverProcess {
  readonly child: ChildProcess;
  readonly transcript: TranscriptEntry[] = [];
  /** false: status calls and their answers are left out of the transcript (they come 4 times a second) */
  recordStatus = true;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly pending = new Map<number, Pending>();
  /** lines read from the driver so far: tells an answer apart from events that came after it */
  seq = 0;
  private nextId = 1;
  private buf = '';
  private stderrTail: string[] = [];
  private eventListeners = new Set<(e: DriverEvent, raw: string) => void>();
  private badLineListeners = new Set<(why: string) => void>();
  private statusIds = new Set<number>();
  private stderrOut: fs.WriteStream | null = null;

  constructor(private readonly opts: DriverProcessOptions) {
    installExitHook();
    const [prog, ...args] = opts.argv;
    const env = { ...(opts.env ?? process.env) };
    delete env.NODE_OPTIONS;
    this.child = spawn(prog!, args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    live.add(this);
    if (opts.stderrFile) this.stderrOut = fs.createWriteStream(opts.stderrFile, { flags: 'a' });
    this.exited = new Promise((resolve) => {
      let spawnError: Error | null = null;
      this.child.once('error', (err) => {
        spawnError = err;
        // spawn failed: there is no process and 'exit' may never come
        this.exitInfo = { code: -1, signal: null };
        this.failAll(`could not start ${opts.display}: ${err.message}`, 'exited');
        resolve(this.exitInfo);
      });
      // 'exit' can come before the last lines are read, and 'close' never comes while a
      // process the driver left behind holds its pipes: whichever is first, with a grace
      let finalised = false;
      const finalise = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (finalised || spawnError) return;
        finalised = true;
        this.exitInfo = { code, signal };
        // stays in `live` until its group is killed: what it left behind must not outlive us
        const how = signal ?? `code ${code}`;
        this.failAll(`driver ${opts.display} exited (${how}) before it answered${this.stderrHint()}`, 'exited', `nothing: the driver exited (${how})`);
        this.stderrOut?.end();
        resolve(this.exitInfo);
      };
      this.child.once('exit', (code, signal) => {
        const t = setTimeout(() => finalise(code, signal), 200);
        this.child.once('close', () => {
          clearTimeout(t);
          finalise(code, signal);
        });
      });
    });
    this.child.stdin!.on('error', () => {
      /* EPIPE: the driver is gone; 'close' reports it */
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrOut?.write(chunk);
      for (const l of chunk.split('\n')) {
        if (!l.trim()) continue;
        this.stderrTail.push(l);
        this.transcript.push({ dir: 'stderr', line: l, time: monoMs() });
      }
      if (this.stderrTail.length > 20) this.stderrTail.splice(0, this.stderrTail.length - 20);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  onEvent(fn: (e: DriverEvent, raw: string) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  onBadLine(fn: (why: string) => void): () => void {
    this.badLineListeners.add(fn);
    return () => this.badLineListeners.delete(fn);
  }

  /** the last lines the driver wrote to stderr, for error messages */
  stderrHint(): string {
    return this.stderrTail.length ? `; its stderr ends: ${this.stderrTail.slice(-5).join(' | ')}` : '';
  }

  /** send one request; resolves with its result, rejects with a DriverCallError */
  async request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    return (await this.requestSeq(method, params, timeoutMs)).result;
  }

  /**
   * As request(), with the number of the line that carried the answer: events read after it
   * (seq greater) are newer than the answer, though the caller sees the answer after them.
   */
  requestSeq(method: string, params: unknown, timeoutMs: number): Promise<{ result: unknown; seq: number }> {
    const id = this.nextId++;
    const sent = JSON.stringify({ id, method, params: params ?? {} });
    const quiet = method === 'status' && !this.recordStatus;
    if (quiet) this.statusIds.add(id);
    else this.transcript.push({ dir: 'sent', line: sent, time: monoMs() });
    return new Promise((resolve, reject) => {
      if (!this.alive) {
        reject(new DriverCallError(`driver ${this.opts.display} is not running (it exited ${this.describeExit()}), so it cannot answer "${method}"`, sent, 'nothing: the driver had exited', 'exited'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.statusIds.delete(id);
        reject(new DriverCallError(`driver ${this.opts.display} did not answer "${method}" within ${timeoutMs} ms${this.stderrHint()}`, sent, `nothing within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.pending.set(id, { method, sent, resolve, reject, timer });
      this.child.stdin!.write(`${sent}\n`);
    });
  }

  /** close the driver's stdin: a driver must stop everything and exit when it sees EOF */
  closeStdin(): void {
    try {
      this.child.stdin!.end();
    } catch {
      /* gone */
    }
  }

  /** SIGKILL the driver's whole process group (it and whatever it started that stayed in it) */
  killGroup(): void {
    const pid = this.child.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* nothing left in the group */
    }
  }

  /** pids still in the driver's process group (Linux /proc), the leader included if alive */
  groupMembers(): number[] {
    const pgid = this.child.pid;
    if (!pgid) return [];
    const out: number[] = [];
    let dirs: string[] = [];
    try {
      dirs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
    } catch {
      return [];
    }
    for (const d of dirs) {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'latin1');
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // fields after the name: state ppid pgrp ...
        if (rest[0] !== 'Z' && Number(rest[2]) === pgid) out.push(Number(d));
      } catch {
        /* gone */
      }
    }
    return out;
  }

  /** orderly end: close stdin, wait up to graceMs for the exit, then kill the group */
  async shutdown(graceMs: number): Promise<void> {
    this.closeStdin();
    if (this.alive) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    this.killGroup();
    await this.exited;
    live.delete(this);
  }

  describeExit(): string {
    const e = this.exitInfo;
    return e ? (e.signal ? `on ${e.signal}` : `with code ${e.code}`) : 'not yet';
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      if (line.trim()) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    this.seq++;
    const parsed = parseLine(line);
    const quiet = parsed.kind === 'response' && this.statusIds.has(parsed.id);
    if (!quiet) this.transcript.push({ dir: 'received', line, time: monoMs() });
    if (parsed.kind === 'bad') {
      // a line that is not protocol: whatever call was waiting will not get a proper answer
      this.failAll(`driver ${this.opts.display} wrote a line that is not protocol (${parsed.why})`, 'bad-line', line);
      for (const l of this.badLineListeners) l(parsed.why);
      return;
    }
    if (parsed.kind === 'event') {
      for (const l of this.eventListeners) {
        try {
          l(parsed.event, line);
        } catch {
          /* a listener's bug must not break the connection */
        }
      }
      return;
    }
    const p = this.pending.get(parsed.id);
    this.statusIds.delete(parsed.id);
    if (!p) {
      for (const l of this.badLineListeners) l(`an answer to no pending request (id ${parsed.id}): ${line}`);
      return;
    }
    this.pending.delete(parsed.id);
    clearTimeout(p.timer);
    if (parsed.error !== undefined) p.reject(new DriverCallError(`driver ${this.opts.display} refused "${p.method}": ${parsed.error}`, p.sent, line, 'error'));
    else p.resolve({ result: parsed.result, seq: this.seq });
  }

  private failAll(message: string, reason: DriverCallError['reason'], received?: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      this.statusIds.delete(id);
      p.reject(new DriverCallError(`${message} (waiting for its answer to "${p.method}")`, p.sent, received ?? message, reason));
    }
  }
}

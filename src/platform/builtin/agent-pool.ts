/**
 * A pool of idle agent processes (agent-main.ts), already loaded and — for hosts — with a
 * warmed-up emulator thread, so that starting a pair (or restarting a host) does not wait for
 * Node, tsx and v86 to start. The driver takes an agent when it has one ready (or about to be)
 * and spawns a process the ordinary way otherwise. The pool keeps two pairs' worth, so the
 * next scenario's pair is ready while the agents of the last one are replaced; agents are
 * started at most three at a time (a 2-core machine runs a scenario beside them).
 * Idle agents are ordinary children (children.ts): killed on exit and signals, and they exit
 * by themselves when the parent's pipe closes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTsNode, type Child } from './children.ts';
import { LineSplitter } from './lines.ts';
import { parseEvent } from './events.ts';
import type { AgentSpec } from './agent-main.ts';
import type { VmWorkerData } from './vm-protocol.ts';

const AGENT_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-main.ts');

interface Agent {
  child: Child;
  ready: Promise<boolean>;
}

export interface AgentPoolOptions {
  /** idle host agents to keep [4] */
  hosts?: number;
  /** idle witness agents to keep [2] */
  witnesses?: number;
  /** agents starting at the same time, at most [3] */
  wave?: number;
  /** the emulator settings host agents warm up for (other settings spawn the ordinary way) */
  vm: VmWorkerData;
}

export class AgentPool {
  private readonly idle: Record<AgentSpec['kind'], Agent[]> = { host: [], witness: [] };
  private closed = false;
  private starting = 0;

  constructor(private readonly o: AgentPoolOptions) {}

  /** host agents serve hosts with these emulator settings only */
  serves(vm: VmWorkerData): boolean {
    return vm.memoryMiB === this.o.vm.memoryMiB && vm.vmModule === this.o.vm.vmModule && vm.imagePath === this.o.vm.imagePath;
  }

  /** start agents until the pool is full */
  refill(): void {
    if (this.closed) return;
    const want = { host: this.o.hosts ?? 4, witness: this.o.witnesses ?? 2 };
    const wave = this.o.wave ?? 3;
    while (this.starting < wave) {
      const kind = this.nextMissing(want);
      if (!kind) return;
      this.idle[kind].push(this.spawn(kind));
    }
  }

  /** the first agent missing in the order witness, host, host, witness, host, host, … (one pair's worth at a time) */
  private nextMissing(want: Record<AgentSpec['kind'], number>): AgentSpec['kind'] | null {
    const seen = { host: 0, witness: 0 };
    for (let i = 0; seen.host < want.host || seen.witness < want.witness; i++) {
      const kind = i % 3 === 0 ? 'witness' : 'host';
      if (seen[kind] >= want[kind]) {
        seen[kind]++;
        continue;
      }
      if (++seen[kind] > this.idle[kind].length) return kind;
    }
    return null;
  }

  /**
   * An agent ready to be configured (waiting for one that is still starting), or null when
   * the pool has none: the caller then spawns a process the ordinary way. (Wrapped: a Child
   * is itself a promise, which an async function would unwrap.)
   */
  async take(kind: AgentSpec['kind']): Promise<{ child: Child } | null> {
    while (!this.closed) {
      const a = this.idle[kind].shift();
      if (!a) return null;
      if (await a.ready) return { child: a.child };
      a.child.kill('SIGKILL');
    }
    return null;
  }

  /** hand a taken agent its configuration: from now on it is that process */
  static configure(child: Child, config: unknown): void {
    child.stdin.write(JSON.stringify(config) + '\n');
  }

  /** kill every idle agent; the pool spawns no more */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle.host, ...this.idle.witness];
    this.idle.host = [];
    this.idle.witness = [];
    for (const a of all) a.child.kill('SIGKILL');
    await Promise.allSettled(all.map((a) => a.child));
  }

  private spawn(kind: AgentSpec['kind']): Agent {
    const spec: AgentSpec = kind === 'host' ? { kind, vm: this.o.vm } : { kind };
    const child = spawnTsNode(AGENT_MAIN, [JSON.stringify(spec)]);
    this.starting++;
    const ready = new Promise<boolean>((resolve) => {
      const lines = new LineSplitter();
      const onData = (chunk: Buffer): void => {
        for (const line of lines.push(chunk)) {
          if (parseEvent<{ t: string }>(line)?.t === 'idle') {
            child.stdout.off('data', onData);
            child.stdout.pause(); // nothing is lost until the driver reads (it resumes)
            resolve(true);
          }
        }
      };
      child.stdout.on('data', onData);
      void child.then(() => resolve(false));
    });
    void ready.then(() => {
      this.starting--;
      this.refill();
    });
    // an agent that died while idle is simply not used
    child.stderr.resume();
    return { child, ready };
  }
}

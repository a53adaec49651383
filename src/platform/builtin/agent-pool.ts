/**
 * A pool of idle agent processes (agent-main.ts), already loaded and — for hosts — with a
 * warmed-up emulator thread, so that starting a pair (or restarting a host) does not wait for
 * Node, tsx and v86 to start. The driver takes an agent when it has one ready (or about to be)
 * and spawns a process the ordinary way otherwise. Agents are replaced after the pair that
 * used them stopped; `settled()` tells when they are ready, so that the harness can start the
 * next scenario only then: an agent starting up beside a running scenario would take CPU from
 * the platform under test (on a 2-core machine, enough to slow commits and outages).
 * Idle agents are ordinary children (children.ts): killed on exit and signals, and they exit
 * by themselves when the parent's pipe closes.
 */
import { spawnTsNode, type Child } from './children.ts';
import { LineSplitter } from './lines.ts';
import { parseEvent } from './events.ts';
import type { AgentSpec } from './agent-main.ts';
import type { VmWorkerData } from './vm-protocol.ts';

const KINDS: readonly AgentSpec['kind'][] = ['witness', 'primary', 'backup'];
const AGENT_MAIN = 'src/platform/builtin/agent-main.ts';

interface Agent {
  child: Child;
  ready: Promise<boolean>;
}

export interface AgentPoolOptions {
  /** idle agents to keep per kind [1 witness, 1 primary-to-be, 1 backup-to-be] */
  want?: Partial<Record<AgentSpec['kind'], number>>;
  /** agents starting at the same time, at most [3] */
  wave?: number;
  /** the emulator settings host agents warm up for (other settings spawn the ordinary way) */
  vm: VmWorkerData;
}

export class AgentPool {
  private readonly idle: Record<AgentSpec['kind'], Agent[]> = { witness: [], primary: [], backup: [] };
  private closed = false;
  private starting = 0;

  constructor(private readonly o: AgentPoolOptions) {}

  /** host agents (primary / backup) serve hosts with these emulator settings only */
  serves(vm: VmWorkerData): boolean {
    return vm.memoryMiB === this.o.vm.memoryMiB && vm.vmModule === this.o.vm.vmModule && vm.imagePath === this.o.vm.imagePath;
  }

  /** start agents until the pool is full */
  refill(): void {
    if (this.closed) return;
    const want = { witness: 1, primary: 1, backup: 1, ...this.o.want };
    const wave = this.o.wave ?? 3;
    while (this.starting < wave) {
      const kind = KINDS.find((k) => this.idle[k].length < want[k]);
      if (!kind) return;
      this.idle[kind].push(this.spawn(kind));
    }
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

  /** resolves once no agent is starting (every idle agent is ready, or the pool closed) */
  settled(): Promise<void> {
    return Promise.all(KINDS.flatMap((k) => this.idle[k]).map((a) => a.ready)).then(() => {});
  }

  /** hand a taken agent its configuration: from now on it is that process */
  static configure(child: Child, config: unknown): void {
    child.stdin.write(JSON.stringify(config) + '\n');
  }

  /** kill every idle agent; the pool spawns no more */
  async close(): Promise<void> {
    this.closed = true;
    const all = KINDS.flatMap((k) => this.idle[k]);
    for (const k of KINDS) this.idle[k] = [];
    for (const a of all) a.child.kill('SIGKILL');
    await Promise.allSettled(all.map((a) => a.child));
  }

  private spawn(kind: AgentSpec['kind']): Agent {
    const spec: AgentSpec = kind === 'witness' ? { kind } : { kind, vm: this.o.vm };
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

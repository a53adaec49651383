/**
 * Process entry of a pooled agent: `node --import tsx agent-main.ts '{"kind":"backup",...}'`.
 * It loads everything a host (or the witness) needs — and for a host starts its emulator
 * thread, compiles the emulator and, for a backup-to-be, warms up the restore path — then says `{"t":"idle"}` and waits for its configuration: one JSON
 * line on stdin. From then on it is an ordinary host or witness process. A real FT platform's
 * hosts are long-running agents too; the pool (agent-pool.ts) only moves process start-up out
 * of the time a scenario waits for its pair.
 */
import { LineSplitter } from './lines.ts';
import { emit } from './events.ts';
import type { VmWorkerData } from './vm-protocol.ts';

export interface AgentSpec {
  /** 'backup': a host whose emulator is warmed up for restores (a failover is quick); 'primary': a host whose emulator is compiled (it boots the guest) */
  kind: 'primary' | 'backup' | 'witness';
  /** host agents: the emulator settings to warm up for */
  vm?: VmWorkerData;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as AgentSpec;

async function main(): Promise<void> {
  let gotConfig = false;
  // no orphans while idle (once configured, the host or witness watches its parent itself)
  const orphaned = (): void => {
    if (!gotConfig) process.exit(0);
  };
  process.stdin.on('end', orphaned);
  process.stdin.on('close', orphaned);
  process.stdin.on('error', orphaned);
  process.stdout.on('error', orphaned);
  let start: (line: string) => void;
  if (spec.kind !== 'witness') {
    const [{ runHost }, { VmThread }] = await Promise.all([import('./host-run.ts'), import('./vm-thread.ts')]);
    const vm = new VmThread(spec.vm ?? { memoryMiB: 16 });
    vm.onFatal = () => process.exit(3);
    await vm.whenReady();
    if (spec.kind === 'backup') await vm.warmUp();
    else await vm.prepare();
    start = (line) => runHost(JSON.parse(line), vm);
  } else {
    const { runWitness } = await import('./witness-run.ts');
    start = (line) => runWitness(JSON.parse(line));
  }
  const lines = new LineSplitter();
  const onData = (chunk: Buffer): void => {
    const [first] = lines.push(chunk);
    if (first === undefined || gotConfig) return;
    gotConfig = true;
    process.stdin.off('data', onData);
    start(first);
  };
  process.stdin.on('data', onData);
  emit<{ t: 'idle'; time: number }>({ t: 'idle' });
}

main().catch((err: unknown) => {
  process.stderr.write(`agent failed to start: ${String(err)}\n`);
  process.exit(2);
});

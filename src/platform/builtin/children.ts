/**
 * Spawning and reaping of the platform's child processes (hosts, witness). Every child is
 * registered here; on process exit, SIGINT, SIGTERM or SIGHUP of the parent every live child is
 * SIGKILLed (children also exit by themselves when their stdin pipe closes, which covers a
 * SIGKILLed parent). NODE_OPTIONS is stripped from the children's environment.
 */
import { execa, type ResultPromise } from 'execa';
import { entry, PACKAGE_ROOT } from '../../threads/entries.ts';

export const REPO_ROOT = PACKAGE_ROOT;

export type Child = ResultPromise<{
  stdin: 'pipe';
  stdout: 'pipe';
  stderr: 'pipe';
  buffer: false;
  reject: false;
}>;

const live = new Set<Child>();
let installed = false;

function killAllSync(): void {
  for (const c of live) {
    try {
      if (c.pid) process.kill(c.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllSync();
      // nobody else handles it: behave as if we had not been listening (die of the signal)
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once(sig, handler);
  }
}

export function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT' || k === 'NODE_CHANNEL_FD') continue;
    env[k] = v;
  }
  return env;
}

/**
 * start an entry (a path relative to the package root, "src/…/x-main.ts") with piped stdio:
 * `node <its bundle> <args…>` when the bundles are fresh, else `node --import tsx <source> <args…>`
 */
export function spawnTsNode(srcRel: string, args: string[]): Child {
  install();
  const e = entry(srcRel);
  const child = execa(process.execPath, [...(e.bundle ? [e.bundle] : ['--import', 'tsx', e.source]), ...args], {
    cwd: REPO_ROOT,
    env: childEnv(),
    extendEnv: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    cleanup: true,
  });
  live.add(child);
  void child.finally(() => live.delete(child));
  return child;
}

/** pids of children still running (for tests: nothing may survive) */
export function liveChildPids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => typeof p === 'number');
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

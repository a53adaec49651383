/**
 * The one owner of last-resort clean-up: every scenario registers what it must release
 * (processes, servers) and the reaper runs it on Ctrl-C, SIGTERM and process exit, so an
 * interrupted run leaves no host, VM or proxy behind.
 */
type Cleanup = { async: () => Promise<void>; sync: () => void };

const cleanups = new Map<number, Cleanup>();
let nextId = 1;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    // Best effort async first (bounded), then the synchronous kill of whatever is left.
    const all = [...cleanups.values()];
    const timer = setTimeout(() => finish(), 3000);
    timer.unref();
    Promise.allSettled(all.map((c) => c.async())).then(finish, finish);
    function finish() {
      runSync();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', runSync);
}

function runSync(): void {
  for (const c of cleanups.values()) {
    try {
      c.sync();
    } catch {
      /* keep going: the others must still run */
    }
  }
  cleanups.clear();
}

/**
 * Register a clean-up: `async` is the orderly way (stop servers, reap children), `sync` the
 * last resort at exit (e.g. SIGKILL known pids). Returns the function that unregisters it.
 */
export function registerCleanup(asyncFn: () => Promise<void>, syncFn: () => void = () => {}): () => void {
  install();
  const id = nextId++;
  cleanups.set(id, { async: asyncFn, sync: syncFn });
  return () => {
    cleanups.delete(id);
  };
}

/** SIGKILL a pid if it still exists (used by sync clean-ups) */
export function killQuietly(pid: number | null | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

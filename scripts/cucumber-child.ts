/**
 * Running cucumber as a child of a script (`npm run soak`, `npm run bugs`): each run's messages
 * to a file, its evidence to its own folder (FTCHAOS_RUNS_DIR), and on Ctrl-C / SIGTERM every
 * child gets SIGTERM — cucumber then tears its pairs down (SIGKILL would leave a SIGSTOPped host
 * stopped for ever) — before this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const children = new Set<ChildProcess>();

function killAll(signal: NodeJS.Signals): void {
  for (const c of children) c.kill(signal);
}

let installed = false;
/** kill every child on exit, SIGTERM them on SIGINT/SIGTERM and exit 130 once they are gone */
export function cleanUpChildrenOnSignals(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll('SIGTERM');
      setTimeout(() => process.exit(130), 5000).unref();
      const left = [...children];
      void Promise.all(left.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r))))).then(() => process.exit(130));
    });
  }
}

export interface CucumberRun {
  profile: string;
  /** where the message stream goes */
  messages: string;
  /** the evidence folder of this run (nothing else writes there) */
  evidence: string;
  /** more cucumber arguments (--world-parameters, feature paths) */
  args?: string[];
  env?: Record<string, string>;
}

/** one cucumber run; resolves with its exit code */
export function runCucumber(o: CucumberRun): Promise<number> {
  cleanUpChildrenOnSignals();
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['node_modules/@cucumber/cucumber/bin/cucumber.js', '--profile', o.profile, '--format', `message:${o.messages}`, ...(o.args ?? [])], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...o.env, FTCHAOS_RUNS_DIR: o.evidence },
    });
    children.add(c);
    c.on('exit', (code) => {
      children.delete(c);
      resolve(code ?? 1);
    });
  });
}

/**
 * Runs cucumber-js as a child process (as a user would), with a tag in its environment that
 * every process it starts inherits, and reads back its messages: per scenario the status and
 * the failure messages. Afterwards the tag tells whether any process it started survived.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface ScenarioOutcome {
  name: string;
  status: string;
  messages: string[];
  /** text of each failed step */
  failedSteps: string[];
}

export interface CucumberRun {
  exitCode: number;
  output: string;
  scenarios: Map<string, ScenarioOutcome>;
  /** pids of processes started by the run that are still alive */
  survivors: number[];
}

export interface RunOptions {
  timeoutMs?: number;
  /** called once the run is under way, with its tag and a way to signal cucumber */
  whileRunning?: (tag: string, signal: (s: NodeJS.Signals) => void) => Promise<void>;
}

export async function runCucumber(args: string[], opts: RunOptions = {}): Promise<CucumberRun> {
  const timeoutMs = opts.timeoutMs ?? 240_000;
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-cuke-'));
  const messages = join(dir, 'messages.ndjson');
  const tag = randomUUID();
  try {
    const env: Record<string, string | undefined> = { ...process.env, FTCHAOS_TEST_TAG: tag };
    delete env.NODE_OPTIONS;
    delete env.NODE_TEST_CONTEXT;
    // cucumber-js itself, not through npx, so that a signal reaches it and not a wrapper
    const child = execa(process.execPath, ['node_modules/@cucumber/cucumber/bin/cucumber.js', ...args, '--format', `message:${messages}`], {
      env, extendEnv: false, reject: false, all: true, timeout: timeoutMs, killSignal: 'SIGINT',
    });
    if (opts.whileRunning) await opts.whileRunning(tag, (s) => child.kill(s));
    const r = await child;
    return { exitCode: r.exitCode ?? -1, output: r.all ?? '', scenarios: parseMessages(readFileSync(messages, 'utf8')), survivors: taggedProcesses(tag) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseMessages(text: string): Map<string, ScenarioOutcome> {
  const pickles = new Map<string, { name: string; steps: Map<string, string> }>();
  const testCases = new Map<string, { pickleId: string; stepToPickleStep: Map<string, string> }>();
  const started = new Map<string, string>();
  const out = new Map<string, ScenarioOutcome>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    if (e.pickle) pickles.set(e.pickle.id, { name: e.pickle.name, steps: new Map(e.pickle.steps.map((s: { id: string; text: string }) => [s.id, s.text])) });
    if (e.testCase) {
      testCases.set(e.testCase.id, {
        pickleId: e.testCase.pickleId,
        stepToPickleStep: new Map(e.testCase.testSteps.filter((s: { pickleStepId?: string }) => s.pickleStepId).map((s: { id: string; pickleStepId: string }) => [s.id, s.pickleStepId])),
      });
    }
    if (e.testCaseStarted) started.set(e.testCaseStarted.id, e.testCaseStarted.testCaseId);
    if (e.testStepFinished) {
      const tc = testCases.get(started.get(e.testStepFinished.testCaseStartedId)!)!;
      const pickle = pickles.get(tc.pickleId)!;
      const o = out.get(pickle.name) ?? { name: pickle.name, status: 'PASSED', messages: [], failedSteps: [] };
      const r = e.testStepFinished.testStepResult;
      if (r.status !== 'PASSED' && r.status !== 'SKIPPED' && o.status === 'PASSED') o.status = r.status;
      if (r.message) o.messages.push(r.message);
      if (r.status === 'FAILED') {
        const ps = tc.stepToPickleStep.get(e.testStepFinished.testStepId);
        o.failedSteps.push(ps ? pickle.steps.get(ps) ?? '?' : 'hook');
      }
      out.set(pickle.name, o);
    }
  }
  return out;
}

/** live processes whose environment carries the tag */
export function taggedProcesses(tag: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      if (/\) Z /.test(stat)) continue; // zombies are already dead
      if (env.includes(`FTCHAOS_TEST_TAG=${tag}`)) pids.push(Number(d));
    } catch {
      /* gone or not ours */
    }
  }
  return pids;
}

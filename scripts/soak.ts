/**
 * npm run soak -- --runs N [--hog] [--profile NAME]
 *
 * Runs the cucumber profile (default: "default") N times in a row against the correct
 * builtin platform and prints what a red run would cost a team: per-scenario pass counts,
 * the false-alarm rate, the unplanned role changes, and the event-loop stall distribution of
 * every process. --hog keeps one core busy beside the runs (`node -e 'for(;;){}'`), as a
 * shared CI runner would. Each run's evidence goes to reports/soak/run-<i>/ (nothing else
 * writes there); the summary also to reports/soak/summary.json; exit 1 if any run was red.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summariseMessages, type RunResult } from '../src/soak/messages.ts';
import { summariseEvidence, type EvidenceSummary } from '../src/soak/evidence.ts';
import { renderSoakReport } from '../src/soak/render.ts';
import { children, cleanUpChildrenOnSignals, runCucumber } from './cucumber-child.ts';

const USAGE = 'usage: npm run soak -- --runs N [--hog] [--profile NAME]   (N: 1 to 1000)';

function options(): { runs: number; hog: boolean; profile: string } {
  let v;
  try {
    v = parseArgs({ options: { runs: { type: 'string' }, hog: { type: 'boolean', default: false }, profile: { type: 'string', default: 'default' } } }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const runs = Number(v.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
    console.error(`--runs ${v.runs === undefined ? 'is missing' : `"${v.runs}" is not allowed`}: give a whole number from 1 to 1000\n${USAGE}`);
    process.exit(2);
  }
  return { runs, hog: v.hog!, profile: v.profile! };
}

// the hog joins the cucumber children: all are stopped on exit and on Ctrl-C
cleanUpChildrenOnSignals();

/** the evidence folders under `dir` (one per cucumber run) */
function runDirs(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).map((d) => join(dir, d)) : [];
}

/** one cucumber run, its evidence in `evidence` (nothing else writes there), its messages in `messages` */
function cucumber(profile: string, messages: string, evidence: string): Promise<number> {
  return runCucumber({ profile, messages, evidence });
}

async function main(): Promise<void> {
  const o = options();
  const out = join('reports', 'soak');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let hog: ChildProcess | null = null;
  if (o.hog) {
    hog = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
    children.add(hog);
  }
  const results: RunResult[] = [];
  const evidence: EvidenceSummary[] = [];
  const t0 = Date.now();
  for (let i = 1; i <= o.runs; i++) {
    const messages = join(out, `run-${i}.ndjson`);
    const evidenceDir = join(out, `run-${i}`);
    const started = Date.now();
    const code = await cucumber(o.profile, messages, evidenceDir);
    const r = summariseMessages(readFileSync(messages, 'utf8'), { run: i, exitCode: code, wallMs: Date.now() - started });
    results.push(r);
    evidence.push(summariseEvidence(runDirs(evidenceDir)));
    const failed = r.scenarios.filter((s) => !s.passed);
    console.error(`soak run ${i}/${o.runs}: ${r.scenarios.length - failed.length} of ${r.scenarios.length} scenarios green in ${(r.wallMs / 1000).toFixed(1)} s${failed.length ? ` — red: ${failed.map((s) => `${s.name} (${s.message})`).join('; ')}` : ''}`);
  }
  if (hog) hog.kill('SIGKILL');
  const report = renderSoakReport({ runs: results, evidence, hog: o.hog, profile: o.profile, wallMs: Date.now() - t0 });
  process.stdout.write(report.text);
  writeFileSync(join(out, 'summary.json'), JSON.stringify(report.json, null, 2) + '\n');
  process.exitCode = results.every((r) => r.scenarios.every((s) => s.passed) && r.exitCode === 0) ? 0 : 1;
}

void main();

/**
 * npm run bugs [-- --bugs a,b] [--features <glob>] [--no-unplanted] [--rerender]
 *
 * Runs the default features (profile "default", or the --features glob) once against the
 * correct builtin platform and once against each planted bug of src/platform/builtin/bugs.ts
 * (world parameter plantedBug), each run with its own messages and evidence under
 * reports/bugs/<bug|none>/, then prints the matrix bug × scenario → caught (category, time to
 * detection) or missed, the catch rate, the right-category rate and the false alarms of the
 * unplanted run; also written to reports/bugs/matrix.{txt,json}. Exit 1 when a bug was missed
 * or the unplanted run failed; 2 on bad arguments. Ctrl-C stops the running cucumber (SIGTERM).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PLANTED_BUGS, PLANTED_BUG_NAMES, plantedBug } from '../src/platform/builtin/bugs.ts';
import { scenarioOutcomes } from '../src/bugs/results.ts';
import { buildMatrix, matrixExitCode, renderMatrix, type BugRun } from '../src/bugs/matrix.ts';
import { runCucumber } from './cucumber-child.ts';

const USAGE = 'usage: npm run bugs -- [--bugs name,name] [--features <glob>] [--no-unplanted] [--rerender]   (--rerender: the matrix of the runs already in reports/bugs/)';

function options(): { bugs: string[]; features: string | undefined; unplanted: boolean; rerender: boolean } {
  let v;
  try {
    v = parseArgs({ options: { bugs: { type: 'string' }, features: { type: 'string' }, 'no-unplanted': { type: 'boolean', default: false }, rerender: { type: 'boolean', default: false } } }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const bugs = v.bugs === undefined ? [...PLANTED_BUG_NAMES] : v.bugs.split(',').map((b) => b.trim()).filter(Boolean);
  try {
    for (const b of bugs) plantedBug(b, '--bugs:');
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (bugs.length === 0) {
    console.error(`--bugs names no bug: give one or more of ${PLANTED_BUG_NAMES.join(', ')}\n${USAGE}`);
    process.exit(2);
  }
  return { bugs, features: v.features, unplanted: !v['no-unplanted'], rerender: v.rerender! };
}

async function main(): Promise<void> {
  const o = options();
  const out = join('reports', 'bugs');
  if (!o.rerender) rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // --features replaces the profile's paths (on the command line cucumber would add to them)
  let config: string[] = [];
  if (o.features) {
    const all = JSON.parse(readFileSync('cucumber.json', 'utf8')) as Record<string, Record<string, unknown>>;
    const file = join(out, 'cucumber.json');
    writeFileSync(file, JSON.stringify({ default: { ...all.default, paths: [o.features] } }, null, 2) + '\n');
    config = ['--config', file];
  }
  const plan: (string | null)[] = [...(o.unplanted ? [null] : []), ...o.bugs];
  const runs: BugRun[] = [];
  const t0 = Date.now();
  for (const [i, bug] of plan.entries()) {
    const dir = join(out, bug ?? 'none');
    mkdirSync(dir, { recursive: true });
    const messages = join(dir, 'messages.ndjson');
    const started = Date.now();
    const code = o.rerender ? -1 : await runCucumber({
      profile: 'default',
      messages,
      evidence: join(dir, 'runs'),
      args: [...config, ...(bug ? ['--world-parameters', JSON.stringify({ plantedBug: bug })] : [])],
      // a planted bug comes from this script only, never from the caller's environment
      env: { FTCHAOS_PLANTED_BUG: '' },
    });
    const scenarios = existsSync(messages) ? scenarioOutcomes(readFileSync(messages, 'utf8')) : [];
    runs.push({ bug, expected: bug ? plantedBug(bug).category : null, exitCode: code, scenarios });
    const red = scenarios.filter((s) => !s.passed);
    console.error(
      `bugs run ${i + 1}/${plan.length} (${bug ?? 'no planted bug'}): ${red.length} of ${scenarios.length} scenarios red in ${((Date.now() - started) / 1000).toFixed(0)} s` +
        (red.length ? ` — ${red.map((s) => `${s.name} [${s.category}]`).join('; ')}` : ''),
    );
  }
  const m = buildMatrix(runs);
  const text = renderMatrix(m) + `${o.rerender ? 'rerendered from reports/bugs/' : `wall time: ${((Date.now() - t0) / 1000).toFixed(0)} s`}; catalogue: ${PLANTED_BUGS.length} bugs (src/platform/builtin/bugs.ts)\n`;
  process.stdout.write(text);
  writeFileSync(join(out, 'matrix.txt'), text);
  writeFileSync(join(out, 'matrix.json'), JSON.stringify({ ...m, runs: runs.map((r) => ({ bug: r.bug, exitCode: r.exitCode })) }, null, 2) + '\n');
  process.exitCode = matrixExitCode(m);
}

void main();

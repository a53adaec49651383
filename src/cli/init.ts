/**
 * `ftchaos init`: scaffolds a QA team's own repository (after `npm install ftchaos`):
 * features/ with an example, cucumber.json importing ftchaos's steps and formatters with the
 * platform choice, editor settings, a CI workflow and npm scripts. Writes nothing when a file
 * it would create exists, unless --force.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from './main.ts';
import { parseOrExit, UsageError } from './usage.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TEMPLATES = join(PACKAGE_ROOT, 'templates', 'qa-repo');
/** where the QA repository finds ftchaos (npm installs a direct dependency there) */
const FTCHAOS = 'node_modules/ftchaos';
export const CI_CHOICES = ['github', 'gitlab', 'none'] as const;
type Ci = (typeof CI_CHOICES)[number];

export const USAGE = `Usage: ftchaos init [--platform builtin] [--ci github|gitlab|none] [--dir .] [--force]

Scaffolds a QA repository that runs its own features with ftchaos's steps:
features/example.feature, cucumber.json, .vscode/, a CI workflow and npm scripts.

  --platform <name>  the FT platform the pairs run on (world parameter "platform"): builtin,
                     or command:<driver program> [args] for your own (docs/driver.md)
  --ci <name>        CI workflow: github (.github/workflows/ftchaos.yml), gitlab (.gitlab-ci.yml), none
  --dir <folder>     the repository (default: the current folder)
  --force            overwrite files that exist
  -h, --help         this text

Exit codes: 0 scaffolded; 1 a file exists (nothing written); 2 bad flags.`;


export interface InitOptions {
  platform: string;
  ci: Ci;
  dir: string;
  force: boolean;
}

export async function platformNames(): Promise<string[]> {
  return Object.keys((await import('../harness/platforms.ts')).platformDrivers);
}

export async function parseInitArgs(args: string[]): Promise<InitOptions & { help: boolean }> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        platform: { type: 'string' },
        ci: { type: 'string' },
        dir: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; allowed: --platform, --ci, --dir, --force, --help`);
  }
  const platforms = await platformNames();
  const platform = values.platform ?? 'builtin';
  // command:<program>: the team's own driver (docs/driver.md); it may be written after init
  const isDriver = platform.startsWith('command:') && platform.slice('command:'.length).trim() !== '';
  if (!platforms.includes(platform) && !isDriver) throw new UsageError(`unknown platform "${platform}"; allowed: ${platforms.join(', ')}, or command:<driver program> [args] (docs/driver.md)`);
  const ci = values.ci ?? 'github';
  if (!(CI_CHOICES as readonly string[]).includes(ci)) throw new UsageError(`unknown CI "${ci}"; allowed: ${CI_CHOICES.join(', ')}`);
  if (values.dir === '') throw new UsageError('--dir needs a folder');
  return { platform, ci: ci as Ci, dir: values.dir ?? '.', force: values.force ?? false, help: values.help ?? false };
}

/** The QA repository's cucumber.json: ftchaos's steps, hooks and formatters, the same reports as ftchaos's own. */
export function qaCucumberConfig(platform: string): Record<string, unknown> {
  const common = {
    paths: ['features/**/*.feature'],
    import: [`${FTCHAOS}/steps/support/tsx.mjs`, `${FTCHAOS}/steps/register.ts`],
    worldParameters: { platform },
  };
  const reports = {
    format: [
      'progress',
      'html:reports/cucumber.html',
      'junit:reports/junit.xml',
      'message:reports/cucumber.ndjson',
      `./${FTCHAOS}/steps/support/allure-formatter.mjs:reports/allure-results/.formatter.log`,
      `./${FTCHAOS}/steps/support/verdict-table.mjs:reports/verdicts.txt`,
    ],
    formatOptions: { resultsDir: 'reports/allure-results' },
  };
  const flaky = { retry: 1, retryTagFilter: '@flaky' };
  return {
    default: { ...common, tags: 'not @wip', ...flaky, ...reports },
    ci: { ...common, tags: 'not @wip', ...flaky, ...reports },
    smoke: { ...common, tags: '@smoke', ...reports },
  };
}

const SCRIPTS: Record<string, string> = {
  chaos: `node ${FTCHAOS}/scripts/clean-results.mjs && cucumber-js; s=$?; ftchaos report; exit $s`,
  'chaos:smoke': 'cucumber-js --profile smoke',
  'chaos:report': 'ftchaos report',
};

interface Planned {
  path: string;
  content: string;
  /** kept as it is when it exists (never a conflict) */
  keepExisting?: boolean;
}

export function plan(opts: InitOptions): Planned[] {
  const template = (p: string) => readFileSync(join(TEMPLATES, p), 'utf8');
  const files: Planned[] = [
    { path: 'features/example.feature', content: template('features/example.feature') },
    { path: 'cucumber.json', content: JSON.stringify(qaCucumberConfig(opts.platform), null, 2) + '\n' },
    { path: '.vscode/settings.json', content: template('.vscode/settings.json') },
    { path: '.vscode/extensions.json', content: template('.vscode/extensions.json') },
    { path: '.gitignore', content: template('gitignore'), keepExisting: true },
  ];
  if (opts.ci === 'github') files.push({ path: '.github/workflows/ftchaos.yml', content: template('.github/workflows/ftchaos.yml') });
  if (opts.ci === 'gitlab') files.push({ path: '.gitlab-ci.yml', content: template('.gitlab-ci.yml') });
  return files;
}

export interface InitResult {
  written: string[];
  kept: string[];
  conflicts: string[];
  scriptsAdded: string[];
}

export function init(opts: InitOptions): InitResult {
  const files = plan(opts);
  const at = (p: string) => join(opts.dir, p);
  const conflicts = opts.force ? [] : files.filter((f) => !f.keepExisting && existsSync(at(f.path))).map((f) => f.path);
  if (conflicts.length) return { written: [], kept: [], conflicts, scriptsAdded: [] };
  const written: string[] = [];
  const kept: string[] = [];
  for (const f of files) {
    if (f.keepExisting && existsSync(at(f.path))) {
      kept.push(f.path);
      continue;
    }
    mkdirSync(dirname(at(f.path)), { recursive: true });
    writeFileSync(at(f.path), f.content);
    written.push(f.path);
  }
  const scriptsAdded: string[] = [];
  const pkgPath = at('package.json');
  if (existsSync(pkgPath)) {
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    pkg.scripts ??= {};
    for (const [name, cmd] of Object.entries(SCRIPTS)) {
      if (pkg.scripts[name] === undefined) {
        pkg.scripts[name] = cmd;
        scriptsAdded.push(name);
      }
    }
    if (scriptsAdded.length) writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
  }
  return { written, kept, conflicts: [], scriptsAdded };
}

export const command: Command = {
  summary: 'scaffold a QA repository: features/, cucumber.json, platform choice, CI workflow',
  async run(args) {
    const opts = await parseOrExit('init', USAGE, () => parseInitArgs(args));
    if (typeof opts === 'number') return opts;
    const r = init(opts);
    if (r.conflicts.length) {
      process.stderr.write(`ftchaos init: these files exist, nothing was written (use --force to overwrite): ${r.conflicts.join(', ')}\n`);
      return 1;
    }
    const lines = [
      ...r.written.map((p) => `  created ${p}`),
      ...r.kept.map((p) => `  kept    ${p} (exists)`),
      ...(r.scriptsAdded.length ? [`  npm scripts added to package.json: ${r.scriptsAdded.join(', ')}`] : []),
      '',
      `Platform: ${opts.platform}. Next: npm run chaos:smoke (one scenario), npm run chaos (all, then the Allure report).`,
      'Steps: node_modules/ftchaos/docs/steps.md. Reports: reports/ (see node_modules/ftchaos/docs/ci.md).',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

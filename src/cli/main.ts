/**
 * `ftchaos <command> [flags]`: the command table. Each command lives in its own module,
 * loaded only when asked for; add a line here for a new one.
 */

export interface Command {
  summary: string;
  /** Runs the command; resolves to the exit code (undefined: keep running until done). */
  run(args: string[]): Promise<number | undefined>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  toxiproxy: async () => (await import('./toxiproxy.ts')).command,
  init: async () => (await import('./init.ts')).command,
  report: async () => (await import('./report.ts')).command,
  run: async () => (await import('./run.ts')).command,
  merge: async () => (await import('./merge.ts')).command,
  host: async () => (await import('./host.ts')).command,
  witness: async () => (await import('./witness.ts')).command,
  'driver-check': async () => (await import('./driver-check.ts')).command,
};

const SUMMARIES: Record<string, string> = {
  toxiproxy: 'run the embedded Toxiproxy-compatible server',
  init: 'scaffold a QA repository: features/, cucumber.json, platform choice, CI workflow',
  report: 'build the Allure HTML report (trend from the previous report)',
  run: 'run the scenarios, or one shard of them (--shard I/N), into a results folder of their own',
  merge: "merge shards' results into one Allure report, one JUnit file and one verdict table",
  host: 'run one host of the builtin platform (for external drivers)',
  witness: 'run the witness of the builtin platform (for external drivers)',
  'driver-check': 'check that a platform driver keeps the driver protocol (docs/driver.md)',
};

export function usage(): string {
  const width = Math.max(...Object.keys(SUMMARIES).map((n) => n.length));
  const lines = Object.keys(COMMANDS).map((n) => `  ${n.padEnd(width)}  ${SUMMARIES[n] ?? ''}`);
  return ['Usage: ftchaos <command> [flags]', '', 'Commands:', ...lines, '', 'ftchaos <command> --help shows its flags.'].join('\n');
}

export async function main(argv: string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    process.stderr.write(`ftchaos: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

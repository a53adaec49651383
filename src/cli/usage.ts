/**
 * What every ftchaos subcommand does with its arguments: parse them, and on a usage error say
 * what is wrong and the usage (exit 2); on --help print the usage (exit 0).
 */
export class UsageError extends Error {}

/** the parsed options, or the exit code when the command should stop here */
export async function parseOrExit<T extends { help?: boolean }>(command: string, usage: string, parse: () => T | Promise<T>): Promise<T | number> {
  let opts: T;
  try {
    opts = await parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`ftchaos ${command}: ${err.message}\n\n${usage}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return opts;
}

/**
 * The cucumber configuration of one `ftchaos run`: the user's own (cucumber.json profiles plus
 * the arguments after `--`, read exactly as cucumber-js reads them), with every output file
 * moved into the run's folder (reports/shards/<i>/...) and cucumber's --shard set, so shards
 * that share a checkout never write over each other's results.
 */
import { createRequire } from 'node:module';
import { basename, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { loadConfiguration, type IConfiguration } from '@cucumber/cucumber/api';
import type { Shard } from './shard-spec.ts';

/**
 * Where an output file of the usual layout (reports/junit.xml, reports/allure-results/...)
 * goes for this run: the same path under `out` instead of `reports/`; elsewhere, the path
 * as given under `out` (a path outside the checkout keeps only its file name).
 */
export function moveUnder(out: string, file: string, cwd = process.cwd()): string {
  let rel = normalize(isAbsolute(file) ? relative(cwd, file) : file);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) rel = basename(file);
  if (rel.startsWith(`reports${sep}`)) rel = rel.slice(`reports${sep}`.length);
  return join(out, rel);
}

export interface RunPlan {
  /** the configuration handed to cucumber-js (as the "default" profile of a config file) */
  config: Partial<IConfiguration>;
  /** the Allure results folder (for the hooks' environment files) */
  allureResults: string;
}

/**
 * Reads the user's cucumber arguments the way cucumber-js does (--profile, --config, the
 * default profile), except that feature paths given as arguments replace the profile's
 * (cucumber 12 still adds them to the profile's paths, which would run the whole suite).
 */
export async function planRun(cucumberArgs: string[], out: string, shard: Shard | null, cwd = process.cwd()): Promise<RunPlan> {
  const require = createRequire(import.meta.url);
  const { ArgvParser } = require('@cucumber/cucumber/lib/configuration/index') as {
    ArgvParser: { parse(argv: string[]): { options: { config?: string; profile: string[] }; configuration: Partial<IConfiguration> } };
  };
  const { options, configuration: given } = ArgvParser.parse(['node', 'cucumber-js', ...cucumberArgs]);
  const { paths: givenPaths, ...rest } = given;
  const { useConfiguration: use, runConfiguration: runnable } = await loadConfiguration(
    { file: options.config, profiles: options.profile, provided: rest },
    { cwd, stderr: process.stderr },
  );
  const allureResults = moveUnder(out, typeof use.formatOptions?.resultsDir === 'string' ? use.formatOptions.resultsDir : 'reports/allure-results', cwd);
  const format: Array<string | [string, string]> = [
    ...(runnable.formats.stdout ? [runnable.formats.stdout] : []),
    ...Object.entries(runnable.formats.files).map(([file, formatter]): [string, string] => [formatter, moveUnder(out, file, cwd)]),
  ];
  const config: Partial<IConfiguration> = {
    ...use,
    paths: givenPaths && givenPaths.length > 0 ? givenPaths : use.paths,
    format,
    formatOptions: { ...use.formatOptions, resultsDir: allureResults },
    shard: shard ? `${shard.index}/${shard.total}` : '',
  };
  return { config, allureResults };
}

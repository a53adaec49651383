/**
 * The run-level files of the Allure results folder: environment.properties (platform,
 * options, versions, seed) and categories.json (how failures are grouped).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allureCategories } from '../report/categories.ts';

const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/([=:])/g, '\\$1');

export function writeAllureRunFiles(resultsDir: string, env: Record<string, string>): void {
  mkdirSync(resultsDir, { recursive: true });
  // a key ends at its first unescaped space (java.util.Properties): "fault schedule seeds" needs "\ "
  const props = Object.entries(env).map(([k, v]) => `${escape(k).replace(/ /g, '\\ ')}=${escape(v)}`).join('\n') + '\n';
  writeFileSync(join(resultsDir, 'environment.properties'), props);
  writeFileSync(join(resultsDir, 'categories.json'), JSON.stringify(allureCategories(), null, 2) + '\n');
}

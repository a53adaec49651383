/**
 * The step catalog: every step's wording, its parameters and a one-line meaning, read from a
 * cucumber dry run (see step-catalog.ts). `npm run steps` prints it; `--write` regenerates
 * docs/steps.md; `--check` fails when docs/steps.md is not current (run in CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CatalogError, loadCatalog, renderCatalog } from './step-catalog.ts';

const DOC = 'docs/steps.md';
const ALLOWED = '--write, --check, or nothing to print the catalog';

async function main(arg: string | undefined): Promise<number> {
  if (arg !== undefined && arg !== '--write' && arg !== '--check') {
    console.error(`unknown option ${arg}; allowed: ${ALLOWED}`);
    return 2;
  }
  let catalog;
  try {
    catalog = await loadCatalog();
  } catch (err) {
    if (!(err instanceof CatalogError)) throw err;
    console.error(err.message);
    return 1;
  }
  const text = renderCatalog(catalog);
  const n = catalog.steps.length;
  if (arg === '--write') {
    writeFileSync(DOC, text);
    console.log(`wrote ${DOC} (${n} steps)`);
  } else if (arg === '--check') {
    let current = '';
    try {
      current = readFileSync(DOC, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== text) {
      console.error(`${DOC} is not current: run \`npm run steps -- --write\` and commit it`);
      return 1;
    }
    console.log(`${DOC} is current (${n} steps)`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

process.exitCode = await main(process.argv[2]);

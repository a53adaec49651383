/**
 * Builds the Allure HTML report: carries the previous report's history over (for the trend
 * charts), then runs the Allure 2 CLI from allure-commandline (offline; needs Java 17).
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

const RESULTS = 'reports/allure-results';
const REPORT = 'reports/allure-report';

async function main(): Promise<void> {
  if (!existsSync(RESULTS)) {
    console.error(`no ${RESULTS}: run the scenarios first (npm run chaos)`);
    process.exit(1);
  }
  const java = await execa('java', ['-version'], { reject: false });
  if (java.exitCode !== 0 && !process.env.JAVA_HOME) {
    console.error('the Allure HTML report needs Java 17 (java on PATH or JAVA_HOME); the cucumber HTML report is in reports/cucumber.html');
    process.exit(1);
  }
  if (existsSync(join(REPORT, 'history'))) {
    mkdirSync(join(RESULTS, 'history'), { recursive: true });
    cpSync(join(REPORT, 'history'), join(RESULTS, 'history'), { recursive: true });
  }
  const require = createRequire(import.meta.url);
  const allureBin = join(dirname(require.resolve('allure-commandline/package.json')), 'dist', 'bin', 'allure');
  await execa(allureBin, ['generate', RESULTS, '-o', REPORT, '--clean'], { stdio: 'inherit' });
  console.log(`Allure report: ${REPORT}/index.html (open with: npx allure open ${REPORT})`);
}

await main();

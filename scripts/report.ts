/**
 * `npm run report [-- --previous DIR]`: builds the Allure HTML report (see src/cli/report.ts,
 * also `npx ftchaos report`), carrying the previous report's history over for the trend.
 */
import { command } from '../src/cli/report.ts';

process.exitCode = (await command.run(process.argv.slice(2))) ?? 0;

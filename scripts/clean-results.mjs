// Empties reports/allure-results before a run, so the Allure report shows this run only
// (the trend comes from the previous report's history, which `npm run report` carries over).
import { rmSync } from 'node:fs';

rmSync('reports/allure-results', { recursive: true, force: true });

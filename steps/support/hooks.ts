/**
 * Lifecycle: one run context (Toxiproxy, platform driver) for the whole run; one scenario
 * runtime per scenario, always torn down in After — on success, failure and timeout — with
 * its evidence attached to the report.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { After, AfterAll, Before, BeforeAll, Status } from '@cucumber/cucumber';
import { openRunContext, type RunContext } from '../../src/harness/run-context.ts';
import { ScenarioRuntime } from '../../src/harness/scenario.ts';
import { platformsSettled } from '../../src/harness/platforms.ts';
import { collectEvidence } from '../../src/harness/evidence.ts';
import { writeAllureRunFiles } from '../../src/harness/allure-files.ts';
import { VerdictFailure } from '../../src/harness/verdicts.ts';
import { parseWarmUpOps } from '../../src/harness/params.ts';
import { allureExecutor } from '../../src/report/allure-executor.ts';
import { combineEnvironments, loadEnvironmentParts, partLabel, saveEnvironmentPart } from '../../src/report/allure-environment.ts';
import type { FtWorld } from './world.ts';
import { selectPlantedBug } from '../../src/platform/builtin/bugs.ts';

let run: RunContext | null = null;
let scenarioNo = 0;

BeforeAll({ timeout: 60_000 }, async function (this: { parameters?: FtWorld['parameters'] }) {
  const plantedBug = selectPlantedBug({ worldParameter: this.parameters?.plantedBug, env: process.env.FTCHAOS_PLANTED_BUG });
  run = await openRunContext({ platform: this.parameters?.platform, ...(plantedBug ? { plantedBug } : {}) });
});

Before({ timeout: 30_000 }, async function (this: FtWorld, { pickle }) {
  if (!run) throw new Error('[Harness error] the run context did not start (see BeforeAll)');
  scenarioNo++;
  this.scenarioName = pickle.name;
  const seed = this.parameters.seed ?? run.seed;
  this.runtime = new ScenarioRuntime({
    dir: run.scenarioDir(scenarioNo, pickle.name),
    toxiproxy: run.toxiproxy,
    platformFactory: run.platformFactory(
      this.parameters.platform,
      selectPlantedBug({ tags: pickle.tags.map((t) => t.name), worldParameter: this.parameters.plantedBug, env: process.env.FTCHAOS_PLANTED_BUG }),
    ),
    seed,
    warmUpOps: parseWarmUpOps(this.parameters.warmUpOps),
  });
  // each verdict lands under the Then-step that made it, as well as in the After summary
  const rt = this.runtime;
  // with several pairs, each verdict's file names its pair
  this.runtime.onVerdict = (v) =>
    this.attach(JSON.stringify(v.verdict, null, 2), {
      mediaType: 'application/json',
      fileName: rt.pairs.size > 1 ? `verdict-${v.pair}-${v.verdict.checker}.json` : `verdict-${v.verdict.checker}.json`,
    });
});

After({ timeout: 60_000 }, async function (this: FtWorld, { result, pickle }) {
  const rt = this.runtime;
  if (!rt) return;
  let teardownError: unknown = null;
  try {
    await rt.teardown();
  } catch (err) {
    teardownError = err;
  }
  // every scenario, whatever it checked: a role change with no fault before it is a finding
  const stability = rt.judgeRoleStability(pickle.tags.some((t) => t.name === '@unplanned-failover-expected'));
  run?.noteSeeds(rt.seedsUsed);
  const failed = result?.status === Status.FAILED;
  // the platform's agents are replaced while the evidence is rendered: the next scenario
  // starts only once they are ready, so that no start-up runs beside it
  const [evidence] = await Promise.all([collectEvidence(rt, this.scenarioName, { failed }), platformsSettled()]);
  for (const a of evidence) {
    this.attach(a.body, { mediaType: a.mediaType, fileName: a.fileName });
  }
  this.runtime = null;
  if (teardownError) throw teardownError;
  if (stability && !stability.ok) throw new VerdictFailure(stability);
});

AfterAll({ timeout: 60_000 }, async function () {
  const r = run;
  run = null;
  if (!r) return;
  // under --parallel every worker is a run of its own: each saves its part of the environment
  // (its seed, evidence folder) and the file shows them all (the Allure formatter combines them
  // once more when the last worker is done); `ftchaos run` points this at its results folder
  const results = process.env.FTCHAOS_ALLURE_RESULTS || 'reports/allure-results';
  saveEnvironmentPart(results, { label: partLabel(), env: r.environment() });
  writeAllureRunFiles(results, combineEnvironments(loadEnvironmentParts(results)));
  const executor = allureExecutor(process.env);
  if (executor) writeFileSync(join(results, 'executor.json'), JSON.stringify(executor, null, 2) + '\n');
  await r.close();
});

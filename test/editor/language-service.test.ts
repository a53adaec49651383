/**
 * The editor resolves every step: the Cucumber language service (as the VS Code extension
 * runs it, with this repository's .vscode/settings.json) finds every step definition and
 * parameter type cucumber registers, reports no undefined step in features/, and sends
 * each step to the same definition cucumber runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editorView } from '../support/language-service.ts';
import { dryRunMessages } from '../../scripts/step-catalog.ts';

test('the language service resolves every step in features/ to the definition cucumber uses', { timeout: 120_000 }, async () => {
  const view = await editorView(process.cwd());
  const messages = await dryRunMessages();
  const cucumberDefs = messages.filter((m) => m.stepDefinition).map((m) => m.stepDefinition!);
  const cucumberParams = messages.filter((m) => m.parameterType).map((m) => m.parameterType!.name);

  assert.deepEqual(view.errors, [], 'the language service read the glue without errors');
  assert.deepEqual([...view.parameterTypes].sort(), [...cucumberParams].sort(), 'custom parameter types found by the editor');
  const cucumberAt = new Map(cucumberDefs.map((d) => [d.pattern.source, `${d.sourceReference.uri}:${d.sourceReference.location?.line}`]));
  assert.deepEqual(
    view.stepDefinitions.map((d) => `${d.pattern} @ ${d.at}`).sort(),
    [...cucumberAt].map(([p, at]) => `${p} @ ${at}`).sort(),
    'the editor finds exactly the step definitions cucumber registers, at the same source lines',
  );
  assert.deepEqual(view.diagnostics, [], 'no undefined step and no parse error in any feature file');

  const unresolved = view.steps.filter((s) => s.definitions.length !== 1);
  assert.deepEqual(unresolved, [], 'every step matches exactly one definition in the editor');
  console.log(`language service: ${view.stepDefinitions.length} step definitions, ${view.parameterTypes.length} parameter types; ` +
    `${view.steps.length - unresolved.length} of ${view.steps.length} steps in ${view.featureFiles.length} feature files resolved`);
});

/** The catalog comes from cucumber's dry-run messages plus the doc comment above each definition. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { catalogFromMessages, CatalogError, docCommentAbove, loadCatalog, renderCatalog } from '../../scripts/step-catalog.ts';

const SOURCE = [
  "import { Given, Then } from '@cucumber/cucumber';",
  '',
  '/** boots a pair */',
  "Given('a pair {string}', async function (name: string) {});",
  '',
  '/**',
  ' * checks the pair,',
  ' * over two lines',
  ' */',
  '// a plain comment in between is fine',
  "Then('the pair {string} is fine', async function (name: string) {});",
  '',
  "Then('an undocumented step', async function () {});",
].join('\n');

const def = (source: string, line: number): Envelope =>
  ({ stepDefinition: { id: String(line), pattern: { source, type: 'CUCUMBER_EXPRESSION' }, sourceReference: { uri: 'steps/x.steps.ts', location: { line } } } }) as Envelope;

test('doc comments: one line, several lines, none', () => {
  const lines = SOURCE.split('\n');
  assert.equal(docCommentAbove(lines, 4), 'boots a pair');
  assert.equal(docCommentAbove(lines, 11), 'checks the pair, over two lines');
  assert.equal(docCommentAbove(lines, 13), null);
});

test('keyword and meaning by source location; a step without a meaning is named with file:line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-catalog-'));
  try {
    writeFileSync(join(dir, 'steps-x.ts'), SOURCE);
    const msgs = [def('a pair {string}', 4), def('the pair {string} is fine', 11)].map((m) => {
      m.stepDefinition!.sourceReference.uri = 'steps-x.ts';
      return m;
    });
    const catalog = catalogFromMessages(msgs, dir);
    assert.deepEqual(catalog.steps.map((s) => [s.keyword, s.pattern, s.meaning]), [
      ['Given', 'a pair {string}', 'boots a pair'],
      ['Then', 'the pair {string} is fine', 'checks the pair, over two lines'],
    ]);
    const bad = def('an undocumented step', 13);
    bad.stepDefinition!.sourceReference.uri = 'steps-x.ts';
    assert.throws(() => catalogFromMessages([bad], dir), (e: Error) => e instanceof CatalogError && /steps-x\.ts:13: step "an undocumented step" has no \/\*\* one-line meaning \*\/ comment/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('this repository: every step cucumber registers is in the catalog with its meaning', async () => {
  const catalog = await loadCatalog();
  assert.ok(catalog.steps.length >= 38);
  assert.deepEqual(catalog.parameterTypes.map((p) => p.name), ['duration', 'percent', 'rate', 'faultKinds']);
  assert.ok(catalog.steps.every((s) => s.meaning.length > 10 && s.uri.startsWith('steps/')));
  assert.match(renderCatalog(catalog), /^- `Given a protected pair \{string\}` — boots a primary\/backup pair/m);
});

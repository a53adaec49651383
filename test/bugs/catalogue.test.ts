import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANTED_BUGS, PLANTED_BUG_NAMES, selectPlantedBug } from '../../src/platform/builtin/bugs.ts';
import { validateOptions } from '../../src/platform/builtin/options.ts';
import { CATEGORIES } from '../../src/check/types.ts';
import { resolvePlatform } from '../../src/harness/platforms.ts';

test('the catalogue: unique kebab-case names, a description, a pattern and a known category each', () => {
  assert.ok(PLANTED_BUGS.length >= 9);
  assert.equal(new Set(PLANTED_BUG_NAMES).size, PLANTED_BUG_NAMES.length);
  for (const b of PLANTED_BUGS) {
    assert.match(b.name, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(b.does.length > 20 && b.pattern.length > 10, b.name);
    assert.ok((CATEGORIES as readonly string[]).includes(b.category), b.name);
  }
});

test('the options carry a known planted bug; an unknown one is refused with the list of names', () => {
  assert.equal(validateOptions({ plantedBug: 'early-release' }).plantedBug, 'early-release');
  assert.equal(validateOptions({}).plantedBug, undefined);
  assert.throws(() => validateOptions({ plantedBug: 'nope' as never }), /option plantedBug = "nope" is not in the catalogue: use one of early-release, ack-before-apply, .*stale-standby/);
  // not part of the step vocabulary: the known-options message does not offer it
  assert.throws(() => validateOptions({ bogus: 1 } as never), (e: Error) => /known options are/.test(e.message) && !/plantedBug/.test(e.message));
});

test('selection: a scenario tag wins over the world parameter, which wins over the environment', () => {
  assert.equal(selectPlantedBug({}), undefined);
  assert.equal(selectPlantedBug({ env: '' }), undefined);
  assert.equal(selectPlantedBug({ env: 'epoch-reset' }), 'epoch-reset');
  assert.equal(selectPlantedBug({ worldParameter: 'fenced-reads', env: 'epoch-reset' }), 'fenced-reads');
  assert.equal(selectPlantedBug({ tags: ['@smoke', '@planted-bug:stale-standby'], worldParameter: 'fenced-reads' }), 'stale-standby');
  assert.throws(() => selectPlantedBug({ tags: ['@planted-bug:typo'] }), /scenario tag @planted-bug:typo: planted bug "typo" is not in the catalogue: use one of early-release/);
  assert.throws(() => selectPlantedBug({ worldParameter: 7 }), /world parameter plantedBug = 7 is not in the catalogue/);
  assert.throws(() => selectPlantedBug({ env: 'x' }), /FTCHAOS_PLANTED_BUG = "x" is not in the catalogue/);
});

test('a planted bug needs the builtin platform', () => {
  assert.equal(typeof resolvePlatform('builtin', 'early-release'), 'function');
  assert.throws(() => resolvePlatform('command:./examples/drivers/builtin.py', 'early-release'), /planted bug "early-release" needs the builtin platform/);
});

/** Platform selection by name or path: what is accepted, and what a wrong name says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePlatform } from '../../src/harness/platforms.ts';
import { parseInitArgs } from '../../src/cli/init.ts';

test('builtin and command:<program> are platforms; anything else says what is allowed', () => {
  assert.equal(typeof resolvePlatform('builtin'), 'function');
  assert.equal(typeof resolvePlatform('command:./examples/drivers/builtin.py'), 'function');
  assert.equal(typeof resolvePlatform('command:./examples/drivers/builtin.py --own replication'), 'function');
  assert.throws(() => resolvePlatform('vmware'), /StepInputError|unknown platform "vmware"; allowed: builtin, or command:<driver program> \[args\]/);
  assert.throws(() => resolvePlatform('command:./no/such.py'), /platform "command:\.\/no\/such\.py": driver program \.\/no\/such\.py does not exist/);
  assert.throws(() => resolvePlatform('command:./README.md'), /is not executable: chmod \+x it, or name its interpreter/);
  assert.throws(() => resolvePlatform('command:'), /names no program/);
});

test('ftchaos init takes a command: platform for a QA repository', async () => {
  assert.equal((await parseInitArgs(['--platform', 'command:./drivers/ours.py'])).platform, 'command:./drivers/ours.py');
  await assert.rejects(parseInitArgs(['--platform', 'vmware']), /unknown platform "vmware"; allowed: builtin, or command:<driver program>/);
});

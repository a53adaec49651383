/**
 * The one file cucumber imports for the step vocabulary: registers the parameter types, the
 * World, the hooks and every step list. The step files themselves stay plain data.
 */
import { defineParameterType, Given, setDefaultTimeout, setWorldConstructor, Then, When } from '@cucumber/cucumber';
import { FtWorld } from './support/world.ts';
import { parameterTypes } from './support/parameter-types.ts';
import { allSteps } from './catalog.ts';
import './support/hooks.ts';

const KEYWORDS = { Given, When, Then };

setWorldConstructor(FtWorld);
// long enough for a pair to boot on a slow machine; waiting steps set their own
setDefaultTimeout(30_000);

for (const p of parameterTypes) {
  defineParameterType({ name: p.name, regexp: p.regexp, transformer: p.transformer, useForSnippets: false });
}
for (const s of allSteps) {
  const define = KEYWORDS[s.keyword];
  if (s.timeoutMs) define(s.pattern, { timeout: s.timeoutMs }, s.fn);
  else define(s.pattern, s.fn);
}

/**
 * The one file cucumber imports for the step vocabulary (`import` in cucumber.json, also for
 * a QA team's own repository): the World, the default timeout, the hooks, the parameter
 * types and every step file, in catalog order. Each step file defines its steps with
 * cucumber's own `Given`/`When`/`Then`, which the editor's language service reads.
 */
import { setDefaultTimeout, setWorldConstructor } from '@cucumber/cucumber';
import { FtWorld } from './support/world.ts';
import './support/hooks.ts';
import './support/parameter-types.ts';
import './pair.steps.ts';
import './register.steps.ts';
import './faults.steps.ts';
import './network.steps.ts';
import './fleet.steps.ts';
import './checks.steps.ts';

setWorldConstructor(FtWorld);
// long enough for a pair to boot on a slow machine; waiting steps set their own
setDefaultTimeout(30_000);

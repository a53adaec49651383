/** Every step list of the vocabulary, in catalog order (registered by register.ts). */
import type { StepDef } from './support/define.ts';
import pairSteps from './pair.steps.ts';
import faultSteps from './faults.steps.ts';
import checkSteps from './checks.steps.ts';
import networkSteps from './network.steps.ts';

export const allSteps: StepDef[] = [...pairSteps, ...faultSteps, ...networkSteps, ...checkSteps];

/**
 * Steps are data first: each step file exports a list of these, `register.ts` hands them to
 * cucumber, and `npm run steps` prints the catalog from the same list (wording + meaning).
 */
import type { FtWorld } from './world.ts';

export type Keyword = 'Given' | 'When' | 'Then';

export interface StepDef {
  keyword: Keyword;
  /** cucumber expression */
  pattern: string;
  /** one line for the catalog */
  meaning: string;
  /** per-step timeout, ms (default: the suite's) */
  timeoutMs?: number;
  // cucumber checks the arity of the function: it must declare exactly its parameters
  // (+1 for a data table), so definitions are plain functions, not wrappers.
  fn: (this: FtWorld, ...args: any[]) => Promise<void>;
}

export interface ParamDef {
  name: string;
  regexp: RegExp;
  meaning: string;
  transformer: (text: string) => unknown;
}

export const step = (keyword: Keyword, pattern: string, meaning: string, fn: StepDef['fn'], timeoutMs?: number): StepDef => ({
  keyword,
  pattern,
  meaning,
  fn,
  ...(timeoutMs ? { timeoutMs } : {}),
});

/** Test helper: run `ftchaos <args>` as a user would, tagged, and list what it left running. */
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { taggedProcesses } from '../support/cucumber-run.ts';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  survivors: number[];
}

export async function runFtchaos(args: string[], timeoutMs = 180_000): Promise<CliRun> {
  const tag = randomUUID();
  const env: Record<string, string | undefined> = { ...process.env, FTCHAOS_TEST_TAG: tag };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  const r = await execa(process.execPath, ['bin/ftchaos.mjs', ...args], { env, extendEnv: false, reject: false, timeout: timeoutMs });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), survivors: taggedProcesses(tag) };
}

/** the checklist line of one item */
export function line(out: string, name: string): string {
  return out.split('\n').find((l) => new RegExp(`^\\S+\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s{2,}`).test(l)) ?? `(no line for ${name} in:\n${out})`;
}

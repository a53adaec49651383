/**
 * Starting a pair for a test: real processes, direct layout (or one given), logs under a
 * temporary directory; after the test everything is stopped and no process may survive.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { BuiltinPlatform, directLayout, type BuiltinPlatformConfig } from '../../src/platform/builtin/index.ts';
import type { PairLayout, PlatformEvent, PlatformOptions } from '../../src/platform/types.ts';
import { awaitGone } from './support.ts';


export async function startPair(
  t: TestContext,
  options: Partial<PlatformOptions> = {},
  extra: { layout?: PairLayout; listen?: (e: PlatformEvent) => void } & Partial<BuiltinPlatformConfig> = {},
): Promise<BuiltinPlatform> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftchaos-platform-'));
  const { listen, ...config } = extra;
  const layout = config.layout ?? (await directLayout());
  const p = new BuiltinPlatform({ layout, options, logDir, ...config });
  if (listen) p.on(listen); // before start: events of the boot are heard too
  t.after(async () => {
    await p.stop();
    const left = await awaitGone(p.allPids);
    assert.deepEqual(left, [], `processes survived the test: ${left.join(', ')}`);
    if (process.env.FTCHAOS_KEEP_LOGS) t.diagnostic(`logs: ${logDir}`);
    else fs.rmSync(logDir, { recursive: true, force: true });
  });
  try {
    await p.start();
  } catch (err) {
    if (!process.env.FTCHAOS_KEEP_LOGS) process.env.FTCHAOS_KEEP_LOGS = '1';
    throw err;
  }
  return p;
}

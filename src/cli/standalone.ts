/**
 * The commands that run one process of the builtin platform (`ftchaos host`, `ftchaos
 * witness`), bundled into dist/entries/standalone.mjs: bin/ftchaos.mjs starts them from that
 * bundle without tsx while the bundles are fresh, so that the hosts an external driver
 * launches start with the CPU of the builtin driver's (`npm run bench:host-start`).
 */
import { command as host } from './host.ts';
import { command as witness } from './witness.ts';
import type { Command } from './main.ts';

export { bundlesUsable } from '../threads/entries.ts';

export const commands: Record<string, Command> = { host, witness };

/**
 * `command:<program> [args]`: which driver program a world parameter names. The program is
 * run directly (a script needs its `#!` line and the executable bit), its path taken relative
 * to the working directory; arguments are separated by spaces (no quoting).
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export const COMMAND_PREFIX = 'command:';

export interface CommandSpec {
  /** as the user wrote it, e.g. command:./examples/drivers/builtin.py */
  display: string;
  /** program and arguments */
  argv: string[];
}

export class DriverSpecError extends Error {}

export function isCommandSpec(name: string): boolean {
  return name.startsWith(COMMAND_PREFIX);
}

export function parseCommandSpec(name: string, cwd = process.cwd()): CommandSpec {
  if (!isCommandSpec(name)) throw new DriverSpecError(`a driver is named "command:<program> [args]", not "${name}"`);
  const argv = name.slice(COMMAND_PREFIX.length).trim().split(/\s+/).filter(Boolean);
  const prog = argv[0];
  if (!prog) throw new DriverSpecError(`"${name}" names no program; write e.g. command:./examples/drivers/builtin.py`);
  if (prog.includes('/')) {
    const abs = path.resolve(cwd, prog);
    let isFile = false;
    try {
      isFile = statSync(abs).isFile();
    } catch {
      throw new DriverSpecError(`driver program ${prog} does not exist (looked for ${abs})`);
    }
    if (!isFile) throw new DriverSpecError(`driver program ${prog} is not a file`);
    try {
      accessSync(abs, constants.X_OK);
    } catch {
      throw new DriverSpecError(`driver program ${prog} is not executable: chmod +x it, or name its interpreter (command:python3 ${prog})`);
    }
    argv[0] = abs;
  }
  return { display: name, argv };
}
